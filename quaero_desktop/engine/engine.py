"""The job engine: its own thread and asyncio loop, owning Playwright.

Its public surface is plain Python and thread-safe: commands return
``concurrent.futures.Future`` objects (the window awaits them with ``asyncio.wrap_future``,
the CLI blocks on ``.result()``), and ``events`` delivers what happens to subscribers.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import secrets
import threading
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, TypeVar

from quaero_desktop.crawler.browser.discovery import BrowserLocation
from quaero_desktop.crawler.browser.service import BrowserService
from quaero_desktop.crawler.conversion_pool import ConversionPool
from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.errors import ConflictError, NotFoundError
from quaero_desktop.domain.job import RESUMABLE_STATUSES, Job, JobMetadata, JobStatus, JobTrigger
from quaero_desktop.engine.db_worker import DbWorker
from quaero_desktop.engine.events import EventBus, JobCreated
from quaero_desktop.engine.give_way import GiveWay
from quaero_desktop.engine.job_log import JobLog
from quaero_desktop.engine.loop_tasks import waiting_tasks
from quaero_desktop.engine.ownership import current_pid, owner_is_alive
from quaero_desktop.engine.redaction import Redactor
from quaero_desktop.engine.run.crawl_requests import ProxyLoginSource
from quaero_desktop.engine.run.crawl_run import CrawlRun
from quaero_desktop.engine.run.login_context import LoginSource
from quaero_desktop.engine.schedule_policy import Decision
from quaero_desktop.engine.scheduler import ScheduledElsewhere, Scheduler, schedule_state, utc_clock
from quaero_desktop.engine.settings import EngineSettings
from quaero_desktop.store import jobs_repo, schedule_repo
from quaero_desktop.store.database import Database
from quaero_desktop.store.schema import utc_now
from quaero_desktop.store.storage_errors import LocalStorageError

log = logging.getLogger(__name__)
T = TypeVar("T")


def new_job_id() -> str:
    return secrets.token_hex(6)


class Engine:
    def __init__(
        self,
        database: Database,
        settings: EngineSettings | None = None,
        *,
        logins: LoginSource | None = None,
        proxy_logins: ProxyLoginSource | None = None,
    ) -> None:
        self.database = database
        self.settings = settings or EngineSettings()
        self._logins = logins
        self._proxy_logins = proxy_logins
        self.events = EventBus()
        self.redactor = Redactor()
        self._db = DbWorker(database)
        self.give_way = GiveWay()  # the window's moments: the crawl's threads wait at their next step
        self.give_way.add_thread(self._db.between_writes)
        self._browser = BrowserService(
            self.settings.browser_path,
            headless=self.settings.headless,
            block_resources=self.settings.block_resources,
            idle_close_s=self.settings.browser_idle_close_s,
        )
        self._job_log = JobLog(self._db, self.events, self.redactor)
        # Every crawl converts its pages in these worker processes, started with the first page to convert.
        self._conversions = ConversionPool()
        self._runs: dict[str, CrawlRun] = {}
        self._tasks: dict[str, asyncio.Task[JobStatus]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._flusher: asyncio.Task[None] | None = None
        self._scheduler: Scheduler | None = None
        self._scheduler_task: asyncio.Task[None] | None = None
        self._scheduled_elsewhere: ScheduledElsewhere | None = None
        self._ready = threading.Event()

    # ----- lifecycle -----

    def start(self) -> None:
        """Start the engine thread (jobs left running by a dead process were recovered by ``build_app``)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._thread_main, name="quaero-engine", daemon=True)
        self._thread.start()
        self._ready.wait()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def shutdown(self, *, detach: bool = True, resume_on_start: bool = False, timeout: float = 60.0) -> None:
        """Stop every crawl (left resumable when ``detach``, else cancelled), close the browser, end the thread.

        ``resume_on_start`` marks detached crawls to be continued when the window starts again.
        """
        if self._loop is None or self._thread is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._shutdown(detach, resume_on_start), self._loop)
        try:
            future.result(timeout)
        except concurrent.futures.TimeoutError:
            log.error("engine did not stop within %ss; still waiting:\n%s", timeout, waiting_tasks(self._loop))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        self._db.shutdown()
        self._thread = None
        self._loop = None

    # ----- commands (thread-safe) -----

    def submit(
        self, definition: JobDefinition, *, trigger: JobTrigger = JobTrigger.MANUAL
    ) -> concurrent.futures.Future[str]:
        """Create a parent job for ``definition`` and start crawling; resolves to the job id.

        ``trigger`` (what started it) is recorded in the job's metadata.
        """
        return self._call(self._submit(definition, trigger))

    def start_scheduler(
        self,
        *,
        paused: bool = False,
        clock: Callable[[], datetime] = utc_clock,
        elsewhere: ScheduledElsewhere | None = None,
    ) -> None:
        """Run enabled definitions on their cron schedules (the desktop app does this once, at start).

        A slot missed while the program was closed runs once now (engine/schedule_policy.py).
        ``elsewhere``: the runs start there instead of in this engine (a team store's workers), and
        the definitions with a run going are read from there.
        """
        self._scheduled_elsewhere = elsewhere

        async def start() -> None:
            if self._scheduler is None:
                self._scheduler = Scheduler(
                    read_state=lambda: self._db.read(schedule_state),
                    write_state=lambda records: self._db.write(schedule_repo.record, records, utc_now()),
                    submit=self._submit_scheduled,
                    running=self._running_definitions,
                    on_skip=self._log_skip,
                    clock=clock,
                    paused=paused,
                )
                self._scheduler_task = asyncio.create_task(self._scheduler.run_forever(), name="scheduler")

        self._call(start()).result()

    def pause_schedules(self, paused: bool) -> None:
        """Skip (True) or run again (False) scheduled slots from now on; skipped slots are not made up."""

        def apply() -> None:
            if self._scheduler is not None:
                self._scheduler.paused = paused

        if self._loop is not None:
            self._loop.call_soon_threadsafe(apply)

    def wake_scheduler(self) -> None:
        """A definition was saved: its schedule is checked now, not at the next half-minute check."""
        if self._loop is not None and self._scheduler is not None:
            self._loop.call_soon_threadsafe(self._scheduler.wake)

    @property
    def schedules_paused(self) -> bool:
        return self._scheduler is not None and self._scheduler.paused

    def resume(self, job_id: str) -> concurrent.futures.Future[str]:
        """Continue an interrupted, cancelled or failed job from the store."""
        return self._call(self._resume(job_id))

    def retry_failed(self, job_id: str) -> concurrent.futures.Future[str]:
        """Fetch the failed pages of a stopped job again (and the new pages they link to)."""
        return self._call(self._retry_failed(job_id))

    def cancel(self, job_id: str) -> concurrent.futures.Future[bool]:
        """Cancel a job run by this engine; True if it was running here."""
        return self._call(self._cancel(job_id))

    def pause(self, job_id: str) -> concurrent.futures.Future[bool]:
        """Pause a job run by this engine (it waits, paused, for ``resume``); True if it was running here."""
        return self._call(self._pause(job_id))

    def wait(self, job_id: str) -> concurrent.futures.Future[JobStatus]:
        """Resolves to the final status when the job's run in this engine ends."""
        return self._call(self._wait(job_id))

    def active_job_ids(self) -> list[str]:
        return list(self._tasks)

    def run_coroutine(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run other browser work (e.g. capturing a login) on the engine's loop, where Playwright lives."""
        return self._call(coro)

    def update_settings(self, settings: EngineSettings) -> None:
        """New settings for crawls started from now on; a new browser path applies to the next browser start."""

        def apply() -> None:
            self.settings = settings
            self._browser.configure(settings.browser_path, block_resources=settings.block_resources)

        if self._loop is None:
            apply()
        else:
            self._loop.call_soon_threadsafe(apply)

    @property
    def browser_location(self) -> BrowserLocation | None:
        return self._browser.location

    # ----- on the engine loop -----

    def _thread_main(self) -> None:
        loop = asyncio.new_event_loop()  # a Proactor loop on Windows: Playwright needs subprocesses
        asyncio.set_event_loop(loop)
        self._loop = loop
        self.give_way.add_thread(loop.call_soon_threadsafe)
        self._flusher = loop.create_task(self._job_log.flush_periodically(self.settings.log_flush_s))
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def _call(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        if self._loop is None:
            coro.close()
            raise RuntimeError("the engine is not running; call start() first")
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def _running_definitions(self) -> set[str]:
        here = {run.definition_id for run in self._runs.values() if run.definition_id}
        if self._scheduled_elsewhere is not None:
            here |= self._scheduled_elsewhere.running_definitions()
        return here

    async def _submit_scheduled(self, decision: Decision) -> str:
        if self._scheduled_elsewhere is not None:
            submitted = self._scheduled_elsewhere.submit(decision.definition, JobTrigger.SCHEDULE)
            job_id = await asyncio.wrap_future(submitted)
        else:
            job_id = await self._submit(decision.definition, JobTrigger.SCHEDULE)
        if decision.missed:
            self._job_log.info(job_id, decision.describe())
        return job_id

    def _log_skip(self, decision: Decision) -> None:
        """A skipped slot is told in the log of the run that is still going (where the user looks)."""
        for job_id, run in self._runs.items():
            if run.definition_id == decision.definition.id:
                self._job_log.warning(job_id, decision.describe())

    async def _submit(self, definition: JobDefinition, trigger: JobTrigger = JobTrigger.MANUAL) -> str:
        job_id = new_job_id()
        now = utc_now()
        metadata: JobMetadata = {"job_definition_id": definition.id, "trigger": trigger}
        if definition.auth_id:
            metadata["auth_id"] = definition.auth_id
        # Lesson 1 (docs/contracts.md): the parent's metadata is committed with its row, before any child exists.
        await self._db.write(
            jobs_repo.create_parent,
            job_id=job_id,
            name=definition.name,
            definition_id=definition.id,
            config=definition.to_mapping(),
            metadata=metadata,
            owner_pid=current_pid(),
            now=now,
        )
        keep = self.settings.keep_runs_per_definition
        removed = await self._db.write(jobs_repo.prune_runs, definition.id, keep=keep)
        self.events.publish(JobCreated(job_id, definition.name, definition.id, now, removed_runs=tuple(removed)))
        if removed:
            self._job_log.info(
                job_id,
                f"removed {len(removed)} older run(s) of this definition: the settings keep its last {keep} runs"
                " (their documents stay)",
            )
        await self._launch(job_id)
        return job_id

    async def _resume(self, job_id: str) -> str:
        job = await self._stopped_job(job_id)  # an active one here was left by a process that is gone
        if not job.status.is_active and job.status not in RESUMABLE_STATUSES:
            raise ConflictError(
                f"job {job_id} is {job.status}; only interrupted, paused, cancelled or failed jobs resume"
            )
        requeued = await self._db.write(jobs_repo.requeue_children, job_id, [JobStatus.RUNNING, JobStatus.CANCELLED])
        self._job_log.info(job_id, f"resuming: {requeued} unfinished page(s) back in the queue")
        await self._launch(job_id)
        return job_id

    async def _retry_failed(self, job_id: str) -> str:
        job = await self._stopped_job(job_id)
        if not job.progress.failed:
            raise ConflictError(f"job {job_id} has no failed pages: nothing to retry")
        requeued = await self._db.write(jobs_repo.requeue_failed, job_id)
        self._job_log.info(job_id, f"retrying failed pages: {requeued} page(s) back in the queue")
        await self._launch(job_id, retry_failed=True)
        return job_id

    async def _stopped_job(self, job_id: str) -> Job:
        """The job, if no process runs it (ConflictError otherwise)."""
        if job_id in self._tasks:
            raise ConflictError(f"job {job_id} is already running")
        job = await self._db.read(jobs_repo.get_parent, job_id)
        if job is None:
            raise NotFoundError(f"no job with id '{job_id}'")
        if job.status.is_active:
            owner_pid, heartbeat_at = await self._db.read(jobs_repo.owner_of, job_id)
            if owner_is_alive(owner_pid, heartbeat_at, shared=self.database.shared):
                raise ConflictError(f"job {job_id} is running in another Quaero process (pid {owner_pid})")
        return job

    async def _launch(self, job_id: str, *, retry_failed: bool = False) -> None:
        job = await self._db.read(jobs_repo.get_parent, job_id)
        if job is None:  # deleted (e.g. by the CLI in another process) since it was created or checked
            raise NotFoundError(f"no job with id '{job_id}'")
        run = CrawlRun(
            job,
            db=self._db,
            browser=self._browser,
            events=self.events,
            job_log=self._job_log,
            settings=self.settings,
            logins=self._logins,
            retry_failed=retry_failed,
            proxy_logins=self._proxy_logins,
            conversions=self._conversions,
        )
        self._runs[job_id] = run
        task = asyncio.create_task(run.run(), name=f"crawl-{job_id}")
        self._tasks[job_id] = task
        task.add_done_callback(lambda _task: self._forget(job_id))

    def _forget(self, job_id: str) -> None:
        self._runs.pop(job_id, None)
        self._tasks.pop(job_id, None)

    async def _cancel(self, job_id: str) -> bool:
        run = self._runs.get(job_id)
        if run is None:
            return False
        run.cancel("cancelled by the user")
        return True

    async def _pause(self, job_id: str) -> bool:
        run = self._runs.get(job_id)
        if run is not None:
            run.pause()
        return run is not None

    async def _wait(self, job_id: str) -> JobStatus:
        task = self._tasks.get(job_id)
        if task is not None:
            return await asyncio.shield(task)
        job = await self._db.read(jobs_repo.get_parent, job_id)
        if job is None:
            raise NotFoundError(f"no job with id '{job_id}'")
        return job.status

    async def _shutdown(self, detach: bool, resume_on_start: bool) -> None:
        for run in list(self._runs.values()):
            if detach:
                run.detach(resume_on_start=resume_on_start)
            else:
                run.cancel("cancelled: the app is quitting")
        if self._tasks:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        if self._scheduler_task is not None:
            self._scheduler_task.cancel()
        if self._flusher is not None:
            self._flusher.cancel()
        try:
            await self._job_log.flush()
        except LocalStorageError as exc:  # the crawl already said so, with what to do
            log.info("the last job log lines could not be stored: %s", exc)
        await self._browser.close()
        await asyncio.to_thread(self._conversions.close)  # the crawls have ended: no page awaits a worker


__all__ = ["Engine"]
