"""The tray icon's three images: the app icon (resources/icons), with a badge for crawling or failure."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from quaero_desktop.gui.style import app_icon
from quaero_desktop.gui.tray.tray_status import TrayState

SIZES = (16, 22, 24, 32, 48, 64)
CRAWLING_COLOUR = "#1a73e8"
FAILURE_COLOUR = "#d93025"


@cache
def tray_icon(state: TrayState) -> QIcon:
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(_draw(state, size))
    return icon


def _draw(state: TrayState, size: int) -> QPixmap:
    pixmap = app_icon().pixmap(size, size)
    if state == TrayState.IDLE:
        return pixmap
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    badge = size * 0.55
    rect = QRectF(size - badge, size - badge, badge, badge).adjusted(0.5, 0.5, -0.5, -0.5)
    painter.setPen(QPen(QColor("white"), max(1.0, size / 16)))
    painter.setBrush(QColor(FAILURE_COLOUR if state == TrayState.FAILURE else CRAWLING_COLOUR))
    painter.drawEllipse(rect)
    pen = QPen(QColor("white"), max(1.2, size / 12))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    centre = rect.center()
    half = rect.width() * 0.24
    if state == TrayState.FAILURE:  # "!"
        painter.drawLine(QPointF(centre.x(), centre.y() - half), QPointF(centre.x(), centre.y() + half * 0.3))
        painter.drawPoint(QPointF(centre.x(), centre.y() + half * 0.9))
    else:  # a downward arrow: fetching
        painter.drawLine(QPointF(centre.x(), centre.y() - half), QPointF(centre.x(), centre.y() + half))
        painter.drawLine(
            QPointF(centre.x() - half * 0.7, centre.y() + half * 0.3), QPointF(centre.x(), centre.y() + half)
        )
        painter.drawLine(
            QPointF(centre.x() + half * 0.7, centre.y() + half * 0.3), QPointF(centre.x(), centre.y() + half)
        )
    painter.end()
    return pixmap
