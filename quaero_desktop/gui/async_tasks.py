"""The window's one way to do work off the GUI thread and get the result back on it.

Coroutines run on the qasync loop (the GUI thread). Engine commands return
``concurrent.futures.Future`` objects that ``engine_result`` awaits; blocking work (SQLite
queries, file I/O) goes to a thread with ``in_thread``. ``TaskRunner`` keeps a strong
reference to every task (qasync's asyncSlot does not) and reports failures to the user.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, TypeVarTuple

from quaero_desktop.domain.errors import QuaeroError

log = logging.getLogger(__name__)
T = TypeVar("T")
Args = TypeVarTuple("Args")


async def engine_result(future: concurrent.futures.Future[T]) -> T:
    return await asyncio.wrap_future(future)


async def in_thread(fn: Callable[[*Args], T], *args: *Args) -> T:
    # The loop set for this thread, not only a running one: qasync also runs a task's step from Qt's
    # events while its loop stops (a quit; between a test's run_until_complete calls), when asyncio
    # has no running loop recorded and get_running_loop() fails the task.
    return await asyncio.get_event_loop().run_in_executor(None, fn, *args)


class TaskRunner:
    def __init__(self, report_error: Callable[[str, str], None]) -> None:
        self._report_error = report_error
        self._tasks: set[asyncio.Task[object]] = set()

    def start(self, coro: Coroutine[Any, Any, T], *, what: str) -> asyncio.Task[T]:
        """Run ``coro``; if it fails, tell the user "<what> failed: <reason>"."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(lambda t: self._finished(t, what))
        return task

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def wait_all(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    def _finished(self, task: asyncio.Task[object], what: str) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        if isinstance(exc, QuaeroError):
            self._report_error(f"{what} failed", str(exc))
        else:
            log.error("%s failed", what, exc_info=exc)
            self._report_error(f"{what} failed", f"{type(exc).__name__}: {exc}")
