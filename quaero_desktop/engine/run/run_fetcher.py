"""How one run asks for a page: robots.txt, its turn at the host, retries, then the login watch; and
the run's requests that are not pages (the login watch's probe, "not found" checks)."""

from __future__ import annotations

import asyncio
import logging

from quaero_desktop.crawler.fetched import FetchError, Validators
from quaero_desktop.crawler.login_form import LoginMarkers
from quaero_desktop.crawler.scope import CrawlScope
from quaero_desktop.crawler.sources import PageSource
from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.engine.job_log import RunLog
from quaero_desktop.engine.run.fetching import CrawlFetching, closed_within
from quaero_desktop.engine.run.login_watch import LoginWatch
from quaero_desktop.engine.run.page_verdicts import Disallowed, FetchOutcome, LoginLost, NotStored
from quaero_desktop.engine.run.politeness import HostPacer, RobotsRules
from quaero_desktop.engine.run.retries import describe_unexpected, fetch_with_retries
from quaero_desktop.engine.settings import EngineSettings
from quaero_desktop.store.storage_errors import LocalStorageError

log = logging.getLogger(__name__)

PageOutcome = FetchOutcome | Disallowed | NotStored | LoginLost


class RunFetcher:
    def __init__(
        self,
        fetching: CrawlFetching,
        definition: JobDefinition,
        scope: CrawlScope,
        *,
        auth_id: str | None,
        settings: EngineSettings,
        run_log: RunLog,
    ) -> None:
        self._fetching = fetching
        self._settings = settings
        self._log = run_log
        self._pacer = HostPacer(0.0)
        self._robots: RobotsRules | None = None
        self._probe_source: PageSource | None = None
        self._probe_lock = asyncio.Lock()
        starts = [url for url in map(scope.normalise, definition.start_urls) if url]
        self.start_urls = starts
        self.login_watch = LoginWatch(
            auth_id=auth_id,
            markers=LoginMarkers(definition.logged_in_selector, definition.logged_out_selector),
            start_url=starts[0],
            probe=self.probe,
            normalise=scope.normalise,
        )

    def use(self, pacer: HostPacer, robots: RobotsRules | None) -> None:
        """The crawl's politeness (set once its request options are known)."""
        self._pacer, self._robots = pacer, robots

    async def page(self, url: str, source: PageSource, validators: Validators | None) -> PageOutcome:
        """The page, and what the login watch makes of it. An error nobody planned for (a bug, a page no
        parser expected) fails this page with its text, never the crawl in silence."""
        try:
            return await self.login_watch.assess(url, await self.fetch(url, source, validators))
        except LocalStorageError:
            raise
        except Exception as exc:
            log.exception("fetching %s failed", url)  # the traceback, under -v
            return FetchError(f"could not read the page ({describe_unexpected(exc)})", retryable=False)

    async def fetch(self, url: str, source: PageSource, validators: Validators | None) -> FetchOutcome | Disallowed:
        """The page, unless robots.txt disallows it; each request waits for its turn at the host."""
        if self._robots is not None:
            verdict = await self._robots.verdict(url, source.fetch_text)
            if not verdict.allowed:
                return Disallowed(verdict.reason)
        return await fetch_with_retries(
            url, source, self._settings, lambda message: self._log.info(message), validators, self._pacer
        )

    async def probe(self, url: str) -> FetchOutcome | Disallowed:
        """A request that is not a page of the crawl, fetched as pages are, through its own source: one at a time."""
        async with self._probe_lock:
            if self._probe_source is None:
                self._probe_source = self._fetching.source()
            self._log.debug(f"asking {url} (a check, not a page of the crawl)")
            return await self.fetch(url, self._probe_source, None)

    async def close(self) -> None:
        if self._probe_source is not None:
            await closed_within(self._probe_source.close(), "the probing tab")
