"""The pattern tester's preview: the Markdown a crawl of the form's definition would store for the tested URL.

The page is read and converted by the preview service (services/page_preview.py, given with ``use``;
without one, e.g. an editor built alone, there is no preview) in a thread: never on the GUI's. Every change of the
URL or of the form asks again, debounced (``DEBOUNCE_MS``); a change that does not alter what the page
would look like (the name, the limits...) asks nothing. Only the latest answer is shown: one that comes
back after the form changed again is dropped. Changing the content rules converts the page the service
read last again, without asking the site.

Its whole height is taken as soon as a web address is typed (the heading's one line, then the Markdown,
its notes or why there is none in a box of fixed height): an answer arriving a moment later, while the
user moved on to another field, moved every field below by the Markdown's height (~200 px).
"""

from __future__ import annotations

import logging
from typing import Final, Protocol

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QStackedWidget, QVBoxLayout, QWidget

from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.gui.async_tasks import TaskRunner, in_thread
from quaero_desktop.gui.definitions.form_widgets import problem_colour, quiet_one_line
from quaero_desktop.services.page_preview import PagePreview, PreviewRequest

log = logging.getLogger(__name__)


class PreviewService(Protocol):
    def preview(self, request: PreviewRequest) -> PagePreview:
        """Blocks (the network, the conversion): called in a thread."""
        ...


DEBOUNCE_MS: Final = 400
PREVIEW_LINES: Final = 14
KEPT_TEXT: Final = "The Markdown a crawl stores for this page, with the content rules below:"
LEFT_OUT_TEXT: Final = "Not crawled (see above); were it, a crawl would store this Markdown:"
EMPTY_TEXT: Final = "(no text: a crawl would store an empty document)"
HELD_TEXT: Final = "Fix the form's problems first: shown as with its last valid content rules."


class MarkdownPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = quiet_one_line(self)  # a long address is shortened (whole in the tooltip)
        self.body = QStackedWidget(self)  # the Markdown (and its notes), or why there is none
        self.markdown_page = QWidget(self.body)
        self.notes = QLabel(self.markdown_page)
        self.notes.setWordWrap(True)
        self.notes.hide()
        self.text = QPlainTextEdit(self.markdown_page)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Markdown a crawl would store")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        page = QVBoxLayout(self.markdown_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(2)
        page.addWidget(self.notes)
        page.addWidget(self.text, 1)  # notes, when there are any, take their lines from the text's
        self.error = QLabel(self.body)
        self.error.setWordWrap(True)
        self.error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.error.setStyleSheet(f"color: {problem_colour().name()};")
        self.body.addWidget(self.markdown_page)
        self.body.addWidget(self.error)
        lines = self.text.fontMetrics().lineSpacing() * PREVIEW_LINES
        self.body.setFixedHeight(lines + 2 * self.text.frameWidth() + 8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.heading)
        layout.addWidget(self.body)
        self.hide()
        self._service: PreviewService | None = None
        self._tasks: TaskRunner | None = None
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._ask)
        self._wanted: PreviewRequest | None = None  # what the form asks for now
        self._asked: PreviewRequest | None = None  # what was last asked of the service (shown, or on its way)
        self._kept = True
        self._answers = 0  # counts the questions asked: an answer to an older one is dropped
        self.busy = False

    def use(self, service: PreviewService, tasks: TaskRunner) -> None:
        """Preview with ``service`` (called in a thread); ``tasks`` keeps its tasks."""
        self._service, self._tasks = service, tasks

    @property
    def available(self) -> bool:
        return self._service is not None

    def want(self, request: PreviewRequest | None, *, kept: bool = True) -> None:
        """Preview ``request`` (None: no URL to preview: hidden); ``kept``: whether the crawl would keep the URL."""
        if self._service is None:
            return
        self._kept = kept
        if request is None:
            self._timer.stop()
            self._wanted = self._asked = None
            self._answers += 1
            self.busy = False
            self.hide()
            return
        self._wanted = request
        self.show()
        if request == self._asked:  # nothing that changes the page changed (the name, a limit...)
            self._timer.stop()
            if not self.busy:
                self._show_heading()
            return
        if self._asked is None or request.fetch_key() != self._asked.fetch_key():
            self.heading.setText(f"Reading {request.url} …")
            self.text.clear()  # the box stays, empty until this page's Markdown comes
            self.notes.hide()
            self.body.setCurrentWidget(self.markdown_page)
        else:
            self.heading.setText("Converting again with the new content rules…")
        self.busy = True
        self._timer.start()

    def hold(self) -> None:
        """The form is not valid now: keep what is shown (asked with its last valid rules), say so."""
        if self._service is None or self._wanted is None:
            return
        self._timer.stop()
        self._wanted = None
        if not self.busy:
            self.heading.setText(HELD_TEXT)

    def markdown_text(self) -> str:
        """The Markdown shown ("" while none is)."""
        return self.text.toPlainText() if self.body.currentWidget() is self.markdown_page else ""

    def error_text(self) -> str:
        return self.error.text() if self.body.currentWidget() is self.error else ""

    def notes_text(self) -> str:
        return self.notes.text() if self.notes.isVisibleTo(self) else ""

    def _ask(self) -> None:
        request, service, tasks = self._wanted, self._service, self._tasks
        if request is None or service is None or tasks is None:
            return
        self._asked = request
        self._answers += 1
        tasks.start(self._answer(service, request, self._answers), what="Previewing the page")

    async def _answer(self, service: PreviewService, request: PreviewRequest, number: int) -> None:
        try:
            preview: PagePreview | str = await in_thread(service.preview, request)
        except QuaeroError as exc:
            preview = str(exc)
        except Exception as exc:  # a bug, or a page no parser expected: said here, never a dialog per keystroke
            log.exception("previewing %s failed", request.url)
            preview = f"could not read the page ({type(exc).__name__}: {exc})"
        if number != self._answers:
            return  # the form changed meanwhile: a newer question is on its way
        self.busy = False
        if isinstance(preview, str):
            self.heading.setText(f"No preview of {request.url}:")
            self.error.setText(preview[:1].upper() + preview[1:])
            self.error.setToolTip(self.error.text())  # a long one is cut at the box's bottom
            self.text.clear()
            self.body.setCurrentWidget(self.error)
            return
        self.notes.setText("\n".join(preview.notes))
        self.notes.setVisible(bool(preview.notes))
        self.text.setPlainText(preview.markdown or EMPTY_TEXT)
        self.body.setCurrentWidget(self.markdown_page)
        self._show_heading()

    def _show_heading(self) -> None:
        if self.body.currentWidget() is self.error:
            return
        self.heading.setText(KEPT_TEXT if self._kept else LEFT_OUT_TEXT)
