"""How a result looks: title (bold), URL (muted) and the snippet with the matched words marked.

The snippet is laid out as plain text with ``QTextLayout`` and the marked ranges formatted;
it is never parsed as HTML, so a page's text cannot inject markup into the list.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from quaero_desktop.gui.documents.results_model import ROW_ROLE, SNIPPET_ROLE, ResultRow
from quaero_desktop.gui.style import is_dark

PADDING = 8
SNIPPET_LINES = 2


def _muted(palette: QPalette, selected: bool) -> QColor:
    if selected:
        return palette.color(QPalette.ColorRole.HighlightedText)
    return palette.color(QPalette.ColorRole.PlaceholderText)


def _meta_text(row: ResultRow) -> str:
    parts = ["Gone (404/410 at the last crawl)"] if row.gone else []
    if row.updated_at is not None:
        parts.append("Updated " + row.updated_at.astimezone().strftime("%Y-%m-%d %H:%M"))
    if row.chars is not None:
        parts.append(f"{row.chars:,} characters")
    return " · ".join(parts)


class ResultDelegate(QStyledItemDelegate):
    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        title = QFont(option.font)
        title.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(max(option.font.pointSizeF() * 0.9, 7.0))
        return title, small, QFont(option.font)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        title, small, body = self._fonts(option)
        searching = bool(getattr(index.model(), "searching", False))  # every row of a list has the same height
        body_lines = SNIPPET_LINES if searching else 1
        body_font = body if searching else small
        height = (
            PADDING
            + QFontMetrics(title).lineSpacing()
            + 2
            + QFontMetrics(small).lineSpacing()
            + 4
            + body_lines * QFontMetrics(body_font).lineSpacing()
            + PADDING
        )
        return QSize(320, height)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        row: ResultRow | None = index.data(ROW_ROLE)
        if row is None:
            super().paint(painter, option, index)
            return
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        background.text = ""
        widget = option.widget
        if widget is not None:
            widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        title_font, small_font, body_font = self._fonts(option)
        area = option.rect.adjusted(PADDING + 2, PADDING, -PADDING, -PADDING)
        width = area.width()
        y = area.top()

        painter.save()
        painter.setClipRect(option.rect)
        metrics = QFontMetrics(title_font)
        painter.setFont(title_font)
        painter.setPen(text_colour)
        painter.drawText(
            area.left(), y + metrics.ascent(), metrics.elidedText(row.display_title, Qt.TextElideMode.ElideRight, width)
        )
        y += metrics.lineSpacing() + 2

        metrics = QFontMetrics(small_font)
        painter.setFont(small_font)
        painter.setPen(_muted(palette, selected))
        painter.drawText(
            area.left(), y + metrics.ascent(), metrics.elidedText(row.url, Qt.TextElideMode.ElideMiddle, width)
        )
        y += metrics.lineSpacing() + 4

        if row.snippet:
            text, ranges = index.data(SNIPPET_ROLE)
            painter.setPen(text_colour)
            _draw_snippet(painter, QRect(area.left(), y, width, area.bottom() - y), text, ranges, body_font)
        else:
            meta = _meta_text(row)
            painter.drawText(
                area.left(), y + metrics.ascent(), metrics.elidedText(meta, Qt.TextElideMode.ElideRight, width)
            )
        painter.restore()


def highlight_format() -> QTextCharFormat:
    """How a matched word stands out (readable on a selected row too)."""
    marked = QTextCharFormat()
    marked.setFontWeight(QFont.Weight.Bold)
    marked.setBackground(QColor("#7a5d00" if is_dark() else "#ffe38a"))
    marked.setForeground(QColor("#ffffff" if is_dark() else "#000000"))
    return marked


def _layout(text: str, ranges: list[tuple[int, int]], font: QFont, width: int) -> tuple[QTextLayout, int]:
    """Lay out at most SNIPPET_LINES lines; returns the layout and where its text stops."""
    layout = QTextLayout(text, font)
    marked = highlight_format()
    formats = []
    for start, length in ranges:
        if start < len(text):
            span = QTextLayout.FormatRange()
            span.start, span.length, span.format = start, min(length, len(text) - start), marked
            formats.append(span)
    layout.setFormats(formats)
    wrap = QTextOption()
    wrap.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(wrap)
    layout.beginLayout()
    top = 0.0
    end = 0
    for _ in range(SNIPPET_LINES):
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, top))
        top += line.height()
        end = line.textStart() + line.textLength()
    layout.endLayout()
    return layout, end


def _draw_snippet(painter: QPainter, rect: QRect, text: str, ranges: list[tuple[int, int]], font: QFont) -> None:
    layout, end = _layout(text, ranges, font, rect.width())
    if end < len(text):  # more than fits: end the last line with an ellipsis instead
        shortened = text[: max(end - 2, 0)].rstrip() + "…"
        layout, _ = _layout(shortened, ranges, font, rect.width())
    painter.setFont(font)
    layout.draw(painter, QPointF(rect.left(), rect.top()))


class ResultsView(QListView):
    """The result list, with a text in the middle that says what to do when it is empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = ""
        self.setItemDelegate(ResultDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setUniformItemSizes(True)  # every row of one list has the same height: fast with many rows
        self.setAlternatingRowColors(True)
        self.setMouseTracking(True)

    @property
    def placeholder_text(self) -> str:
        return self._placeholder

    def set_placeholder_text(self, text: str) -> None:
        self._placeholder = text
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        # None until setModel() (PySide6's stub declares it never None).
        model: QAbstractItemModel | None = self.model()
        if self._placeholder and model is not None and model.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(self.viewport().rect().adjusted(24, 24, -24, -24), int(flags), self._placeholder)
            painter.end()
