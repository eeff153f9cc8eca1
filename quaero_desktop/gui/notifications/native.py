"""Notices in the macOS and Windows notification centres, through desktop-notifier.

desktop-notifier cannot replace a notification in place, so a job's earlier notice is cleared
before its new one is sent; a click on a notice calls back with the notice's key.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from desktop_notifier import DesktopNotifier, Icon, Urgency

from quaero_desktop.gui.notifications.notices import Notice
from quaero_desktop.gui.notifications.notifier import ClickHandler, NotifierUnavailable

log = logging.getLogger(__name__)


class NativeNotifier:
    name = "the system's notification centre (desktop-notifier)"

    def __init__(self, app_name: str, icon_path: str = "") -> None:
        icon = Icon(path=Path(icon_path)) if icon_path else None
        self._notifier = DesktopNotifier(app_name=app_name, app_icon=icon)
        self._handler: ClickHandler | None = None
        self._identifiers: dict[str, str] = {}  # notice key -> desktop-notifier's identifier

    def on_clicked(self, handler: ClickHandler) -> None:
        self._handler = handler

    async def show(self, notice: Notice) -> None:
        earlier = self._identifiers.pop(notice.key, None)
        try:
            if earlier is not None:
                await self._notifier.clear(earlier)
            self._identifiers[notice.key] = await self._notifier.send(
                title=notice.title,
                message=notice.body,
                urgency=Urgency.Critical if notice.persistent else Urgency.Normal,
                on_clicked=functools.partial(self._clicked, notice.key),
                timeout=0 if notice.persistent else -1,
            )
        except Exception as exc:  # the library raises platform errors of many kinds
            raise NotifierUnavailable(str(exc)) from exc

    async def close(self) -> None:
        return None

    def _clicked(self, key: str) -> None:
        if self._handler is not None:
            self._handler(key)
