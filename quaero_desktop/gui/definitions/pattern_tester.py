"""The definition editor's pattern tester: paste a URL, see whether the crawl would keep it and why,
and the Markdown it would store for it.

It asks the crawl's own rule (``CrawlScope.explain``: normalisation, same host, the start URL's
folder, default and own exclude patterns, include patterns), built from the form as it is now; the
preview (markdown_preview.py) reads the page with the form's login and content rules.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from quaero_desktop.crawler.scope import CrawlScope
from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.async_tasks import TaskRunner
from quaero_desktop.gui.definitions.form_widgets import OneLineLabel
from quaero_desktop.gui.definitions.markdown_preview import MarkdownPreview, PreviewService
from quaero_desktop.gui.style import status_colour
from quaero_desktop.services.page_preview import PreviewRequest


class PatternTester(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText("Paste a URL to see whether this crawl keeps it")
        self.url_edit.setAccessibleName("Test a URL")
        self.url_edit.setClearButtonEnabled(True)
        # One line, kept while empty and never wrapped (a long verdict is shortened, whole in its
        # tooltip): a verdict that appeared, or grew a line, moved every field below (16–20 px).
        self.result = OneLineLabel(self)
        self._plain = self.result.palette()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.url_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.result)
        self.preview = MarkdownPreview(self)
        layout.addWidget(self.preview)
        self._definition: JobDefinition | None = None
        self.url_edit.textChanged.connect(lambda _text: self._show())

    def set_definition(self, definition: JobDefinition | None) -> None:
        """The form as a valid definition, or None while it is not one."""
        self._definition = definition
        self._show()

    def use_preview(self, service: PreviewService, tasks: TaskRunner) -> None:
        """Show the Markdown a crawl would store for the tested URL, read by ``service`` (in a thread)."""
        self.url_edit.setPlaceholderText("Paste a URL to see whether this crawl keeps it, and what it stores")
        self.preview.use(service, tasks)
        self._show()

    def verdict_text(self) -> str:
        return self.result.text()

    def _show(self) -> None:
        url = self.url_edit.text().strip()
        if not url:
            self.result.clear()
            self.preview.want(None)
            return
        definition = self._definition
        if definition is None:
            self.result.setText("Fix the form's problems first: the test uses the crawl's own scope.")
            self._colour(None)
            self.preview.hold()
        else:
            verdict = CrawlScope.from_definition(definition).explain(url, definition.start_urls)
            shown = f" ({verdict.normalised})" if verdict.normalised and verdict.normalised != url else ""
            if verdict.kept:
                self.result.setText(f"✔ Crawled{shown}: {verdict.reason.removeprefix('kept: ')}")
                self._colour(status_colour(JobStatus.COMPLETED))
            else:
                self.result.setText(f"✘ Left out{shown}: {verdict.reason}")
                self._colour(status_colour(JobStatus.FAILED))
            web_page = _is_web_address(url)
            self.preview.want(PreviewRequest.of(url, definition) if web_page else None, kept=verdict.kept)

    def _colour(self, colour: QColor | None) -> None:
        palette = QPalette(self._plain)
        if colour is not None:
            palette.setColor(QPalette.ColorRole.WindowText, colour)
        self.result.setPalette(palette)


def _is_web_address(url: str) -> bool:
    """Whether the preview can ask for ``url`` (an http(s) address with a host)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a malformed IPv6 host
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
