"""The engine's door to the store: transactions run on one dedicated thread.

SQLite has one writer at a time; running every engine transaction on a single thread keeps
the event loop free while a transaction waits for the lock, and serialises the engine's own
writes so transaction functions may keep small in-memory counters consistent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection

from quaero_desktop.store.database import Database

T = TypeVar("T")
P = ParamSpec("P")


class DbWorker:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quaero-db")

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
        future = loop.run_in_executor(self._executor, self._in_write, lambda conn: fn(conn, *args, **kwargs))
        # A crawl that stops (a full disk, a cancel) may never await this: its error is then no news.
        future.add_done_callback(_seen)
        return future

    async def read(self, fn: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(conn, *args, **kwargs)`` in one read snapshot."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._in_read, lambda conn: fn(conn, *args, **kwargs))

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)

    def _in_write(self, fn: Callable[[Connection], T]) -> T:
        with self.database.write() as conn:
            return fn(conn)

    def _in_read(self, fn: Callable[[Connection], T]) -> T:
        with self.database.read() as conn:
            return fn(conn)


def _seen(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()
