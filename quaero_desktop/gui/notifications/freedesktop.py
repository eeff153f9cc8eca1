"""Notices through the freedesktop Notifications service on the session D-Bus (Linux, BSD).

Speaks org.freedesktop.Notifications with dbus-fast on the window's asyncio loop: ``Notify``
with the job's earlier notification id as ``replaces_id`` (the notice is updated in place, not
stacked), the "default" action (a click on the notice) and the ``ActionInvoked`` and
``NotificationClosed`` signals. Persistent notices (failures) never expire (timeout 0) and are
marked critical, which servers keep until the user dismisses them.
"""

from __future__ import annotations

import logging
from typing import Any

from dbus_fast import BusType, Message, MessageType, Variant
from dbus_fast.aio import MessageBus
from dbus_fast.errors import DBusError

from quaero_desktop.gui.notifications.notices import Notice
from quaero_desktop.gui.notifications.notifier import ClickHandler, NotifierUnavailable

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
DEFAULT_ACTION = "default"  # the spec's name for "the user clicked the notification"
URGENCY_NORMAL, URGENCY_CRITICAL = 1, 2
EXPIRE_DEFAULT, EXPIRE_NEVER = -1, 0
DESKTOP_ENTRY = "quaero-desktop"  # the .desktop file's name: the server shows our name and icon


class FreedesktopNotifier:
    name = "the desktop's notification service (org.freedesktop.Notifications)"

    def __init__(self, app_name: str, icon_path: str = "") -> None:
        self._app_name = app_name
        self._icon = icon_path
        self._bus: MessageBus | None = None
        self._handler: ClickHandler | None = None
        self._ids: dict[str, int] = {}  # notice key (job id) -> the server's notification id

    def on_clicked(self, handler: ClickHandler) -> None:
        self._handler = handler

    def notification_id(self, key: str) -> int | None:
        """The server's id of the notice shown for ``key`` (a later one for the key replaces it)."""
        return self._ids.get(key)

    async def show(self, notice: Notice) -> None:
        bus = await self._connect()
        hints = {
            "urgency": Variant("y", URGENCY_CRITICAL if notice.persistent else URGENCY_NORMAL),
            "desktop-entry": Variant("s", DESKTOP_ENTRY),
            "category": Variant("s", "transfer.error" if notice.persistent else "transfer.complete"),
        }
        reply = await bus.call(
            Message(
                destination=SERVICE,
                path=PATH,
                interface=INTERFACE,
                member="Notify",
                signature="susssasa{sv}i",
                body=[
                    self._app_name,
                    self._ids.get(notice.key, 0),
                    self._icon,
                    notice.title,
                    notice.body,
                    [DEFAULT_ACTION, "Show the job"],
                    hints,
                    EXPIRE_NEVER if notice.persistent else EXPIRE_DEFAULT,
                ],
            )
        )
        if reply.message_type == MessageType.ERROR:
            raise NotifierUnavailable(f"Notify failed: {reply.error_name} {reply.body}")
        self._ids[notice.key] = int(reply.body[0])

    async def close(self) -> None:
        if self._bus is not None:
            self._bus.disconnect()
            self._bus = None

    async def _connect(self) -> MessageBus:
        if self._bus is not None and self._bus.connected:
            return self._bus
        try:
            bus = await MessageBus(bus_type=BusType.SESSION).connect()
        except (OSError, ValueError, DBusError) as exc:  # no session bus (e.g. a server without a desktop)
            raise NotifierUnavailable(f"no D-Bus session bus: {exc}") from exc
        if not await self._name_has_owner_or_activatable(bus):
            bus.disconnect()
            raise NotifierUnavailable(f"no {SERVICE} service on the session bus")
        match = f"type='signal',sender='{SERVICE}',interface='{INTERFACE}',path='{PATH}'"
        await bus.call(
            Message(
                destination="org.freedesktop.DBus",
                path="/org/freedesktop/DBus",
                interface="org.freedesktop.DBus",
                member="AddMatch",
                signature="s",
                body=[match],
            )
        )
        bus.add_message_handler(self._on_message)
        self._bus = bus
        return bus

    async def _name_has_owner_or_activatable(self, bus: MessageBus) -> bool:
        for member in ("NameHasOwner", "ListActivatableNames"):
            reply = await bus.call(
                Message(
                    destination="org.freedesktop.DBus",
                    path="/org/freedesktop/DBus",
                    interface="org.freedesktop.DBus",
                    member=member,
                    signature="s" if member == "NameHasOwner" else "",
                    body=[SERVICE] if member == "NameHasOwner" else [],
                )
            )
            if reply.message_type == MessageType.ERROR:
                continue
            found: Any = reply.body[0]
            if found is True or (isinstance(found, list) and SERVICE in found):
                return True
        return False

    def _on_message(self, message: Message) -> bool | None:
        """The service's signals: a click opens the job; a closed notice cannot be replaced any more."""
        if message.message_type != MessageType.SIGNAL or message.interface != INTERFACE:
            return None
        if message.member == "ActionInvoked" and len(message.body) == 2:
            notification_id, action = message.body
            key = self._key_of(int(notification_id))
            if key is not None and action == DEFAULT_ACTION and self._handler is not None:
                self._handler(key)
        elif message.member == "NotificationClosed" and message.body:
            key = self._key_of(int(message.body[0]))
            if key is not None:
                del self._ids[key]
        return None

    def _key_of(self, notification_id: int) -> str | None:
        return next((key for key, known in self._ids.items() if known == notification_id), None)
