"""Paints a job's progress cell: a light bar (finished / total pages) under the progress text.

Drawn by hand rather than as a style's progress bar so the text stays readable over any
fill: the fill is a pale tint of the highlight colour and the text keeps the view's colour.
Text wider than the cell is cut at its end with "…" (the tooltip has all of it): centred and
clipped, it lost both ends.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from quaero_desktop.gui.jobs.jobs_model import PROGRESS_ROLE

TRACK_INSET = 4  # the bar's margin inside the cell
TEXT_PADDING = 6  # the text's margin inside the bar


def text_area(cell: QRect) -> QRectF:
    """Where a cell's progress text is drawn."""
    return QRectF(cell.adjusted(TRACK_INSET, TRACK_INSET, -TRACK_INSET, -TRACK_INSET)).adjusted(
        TEXT_PADDING, 0, -TEXT_PADDING, 0
    )


def shown_text(text: str, metrics: QFontMetrics, area: QRectF) -> str:
    """The text as drawn in ``area``: whole, or cut at the end with "…"."""
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(area.width()))


class ProgressDelegate(QStyledItemDelegate):
    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        progress = index.data(PROGRESS_ROLE)
        if progress is None:
            super().paint(painter, option, index)
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            painter.fillRect(option.rect, palette.highlight())
        track = QRectF(option.rect.adjusted(TRACK_INSET, TRACK_INSET, -TRACK_INSET, -TRACK_INSET))
        base = palette.color(QPalette.ColorRole.Base)
        accent = QColor(palette.color(QPalette.ColorRole.Highlight))
        painter.setPen(QColor(accent.red(), accent.green(), accent.blue(), 110))
        painter.setBrush(base)
        painter.drawRoundedRect(track, 4, 4)
        if progress.total:
            fill = QRectF(track)
            fill.setWidth(track.width() * progress.finished / progress.total)
            accent.setAlpha(70)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(accent)
            painter.drawRoundedRect(fill, 4, 4)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        area = text_area(option.rect)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or progress.text)
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter, shown_text(text, option.fontMetrics, area))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(max(size.width(), 300), max(size.height(), 24))
