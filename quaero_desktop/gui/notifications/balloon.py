"""The fallback: Qt's tray balloon (where the platform's notification service cannot be reached).

A balloon cannot be replaced or kept; one shows at a time, and a click on it opens the job of
the last balloon shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QSystemTrayIcon

from quaero_desktop.gui.notifications.notices import Notice
from quaero_desktop.gui.notifications.notifier import ClickHandler, NotifierUnavailable

SHOW_MS = 10_000
PERSISTENT_SHOW_MS = 60_000


class BalloonNotifier:
    name = "the tray icon's balloon"

    def __init__(self, tray: Callable[[], QSystemTrayIcon], clicked: SignalInstance) -> None:
        """``tray``: the icon shown now (a new one is made when a tray appears late); ``clicked``:
        emitted when a balloon of any of them is clicked."""
        self._tray = tray
        self._handler: ClickHandler | None = None
        self._last_key: str | None = None
        clicked.connect(self._clicked)

    def on_clicked(self, handler: ClickHandler) -> None:
        self._handler = handler

    async def show(self, notice: Notice) -> None:
        tray = self._tray()
        if not tray.isVisible() or not tray.supportsMessages():
            raise NotifierUnavailable("the tray icon cannot show messages")
        icon = QSystemTrayIcon.MessageIcon.Warning if notice.persistent else QSystemTrayIcon.MessageIcon.Information
        self._last_key = notice.key
        tray.showMessage(notice.title, notice.body, icon, PERSISTENT_SHOW_MS if notice.persistent else SHOW_MS)

    async def close(self) -> None:
        return None

    def _clicked(self) -> None:
        if self._last_key is not None and self._handler is not None:
            self._handler(self._last_key)
