"""The selected document: its title, URL and crawl time above its Markdown, rendered.

Links are never followed inside the preview: ``linkActivated`` hands them (made absolute
against the document's URL) to the panel, which opens them in the system browser. The
preview loads no resources (images, style sheets), neither from the web nor from disk.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QRegularExpression, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QPalette,
    QResizeEvent,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QTextBrowser, QTextEdit, QVBoxLayout, QWidget

from quaero_desktop.domain.document import Document
from quaero_desktop.domain.search_syntax import parse_query
from quaero_desktop.gui.documents.results_view import highlight_format
from quaero_desktop.gui.style import is_dark

PREVIEW_PLACEHOLDER = "Select a document to read it here"
PREVIEW_LIMIT = 300_000  # characters rendered (layout runs on the GUI thread); Open original shows all


class PreviewBrowser(QTextBrowser):
    """A QTextBrowser that follows no link and fetches nothing a page refers to."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setPlaceholderText(PREVIEW_PLACEHOLDER)

    def loadResource(self, kind: int, name: QUrl | str) -> None:
        return None  # an empty resource: nothing is fetched


class ElidedLinkLabel(QLabel):
    """A one-line link that shortens itself (…) to the width it has, with the full URL as tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._url = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setOpenExternalLinks(False)

    @property
    def url(self) -> str:
        return self._url

    def set_url(self, url: str) -> None:
        self._url = url
        self.setToolTip(url)
        self._render()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._render()

    def _render(self) -> None:
        shown = self.fontMetrics().elidedText(self._url, Qt.TextElideMode.ElideMiddle, max(self.width() - 4, 40))
        self.setText(f'<a href="{html.escape(self._url, quote=True)}">{html.escape(shown)}</a>' if self._url else "")


class DocumentPreview(QWidget):
    linkActivated = Signal(str)  # an absolute URL the user clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document: Document | None = None
        self.title_label = QLabel(self)
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.url_label = ElidedLinkLabel(self)
        self.url_label.linkActivated.connect(lambda _link: self.linkActivated.emit(self.url_label.url))
        self.meta_label = QLabel(self)
        muted = self.meta_label.palette()
        muted.setColor(QPalette.ColorRole.WindowText, muted.color(QPalette.ColorRole.PlaceholderText))
        self.meta_label.setPalette(muted)
        self.meta_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        self.browser = PreviewBrowser(self)
        self.browser.anchorClicked.connect(self._on_anchor)

        header = QWidget(self)
        header_layout = QVBoxLayout(header)
        header_layout.setContentsMargins(12, 10, 12, 6)
        header_layout.setSpacing(3)
        for widget in (self.title_label, self.url_label, self.meta_label):
            header_layout.addWidget(widget)
        self.header = header
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(line)
        layout.addWidget(self.browser, 1)
        self.browser.document().setDocumentMargin(12)
        self.clear()

    @property
    def document_id(self) -> int | None:
        return self._document.id if self._document is not None else None

    @property
    def shown(self) -> Document | None:
        return self._document

    def clear(self, placeholder: str = PREVIEW_PLACEHOLDER) -> None:
        self._document = None
        self.header.hide()
        self.browser.clear()
        self.browser.setPlaceholderText(placeholder)

    def show_document(self, document: Document, query: str = "") -> None:
        """Render ``document``'s Markdown and mark the words of ``query`` in it."""
        self._document = document
        self.title_label.setText(document.title.strip() or document.url)
        self.url_label.set_url(document.url)
        crawled = document.last_crawled_at.astimezone().strftime("%Y-%m-%d %H:%M")
        self.meta_label.setText(f"Crawled {crawled} · {document.chars:,} characters")
        self.header.show()
        self.browser.document().setBaseUrl(QUrl(document.url))
        markdown = document.markdown
        if len(markdown) > PREVIEW_LIMIT:
            cut = markdown.rfind("\n\n", 0, PREVIEW_LIMIT)
            markdown = markdown[: cut if cut > 0 else PREVIEW_LIMIT] + (
                f"\n\n---\n\n*The preview shows the first {PREVIEW_LIMIT:,} of {len(document.markdown):,} characters; "
                "export the document or open the original for the rest.*\n"
            )
        self.browser.document().setMarkdown(markdown, QTextDocument.MarkdownFeature.MarkdownDialectGitHub)
        polish(self.browser.document())
        self.browser.moveCursor(QTextCursor.MoveOperation.Start)
        self.mark_words(query)

    def mark_words(self, query: str) -> int:
        """Highlight the query's words as the search matched them; scroll to the first. Returns how many."""
        pattern = word_pattern(query)
        if pattern is None:
            self.browser.setExtraSelections([])
            return 0
        document = self.browser.document()
        selections: list[QTextEdit.ExtraSelection] = []
        marked = highlight_format()
        cursor = document.find(pattern, 0)
        while not cursor.isNull() and len(selections) < 500:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = marked
            selections.append(selection)
            cursor = document.find(pattern, cursor)
        self.browser.setExtraSelections(selections)
        if selections:
            first = QTextCursor(selections[0].cursor)
            first.clearSelection()
            self.browser.setTextCursor(first)
            self.browser.ensureCursorVisible()
        return len(selections)

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() == "" and url.path() == "" and url.hasFragment():
            self.browser.scrollToAnchor(url.fragment())
            return
        base = QUrl(self._document.url) if self._document is not None else QUrl()
        self.linkActivated.emit(base.resolved(url).toString())


def word_pattern(query: str) -> QRegularExpression | None:
    """The words the search matched, as the search box reads them (``domain/search_syntax.py``): a
    prefix (``sign*``, or the word still being typed) with any ending, the others as whole words,
    plurals included. Excluded words and ``site:``/``source:`` values are not marked."""
    parts = []
    for term in parse_query(query, as_you_type=True).positive_terms():
        for position, word in enumerate(term.words):
            if term.prefix and position == len(term.words) - 1:
                parts.append(QRegularExpression.escape(word) + r"\w*")
            else:
                parts.append(QRegularExpression.escape(word) + r"(?:s|es)?\b")
    if not parts:
        return None
    options = (
        QRegularExpression.PatternOption.CaseInsensitiveOption
        | QRegularExpression.PatternOption.UseUnicodePropertiesOption
    )
    return QRegularExpression(r"\b(?:" + "|".join(dict.fromkeys(parts)) + ")", options)


def polish(document: QTextDocument) -> None:
    """Room above headings, a tinted background behind code, a little more line height for reading."""
    code_background = QColor("#2a2b2f" if is_dark() else "#f2f3f5")
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    block = document.begin()
    while block.isValid():
        block_format = block.blockFormat()
        level = block_format.headingLevel()
        if level:
            block_format.setTopMargin(0 if block.blockNumber() == 0 else max(18 - 2 * level, 8))
            block_format.setBottomMargin(6)
        elif block_format.hasProperty(QTextFormat.Property.BlockCodeFence):
            block_format.setBackground(code_background)
        else:
            block_format.setLineHeight(125, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        cursor.setPosition(block.position())
        cursor.setBlockFormat(block_format)
        block = block.next()
    cursor.endEditBlock()
