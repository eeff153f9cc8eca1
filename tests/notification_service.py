# ruff: noqa: F722, F821  -- D-Bus signatures are given as string annotations; D-Bus names are CamelCase
"""A test-side org.freedesktop.Notifications service on the session D-Bus (the one .ci/test starts).

It records every notification the program sends (with its replace id, actions, hints and
timeout) and can play the user: ``click(id)`` emits ActionInvoked(id, "default"), as a desktop
does when a notification is clicked. It runs on its own thread and event loop, so the program
under test (in this process on the qasync loop, or in a child process) talks to it over the bus.
"""

from dataclasses import dataclass

from dbus_fast import Variant
from dbus_fast.service import ServiceInterface, method, signal

from tests.bus_service import BusService

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


@dataclass(frozen=True)
class Sent:
    id: int
    app_name: str
    replaces_id: int
    summary: str
    body: str
    actions: list
    hints: dict
    expire_timeout: int

    @property
    def urgency(self) -> int:
        return self.hints["urgency"].value


class _Interface(ServiceInterface):
    def __init__(self, service: "NotificationService") -> None:
        super().__init__(NAME)
        self._service = service

    @method()
    def Notify(
        self,
        app_name: "s",
        replaces_id: "u",
        app_icon: "s",
        summary: "s",
        body: "s",
        actions: "as",
        hints: "a{sv}",
        expire_timeout: "i",
    ) -> "u":
        return self._service._record(app_name, replaces_id, summary, body, actions, hints, expire_timeout)

    @method()
    def CloseNotification(self, id: "u") -> None:
        self.NotificationClosed(id, 3)

    @method()
    def GetCapabilities(self) -> "as":
        return ["actions", "body", "persistence"]

    @method()
    def GetServerInformation(self) -> "ssss":
        return ["quaero-test-notifications", "Quaero tests", "1", "1.2"]

    @signal()
    def ActionInvoked(self, id: "u", action_key: "s") -> "us":
        return [id, action_key]

    @signal()
    def NotificationClosed(self, id: "u", reason: "u") -> "uu":
        return [id, reason]


class NotificationService(BusService):
    """``with NotificationService() as service:`` owns the name on the session bus until the block ends."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self._next_id = 0
        super().__init__(NAME, PATH, _Interface(self), "test-notifications")

    def _record(self, app_name, replaces_id, summary, body, actions, hints, expire_timeout) -> int:
        with self._lock:
            if replaces_id and any(sent.id == replaces_id for sent in self.sent):
                notification_id = replaces_id
            else:
                self._next_id += 1
                notification_id = self._next_id
            plain_hints = {
                key: value if isinstance(value, Variant) else Variant("s", value) for key, value in hints.items()
            }
            self.sent.append(
                Sent(notification_id, app_name, replaces_id, summary, body, list(actions), plain_hints, expire_timeout)
            )
        return notification_id

    def click(self, notification_id: int) -> None:
        """The user clicks the notification's body (its "default" action)."""
        self._loop.call_soon_threadsafe(self._interface.ActionInvoked, notification_id, "default")

    def snapshot(self) -> list[Sent]:
        with self._lock:
            return list(self.sent)
