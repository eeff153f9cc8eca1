"""The engine's door to the store: transactions run on one dedicated thread.

SQLite has one writer at a time; running every engine transaction on a single thread keeps
the event loop free while a transaction waits for the lock, and serialises the engine's own
writes so transaction functions may keep small in-memory counters consistent.

Group commit: write functions queued while the thread is busy run together in one transaction,
each inside its own savepoint, so each is still all or nothing (one that raises is rolled back
alone) and runs in queue order; their futures resolve only once the whole group has committed.
A crawl's pages then cost one BEGIN/COMMIT per group instead of two per page (measured: see
docs/architecture.md, "Incremental re-crawls").
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection

from quaero_desktop.store.database import Database

T = TypeVar("T")
_SAVEPOINT = "SAVEPOINT quaero_write"
_ROLLBACK_TO_SAVEPOINT = "ROLLBACK TO SAVEPOINT quaero_write"
_RELEASE_SAVEPOINT = "RELEASE SAVEPOINT quaero_write"
P = ParamSpec("P")


class DbWorker:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quaero-db")
        self._lock = threading.Lock()
        self._queued: list[_Write] = []
        self._drain_scheduled = False

    async def write(self, fn: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(conn, *args, **kwargs)`` in one write transaction."""
        return await self.write_soon(fn, *args, **kwargs)

    def write_soon(
        self, fn: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> asyncio.Future[T]:
        """Queue a write transaction now, without waiting for it.

        Transactions run in the order they were queued, so a later ``write`` for the same
        rows is applied after this one.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        # A crawl that stops (a full disk, a cancel) may never await this: its error is then no news.
        future.add_done_callback(_seen)
        with self._lock:
            self._queued.append(_Write(lambda conn: fn(conn, *args, **kwargs), future, loop))
            schedule, self._drain_scheduled = not self._drain_scheduled, True
        if schedule:  # later reads are queued behind this drain, so they see these writes
            self._executor.submit(self._drain)
        return future

    async def read(self, fn: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(conn, *args, **kwargs)`` in one read snapshot."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._in_read, lambda conn: fn(conn, *args, **kwargs))

    def between_writes(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the database thread after the writes queued so far (engine/give_way.py); raises
        RuntimeError once the worker has shut down."""
        self._executor.submit(fn)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)

    def _drain(self) -> None:
        """Run every queued write in one transaction, a savepoint each; then resolve their futures."""
        with self._lock:
            group, self._queued = self._queued, []
            self._drain_scheduled = False
        outcomes: list[tuple[_Write, Any, BaseException | None]] = []
        try:
            with self.database.write() as conn:
                for write in group:
                    # Plain SQL savepoints: SQLAlchemy's begin_nested() costs more than the writes of an
                    # unchanged page (measured: docs/architecture.md, "Incremental re-crawls").
                    conn.exec_driver_sql(_SAVEPOINT)
                    try:
                        value = write.fn(conn)
                    except Exception as exc:
                        conn.exec_driver_sql(_ROLLBACK_TO_SAVEPOINT)
                        conn.exec_driver_sql(_RELEASE_SAVEPOINT)
                        outcomes.append((write, None, exc))
                    else:
                        conn.exec_driver_sql(_RELEASE_SAVEPOINT)
                        outcomes.append((write, value, None))
        except Exception as exc:  # BEGIN or COMMIT failed: nothing of the group was written
            outcomes = [(write, None, exc) for write in group]
        # One wake-up of each loop for the whole group (a call_soon_threadsafe each wrote to the loop's pipe
        # once per page), its futures settled in queue order.
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Any, BaseException | None]]] = {}
        for write, value, error in outcomes:
            by_loop.setdefault(write.loop, []).append((write.future, value, error))
        for loop, settled in by_loop.items():
            # A closed loop (the crawl ended) has nobody waiting for the answer.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle_all, settled)

    def _in_read(self, fn: Callable[[Connection], T]) -> T:
        with self.database.read() as conn:
            return fn(conn)


def _seen(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


class _Write:
    __slots__ = ("fn", "future", "loop")

    def __init__(self, fn: Callable[[Connection], Any], future: asyncio.Future[Any], loop: asyncio.AbstractEventLoop):
        self.fn = fn
        self.future = future
        self.loop = loop


def _settle_all(settled: list[tuple[asyncio.Future[Any], Any, BaseException | None]]) -> None:
    for future, value, error in settled:
        _settle(future, value, error)


def _settle(future: asyncio.Future[Any], value: object, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)
