"""One run of a crawl: the parent job from start (or resume) to its final status."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from datetime import UTC, datetime

from sqlalchemy import Connection

from quaero_desktop.crawler.browser import BrowserService
from quaero_desktop.crawler.fetched import FetchedPage, FetchError, NotModified
from quaero_desktop.crawler.page_sources import PageSource
from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.document import KnownPage
from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.domain.job import Job, JobStatus, PageResult, Progress, rendered_empty_text
from quaero_desktop.engine.crawl_fetching import RENDER_TEXT, CrawlFetching
from quaero_desktop.engine.db_worker import DbWorker
from quaero_desktop.engine.events import (
    ChildrenAdded,
    ChildStatusChanged,
    DocumentSaved,
    EventBus,
    JobProgress,
    JobStatusChanged,
)
from quaero_desktop.engine.frontier import Frontier, FrontierEntry
from quaero_desktop.engine.job_log import JobLog
from quaero_desktop.engine.known_pages import KnownPages, mark_running_and_read
from quaero_desktop.engine.login_context import LoginSource
from quaero_desktop.engine.ownership import current_pid
from quaero_desktop.engine.page_commit import ChildBudget, PageCommit, enqueue_urls
from quaero_desktop.engine.page_outcome import (
    FetchOutcome,
    PageRecorder,
    describe_error,
    fetch_with_retries,
)
from quaero_desktop.engine.page_pipeline import CrawlScope
from quaero_desktop.engine.settings import EngineSettings
from quaero_desktop.store import jobs_repo

log = logging.getLogger(__name__)


def now_utc() -> datetime:
    return datetime.now(UTC)


class CrawlRun:
    """Runs one parent job. Everything it needs is read from the store, so a fresh run and a
    run resumed in a new process take the same path."""

    def __init__(
        self,
        job: Job,
        *,
        db: DbWorker,
        browser: BrowserService,
        events: EventBus,
        job_log: JobLog,
        settings: EngineSettings,
        logins: LoginSource | None = None,
    ) -> None:
        self.job_id = job.id
        self.definition = JobDefinition.from_mapping(job.config, f"job {job.id} configuration")
        self.definition_id = job.definition_id
        self._trigger = job.metadata.get("trigger", "manual")
        self._auth_id: str | None = job.metadata.get("auth_id")  # as stored with the parent row
        self._logins = logins
        self._db = db
        self._browser = browser
        self._events = events
        self._log = job_log
        self._settings = settings
        self._scope = CrawlScope.from_definition(self.definition)
        self._counts: dict[str, int] = {}
        self._stop: tuple[JobStatus, str | None] | None = None
        self._frontier = Frontier()
        self._workers: list[asyncio.Task[None]] = []
        self._resume_on_start = False
        self._earlier_seconds = job.crawl_seconds  # crawling time of earlier runs (resumed job)
        self._started = time.monotonic()  # set again when the pages start loading
        self._known = KnownPages(self.definition.start_urls, self.definition.render)

    # ----- control (called on the engine loop) -----

    def cancel(self, reason: str | None = None) -> None:
        self._halt(JobStatus.CANCELLED, reason)

    def detach(self, *, resume_on_start: bool = False) -> None:
        """Stop now and leave the job resumable (the app is quitting)."""
        self._resume_on_start = resume_on_start
        if resume_on_start:
            self._halt(JobStatus.INTERRUPTED, "Quaero Desktop quit during the crawl; it continues at the next start")
        else:
            self._halt(JobStatus.INTERRUPTED, "the app stopped during the crawl; resume to continue")

    # ----- the run -----

    async def run(self) -> JobStatus:
        self._started = started = time.monotonic()
        fetching = CrawlFetching(
            self.definition,
            self._scope,
            browser=self._browser,
            settings=self._settings,
            job_log=self._log,
            job_id=self.job_id,
        )
        heartbeat: asyncio.Task[None] | None = None
        try:
            await self._db.write(jobs_repo.mark_parent_running, self.job_id, owner_pid=current_pid(), now=now_utc())
            self._events.publish(JobStatusChanged(self.job_id, JobStatus.RUNNING))
            await fetching.open(self._logins, self._auth_id)
            recorder = await self._start()
            heartbeat = asyncio.create_task(self._heartbeat())
            self._workers = [
                asyncio.create_task(self._worker(fetching.source(), recorder), name=f"crawl-{self.job_id}-{i}")
                for i in range(self.definition.concurrency)
            ]
            self._started = time.monotonic()  # the crawl (and its timeout) starts now, the browser being ready
            try:
                async with asyncio.timeout(max(0.0, self.definition.timeout_seconds - self._earlier_seconds)):
                    await asyncio.gather(*self._workers, return_exceptions=True)
            except TimeoutError:
                self._halt(JobStatus.FAILED, self._timeout_message())
                await asyncio.gather(*self._workers, return_exceptions=True)
        except asyncio.CancelledError:
            self._halt(JobStatus.INTERRUPTED, "the app stopped during the crawl; resume to continue")
            await asyncio.gather(*self._workers, return_exceptions=True)
        except QuaeroError as exc:  # a cause the user can act on (login unusable, no browser...)
            self._halt(JobStatus.FAILED, str(exc))
            await asyncio.gather(*self._workers, return_exceptions=True)
        except Exception as exc:
            log.exception("crawl %s failed", self.job_id)
            self._halt(JobStatus.FAILED, describe_error(exc))
            await asyncio.gather(*self._workers, return_exceptions=True)
        finally:
            if heartbeat is not None:
                heartbeat.cancel()
            await fetching.close()
        return await self._finish(time.monotonic() - started)

    async def _start(self) -> PageRecorder:
        """Load (or create) the frontier and the counts from the store; the recorder for the pages."""
        created, last_seq = await self._db.read(jobs_repo.child_stats, self.job_id)
        budget = ChildBudget(self.job_id, max_pages=self.definition.max_pages, created=created, last_seq=last_seq)
        recorder = PageRecorder(
            self._db, self._scope, budget, definition_id=self.definition_id, authenticated=bool(self._auth_id)
        )
        if created == 0:
            starts = list(dict.fromkeys(u for u in map(self._scope.normalise, self.definition.start_urls) if u))
            entries = await self._db.write(enqueue_urls, budget, starts, 0, now_utc())
            how = {"schedule": " by its schedule", "auto_start": " at start-up"}.get(self._trigger, "")
            self._log.info(self.job_id, f"started{how}: {len(entries)} start URL(s), {self._limits_text()}")
            self._log.info(self.job_id, RENDER_TEXT[self.definition.render])
        else:
            pending = await self._db.read(jobs_repo.list_children, self.job_id, statuses=[JobStatus.PENDING])
            entries = [FrontierEntry(c.id, c.url, c.depth) for c in pending]
            self._log.info(self.job_id, f"resumed: {len(entries)} page(s) still to fetch of {created} found so far")
        self._frontier.add(entries)
        await self._db.read(self._known.load)
        progress = (await self._db.read(jobs_repo.progress_for, [self.job_id]))[self.job_id]
        self._counts = {k: v for k, v in progress.as_dict().items() if k != "total"}
        if entries:
            self._events.publish(ChildrenAdded(self.job_id, len(entries)))
        self._publish_progress()
        return recorder

    async def _worker(self, source: PageSource, recorder: PageRecorder) -> None:
        """Load pages one after another with one source (its own tab, when it uses the browser).

        Storing a page (Markdown conversion, the page's transaction) overlaps the next page's
        load, so the source is never idle while Python works; at most one page per worker waits
        to be stored. A page counts as running in the frontier until it is stored.
        """
        storing: asyncio.Task[None] | None = None
        try:
            while (entry := await self._frontier.next()) is not None:
                began = time.monotonic()
                if self._known.preloaded(entry.url):
                    marked: Awaitable[object] = self._db.write_soon(
                        jobs_repo.mark_child_running, entry.child_id, now_utc()
                    )
                    marked_and_known = None
                else:  # another host: mark it running and read what is stored, in one transaction
                    marked_and_known = self._db.write_soon(mark_running_and_read, entry.child_id, now_utc(), entry.url)
                    marked = marked_and_known
                self._move("pending", "running")
                self._child_event(entry, JobStatus.RUNNING)
                try:
                    known = await marked_and_known if marked_and_known is not None else self._known.get(entry.url)
                    outcome = await fetch_with_retries(
                        entry.url,
                        source,
                        self._settings,
                        lambda message: self._log.info(self.job_id, message),
                        self._known.validators(known),
                    )
                except BaseException:
                    self._frontier.done(entry)
                    raise
                if storing is not None:
                    await storing
                storing = asyncio.create_task(self._store_page(recorder, entry, outcome, known, marked, began))
            if storing is not None:
                await storing
        finally:
            if storing is not None and not storing.done():
                storing.cancel()
                await asyncio.gather(storing, return_exceptions=True)
            await source.close()

    async def _store_page(
        self,
        recorder: PageRecorder,
        entry: FrontierEntry,
        outcome: FetchOutcome,
        known: KnownPage | None,
        marked: Awaitable[object],
        began: float,
    ) -> None:
        try:
            await marked
            try:
                commit = await recorder.record(entry, outcome, known)
            except Exception as exc:  # a page that breaks conversion must not stop the crawl
                log.exception("could not store %s", entry.url)
                commit = await recorder.record_failure(entry, f"could not process the page: {describe_error(exc)}")
            self._after_page(entry, commit, outcome, known, time.monotonic() - began)
        finally:
            self._frontier.done(entry)
        self._check_failure_tolerance()

    def _after_page(
        self, entry: FrontierEntry, commit: PageCommit, outcome: FetchOutcome, known: KnownPage | None, seconds: float
    ) -> None:
        status = commit.status
        self._move("running", str(status))
        if commit.new_for_job:
            self._counts["documents"] += 1
        if commit.new_children:
            self._counts["pending"] += len(commit.new_children)
            self._frontier.add(commit.new_children)
            self._events.publish(ChildrenAdded(self.job_id, len(commit.new_children)))
        if commit.auth_failed:
            self._counts["auth_failures"] += 1
        if commit.rendered_empty:
            self._counts["rendered_empty"] += 1
        if commit.change is not None:
            self._counts[str(commit.change)] += 1
        http_status = None if isinstance(outcome, FetchError) else outcome.status
        title = outcome.title if isinstance(outcome, FetchedPage) else None
        if title is None and isinstance(outcome, NotModified) and known is not None:
            title = known.title
        error = commit.error
        self._child_event(
            entry, status, http_status=http_status, title=title, result=commit.result, error=error, note=commit.note
        )
        if commit.document_id is not None:
            self._events.publish(
                DocumentSaved(self.job_id, commit.document_id, entry.url, title or "", commit.new_for_job)
            )
        if status == JobStatus.FAILED:
            self._log.warning(self.job_id, f"failed {entry.url}: {error}")
        elif commit.rendered_empty:
            self._log.warning(self.job_id, f"stored {entry.url} as it was: {commit.note}")
        else:
            detail = commit.note or f"{len(commit.new_children)} new link(s)"
            self._log.debug(self.job_id, f"fetched {entry.url} ({http_status}, {seconds:.2f}s): {detail}")

    # ----- stopping and finishing -----

    def _halt(self, status: JobStatus, error: str | None) -> None:
        if self._stop is None:
            self._stop = (status, error)
        self._frontier.close()
        for task in self._workers:
            task.cancel()

    def _check_failure_tolerance(self) -> None:
        finished = self._counts["completed"] + self._counts["failed"]
        failed = self._counts["failed"]
        if finished >= self._settings.failure_min_pages and failed > finished * self._settings.failure_ratio:
            self._halt(
                JobStatus.FAILED,
                f"stopped: too many pages failed ({failed} of {finished}, "
                f"more than {self._settings.failure_ratio:.0%})",
            )

    async def _finish(self, seconds: float) -> JobStatus:
        status, error = self._stop or (JobStatus.COMPLETED, None)
        if self._stop is None:
            error = await self._start_urls_failure()
            if error is not None:
                status = JobStatus.FAILED
        await self._db.write(self._finish_transaction, status, error)
        await self._log.flush()
        progress = (await self._db.read(jobs_repo.progress_for, [self.job_id]))[self.job_id]
        self._counts = {k: v for k, v in progress.as_dict().items() if k != "total"}
        self._publish_progress()
        summary = f"{status}: {progress.text}, {progress.documents} document(s) in {seconds:.1f}s"
        if progress.changes_text:
            summary += f" ({progress.changes_text})"
        if progress.auth_failures:
            self._log.warning(
                self.job_id,
                f"{progress.auth_failures} page(s) needed a login (session expired?): "
                f"capture or import the login '{self._auth_id}' again",
            )
        if progress.rendered_empty:
            self._log.warning(self.job_id, rendered_empty_text(progress.rendered_empty))
        if error:
            self._log.write(self.job_id, "info" if status == JobStatus.INTERRUPTED else "error", f"{summary}: {error}")
        else:
            self._log.info(self.job_id, summary)
        await self._log.flush()
        self._events.publish(JobStatusChanged(self.job_id, status, error))
        return status

    def _timeout_message(self) -> str:
        if self._earlier_seconds:
            return (
                f"timed out after {self.definition.timeout} of crawling "
                "(the job's timeout; time spent before the crawl was resumed counts)"
            )
        return f"timed out after {self.definition.timeout} (the job's timeout)"

    def _crawl_seconds(self) -> float:
        """Crawling time over every run of this job, this one included."""
        return self._earlier_seconds + time.monotonic() - self._started

    def _heartbeat_transaction(self, conn: Connection) -> bool:
        jobs_repo.record_crawl_seconds(conn, self.job_id, self._crawl_seconds())
        return jobs_repo.heartbeat(conn, self.job_id, now_utc())

    def _finish_transaction(self, conn: Connection, status: JobStatus, error: str | None) -> None:
        now = now_utc()
        jobs_repo.record_crawl_seconds(conn, self.job_id, self._crawl_seconds())
        if status == JobStatus.INTERRUPTED:
            jobs_repo.mark_interrupted(conn, self.job_id, error=error, resume_on_start=self._resume_on_start)
            return
        jobs_repo.cancel_children(conn, self.job_id, [JobStatus.PENDING, JobStatus.RUNNING], now)
        jobs_repo.finish_parent(conn, self.job_id, status, error=error, now=now)

    async def _start_urls_failure(self) -> str | None:
        """The crawl failed as a whole when it stored nothing because every start URL failed."""
        if self._counts.get("documents", 0) > 0:
            return None
        starts = await self._db.read(jobs_repo.list_children, self.job_id, max_depth=0)
        if starts and all(c.status == JobStatus.FAILED for c in starts):
            details = "; ".join(f"{c.url}: {c.error}" for c in starts[:3])
            return f"start URL unreachable ({details})"
        return None

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self._settings.heartbeat_s)
            try:
                cancel_requested = await self._db.write(self._heartbeat_transaction)
            except Exception:
                log.exception("heartbeat for %s failed", self.job_id)
                continue
            if cancel_requested:
                self._log.info(self.job_id, "cancel requested from another process")
                self.cancel()

    # ----- progress -----

    def _move(self, from_status: str, to_status: str) -> None:
        self._counts[from_status] -= 1
        self._counts[to_status] += 1
        self._publish_progress()

    def _publish_progress(self) -> None:
        counts = self._counts
        self._events.publish(
            JobProgress(
                self.job_id,
                Progress(
                    pending=counts["pending"],
                    running=counts["running"],
                    completed=counts["completed"],
                    failed=counts["failed"],
                    cancelled=counts["cancelled"],
                    documents=counts["documents"],
                    auth_failures=counts["auth_failures"],
                    rendered_empty=counts["rendered_empty"],
                    new=counts["new"],
                    changed=counts["changed"],
                    unchanged=counts["unchanged"],
                    gone=counts["gone"],
                ),
            )
        )

    def _child_event(
        self,
        entry: FrontierEntry,
        status: JobStatus,
        *,
        http_status: int | None = None,
        title: str | None = None,
        result: PageResult | None = None,
        error: str | None = None,
        note: str | None = None,
    ) -> None:
        self._events.publish(
            ChildStatusChanged(
                self.job_id,
                entry.child_id,
                entry.url,
                entry.depth,
                status,
                http_status=http_status,
                title=title,
                result=result,
                error=error,
                note=note,
            )
        )

    def _limits_text(self) -> str:
        d = self.definition
        return f"max depth {d.max_depth}, max pages {d.max_pages}, concurrency {d.concurrency}, timeout {d.timeout}"
