"""The platform's notifiers in the order to try them: its own service first, Qt's tray balloon last.

``FallbackNotifier`` moves to the next one when a service is missing. The implementations import
only the interface (``notifier.py``); this module picks among them. Why these: docs/architecture.md,
"Notifications".
"""

from __future__ import annotations

import logging
import sys

from quaero_desktop.gui.notifications.notices import Notice
from quaero_desktop.gui.notifications.notifier import ClickHandler, Notifier, NotifierUnavailable

log = logging.getLogger(__name__)


class FallbackNotifier:
    """The first notifier that works; one that fails is left for the rest of the session."""

    def __init__(self, notifiers: list[Notifier]) -> None:
        self._notifiers = notifiers
        self._handler: ClickHandler | None = None

    @property
    def name(self) -> str:
        return self._notifiers[0].name if self._notifiers else "none"

    def on_clicked(self, handler: ClickHandler) -> None:
        for notifier in self._notifiers:
            notifier.on_clicked(handler)

    async def show(self, notice: Notice) -> None:
        while self._notifiers:
            try:
                await self._notifiers[0].show(notice)
                return
            except NotifierUnavailable as exc:
                failed = self._notifiers.pop(0)
                # Common and harmless (a desktop without a notification server): said in the -v log only.
                log.info("notifications through %s are not available (%s)", failed.name, exc)
                await failed.close()
        raise NotifierUnavailable("no way to show notifications here")

    async def close(self) -> None:
        for notifier in self._notifiers:
            await notifier.close()


def platform_notifiers(app_name: str, icon_path: str, balloon: Notifier | None) -> Notifier:
    """The platform's own service first, Qt's tray balloon (when there is a tray) as the fallback."""
    chain: list[Notifier] = []
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        from quaero_desktop.gui.notifications.freedesktop import FreedesktopNotifier

        chain.append(FreedesktopNotifier(app_name, icon_path))
    elif sys.platform in ("darwin", "win32"):
        from quaero_desktop.gui.notifications.native import NativeNotifier

        chain.append(NativeNotifier(app_name, icon_path))
    if balloon is not None:
        chain.append(balloon)
    return FallbackNotifier(chain)
