"""Help → Quaero Desktop Help (F1): a short guide, the search syntax and every keyboard shortcut.

The syntax comes from domain/search_syntax.py (what the parser reads) and the shortcuts from the window's
actions as they are when Help opens (help/shortcuts.py), so neither can drift from the program.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from quaero_desktop.domain.search_syntax import SYNTAX_EXAMPLES
from quaero_desktop.gui.help.shortcuts import ShortcutRow

GUIDE = """
<h3>Crawl a site into your knowledge base</h3>
<ol>
<li><b>Definitions → New</b>: give it a name and the start URL(s), then <b>Save</b>. Every field says
what it does when you hover it; <b>Test a URL</b> shows which pages the crawl would keep.</li>
<li><b>Run</b> it (<i>File → Run definition…</i>, or the Run button): the <b>Jobs</b> view fills in as
pages come; double-click a job to see each page, its log and what it stored.</li>
<li><b>Documents</b>: search everything you crawled (see the <i>Search</i> tab), read a document, or
export documents as Markdown files.</li>
</ol>
<h3>Sites behind a login</h3>
<p><b>Logins → Capture</b> opens a browser window: sign in as you always do, and Quaero keeps the session
in your system's keyring (never in a file). Choose that login in the definition. When the session expires,
Quaero stops storing pages and tells you, rather than storing login forms.</p>
<h3>Schedules and the tray</h3>
<p>Give a definition a schedule (such as <i>every day at 09:00</i>) and Quaero re-crawls it while it runs,
also with the window closed: the tray icon tells you when a crawl finishes or fails. Re-crawls fetch only
what changed.</p>
<h3>Your AI assistant</h3>
<p>Run <code>quaero-desktop mcp</code> as an MCP server in your assistant to let it search and read your
documents. Nothing leaves this computer unless you send it.</p>
<h3>Where your data is</h3>
<p>{data_dir}</p>
"""


class HelpDialog(QDialog):
    def __init__(
        self, data_dir: Path, shortcuts: Callable[[], list[ShortcutRow]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Quaero Desktop Help")
        self.resize(760, 560)
        self.tabs = QTabWidget(self)
        self.guide = QTextBrowser(self)
        self.guide.setOpenExternalLinks(True)
        self.guide.setHtml(GUIDE.format(data_dir=html.escape(str(data_dir))))
        self.syntax = _table(["Type", "Finds"], SYNTAX_EXAMPLES, self)
        self.shortcuts = _table(["Where", "Action", "Keys"], [], self)
        self._shortcuts = shortcuts
        self.tabs.addTab(self.guide, "Getting started")
        self.tabs.addTab(self.syntax, "Search")
        self.tabs.addTab(self.shortcuts, "Keyboard shortcuts")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    def showEvent(self, event: QShowEvent) -> None:
        """The shortcuts as the actions have them now (a setting or a view may have changed them)."""
        rows = self._shortcuts()
        _fill(self.shortcuts, [(row.where, row.what, row.keys) for row in rows])
        super().showEvent(event)

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        self.show()
        self.raise_()
        self.activateWindow()


def _table(headers: list[str], rows: Sequence[tuple[str, ...]], parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    _fill(table, rows)
    return table


def _fill(table: QTableWidget, rows: Sequence[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for row, values in enumerate(rows):
        for column, value in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(value))
    table.resizeRowsToContents()
