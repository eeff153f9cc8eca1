"""Crawls on a team store (PostgreSQL): started on the queue for the team's workers and followed through
the store, as ``CrawlsService`` does for the crawls of this process's engine (services/crawls.py).

No engine runs here for them: ``submit`` writes the crawl's job and its start pages in one
transaction, ``wait`` and ``events`` follow it through the store (engine/team/job_watch.py).
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, TypeVarTuple

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.errors import ConflictError, NotFoundError
from quaero_desktop.domain.job import JobStatus, JobTrigger
from quaero_desktop.engine.events import EventBus, JobCreated
from quaero_desktop.store import jobs_repo, team_crawls_repo
from quaero_desktop.store.database import Database
from quaero_desktop.store.schema import utc_now

if TYPE_CHECKING:
    from quaero_desktop.engine.team.job_watch import TeamJobWatch

T = TypeVar("T")
Args = TypeVarTuple("Args")

PAUSE_UNAVAILABLE = (
    "job {job_id} runs on the team's workers, which do not pause a crawl; cancel it, and resume it later "
    "(jobs resume): it goes on where it stopped"
)


class TeamCrawls:
    def __init__(self, database: Database) -> None:
        self._database = database
        self.events = EventBus()
        self._watch: TeamJobWatch | None = None
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def submit(self, definition: JobDefinition, trigger: JobTrigger) -> concurrent.futures.Future[str]:
        return self._off_thread(self._submit, definition, trigger)

    def resume(self, job_id: str, *, failed_pages: bool = False) -> concurrent.futures.Future[str]:
        return self._off_thread(self._resume, job_id, failed_pages)

    def running_definitions(self) -> set[str]:
        """The definitions with a team crawl going (a schedule does not start a second one)."""
        with self._database.read() as conn:
            return {
                job.definition_id
                for job in jobs_repo.list_parents(conn, statuses=[JobStatus.RUNNING])
                if job.definition_id
            }

    def pause(self, job_id: str) -> concurrent.futures.Future[None]:
        refused: concurrent.futures.Future[None] = concurrent.futures.Future()
        refused.set_exception(ConflictError(PAUSE_UNAVAILABLE.format(job_id=job_id)))
        return refused

    def wait(self, job_id: str) -> concurrent.futures.Future[JobStatus]:
        with self._lock:
            if self._watch is None:
                from quaero_desktop.engine.team.job_watch import TeamJobWatch

                self._watch = TeamJobWatch(self._database, self.events)
            watch = self._watch
        return watch.wait(job_id)

    def close(self) -> None:
        with self._lock:
            watch, self._watch = self._watch, None
            executor, self._executor = self._executor, None
        if watch is not None:
            watch.close()
        if executor is not None:
            executor.shutdown(wait=True)

    # ----- off the caller's thread -----

    def _submit(self, definition: JobDefinition, trigger: JobTrigger) -> str:
        from quaero_desktop.engine.team.submit import submit_team_crawl

        now = utc_now()
        with self._database.write() as conn:
            job_id = submit_team_crawl(conn, definition, now=now, trigger=trigger)
        self.events.publish(JobCreated(job_id, definition.name, definition.id, now))
        self.wait(job_id)  # its progress is published from now on (the window shows it live)
        return job_id

    def _resume(self, job_id: str, failed_pages: bool) -> str:
        from quaero_desktop.engine.team.submit import resume_team_crawl

        with self._database.write() as conn:
            job = jobs_repo.get_parent(conn, job_id)
            if job is None:
                raise NotFoundError(f"no job with id '{job_id}' (see: jobs list)")
            if job.status == JobStatus.RUNNING:
                raise ConflictError(f"job {job_id} is running on the team's workers; nothing to resume")
            if in_hand := team_crawls_repo.pages_in_hand(conn, job_id):
                raise ConflictError(
                    f"job {job_id} stopped, but workers still fetch {in_hand} of its page(s); resume it in a moment"
                )
            resume_team_crawl(conn, job, failed_pages=failed_pages, now=utc_now())
        self.wait(job_id)
        return job_id

    def _off_thread(self, fn: Callable[[*Args], T], *args: *Args) -> concurrent.futures.Future[T]:
        with self._lock:
            if self._executor is None:
                self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="team")
            return self._executor.submit(fn, *args)
