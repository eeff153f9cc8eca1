"""``quaero-desktop worker``: fetches the pages of team crawls from the queue until stopped.

One worker process: one event loop, its own browser, HTTP clients and conversion processes; up to
``concurrency`` pages at once, of any crawls. A crawl's parts are opened at its first page here and
closed when it ends (this worker's last page of it, or another worker's, seen by ``_close_ended``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.engine.team.page_queue import run_worker
from quaero_desktop.engine.team.team_crawl import TeamCrawl, TeamParts, end_crawl
from quaero_desktop.store import jobs_repo, team_crawls_repo

if TYPE_CHECKING:
    import procrastinate

    from quaero_desktop.engine.run.login_context import LoginSource
    from quaero_desktop.engine.settings import EngineSettings
    from quaero_desktop.store.database import Database

log = logging.getLogger(__name__)

ENDED_CHECK_S = 5.0  # how often a worker looks for crawls other workers ended (to close its parts of them)


class TeamWorker:
    def __init__(self, parts: TeamParts, *, concurrency: int, name: str) -> None:
        self._parts = parts
        self._concurrency = concurrency
        self.name = name
        self._crawls: dict[str, TeamCrawl] = {}
        self._opening: dict[str, asyncio.Lock] = {}
        self.pages_done = 0

    async def run(self, app: procrastinate.App, stop: asyncio.Event) -> None:
        sweeper = asyncio.create_task(self._close_ended(), name="ended crawls")
        try:
            await run_worker(app, self.page, concurrency=self._concurrency, name=self.name, stop=stop)
        finally:
            sweeper.cancel()
            await asyncio.gather(sweeper, return_exceptions=True)
            for job_id in list(self._crawls):
                await self._close(job_id)

    async def page(self, job_id: str, child_id: str) -> None:
        crawl = await self._crawl(job_id)
        if crawl is None:
            return
        step = await crawl.page(child_id)
        self.pages_done += 1
        if step.depth is None:
            await self._close(job_id)

    async def _crawl(self, job_id: str) -> TeamCrawl | None:
        """This worker's part of the crawl, opened on its first page; None if the crawl is not running."""
        if job_id in self._crawls:
            return self._crawls[job_id]
        async with self._opening.setdefault(job_id, asyncio.Lock()):
            if job_id in self._crawls:
                return self._crawls[job_id]
            job = await self._parts.db.read(jobs_repo.get_parent, job_id)
            if job is None or job.status != JobStatus.RUNNING:
                return None
            crawl = TeamCrawl(job, self._parts, concurrency=self._concurrency)
            try:
                await crawl.open()
            except Exception as exc:  # the crawl cannot run on a worker (its login, its browser): say so on it
                log.warning("crawl %s cannot run on worker %s", job_id, self.name, exc_info=True)
                await crawl.close()
                await self._parts.db.write(end_crawl, job_id, JobStatus.FAILED, f"a team worker cannot run it: {exc}")
                return None
            self._crawls[job_id] = crawl
            return crawl

    async def _close(self, job_id: str) -> None:
        crawl = self._crawls.pop(job_id, None)
        self._opening.pop(job_id, None)
        if crawl is not None:
            await crawl.close()

    async def _close_ended(self) -> None:
        while True:
            await asyncio.sleep(ENDED_CHECK_S)
            open_ids = list(self._crawls)
            if not open_ids:
                continue
            try:
                statuses = await self._parts.db.read(team_crawls_repo.statuses_of, open_ids)
            except Exception:  # the database is away: the queue's reconnect says so; look again later
                log.warning("could not read the state of this worker's crawls", exc_info=True)
                continue
            for job_id in open_ids:
                if statuses.get(job_id) != JobStatus.RUNNING:
                    await self._close(job_id)


async def serve(
    database: Database,
    settings: EngineSettings,
    *,
    logins: LoginSource | None,
    concurrency: int,
    name: str,
    stop: asyncio.Event,
) -> int:
    """Run a worker on the team store ``database`` until ``stop`` is set; the pages it handled. ``logins``:
    the store's sealed logins, opened with this machine's team key (a crawl behind a login needs them)."""
    from quaero_desktop.crawler.browser.service import BrowserService
    from quaero_desktop.crawler.conversion_pool import ConversionPool
    from quaero_desktop.engine.db_worker import DbWorker
    from quaero_desktop.engine.events import EventBus
    from quaero_desktop.engine.job_log import JobLog
    from quaero_desktop.engine.redaction import Redactor
    from quaero_desktop.engine.team.page_queue import install_queue, queue_app

    db = DbWorker(database)
    browser = BrowserService(
        settings.browser_path,
        headless=settings.headless,
        block_resources=settings.block_resources,
        idle_close_s=settings.browser_idle_close_s,
    )
    conversions = ConversionPool()
    parts = TeamParts(db, browser, JobLog(db, EventBus(), Redactor()), settings, conversions, logins)
    worker = TeamWorker(parts, concurrency=concurrency, name=name)
    app = queue_app(database.url.render_as_string(hide_password=False))
    try:
        async with app.open_async():
            await install_queue(app)
            log.info("worker %s is taking pages (%s at a time)", name, concurrency)
            await worker.run(app, stop)
    finally:
        await browser.close()
        await asyncio.to_thread(conversions.close)
        db.shutdown()
    return worker.pages_done
