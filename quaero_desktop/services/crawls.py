"""Crawls as every front end starts and stops them: submit, resume, retry the failed pages, cancel, pause.

The window (``gui/jobs/job_flows.py``, the tray and the start-up runs through it), the command line
(``run``, ``jobs resume | retry-failed | cancel``) and the MCP server's ``start_crawl`` all come
here; none of them calls the engine. Commands return ``concurrent.futures.Future`` objects, as the
engine's do: the window awaits them (``engine_result``), the CLI blocks on ``.result()``.

On a SQLite store every crawl runs in this process's engine (``engine`` starts it on first use;
``running_engine`` is it when this process started one). On a team store (PostgreSQL) crawls go to
the queue for the team's workers and are followed through the store (services/team_crawls.py):
this class decides which, so no front end changes. What is read about jobs (list, detail, pages,
logs) stays in ``JobsService``.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar, TypeVarTuple

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.errors import ConflictError, NotFoundError
from quaero_desktop.domain.job import JobStatus, JobTrigger
from quaero_desktop.engine.ownership import TEAM_WORKERS, owner_is_alive
from quaero_desktop.store import jobs_repo
from quaero_desktop.store.database import Database
from quaero_desktop.store.schema import utc_now

if TYPE_CHECKING:  # the engine is imported by whoever builds it (app.py), so listing jobs loads no crawler
    from quaero_desktop.crawler.browser.discovery import BrowserLocation
    from quaero_desktop.engine.engine import Engine
    from quaero_desktop.engine.events import EventBus
    from quaero_desktop.engine.settings import EngineSettings
    from quaero_desktop.services.team_crawls import TeamCrawls

T = TypeVar("T")
U = TypeVar("U")
Args = TypeVarTuple("Args")


@dataclass(frozen=True)
class CancelOutcome:
    job_id: str
    message: str
    # True when another process runs the crawl: it was asked to stop and does so at its next heartbeat.
    requested_elsewhere: bool = False


class CrawlsService:
    def __init__(
        self, database: Database, engine: Callable[[], Engine], running_engine: Callable[[], Engine | None]
    ) -> None:
        self._database = database
        self._engine = engine  # starts the engine on first use (a crawl needs it)
        self._running_engine = running_engine  # the engine if this process started one, else None
        # Store work behind a cancel (a crawl of another process, or none) runs here, off the caller's thread.
        self._worker: concurrent.futures.ThreadPoolExecutor | None = None
        self._worker_lock = threading.Lock()
        # A team store: crawls run on the team's workers (none in this process's engine).
        self._team = _team_crawls(database) if database.dialect == "postgresql" else None

    # ----- commands -----

    def submit(
        self, definition: JobDefinition, *, trigger: JobTrigger = JobTrigger.MANUAL
    ) -> concurrent.futures.Future[str]:
        """Create a job for ``definition`` and start crawling; resolves to the job id.

        ``trigger`` (what started it) is recorded in the job's metadata.
        """
        if self._team is not None:
            return self._team.submit(definition, trigger)
        return self._engine().submit(definition, trigger=trigger)

    def resume(self, job_id: str) -> concurrent.futures.Future[str]:
        """Continue an interrupted, paused, cancelled or failed job that no process runs; resolves to its id."""
        if self._team is not None:
            return self._team.resume(job_id)
        return self._engine().resume(job_id)

    def retry_failed(self, job_id: str) -> concurrent.futures.Future[str]:
        """Fetch a stopped job's failed pages again (and the new pages they link to); resolves to its id."""
        if self._team is not None:
            return self._team.resume(job_id, failed_pages=True)
        return self._engine().retry_failed(job_id)

    def cancel(self, job_id: str) -> concurrent.futures.Future[CancelOutcome]:
        """Cancel a job wherever it runs: in this process, in another one, or not at all (interrupted)."""
        engine = self._running_engine()
        if engine is not None and job_id in engine.active_job_ids():
            return _then(engine.cancel(job_id), lambda _running: CancelOutcome(job_id, f"cancelling job {job_id}"))
        return self._in_worker(self._cancel_in_store, job_id)

    def pause(self, job_id: str) -> concurrent.futures.Future[None]:
        """Pause a crawl this process runs: the pages being fetched finish, the others wait (pending) for
        ``resume``. Only here: a crawl of another process is cancelled or left to run."""
        if self._team is not None:
            return self._team.pause(job_id)
        engine = self._running_engine()
        if engine is None or job_id not in engine.active_job_ids():
            failed: concurrent.futures.Future[None] = concurrent.futures.Future()
            failed.set_exception(ConflictError(f"job {job_id} is not running in this program; nothing to pause"))
            return failed
        return _then(engine.pause(job_id), lambda _running: None)

    def cancel_all(self) -> concurrent.futures.Future[int]:
        """Cancel every crawl this process runs; resolves to how many."""
        engine = self._running_engine()
        cancels = [engine.cancel(job_id) for job_id in engine.active_job_ids()] if engine is not None else []
        return self._in_worker(_count_when_done, cancels)

    def wait(self, job_id: str) -> concurrent.futures.Future[JobStatus]:
        """Resolves to the job's final status when its run in this process ends (at once if none runs); on a
        team store, when the team's workers end it."""
        if self._team is not None:
            return self._team.wait(job_id)
        return self._engine().wait(job_id)

    # ----- what runs here -----

    def start(self) -> None:
        """Start the engine now rather than with the first crawl (the desktop program does, once)."""
        self._engine()

    @property
    def events(self) -> EventBus:
        """What happens in the crawls this process runs (subscribers are called on the engine's thread); on a
        team store, what the store says of the crawls this process started or waits for (on the watch's thread)."""
        if self._team is not None:
            return self._team.events
        return self._engine().events

    def active_job_ids(self) -> list[str]:
        """The jobs this process's engine runs now (another process may run others)."""
        engine = self._running_engine()
        return engine.active_job_ids() if engine is not None else []

    def runs_here(self, job_id: str) -> bool:
        return job_id in self.active_job_ids()

    @property
    def browser_location(self) -> BrowserLocation | None:
        """The browser crawls here use, once it was looked up (None before the first crawl)."""
        engine = self._running_engine()
        return engine.browser_location if engine is not None else None

    def give_way(self, seconds: float) -> Callable[[], None]:
        """Have this process's crawls wait at their next step, for ``seconds`` at most, while the window
        does something a user waits on (engine/give_way.py); returns the release. A team store's crawls
        run on other machines: nothing here to hold."""
        engine = self._running_engine()
        if engine is None or not engine.active_job_ids():
            return _nothing_held
        return engine.give_way.hold(seconds)

    def update_settings(self, settings: EngineSettings) -> None:
        """New settings for crawls started from now on (an engine started later reads the app's settings)."""
        engine = self._running_engine()
        if engine is not None:
            engine.update_settings(settings)

    # ----- schedules (they start crawls in this process's engine) -----

    def start_scheduler(self, *, paused: bool = False) -> None:
        """Run enabled definitions on their cron schedules (the desktop program does this once, at start);
        on a team store the runs go to the team's workers."""
        self._engine().start_scheduler(paused=paused, elsewhere=self._team)

    def pause_schedules(self, paused: bool) -> None:
        """Skip (True) or run again (False) scheduled slots from now on; skipped slots are not made up."""
        engine = self._running_engine()
        if engine is not None:
            engine.pause_schedules(paused)

    def wake_scheduler(self) -> None:
        """A definition was saved: the scheduler checks it now (else within half a minute)."""
        engine = self._running_engine()
        if engine is not None:
            engine.wake_scheduler()

    @property
    def schedules_paused(self) -> bool:
        engine = self._running_engine()
        return engine is not None and engine.schedules_paused

    def close(self) -> None:
        """Finish the cancels under way (the app stops the engine after this)."""
        if self._team is not None:
            self._team.close()
        with self._worker_lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            worker.shutdown(wait=True)

    # ----- in the worker thread -----

    def _cancel_in_store(self, job_id: str) -> CancelOutcome:
        """No crawl of this process: ask the owner to stop, or mark the job cancelled if nobody runs it."""
        with self._database.read() as conn:
            job = jobs_repo.get_parent(conn, job_id)
        if job is None:
            raise NotFoundError(f"no job with id '{job_id}' (see: jobs list)")
        with self._database.write() as conn:
            if job.status.is_active:
                owner_pid, heartbeat_at = jobs_repo.owner_of(conn, job.id)
                if owner_pid == TEAM_WORKERS:
                    jobs_repo.request_cancel(conn, job.id)
                    return CancelOutcome(
                        job.id,
                        "cancel requested: the team's workers stop the crawl at their next page",
                        requested_elsewhere=True,
                    )
                if owner_is_alive(owner_pid, heartbeat_at, shared=self._database.shared):
                    jobs_repo.request_cancel(conn, job.id)
                    return CancelOutcome(
                        job.id,
                        f"cancel requested: the crawl running in process {owner_pid} stops within seconds",
                        requested_elsewhere=True,
                    )
            if job.status.is_terminal:
                raise ConflictError(f"job {job.id} is already {job.status}; nothing to cancel")
            now = utc_now()
            jobs_repo.cancel_children(conn, job.id, [JobStatus.PENDING, JobStatus.RUNNING], now)
            jobs_repo.finish_parent(conn, job.id, JobStatus.CANCELLED, error="cancelled by the user", now=now)
        return CancelOutcome(job.id, f"job {job.id} cancelled")

    def _in_worker(self, fn: Callable[[*Args], T], *args: *Args) -> concurrent.futures.Future[T]:
        with self._worker_lock:
            if self._worker is None:
                self._worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="crawls")
            return self._worker.submit(fn, *args)


def _team_crawls(database: Database) -> TeamCrawls:
    """A team store's crawls (their events and queue code load only for one: every command builds this)."""
    from quaero_desktop.services.team_crawls import TeamCrawls

    return TeamCrawls(database)


def _nothing_held() -> None:
    """The release of a hold that held nothing."""


def _count_when_done(futures: list[concurrent.futures.Future[bool]]) -> int:
    for future in futures:
        future.result()
    return len(futures)


def _then(future: concurrent.futures.Future[T], result: Callable[[T], U]) -> concurrent.futures.Future[U]:
    """A future resolving to ``result(value)`` once ``future`` resolves to ``value`` (or failing as it does)."""
    chained: concurrent.futures.Future[U] = concurrent.futures.Future()

    def done(finished: concurrent.futures.Future[T]) -> None:
        try:
            chained.set_result(result(finished.result()))
        except BaseException as exc:  # the engine's error (or its cancellation) reaches the caller
            chained.set_exception(exc)

    future.add_done_callback(done)
    return chained
