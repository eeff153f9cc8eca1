"""What a crawl fetches pages with, by its definition's ``render``: the browser, HTTP, or both.

Built once per run, from the parent's stored login (lesson 1): the HTTP client's cookie jar and
the browser context both start from it. Both send the crawl's ``RequestOptions`` (user agent,
headers, proxy and its login). ``render = "http"`` never starts a browser;
``render = "auto"`` starts one only when the first page needs it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

import httpx2

from quaero_desktop.crawler.browser.service import BrowserService
from quaero_desktop.crawler.browser_sources import BrowserSource, SharedBrowser, SharedTab, TabSettings
from quaero_desktop.crawler.conversion_pool import Conversions
from quaero_desktop.crawler.fetched import FetchedPage, NonHtmlResponse
from quaero_desktop.crawler.http.client import HttpClientOptions, build_http_client
from quaero_desktop.crawler.http.fetcher import HttpFetcher
from quaero_desktop.crawler.render_check import Check, RenderDecisions
from quaero_desktop.crawler.request_options import RequestOptions
from quaero_desktop.crawler.scope import CrawlScope
from quaero_desktop.crawler.sources import AutoSource, HttpSource, PageSource
from quaero_desktop.domain.definition import JobDefinition, RenderMode
from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.engine.job_log import RunLog
from quaero_desktop.engine.run.login_context import (
    CrawlLogin,
    LoginSource,
    load_crawl_login,
    login_cookie_jar,
    open_login_context,
)
from quaero_desktop.engine.run.prepared_page import content_rules
from quaero_desktop.engine.settings import EngineSettings

if TYPE_CHECKING:  # Playwright loads with the first browser (crawler/browser/service.py)
    from playwright.async_api import BrowserContext

    from quaero_desktop.crawler.cookie_sync import CookieSync

log = logging.getLogger(__name__)
CLOSE_STEP_S = 10.0  # the longest one step of closing may take when a crawl stops
# An auto crawl's workers and its checking tab borrow tabs page by page from one pool, and a tab
# unused this long is closed: each is a renderer process, and a static site's samples (one page in
# 50) need one or two at a time, not one per worker. Opening a tab again takes about 0.1-0.3 s.
AUTO_TAB_IDLE_CLOSE_S = 5.0

RENDER_TEXT = {
    RenderMode.AUTO: "render auto: pages are read over HTTP; the browser renders those that need JavaScript",
    RenderMode.BROWSER: "render browser: every page is rendered in the browser",
    RenderMode.HTTP: "render http: every page is read over HTTP; the browser is never started",
}


class CrawlFetching:
    """The crawl's HTTP client and/or browser context, and a ``PageSource`` per worker."""

    def __init__(
        self,
        definition: JobDefinition,
        scope: CrawlScope,
        *,
        browser: BrowserService,
        settings: EngineSettings,
        run_log: RunLog,
        known_urls: Callable[[list[str]], Awaitable[set[str]]] | None = None,
        conversions: Conversions | None = None,
    ) -> None:
        self.render = definition.render
        self._conversions = conversions
        self._known_urls = known_urls
        self._definition = definition
        self._scope = scope
        self._browser_service = browser
        self._settings = settings
        self._log = run_log
        self._client: httpx2.AsyncClient | None = None
        self._browser: SharedBrowser | None = None
        self._decisions = RenderDecisions()
        self._login: CrawlLogin | None = None
        self._browser_failure: str | None = None
        self._options = RequestOptions()
        self._shared_tab: SharedTab | None = None

    @property
    def uses_browser(self) -> bool:
        return self._browser is not None and self._browser.opened

    async def open(
        self, logins: LoginSource | None, auth_id: str | None, options: RequestOptions | None = None
    ) -> None:
        """Load the login and open what the render mode needs up front (the browser path opens its
        context now, so a login the browser refuses fails the crawl before any page)."""
        self._login = await load_crawl_login(logins, auth_id, self._log)
        self._options = options or RequestOptions()
        tab_settings = TabSettings(
            self._settings.page_timeout_s, self._settings.settle, self._settings.recycle_page_after
        )
        sync: CookieSync | None = None
        if self.render in (RenderMode.HTTP, RenderMode.AUTO):
            jar = login_cookie_jar(self._login, self._log)
            self._client = build_http_client(
                HttpClientOptions(
                    concurrency=self._definition.concurrency,
                    timeout_s=self._settings.page_timeout_s,
                    cookies=jar,
                    requests=self._options.with_login_user_agent(
                        self._login.secret.user_agent if self._login else None
                    ),
                )
            )
            if self.render == RenderMode.AUTO:  # the browser shares the jar: an HTTP crawl loads no browser code
                from quaero_desktop.crawler.cookie_sync import CookieSync

                sync = CookieSync(jar)
        if self.render in (RenderMode.BROWSER, RenderMode.AUTO):
            # Only auto mode closes an idle context: its cookies live on in the HTTP client's jar
            # (``CookieSync``) and the login is applied again when it reopens; a browser crawl's
            # context holds the site's cookies alone, and renders every page anyway.
            auto = self.render == RenderMode.AUTO
            self._browser = SharedBrowser(
                self._open_context,
                tab_settings,
                sync,
                idle_close_s=self._settings.browser_idle_close_s if auto else None,
                tab_idle_close_s=AUTO_TAB_IDLE_CLOSE_S if auto else None,
                renderer_killed_since=self._browser_service.renderer_killed_since,
                follows_redirect=self._follows_redirect(),
            )
        if self.render == RenderMode.AUTO:
            assert self._browser is not None
            self._shared_tab = SharedTab(self._browser)
        if self.render == RenderMode.BROWSER:
            assert self._browser is not None
            await self._browser.context()

    async def _open_context(self) -> BrowserContext:
        if self._browser_failure is not None:
            raise _BrowserUnavailable(self._browser_failure)
        try:
            context = await open_login_context(self._browser_service, self._login, self._log, self._options)
        except QuaeroError as exc:
            if self.render == RenderMode.BROWSER:
                raise
            self._browser_failure = str(exc)
            self._log.error(f"the browser could not start, so pages that need it fail: {exc}")
            raise _BrowserUnavailable(str(exc)) from None
        if self.render == RenderMode.AUTO:
            self._log.info("started the browser for pages that need JavaScript")
        return context

    def source(self) -> PageSource:
        """A source for one worker (each has its own tab; the HTTP client and context are shared)."""
        if self.render == RenderMode.HTTP:
            assert self._client is not None
            return HttpSource(self._http_fetcher())
        assert self._browser is not None
        if self.render == RenderMode.BROWSER:
            return BrowserSource(self._browser)
        assert self._client is not None and self._shared_tab is not None
        return AutoSource(
            self._http_fetcher(),
            self._browser,
            self._decisions,
            checking_tab=self._shared_tab,
            scope_links=self._scope.in_scope,
            on_switch=self._switched,
            known_urls=self._known_urls,
            rules=content_rules(self._definition),
            conversions=self._conversions,
        )

    def _http_fetcher(self) -> HttpFetcher:
        assert self._client is not None
        follows = self._follows_redirect()
        return HttpFetcher(self._client, page_timeout_s=self._settings.page_timeout_s, follows=follows)

    def _follows_redirect(self) -> Callable[[str], bool] | None:
        """Which redirects a page's load follows, over HTTP and in a tab alike. One off the crawl's scope
        is not asked for (its page is skipped, noted), except in a logged-in crawl: there, as a browser
        does, the chain is followed to its end, whose URL (a sign-in page on another host) says whether
        the login still holds (page_recorder.needs_login)."""
        return None if self._login is not None else self._scope.follows_redirect

    def keeps_to_scope(self, url: str) -> bool:
        """Whether a page that ended at ``url`` is one the crawl stores: on its site, as its filters allow."""
        return self._scope.follows_redirect(url)

    async def read_in_browser(self, url: str) -> FetchedPage | NonHtmlResponse:
        """Read a page again in the browser, in the crawl's shared tab (auto mode, after its host switched)."""
        assert self._shared_tab is not None, "only auto mode reads pages again"
        return await self._shared_tab.render(url)

    def _switched(self, line: str) -> None:
        """Pages of a kind, or a whole host, switched to the browser: which, and why (render_check.py)."""
        self._log.warning(line)

    async def close(self) -> None:
        """Stop the checks still running, then close the tab, the browser context and the client.

        The checks end before their tab and context close: Playwright never answers a new tab asked
        for while its context closes, so a check left running could wait for ever. Each step is
        bounded all the same, and says so when it was cut short: a crawl that stops must reach its
        last write (its status, its crawling time) whatever happens. A tab's close is what reached
        the bound (issue 21): Chromium drops a close that meets a navigation's commit
        (crawler/browser/tab_close.py)."""
        checks = self._decisions.unfinished_checks()
        if checks:
            await closed_within(_cancelled(checks), "the checks still running")
        if self._shared_tab is not None:
            await closed_within(self._shared_tab.close(), "the checking tab")
        if self._browser is not None:
            await closed_within(self._browser.close(), "the browser context")
        if self._client is not None:
            await closed_within(self._client.aclose(), "the HTTP client")


async def closed_within(closing: Coroutine[Any, Any, object], what: str) -> None:
    """Await a close for at most ``CLOSE_STEP_S``; a failure or a hang is logged, never raised.

    A close that reaches the bound is a fault (something it waited for never answered): its warning
    is what tests/test_stop_stress.py and benchmarks/stop_stress.py count; the debug line says how
    long each close took."""
    began = time.monotonic()
    try:
        async with asyncio.timeout(CLOSE_STEP_S):
            await closing
    except TimeoutError:
        log.warning("closing %s took more than %ss; left behind", what, CLOSE_STEP_S)
        return
    except Exception:
        log.debug("closing %s failed", what, exc_info=True)
    log.debug("closed %s in %.3f s", what, time.monotonic() - began)


async def _cancelled(tasks: list[Check]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.wait(tasks)


class _BrowserUnavailable(QuaeroError):
    """Auto mode could not start the browser: the pages that need it fail, the others go on."""
