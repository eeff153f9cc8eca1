"""A page's "running" in the store, written only when its load takes a while.

A page used to cost two transactions: "running" when a worker took it, then its end. For a quick page
the first is a write nobody sees (the job window reads the store at most a few times a second, the jobs
table counts from the engine's events) and, on a re-crawl's unchanged pages, about a fifth of the
store thread's work (measured: docs/architecture.md, "Incremental re-crawls"). So a worker notes when it began
(``FrontierEntry.started_at``) and the page's own transaction writes it with the end
(``pages_repo.finish_child(started=...)``); only a page still loading after ``MARK_AFTER_S`` is marked
running on its own, as before, so a slow page shows as running and its start is in the store.

Nothing else changes with the page's state meanwhile: a crawl that stops puts back or cancels its
pending and running pages alike, and a page left pending by a process that died is loaded again by the
resume, as a running one is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator
from dataclasses import replace
from typing import Any

from quaero_desktop.engine.db_worker import DbWorker
from quaero_desktop.engine.run.frontier import FrontierEntry
from quaero_desktop.store import pages_repo
from quaero_desktop.store.schema import utc_now

MARK_AFTER_S = 0.5


class RunningMarks:
    """A crawl's pages in flight. ``stop`` when its workers are done: a page abandoned on the way (a worker
    that failed or was cancelled, a lost login) is then never marked running after its crawl ended."""

    def __init__(self, db: DbWorker, after_s: float = MARK_AFTER_S) -> None:
        self._db = db
        self._after_s = after_s
        self._live: set[RunningMark] = set()

    def start(self, entry: FrontierEntry) -> RunningMark:
        """A worker takes ``entry``: its mark, due in ``after_s``."""
        mark = RunningMark(self._db, entry, self._after_s, self._live.discard)
        self._live.add(mark)
        return mark

    def stop(self) -> None:
        for mark in list(self._live):
            mark.stop()


class RunningMark:
    """A worker's page: ``entry`` (with its start), marked running in the store after ``after_s`` if not done."""

    def __init__(
        self, db: DbWorker, entry: FrontierEntry, after_s: float, on_stop: Callable[[RunningMark], None]
    ) -> None:
        self.entry = replace(entry, started_at=utc_now())
        self._db = db
        self._on_stop = on_stop
        self._written: asyncio.Future[None] | None = None
        self._timer = asyncio.get_running_loop().call_later(after_s, self._write)

    def _write(self) -> None:
        assert self.entry.started_at is not None
        self._written = self._db.write_soon(pages_repo.mark_child_running, self.entry.child_id, self.entry.started_at)

    def stop(self) -> None:
        """The page is done loading (or abandoned): no mark from now on."""
        self._timer.cancel()
        self._on_stop(self)

    async def settled(self) -> None:
        """Stop; then wait for the mark if it was written (queued before the page's own transaction)."""
        self.stop()
        if self._written is not None:
            await self._written

    def __await__(self) -> Generator[Any, None, None]:
        """``await mark``: ``settled``, as a worker awaits the write that marked any other page."""
        return self.settled().__await__()
