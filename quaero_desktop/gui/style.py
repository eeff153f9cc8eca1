"""Look and feel: Fusion with a light or dark palette that follows the system, status colours and icons."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.wheel_focus import FocusedWheelStyle

_STATUS_COLOURS = {
    JobStatus.PENDING: ("#8a8f98", "#9aa0aa"),
    JobStatus.RUNNING: ("#1f6fd1", "#5ea2ff"),
    JobStatus.COMPLETED: ("#1e8e3e", "#4cc26a"),
    JobStatus.FAILED: ("#c5221f", "#ff6b62"),
    JobStatus.CANCELLED: ("#b06000", "#f0a040"),
    JobStatus.INTERRUPTED: ("#8e44ad", "#c38be0"),
    JobStatus.PAUSED: ("#4f6d8a", "#9db8d3"),
}


def is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication) -> None:
    """Fusion, with the palette following the system's light or dark setting (and its changes);
    combo boxes and spin boxes take the mouse wheel only when focused (gui/wheel_focus.py)."""
    app.setStyle(FocusedWheelStyle("Fusion"))
    _apply_palette(app)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: _apply_palette(app))


def _apply_palette(app: QApplication) -> None:
    if not is_dark():
        app.setPalette(app.style().standardPalette())
        return
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202124",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181b",
        QPalette.ColorRole.AlternateBase: "#26272b",
        QPalette.ColorRole.ToolTipBase: "#303134",
        QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#2d2e31",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.Highlight: "#3b78d8",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6f7378"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6f7378"))
    app.setPalette(palette)


def status_colour(status: JobStatus | str) -> QColor:
    light, dark = _STATUS_COLOURS.get(JobStatus(status), ("#8a8f98", "#9aa0aa"))
    return QColor(dark if is_dark() else light)


@cache
def _dot(colour_name: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour_name))
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    painter.end()
    return QIcon(pixmap)


def status_icon(status: JobStatus | str) -> QIcon:
    return _dot(status_colour(status).name())


def app_icon() -> QIcon:
    """The application icon (resources/icons, shipped inside the package)."""
    from importlib.resources import files

    icon = QIcon()
    folder = files("quaero_desktop.gui") / "icons"
    for size in (16, 32, 64, 128, 256):
        path = folder / f"quaero-{size}.png"
        if path.is_file():
            icon.addFile(str(path))
    return icon
