"""One run of a crawl: the parent job from start (or resume) to its final status."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable

from quaero_desktop.crawler.browser.service import BrowserService
from quaero_desktop.crawler.conversion_pool import Conversions
from quaero_desktop.crawler.fetched import FetchedPage
from quaero_desktop.crawler.render_check import HostChecks
from quaero_desktop.crawler.request_options import RequestOptions
from quaero_desktop.crawler.scope import CrawlScope
from quaero_desktop.crawler.sources import PageSource
from quaero_desktop.domain.definition import JobDefinition, RenderMode
from quaero_desktop.domain.document import KnownPage
from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.domain.job import Job, JobStatus, JobTrigger, SkipReason
from quaero_desktop.engine.db_worker import DbWorker
from quaero_desktop.engine.events import CrawlPhase, EventBus, JobStatusChanged, Phase
from quaero_desktop.engine.job_log import JobLog
from quaero_desktop.engine.ownership import current_pid
from quaero_desktop.engine.run import run_end
from quaero_desktop.engine.run.crawl_requests import ProxyLoginSource, crawl_requests
from quaero_desktop.engine.run.fetching import CrawlFetching, closed_within
from quaero_desktop.engine.run.frontier import Frontier, FrontierEntry
from quaero_desktop.engine.run.host_rereads import HostRereads
from quaero_desktop.engine.run.known_pages import KnownPages, mark_running_and_read
from quaero_desktop.engine.run.login_context import LoginSource
from quaero_desktop.engine.run.not_found_pages import NotFoundPages
from quaero_desktop.engine.run.page_recorder import PageRecorder
from quaero_desktop.engine.run.page_verdicts import Disallowed, FetchOutcome, LoginLost, NotStored
from quaero_desktop.engine.run.prepared_page import content_rules
from quaero_desktop.engine.run.retries import describe_error, describe_unexpected
from quaero_desktop.engine.run.run_clock import RunClock, keep_heartbeat
from quaero_desktop.engine.run.run_fetcher import RunFetcher
from quaero_desktop.engine.run.run_progress import RunProgress
from quaero_desktop.engine.run.run_start import first_pages, open_recorder
from quaero_desktop.engine.run.running_mark import RunningMarks
from quaero_desktop.engine.run.storage_stop import report_storage_stop
from quaero_desktop.engine.settings import EngineSettings
from quaero_desktop.store import frontier_repo, jobs_repo
from quaero_desktop.store.schema import utc_now
from quaero_desktop.store.storage_errors import LocalStorageError

log = logging.getLogger(__name__)


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
        retry_failed: bool = False,
        proxy_logins: ProxyLoginSource | None = None,
        conversions: Conversions | None = None,
    ) -> None:
        self.job_id = job.id
        self._conversions = conversions  # HTML -> Markdown: the engine's worker processes
        self._proxy_logins = proxy_logins
        self._requests_summary = ""
        self.definition = JobDefinition.from_mapping(job.config, f"job {job.id} configuration")
        self.definition_id = job.definition_id
        self._trigger = job.metadata.get("trigger", JobTrigger.MANUAL)
        self._auth_id: str | None = job.metadata.get("auth_id")  # as stored with the parent row
        self._logins = logins
        self._db = db
        self._marks = RunningMarks(db)  # the pages in flight that are running in the store only if slow
        self._browser = browser
        self._events = events
        self._log = job_log.for_job(job.id)  # this run's lines, bound to its job
        self._settings = settings
        self._scope = CrawlScope.from_definition(self.definition)
        self._progress = RunProgress(events, self._log)
        self._stop: tuple[JobStatus, str | None] | None = None
        self._storage_failure: LocalStorageError | None = None  # the data directory's storage failed
        self._frontier = Frontier()
        self._workers: list[asyncio.Task[None]] = []
        self._rereads: HostRereads | None = None  # pages read again in the browser (auto mode)
        self._resume_on_start = False
        self._clock = RunClock(self.definition, earlier_seconds=job.crawl_seconds, retry_failed=retry_failed)
        self._retry_failed = retry_failed
        self._timed_out = False
        self._login_expired = False
        self._known = KnownPages(self.definition)
        self._fetching = CrawlFetching(
            self.definition,
            self._scope,
            browser=browser,
            settings=settings,
            run_log=self._log,
            known_urls=lambda urls: db.read(frontier_repo.claimed_among, job.id, urls),
            conversions=conversions,
        )
        self._pages = RunFetcher(
            self._fetching,
            self.definition,
            self._scope,
            auth_id=self._auth_id,
            settings=settings,
            run_log=self._log,
        )
        self._not_found = NotFoundPages(
            self._pages.probe, self._pages.start_urls, self._scope.normalise, rules=content_rules(self.definition)
        )

    # ----- control (called on the engine loop) -----

    def cancel(self, reason: str | None = None) -> None:
        if self._stop is not None and self._stop[0] == JobStatus.PAUSED:
            self._stop = None  # a cancel while the pages being fetched finish wins over the pause
        self._halt(JobStatus.CANCELLED, reason)

    def pause(self) -> None:
        """Hand out no more pages; those being fetched finish and are stored (cut off after PAUSE_GRACE_S),
        then the job waits, paused, with its other pages pending."""
        if self._stop is None:
            self._stop = (JobStatus.PAUSED, run_end.PAUSED_MESSAGE)
            self._frontier.close()
            asyncio.get_running_loop().call_later(run_end.PAUSE_GRACE_S, self._halt, JobStatus.PAUSED, None)

    def detach(self, *, resume_on_start: bool = False) -> None:
        """Stop now and leave the job resumable (the app is quitting)."""
        self._resume_on_start = resume_on_start
        self._halt(JobStatus.INTERRUPTED, run_end.QUIT_MESSAGE if resume_on_start else run_end.STOPPED_MESSAGE)

    # ----- the run -----

    async def run(self) -> JobStatus:
        self._clock.start()
        fetching = self._fetching
        self._rereads = HostRereads(fetching, self._frontier, self._progress, self._log)
        heartbeat: asyncio.Task[None] | None = None
        try:
            await self._db.write(jobs_repo.mark_parent_running, self.job_id, owner_pid=current_pid(), now=utc_now())
            self._events.publish(JobStatusChanged(self.job_id, JobStatus.RUNNING))
            options = await self._request_options()
            if self.definition.render == RenderMode.BROWSER and not self._browser.running:
                self._events.publish(CrawlPhase(self.job_id, Phase.STARTING_BROWSER))
            await fetching.open(self._logins, self._auth_id, options)
            recorder = await self._start()
            self._log.info(self._requests_summary)
            heartbeat = asyncio.create_task(
                keep_heartbeat(
                    self._db,
                    self.job_id,
                    self._clock,
                    self._settings.heartbeat_s,
                    self._stop_for_storage,
                    self._cancelled_elsewhere,
                )
            )
            self._workers = [
                asyncio.create_task(self._worker(fetching.source(), recorder), name=f"crawl-{self.job_id}-{i}")
                for i in range(self.definition.concurrency)
            ]
            self._clock.start()  # the crawl (and its timeout) starts now, the browser being ready
            self._events.publish(CrawlPhase(self.job_id, Phase.CRAWLING))
            try:
                async with asyncio.timeout(max(0.0, self._clock.timeout_s)):
                    self._check_workers(await asyncio.gather(*self._workers, return_exceptions=True))
            except TimeoutError:
                self._timed_out = self._stop is None
                self._halt(JobStatus.FAILED, self._clock.timeout_message())
                self._check_workers(await asyncio.gather(*self._workers, return_exceptions=True))
        except asyncio.CancelledError:
            self._halt(JobStatus.INTERRUPTED, run_end.STOPPED_MESSAGE)
            await asyncio.gather(*self._workers, return_exceptions=True)
        except LocalStorageError as exc:
            self._stop_for_storage(exc)
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
            self._marks.stop()  # the workers are done: no page is marked running from now on
            await closed_within(self._rereads.close(), "the pages waiting for their host's checks")
            self._not_found.close()
            await self._pages.close()
            await fetching.close()
        return await self._finish()

    async def _request_options(self) -> RequestOptions:
        """How this crawl's requests go out, and its politeness (definition over the app's defaults)."""
        setup = await crawl_requests(self.definition, self._settings.crawl_defaults, self._proxy_logins, self._log)
        self._pages.use(setup.pacer, setup.robots)
        self._requests_summary = setup.summary
        return setup.options

    async def _start(self) -> PageRecorder:
        """Load (or create) the frontier and the counts from the store; the recorder for the pages."""
        recorder, budget = await open_recorder(
            self._db,
            self.job_id,
            self.definition,
            self._scope,
            definition_id=self.definition_id,
            authenticated=bool(self._auth_id),
            not_found=self._not_found,
            conversions=self._conversions,
        )
        entries = await first_pages(
            self._db,
            self._log,
            self.definition,
            budget,
            start_urls=self._pages.start_urls,
            trigger=self._trigger,
            retry_failed=self._retry_failed,
        )
        self._frontier.add(entries)
        await self._db.read(self._known.load)
        progress = (await self._db.read(jobs_repo.progress_for, [self.job_id]))[self.job_id]
        self._progress.load(progress)
        if entries:
            self._progress.added(len(entries))
        self._progress.publish()
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
                marked: Awaitable[object]
                if self._known.preloaded(entry.url):  # running in the store only if it takes a while
                    mark = self._marks.start(entry)
                    entry, marked, marked_and_known = mark.entry, mark, None
                else:  # another host: mark it running and read what is stored, in one transaction
                    marked_and_known = self._db.write_soon(mark_running_and_read, entry.child_id, utc_now(), entry.url)
                    marked = marked_and_known
                self._progress.started(entry)
                try:
                    known = await marked_and_known if marked_and_known is not None else self._known.get(entry.url)
                    outcome = await self._pages.page(entry.url, source, self._known.validators(known))
                    checks = source.take_host_checks(entry.url)  # auto mode: its host's checks still open
                except BaseException:
                    self._frontier.done(entry)
                    raise
                if isinstance(outcome, LoginLost):  # nothing recorded: the page waits for the resume
                    self._frontier.done(entry)
                    self._stop_for_login(outcome.message)
                    break
                if storing is not None:
                    await storing
                storing = asyncio.create_task(self._store_page(recorder, entry, outcome, checks, known, marked, began))
            if storing is not None:
                await storing
        finally:
            if storing is not None and not storing.done():
                storing.cancel()
                await asyncio.gather(storing, return_exceptions=True)
            await closed_within(source.close(), "a worker's tab")

    async def _store_page(
        self,
        recorder: PageRecorder,
        entry: FrontierEntry,
        outcome: FetchOutcome | Disallowed | NotStored,
        checks: HostChecks | None,
        known: KnownPage | None,
        marked: Awaitable[object],
        began: float,
    ) -> None:
        try:
            await marked
            try:
                commit = await recorder.record(entry, outcome, known)
            except LocalStorageError:
                raise
            except Exception as exc:  # a page that breaks conversion must not stop the crawl
                log.exception("could not store %s", entry.url)
                commit = await recorder.record_failure(entry, f"could not process the page: {describe_error(exc)}")
            self._progress.page_done(entry, commit, outcome, known, time.monotonic() - began)
            if commit.new_children:
                self._frontier.add(commit.new_children)
            read_again = commit.document_id is not None or commit.reason == SkipReason.SAME_CONTENT
            if isinstance(outcome, FetchedPage) and checks is not None and read_again:
                assert self._rereads is not None
                self._rereads.watch(recorder, entry, checks, commit)
        except LocalStorageError as exc:
            # Nothing of this page was committed: it stays pending or "running" in the store, and the
            # interrupted job puts it back to pending, so the resume fetches it again.
            self._stop_for_storage(exc)
            return
        finally:
            self._frontier.done(entry)
        self._check_failure_tolerance()

    # ----- stopping and finishing -----

    def _halt(self, status: JobStatus, error: str | None) -> None:
        if self._stop is None:
            self._stop = (status, error)
        self._frontier.close()
        for task in self._workers:
            task.cancel()
        if self._rereads is not None:
            self._rereads.cancel()

    def _stop_for_login(self, message: str) -> None:
        """The login expired: stop now; the pages wait (pending) for the job's resume after a new capture."""
        self._login_expired = True
        self._halt(JobStatus.FAILED, message)

    def _check_workers(self, results: list[object]) -> None:
        """A worker that ended on an error nobody planned for fails the crawl with that error: its page
        would otherwise be left unfinished by a crawl that says "completed"."""
        for result in results:
            if isinstance(result, Exception):
                log.error("a crawl worker of %s failed", self.job_id, exc_info=result)
                self._halt(JobStatus.FAILED, f"the crawl stopped on an unexpected error: {describe_unexpected(result)}")

    def _stop_for_storage(self, failure: LocalStorageError) -> None:
        """The disk is full (or the database cannot be written): stop now, leave the job resumable."""
        if self._storage_failure is None:
            self._storage_failure = failure
        self._halt(JobStatus.INTERRUPTED, str(failure))

    def _check_failure_tolerance(self) -> None:
        too_many = self._progress.too_many_failures(self._settings.failure_min_pages, self._settings.failure_ratio)
        if too_many is not None:
            self._halt(JobStatus.FAILED, too_many)

    def _cancelled_elsewhere(self) -> None:
        self._log.info("cancel requested from another process")
        self.cancel()

    async def _finish(self) -> JobStatus:
        status, error = self._stop or (JobStatus.COMPLETED, None)
        crawl_seconds = self._clock.crawl_seconds()  # stored and logged alike: the window shows the same
        if self._stop is None and self._storage_failure is None:
            error = await run_end.start_urls_failure(self._db, self.job_id, self._progress)
            if error is not None:
                status = JobStatus.FAILED
        try:
            status, error = await self._db.write(
                run_end.finish_parent_transaction,
                self.job_id,
                status,
                error,
                crawl_seconds,
                timed_out=self._timed_out,
                login_expired=self._login_expired,
                resume_on_start=self._resume_on_start,
            )
        except LocalStorageError as exc:
            # The job stays "running" in the store; the next start finds its process gone and
            # leaves it interrupted with its running pages pending: the same state, one step later.
            self._storage_failure = self._storage_failure or exc
        if self._storage_failure is not None:
            pages_left = self._progress.counts.get("pending", 0) + self._progress.counts.get("running", 0)
            await report_storage_stop(self._db, self._log, self._events, self._storage_failure, pages_left)
            self._progress.publish()
            return JobStatus.INTERRUPTED
        await self._flush_log()
        progress = (await self._db.read(jobs_repo.progress_for, [self.job_id]))[self.job_id]
        self._progress.load(progress)
        self._progress.publish()
        warnings, summary = run_end.summary_lines(status, progress, crawl_seconds, self._auth_id)
        for warning in warnings:
            self._log.warning(warning)
        if error:
            stopped = status in (JobStatus.INTERRUPTED, JobStatus.PAUSED)
            self._log.write("info" if stopped else "error", f"{summary}: {error}")
        else:
            self._log.info(summary)
        await self._flush_log()
        self._events.publish(JobStatusChanged(self.job_id, status, error))
        return status

    async def _flush_log(self) -> None:
        try:
            await self._log.flush()
        except LocalStorageError:  # the lines stay buffered: stored by a later flush once there is room
            log.debug("job log lines of %s wait for disk space", self.job_id)
