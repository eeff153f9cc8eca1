"""Settings → AI assistants (MCP): the snippet an assistant's settings take, and whether it may crawl.

The snippet is the one ``quaero-desktop mcp --print-config`` prints, for this installation and
this data directory.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from quaero_desktop.mcp_server.client_config import CLIENTS, ClientKind, client_config_text


class AssistantsGroup(QGroupBox):
    def __init__(self, data_dir: Path, allow_crawl: bool, parent: QWidget | None = None) -> None:
        super().__init__("AI assistants (MCP)", parent)
        self._data_dir = data_dir
        self.client_combo = QComboBox(self)
        for key, label in CLIENTS.items():
            self.client_combo.addItem(label, key)
        self.snippet_edit = QPlainTextEdit(self)
        self.snippet_edit.setReadOnly(True)
        self.snippet_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.snippet_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        lines = self.snippet().count("\n") + 1
        self.snippet_edit.setFixedHeight(self.snippet_edit.fontMetrics().lineSpacing() * lines + 16)
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setToolTip("Copy the snippet, then paste it into the assistant's MCP settings")
        self.copy_button.clicked.connect(self.copy_snippet)
        self.allow_crawl_check = QCheckBox("Assistants may start crawls", self)
        self.allow_crawl_check.setToolTip(
            "Adds a start_crawl tool: an assistant can crawl a stored definition again (restart the assistant to apply)"
        )
        self.allow_crawl_check.setChecked(allow_crawl)
        # Two explicit lines: a word-wrapped label's height is left out of the dialog's minimum size.
        hint = QLabel(
            "AI assistants can search and read the knowledge base: add this to their MCP settings<br>"
            "(Claude Desktop: Settings → Developer → Edit Config; VS Code: .vscode/mcp.json).",
            self,
        )
        top = QHBoxLayout()
        top.addWidget(self.client_combo, 1)
        top.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(top)
        layout.addWidget(self.snippet_edit)
        layout.addWidget(self.allow_crawl_check)
        self.client_combo.currentIndexChanged.connect(lambda _index: self._show_snippet())
        self._show_snippet()

    @property
    def client(self) -> ClientKind:
        kind: ClientKind = self.client_combo.currentData()
        return kind

    def snippet(self) -> str:
        return client_config_text(self._data_dir, self.client)

    def copy_snippet(self) -> None:
        QGuiApplication.clipboard().setText(self.snippet())

    def _show_snippet(self) -> None:
        self.snippet_edit.setPlainText(self.snippet())
