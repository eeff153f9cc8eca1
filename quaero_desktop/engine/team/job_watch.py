"""Team crawls followed through the store: the window, ``run`` and MCP see their progress live.

Workers say ``NOTIFY quaero_jobs, '<job id>'`` in each page's step transaction (``notify_progress``;
PostgreSQL delivers it on commit). The watch ``LISTEN``s on its own connection in a thread of its own
and, for each job named, reads the job's progress from the store and publishes the same events the
engine of one process does (``JobProgress``; ``JobStatusChanged`` when it ends), at most every
``MIN_GAP_S`` per job. A notification lost while the connection was down is made up by a look at
every watched job each ``POLL_S``; the connection is opened again after a failure.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

from quaero_desktop.domain.job import Job, JobStatus
from quaero_desktop.engine.events import EventBus, JobProgress, JobStatusChanged
from quaero_desktop.store import jobs_repo

if TYPE_CHECKING:
    from quaero_desktop.store.database import Database

log = logging.getLogger(__name__)

CHANNEL = "quaero_jobs"
MIN_GAP_S = 0.25  # a crawl of 80 pages/s is shown 4 times a second, not 80
POLL_S = 2.0
RECONNECT_S = 2.0


def notify_progress(conn: Connection, job_id: str) -> None:
    """Tell the watches that ``job_id`` moved on (sent when ``conn``'s transaction commits)."""
    conn.execute(text("SELECT pg_notify(:channel, :job_id)"), {"channel": CHANNEL, "job_id": job_id})


class TeamJobWatch:
    """Publishes the progress of watched team crawls on ``events``; ``wait`` resolves when one ends."""

    def __init__(self, database: Database, events: EventBus) -> None:
        self._database = database
        self._events = events
        self._watched: dict[str, list[concurrent.futures.Future[JobStatus]]] = {}
        self._shown_at: dict[str, float] = {}
        self._trailing: set[str] = set()  # jobs with a look planned at the end of their gap
        self._looks: set[asyncio.Future[None]] = set()  # those looks, while they run
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._wake: asyncio.Event | None = None

    def wait(self, job_id: str) -> concurrent.futures.Future[JobStatus]:
        """Resolves to the crawl's final status; its progress is published meanwhile."""
        future: concurrent.futures.Future[JobStatus] = concurrent.futures.Future()
        with self._lock:
            self._watched.setdefault(job_id, []).append(future)
            if self._thread is None:
                self._thread = threading.Thread(target=self._main, name="team job watch", daemon=True)
                self._thread.start()
        self._check_soon(job_id)
        return future

    def close(self) -> None:
        self._stopping.set()
        loop = self._loop
        if loop is not None and self._wake is not None:
            loop.call_soon_threadsafe(self._wake.set)
        if self._thread is not None:
            self._thread.join(10)

    # ----- on the watch's thread -----

    def _main(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        poller = asyncio.create_task(self._poll())
        try:
            while not self._stopping.is_set():
                try:
                    await self._listen()
                except Exception:
                    log.warning("lost the team store's notifications; listening again", exc_info=True)
                    await asyncio.sleep(RECONNECT_S)
        finally:
            poller.cancel()

    async def _listen(self) -> None:
        import psycopg

        from quaero_desktop.engine.team.page_queue import libpq_conninfo

        conninfo = libpq_conninfo(self._database.url.render_as_string(hide_password=False))
        async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
            await conn.execute(f"LISTEN {CHANNEL}")
            notifications = conn.notifies()
            stop = asyncio.ensure_future(self._stopped())
            try:
                while True:
                    nxt = asyncio.ensure_future(anext(notifications))
                    done, _ = await asyncio.wait({nxt, stop}, return_when=asyncio.FIRST_COMPLETED)
                    if stop in done:
                        nxt.cancel()
                        return
                    await self._show(nxt.result().payload)
            finally:
                stop.cancel()

    async def _stopped(self) -> None:
        assert self._wake is not None
        while not self._stopping.is_set():
            await self._wake.wait()
            self._wake.clear()

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_S)
            with self._lock:
                watched = list(self._watched)
            for job_id in watched:
                try:
                    await self._show(job_id, force=True)
                except Exception as exc:  # the store is away: this look is what makes up for it, so it goes on
                    log.debug("could not read team crawl %s (%s); looking again in %ss", job_id, exc, POLL_S)

    def _check_soon(self, job_id: str) -> None:
        loop = self._loop
        if loop is not None:
            asyncio.run_coroutine_threadsafe(self._show(job_id, force=True), loop)

    async def _show(self, job_id: str, *, force: bool = False) -> None:
        with self._lock:
            if job_id not in self._watched:
                return
        now = time.monotonic()
        since = now - self._shown_at.get(job_id, 0.0)
        if not force and since < MIN_GAP_S:
            if job_id not in self._trailing:  # the last news of a burst is shown too, a moment later
                self._trailing.add(job_id)
                asyncio.get_running_loop().call_later(MIN_GAP_S - since, self._trail, job_id)
            return
        self._shown_at[job_id] = now
        job = await asyncio.to_thread(self._read, job_id)
        if job is None:
            return
        self._events.publish(JobProgress(job_id, job.progress))
        if job.status != JobStatus.RUNNING:
            self._events.publish(JobStatusChanged(job_id, job.status, job.error))
            with self._lock:
                waiting = self._watched.pop(job_id, [])
            for future in waiting:
                if not future.done():
                    future.set_result(job.status)

    def _trail(self, job_id: str) -> None:
        self._trailing.discard(job_id)
        look = asyncio.ensure_future(self._show(job_id, force=True))
        self._looks.add(look)
        look.add_done_callback(self._looks.discard)

    def _read(self, job_id: str) -> Job | None:
        with self._database.read() as conn:
            return jobs_repo.get_parent(conn, job_id)
