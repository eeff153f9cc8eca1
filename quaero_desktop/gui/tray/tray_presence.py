"""Whether a system tray shows now, watched while there is none.

At login the panel (the tray host) and autostart programs start together, so Quaero may start
before any tray exists. Qt embeds a shown ``QSystemTrayIcon`` by itself once an XEmbed tray
appears, but not in a StatusNotifier tray (D-Bus) that starts after the icon was made: when a
tray appears the desktop app makes the icon again (``TrayIcon.renew``). A ``--minimized`` start
with no tray yet shows its window after a short wait, and closing the window asks "no system
tray?" only when there is none.
``QSystemTrayIcon.isSystemTrayAvailable()`` is one quick round trip to the X server (or the
StatusNotifier watcher on D-Bus), so it is asked every few seconds while no tray is found, less
often after a while, and never while one is there; ``check()`` asks afresh when it matters.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QSystemTrayIcon

SOON_MS = 2_000  # while a panel may still be starting
LATER_MS = 15_000  # a desktop that may never show a tray, or a panel started by hand much later
SOON_FOR_MS = 120_000


def platform_tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


class TrayPresence(QObject):
    """``available`` now; ``appeared`` when a tray shows up after none was there."""

    appeared = Signal()

    def __init__(self, probe: Callable[[], bool] = platform_tray_available, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._probe = probe
        self._waited_ms = 0
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._poll)
        self.available = probe()
        if not self.available:
            self._timer.start(SOON_MS)

    def check(self) -> bool:
        """Ask the platform now (e.g. when the window is closed); watch again if the tray went away."""
        was = self.available
        self.available = self._probe()
        if self.available and not was:
            self._timer.stop()
            self.appeared.emit()
        elif was and not self.available:
            self._waited_ms = 0
            self._timer.start(SOON_MS)
        return self.available

    def stop(self) -> None:
        self._timer.stop()

    def _poll(self) -> None:
        if self.check():
            return
        self._waited_ms += self._timer.interval()
        self._timer.start(SOON_MS if self._waited_ms < SOON_FOR_MS else LATER_MS)
