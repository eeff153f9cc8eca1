"""A test-side D-Bus service that owns a well-known name on the session bus (tests/notification_service.py,
tests/status_notifier_watcher.py): its own thread and event loop, so the program under test — in this
process on the qasync loop, or in a child process — talks to it over the bus."""

import asyncio
import threading

from dbus_fast.aio import MessageBus
from dbus_fast.constants import RequestNameReply
from dbus_fast.service import ServiceInterface


class BusService:
    """``with Service() as service:`` owns ``name`` at ``path`` on the session bus until the block ends."""

    def __init__(self, name: str, path: str, interface: ServiceInterface, thread_name: str) -> None:
        self._name = name
        self._path = path
        self._interface = interface
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=thread_name, daemon=True)
        self._bus: MessageBus | None = None

    def __enter__(self):
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *_exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def owned(self) -> None:
        """Called on the service's loop once the name is ours (a watcher announces its host here)."""

    async def _start(self) -> None:
        self._bus = await MessageBus().connect()
        self._bus.export(self._path, self._interface)
        reply = await self._bus.request_name(self._name)
        if reply != RequestNameReply.PRIMARY_OWNER:
            raise RuntimeError(f"another service owns {self._name} on this bus ({reply})")
        self.owned()

    async def _stop(self) -> None:
        if self._bus is not None:
            await self._bus.release_name(self._name)
            self._bus.disconnect()
