"""One team crawl as a worker sees it: its fetching set up once, then page after page from the queue.

The same parts as a run in one process (engine/run/crawl_run.py) — the fetching, the page recorder and
its transactions, the politeness — with what must hold across workers taken from the database: the
host's pause (``SharedHostPacer``), the page budget and child numbering (``SharedChildBudget``), which
pages are queued (``queue_open_level``) and the crawl's end, decided by the worker whose page leaves
nothing open.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from quaero_desktop.crawler.browser.service import BrowserService
from quaero_desktop.crawler.conversion_pool import Conversions
from quaero_desktop.crawler.scope import CrawlScope
from quaero_desktop.crawler.sources import PageSource
from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import Job, JobStatus
from quaero_desktop.engine.db_worker import DbWorker
from quaero_desktop.engine.job_log import JobLog
from quaero_desktop.engine.run import run_end
from quaero_desktop.engine.run.crawl_requests import crawl_requests
from quaero_desktop.engine.run.fetching import CrawlFetching, closed_within
from quaero_desktop.engine.run.frontier import FrontierEntry
from quaero_desktop.engine.run.login_context import LoginSource
from quaero_desktop.engine.run.not_found_pages import NotFoundPages
from quaero_desktop.engine.run.page_recorder import PageRecorder
from quaero_desktop.engine.run.page_verdicts import LoginLost
from quaero_desktop.engine.run.prepared_page import content_rules
from quaero_desktop.engine.run.retries import describe_error
from quaero_desktop.engine.run.run_fetcher import RunFetcher
from quaero_desktop.engine.run.run_start import open_recorder
from quaero_desktop.engine.settings import EngineSettings
from quaero_desktop.engine.team.crawl_levels import LevelStep, queue_open_level
from quaero_desktop.engine.team.job_watch import notify_progress
from quaero_desktop.engine.team.shared_budget import SharedChildBudget
from quaero_desktop.engine.team.shared_pacer import SharedHostPacer
from quaero_desktop.store import team_crawls_repo
from quaero_desktop.store.schema import utc_now
from quaero_desktop.store.storage_errors import LocalStorageError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TeamParts:
    """What a worker's crawls share: its store, browser, conversion processes, log and settings."""

    db: DbWorker
    browser: BrowserService
    job_log: JobLog
    settings: EngineSettings
    conversions: Conversions | None = None
    logins: LoginSource | None = None  # the store's sealed logins, opened with this machine's team key


def claim_page(conn: Connection, job_id: str, child_id: str, now: datetime) -> FrontierEntry | None:
    """Mark the page running for this worker; None if its crawl is not running (ended, cancel asked) or
    the page is recorded already (its queue job runs again after a worker died past its transaction)."""
    state = team_crawls_repo.crawl_state(conn, job_id)
    if state is None or state.status != JobStatus.RUNNING or state.cancel_requested:
        return None
    claimed = team_crawls_repo.claim_page(conn, job_id, child_id, now)
    return None if claimed is None else FrontierEntry(child_id=child_id, url=claimed[0], depth=claimed[1])


def step_crawl(conn: Connection, job_id: str, per_host: int) -> LevelStep:
    """After a page: queue the open level; if no page is left, or a cancel was asked, end the crawl."""
    team_crawls_repo.lock_crawl(conn, job_id)
    state = team_crawls_repo.crawl_state(conn, job_id)
    if state is None or state.status != JobStatus.RUNNING:
        return LevelStep(0, None)
    if state.cancel_requested:
        end_crawl(conn, job_id, JobStatus.CANCELLED, "cancelled by the user")
        return LevelStep(0, None)
    step = queue_open_level(conn, job_id, per_host=per_host)
    if step.depth is None:
        end_crawl(conn, job_id, JobStatus.COMPLETED, None)
    notify_progress(conn, job_id)
    return step


def end_crawl(
    conn: Connection, job_id: str, status: JobStatus, error: str | None, *, login_expired: bool = False
) -> None:
    """End a running crawl (once: whichever worker comes first; the others find it ended)."""
    team_crawls_repo.lock_crawl(conn, job_id)
    state = team_crawls_repo.crawl_state(conn, job_id)
    if state is None or state.status != JobStatus.RUNNING:
        return
    seconds = (utc_now() - state.started_at).total_seconds() if state.started_at is not None else 0.0
    run_end.finish_parent_transaction(
        conn, job_id, status, error, seconds, timed_out=False, login_expired=login_expired, resume_on_start=False
    )
    notify_progress(conn, job_id)


class TeamCrawl:
    """A worker's part in one crawl: opened at its first page here, closed when the crawl ends."""

    def __init__(self, job: Job, parts: TeamParts, *, concurrency: int) -> None:
        self.job_id = job.id
        self.definition = JobDefinition.from_mapping(job.config, f"job {job.id} configuration")
        self._definition_id = job.definition_id
        self._auth_id: str | None = job.metadata.get("auth_id")
        self._parts = parts
        self._log = parts.job_log.for_job(job.id)
        self._scope = CrawlScope.from_definition(self.definition)
        self._fetching = CrawlFetching(
            self.definition, self._scope, browser=parts.browser, settings=parts.settings, run_log=self._log,
            conversions=parts.conversions,
        )  # fmt: skip
        self._pages = RunFetcher(
            self._fetching,
            self.definition,
            self._scope,
            auth_id=self._auth_id,
            settings=parts.settings,
            run_log=self._log,
        )
        self._not_found = NotFoundPages(
            self._pages.probe, self._pages.start_urls, self._scope.normalise, rules=content_rules(self.definition)
        )
        self._recorder: PageRecorder | None = None
        self._sources: asyncio.Queue[PageSource] = asyncio.Queue()
        self._source_count = 0
        self._concurrency = concurrency

    async def open(self) -> None:
        setup = await crawl_requests(
            self.definition,
            self._parts.settings.crawl_defaults,
            None,
            self._log,
            pacer_for=lambda delay_s: SharedHostPacer(self.job_id, delay_s, self._parts.db.write),
        )
        self._pages.use(setup.pacer, setup.robots)
        await self._fetching.open(self._parts.logins, self._auth_id, setup.options)
        self._recorder, _budget = await open_recorder(
            self._parts.db,
            self.job_id,
            self.definition,
            self._scope,
            definition_id=self._definition_id,
            authenticated=bool(self._auth_id),
            not_found=self._not_found,
            conversions=self._parts.conversions,
            budget=SharedChildBudget(self.job_id, max_pages=self.definition.max_pages),
        )

    async def page(self, child_id: str) -> LevelStep:
        """Fetch and record one page (unless it is recorded already), then move the crawl on."""
        assert self._recorder is not None, "open() first"
        db = self._parts.db
        entry = await db.write(claim_page, self.job_id, child_id, utc_now())
        if entry is not None:
            source = await self._source()
            try:
                outcome = await self._pages.page(entry.url, source, None)
            finally:
                self._sources.put_nowait(source)
            if isinstance(outcome, LoginLost):
                await db.write(end_crawl, self.job_id, JobStatus.FAILED, outcome.message, login_expired=True)
                return LevelStep(0, None)
            try:
                await self._recorder.record(entry, outcome, None)
            except LocalStorageError:  # the store went away: the page is tried again (page_queue.run_worker)
                raise
            except Exception as exc:  # a page that breaks conversion must not stop the crawl
                log.exception("could not store %s", entry.url)
                await self._recorder.record_failure(entry, f"could not process the page: {describe_error(exc)}")
        await self._log.flush()
        return await db.write(step_crawl, self.job_id, self.definition.concurrency)

    async def _source(self) -> PageSource:
        if self._sources.empty() and self._source_count < self._concurrency:
            self._source_count += 1
            return self._fetching.source()
        return await self._sources.get()

    async def close(self) -> None:
        while not self._sources.empty():
            await closed_within(self._sources.get_nowait().close(), "a worker's tab")
        self._not_found.close()
        await self._pages.close()
        await self._fetching.close()
