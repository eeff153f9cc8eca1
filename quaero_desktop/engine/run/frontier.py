"""Which page a crawl fetches next: breadth-first, level by level.

Pages of depth d+1 start only once every page of depth d has finished. Every URL at depth
d+1 is therefore discovered before any page of depth d+1 runs, so a URL linked from
several places always keeps its shortest depth, and ``max_depth`` cuts the crawl exactly
where a breadth-first walk would, whatever the concurrency.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FrontierEntry:
    child_id: str
    url: str
    depth: int
    # When a worker began to load the page, while the store still has it pending (engine/run/running_mark.py):
    # the page's own transaction then writes when it started, with its finish.
    started_at: datetime | None = None


class Frontier:
    """In-memory queue of a running crawl's pending children (the store holds the truth)."""

    def __init__(self, entries: Iterable[FrontierEntry] = ()) -> None:
        self._pending: dict[int, deque[FrontierEntry]] = {}
        self._running: Counter[int] = Counter()
        self._changed = asyncio.Event()
        self._closed = False
        self._holds = 0  # background work that may still add pages (the crawl is not over while any)
        self.add(entries)

    def add(self, entries: Iterable[FrontierEntry]) -> None:
        for entry in entries:
            self._pending.setdefault(entry.depth, deque()).append(entry)
        self._changed.set()

    def done(self, entry: FrontierEntry) -> None:
        """``entry`` finished (its links already added)."""
        self._running[entry.depth] -= 1
        if not self._running[entry.depth]:
            del self._running[entry.depth]
        self._changed.set()

    def hold(self) -> None:
        """Keep the crawl open: background work may still add pages (``release`` when it is done)."""
        self._holds += 1

    def release(self) -> None:
        self._holds -= 1
        self._changed.set()

    def close(self) -> None:
        """Hand out nothing more (cancel, timeout, shutdown)."""
        self._closed = True
        self._changed.set()

    async def next(self) -> FrontierEntry | None:
        """The next page to fetch, waiting while the current level finishes; None when the crawl is over."""
        while True:
            if self._closed:
                return None
            entry = self._take()
            if entry is not None:
                return entry
            if not self._pending and not self._running and not self._holds:
                self._changed.set()  # wake the other workers: they are done too
                return None
            self._changed.clear()
            await self._changed.wait()

    def _take(self) -> FrontierEntry | None:
        if not self._pending:
            return None
        depth = min(self._pending)
        if self._running and min(self._running) < depth:
            return None  # a shallower page is still running and may find more pages at this depth
        queue = self._pending[depth]
        entry = queue.popleft()
        if not queue:
            del self._pending[depth]
        self._running[depth] += 1
        return entry
