# ruff: noqa: F722, F821  -- D-Bus signatures are given as string annotations; D-Bus names are CamelCase
"""A test-side org.kde.StatusNotifierWatcher on the session D-Bus: the part of a panel (KDE Plasma,
GNOME's AppIndicator extension, waybar, …) that tray icons register with as StatusNotifier items.

It records the items that register, so a test can tell whether the program's icon would show in
such a panel. It runs on its own thread and event loop, like tests/notification_service.py.
"""

import asyncio
import threading

from dbus_fast.aio import MessageBus
from dbus_fast.constants import PropertyAccess, RequestNameReply
from dbus_fast.service import ServiceInterface, dbus_property, method, signal

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


class StatusNotifierWatcher:
    """``with StatusNotifierWatcher() as watcher:`` owns the name on the session bus until the block ends."""

    def __init__(self) -> None:
        self._items: list[str] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="test-sni-watcher", daemon=True)
        self._interface = _Interface(self)
        self._bus: MessageBus | None = None

    def __enter__(self) -> "StatusNotifierWatcher":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *_exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _start(self) -> None:
        self._bus = await MessageBus().connect()
        self._bus.export(PATH, self._interface)
        reply = await self._bus.request_name(NAME)
        if reply != RequestNameReply.PRIMARY_OWNER:
            raise RuntimeError(f"another StatusNotifier watcher owns {NAME} on this bus ({reply})")
        self._interface.StatusNotifierHostRegistered()

    async def _stop(self) -> None:
        if self._bus is not None:
            await self._bus.release_name(NAME)
            self._bus.disconnect()

    def _register(self, service: str) -> None:
        with self._lock:
            self._items.append(service)

    def items(self) -> list[str]:
        """The services (bus names) of the items registered so far."""
        with self._lock:
            return list(self._items)
