# ruff: noqa: F722, F821  -- D-Bus signatures are given as string annotations; D-Bus names are CamelCase
"""A test-side org.kde.StatusNotifierWatcher on the session D-Bus: the part of a panel (KDE Plasma,
GNOME's AppIndicator extension, waybar, …) that tray icons register with as StatusNotifier items.

It records the items that register, so a test can tell whether the program's icon would show in
such a panel. It runs on its own thread and event loop, like tests/notification_service.py.
"""

from dbus_fast.constants import PropertyAccess
from dbus_fast.service import ServiceInterface, dbus_property, method, signal

from tests.bus_service import BusService

NAME = "org.kde.StatusNotifierWatcher"
PATH = "/StatusNotifierWatcher"


class _Interface(ServiceInterface):
    def __init__(self, watcher: "StatusNotifierWatcher") -> None:
        super().__init__(NAME)
        self._watcher = watcher

    @method()
    def RegisterStatusNotifierItem(self, service: "s") -> None:
        self._watcher._register(service)
        self.StatusNotifierItemRegistered(service)

    @method()
    def RegisterStatusNotifierHost(self, service: "s") -> None:
        return None

    @dbus_property(access=PropertyAccess.READ)
    def RegisteredStatusNotifierItems(self) -> "as":
        return self._watcher.items()

    @dbus_property(access=PropertyAccess.READ)
    def IsStatusNotifierHostRegistered(self) -> "b":
        return True  # the panel showing the items is this watcher's host

    @dbus_property(access=PropertyAccess.READ)
    def ProtocolVersion(self) -> "i":
        return 0

    @signal()
    def StatusNotifierItemRegistered(self, service: "s") -> "s":
        return service

    @signal()
    def StatusNotifierHostRegistered(self) -> None:
        return None


class StatusNotifierWatcher(BusService):
    """``with StatusNotifierWatcher() as watcher:`` owns the name on the session bus until the block ends."""

    def __init__(self) -> None:
        self._items: list[str] = []
        self._watcher_interface = _Interface(self)
        super().__init__(NAME, PATH, self._watcher_interface, "test-sni-watcher")

    def owned(self) -> None:
        self._watcher_interface.StatusNotifierHostRegistered()

    def _register(self, service: str) -> None:
        with self._lock:
            self._items.append(service)

    def items(self) -> list[str]:
        """The services (bus names) of the items registered so far."""
        with self._lock:
            return list(self._items)
