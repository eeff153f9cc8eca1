"""Where the main window opens: a size that fits the screen, and a saved place only where it still fits.

The window's preferred size is 1280×800, but on a 1366×768 laptop (or 1280×800 with a panel)
that puts the status bar, where confirmations appear, below the screen's edge. The first size
is fitted to the screen's available area (less its panels), leaving room for the title bar and
frame, which the window system adds outside that size. A geometry saved on other screens (a
larger monitor since unplugged) is restored only if it lies on one of today's screens as it is;
otherwise the window opens as on a first start.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QRect, QSize

PREFERRED_SIZE = QSize(1280, 800)
WIDTH_SHARE = 0.95  # of the available width, at most: a little margin on each side
HEIGHT_SHARE = 0.9  # of the available height, at most: room for the title bar and frame above and below


def first_geometry(available: QRect, preferred: QSize = PREFERRED_SIZE) -> QRect:
    """The window's inner rectangle on a first start: ``preferred``, shrunk to fit, centred on ``available``."""
    size = QSize(
        min(preferred.width(), int(available.width() * WIDTH_SHARE)),
        min(preferred.height(), int(available.height() * HEIGHT_SHARE)),
    )
    placed = QRect(0, 0, size.width(), size.height())
    placed.moveCenter(available.center())
    return placed


def fits_a_screen(frame: QRect, available_areas: Iterable[QRect]) -> bool:
    """Whether a window with this outer rectangle lies wholly on one screen's available area."""
    return frame.isValid() and any(area.contains(frame) for area in available_areas)
