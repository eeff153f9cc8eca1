"""Politeness across a team crawl's workers: the pause between two requests to a host holds for all of
them together, not per worker (per-host concurrency is bounded by the page queue's locks,
engine/team/page_queue.py; robots.txt each worker reads for itself, through this pacer).

The same interface as the in-process ``HostPacer`` (engine/run/politeness.py), so the fetching code
takes either; each turn and each Retry-After pause is one statement on the team database
(store/host_turns_repo.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from quaero_desktop.engine.run.politeness import HostPacer, origin_of
from quaero_desktop.store import host_turns_repo

log = logging.getLogger(__name__)

# Runs a store function in a write transaction off the event loop: DbWorker.write.
StoreWrite = Callable[..., Awaitable[object]]


class SharedHostPacer(HostPacer):
    """Spaces a crawl's requests to each host across every worker of the crawl."""

    def __init__(self, job_id: str, delay_s: float, write: StoreWrite) -> None:
        super().__init__(delay_s)
        self._job_id = job_id
        self._write = write
        self._holds: set[asyncio.Task[object]] = set()

    def hold(self, url: str, seconds: float) -> None:
        task = asyncio.ensure_future(self._write(host_turns_repo.hold_host, self._job_id, origin_of(url), seconds))
        self._holds.add(task)
        task.add_done_callback(self._held)

    def _held(self, task: asyncio.Task[object]) -> None:
        self._holds.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("the other workers were not told of a host's pause", exc_info=task.exception())

    async def wait_turn(self, url: str) -> float:
        """Wait for this request's moment to ``url``'s host, taken from the shared turns; the seconds waited."""
        if self._holds:  # a Retry-After this worker heard is in the database before its next turn is taken
            await asyncio.gather(*self._holds, return_exceptions=True)
        turn = await self._write(host_turns_repo.take_turn, self._job_id, origin_of(url), self.delay_for(url))
        assert isinstance(turn, tuple)
        slot, now = turn
        wait = max(0.0, float(slot) - float(now))
        if wait > 0:
            await asyncio.sleep(wait)
        return wait
