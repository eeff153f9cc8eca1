"""The definition editor's pattern tester: paste a URL, see whether the crawl would keep it and why.

It asks the crawl's own rule (``CrawlScope.explain``: normalisation, same host, the start URL's
folder, default and own exclude patterns, include patterns), built from the form as it is now.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from quaero_desktop.crawler.scope import CrawlScope
from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.style import status_colour


class PatternTester(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText("Paste a URL to see whether this crawl keeps it")
        self.url_edit.setAccessibleName("Test a URL")
        self.url_edit.setClearButtonEnabled(True)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.result.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.url_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.result)
        self._definition: JobDefinition | None = None
        self.url_edit.textChanged.connect(lambda _text: self._show())

    def set_definition(self, definition: JobDefinition | None) -> None:
        """The form as a valid definition, or None while it is not one."""
        self._definition = definition
        self._show()

    def verdict_text(self) -> str:
        return self.result.text() if self.result.isVisibleTo(self) else ""

    def _show(self) -> None:
        url = self.url_edit.text().strip()
        if not url:
            self.result.hide()
            return
        definition = self._definition
        if definition is None:
            self.result.setText("Fix the form's problems first: the test uses the crawl's own scope.")
            self.result.setStyleSheet("")
        else:
            verdict = CrawlScope.from_definition(definition).explain(url, definition.start_urls)
            shown = f" ({verdict.normalised})" if verdict.normalised and verdict.normalised != url else ""
            if verdict.kept:
                self.result.setText(f"✔ Crawled{shown}: {verdict.reason.removeprefix('kept: ')}")
                self.result.setStyleSheet(f"color: {status_colour(JobStatus.COMPLETED).name()};")
            else:
                self.result.setText(f"✘ Left out{shown}: {verdict.reason}")
                self.result.setStyleSheet(f"color: {status_colour(JobStatus.FAILED).name()};")
        self.result.show()
