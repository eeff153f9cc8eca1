"""The browser side of a crawl's page sources (``sources.py``): the crawl's browser context, opened
the first time a worker needs it, the tab its background work shares, and ``BrowserSource``
(every page in a worker's tab)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

from quaero_desktop.crawler.browser.load_errors import page_too_heavy, read_error
from quaero_desktop.crawler.browser.settle import SettleTimings
from quaero_desktop.crawler.browser.tab_pool import TabPool
from quaero_desktop.crawler.fetched import (
    FetchedPage,
    FetchError,
    NonHtmlResponse,
    SourceResult,
    TextResponse,
    Turn,
    Validators,
)
from quaero_desktop.crawler.render_check import HostChecks
from quaero_desktop.domain.errors import QuaeroError

if TYPE_CHECKING:  # Playwright and the browser's tabs load with the first page a browser renders
    from playwright.async_api import BrowserContext

    from quaero_desktop.crawler.browser.page_fetcher import ServedDocument
    from quaero_desktop.crawler.browser.tabs import Tab
    from quaero_desktop.crawler.cookie_sync import CookieSync

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class TabSettings:
    page_timeout_s: float
    settle: SettleTimings
    recycle_after: int


class SharedBrowser:
    """A crawl's browser context, opened the first time a worker needs it (auto mode may never).

    ``open_context`` is the crawl's own (it logs in: lesson 1); ``cookies`` keeps the context's
    cookies and the HTTP client's in step where both are used. With ``idle_close_s`` the context is
    closed once no page has been rendered in it for that long (auto mode: a sample now and then must
    not keep Chromium's memory for the whole crawl), and opened again, logged in again, by the next
    page that needs it; its tabs are replaced then (``generation``). With ``tab_idle_close_s`` the
    workers borrow a tab per page from a pool (``tab_pool.py``) instead of keeping one each, and a
    tab unused that long is closed. ``follows_redirect`` says whether a page's redirect to a URL is
    followed (None: every one): one that is not ends the page's load before its target is asked for."""

    def __init__(
        self,
        open_context: Callable[[], Awaitable[BrowserContext]],
        tab_settings: TabSettings,
        cookies: CookieSync | None = None,
        *,
        idle_close_s: float | None = None,
        tab_idle_close_s: float | None = None,
        renderer_killed_since: Callable[[float], bool] = lambda _moment: False,
        follows_redirect: Callable[[str], bool] | None = None,
    ) -> None:
        self._open_context = open_context
        self.follows_redirect = follows_redirect
        self.renderer_killed_since = renderer_killed_since  # BrowserService's: a renderer stopped for its memory
        self.tab_pool = TabPool(self.new_tab, tab_idle_close_s) if tab_idle_close_s is not None else None
        self._context: BrowserContext | None = None
        self._lock = asyncio.Lock()
        self.tab_settings = tab_settings
        self.cookies = cookies
        self._idle_close_s = idle_close_s
        self._in_use = 0
        self._closed = False
        self._last_used = time.monotonic()
        self._idle_watch: asyncio.Task[None] | None = None
        self.generation = 0  # counts the contexts opened: a tab of an older one is replaced

    @property
    def opened(self) -> bool:
        return self._context is not None

    async def context(self) -> BrowserContext:
        async with self._lock:
            if self._closed:  # the crawl stopped: a context opened now would stay open, closed by nobody
                raise QuaeroError("the crawl stopped")
            if self._context is None:
                if self.generation and self.cookies is not None:
                    self.cookies.new_context()  # what the crawl's pages set lives on in the jar
                self._context = await self._open_context()
                self.generation += 1
                if self._idle_close_s is not None and self._idle_watch is None:
                    self._idle_watch = asyncio.create_task(self._close_when_idle(self._idle_close_s))
            return self._context

    @contextlib.asynccontextmanager
    async def in_use(self) -> AsyncIterator[None]:
        """A page is being rendered: the context is not closed for being idle meanwhile."""
        self._in_use += 1
        try:
            yield
        finally:
            self._in_use -= 1
            self._last_used = time.monotonic()

    def _idle_for(self) -> float:
        """Seconds since the last page ended (0 while one is being rendered)."""
        return 0.0 if self._in_use else time.monotonic() - self._last_used

    async def _close_when_idle(self, idle_s: float) -> None:
        while True:
            await asyncio.sleep(max(0.05, idle_s - self._idle_for()))
            if self._idle_for() < idle_s:
                continue
            async with self._lock:
                if self._idle_for() < idle_s or self._context is None:
                    continue
                log.info("closing the crawl's browser context: no page rendered for %.0f s", idle_s)
                await self._close_context()
                self._idle_watch = None
                return

    async def new_tab(self) -> Tab:
        from quaero_desktop.crawler.browser.tabs import Tab

        settings = self.tab_settings
        return Tab(
            await self.context(),
            page_timeout_s=settings.page_timeout_s,
            settle=settings.settle,
            recycle_after=settings.recycle_after,
            generation=self.generation,
        )

    async def close(self) -> None:
        """Close the tabs and the context; no context opens after this (the crawl's pages and
        checks were stopped first: CrawlFetching.close)."""
        self._closed = True
        if self.tab_pool is not None:
            await self.tab_pool.close()
        if self._idle_watch is not None:
            watch, self._idle_watch = self._idle_watch, None
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch
        await self._close_context()

    async def _close_context(self) -> None:
        if self._context is not None:
            context, self._context = self._context, None
            self.generation += 1
            try:
                await context.close()
            except Exception:  # the browser is gone already (crashed or closed)
                log.debug("closing the browser context failed", exc_info=True)


class SharedTab:
    """A tab the crawl's background work shares (checks of samples, pages read again): one page at a time."""

    def __init__(self, browser: SharedBrowser) -> None:
        self.source = BrowserSource(browser)
        self._lock = asyncio.Lock()

    async def render(self, url: str, served: ServedDocument | None = None) -> FetchedPage | NonHtmlResponse:
        async with self._lock:
            return await self.source.render(url, served)

    async def close(self) -> None:
        await self.source.close()


class BrowserSource:
    """Every page in this worker's tab, or in one borrowed from the crawl's pool (``SharedBrowser.tab_pool``)."""

    def __init__(self, browser: SharedBrowser) -> None:
        self._browser = browser
        self._tab: Tab | None = None  # its own (no pool)

    async def fetch(self, url: str, validators: Validators | None = None, before: Turn | None = None) -> SourceResult:
        return await self.render(url, before=before)

    async def fetch_text(self, url: str, before: Turn | None = None) -> TextResponse:
        async with self._browser.in_use():
            try:
                tab = await self._take_tab()
            except QuaeroError:
                return TextResponse(url, None, "")
            try:
                return await tab.fetch_text(url, before)
            finally:
                self._put_back(tab)

    async def _take_tab(self) -> Tab:
        pool = self._browser.tab_pool
        if pool is not None:
            await self._browser.context()  # opened again if it was closed for being idle
            return await pool.borrow(self._browser.generation)
        if self._tab is not None and self._tab.generation != self._browser.generation:
            await self._tab.discard()  # its context was closed for being idle
            self._tab = None
        if self._tab is None:
            self._tab = await self._browser.new_tab()
        return self._tab

    def _put_back(self, tab: Tab) -> None:
        if self._browser.tab_pool is not None:
            self._browser.tab_pool.give_back(tab)

    def take_host_checks(self, url: str) -> HostChecks | None:
        return None

    async def render(
        self, url: str, served: ServedDocument | None = None, *, before: Turn | None = None
    ) -> FetchedPage | NonHtmlResponse:
        async with self._browser.in_use():
            try:
                tab = await self._take_tab()
            except QuaeroError as exc:  # no browser to render with (auto mode goes on with the other pages)
                raise FetchError(f"needs the browser, which could not start: {exc}", retryable=False) from None
            try:
                return await self._render(tab, url, served, before)
            finally:
                self._put_back(tab)

    async def _render(
        self, tab: Tab, url: str, served: ServedDocument | None, before: Turn | None
    ) -> FetchedPage | NonHtmlResponse:
        from playwright.async_api import Error as PlaywrightError

        cookies = self._browser.cookies
        began = time.monotonic()
        try:
            if cookies is not None:
                await cookies.to_browser(await self._browser.context())
            fetcher = await tab.fetcher()  # a new tab takes a moment: before the turn, so requests keep their spacing
            if before is not None:
                await before()
            result = await fetcher.fetch(url, served=served, follows=self._browser.follows_redirect)
            if cookies is not None:
                await cookies.from_browser(await self._browser.context())
            return result
        except QuaeroError as exc:  # no browser to render with (auto mode goes on with the other pages)
            raise FetchError(f"needs the browser, which could not start: {exc}", retryable=False) from None
        except PlaywrightError as exc:  # the tab or browser crashed: a fresh tab may do
            stopped = self._stopped_for_memory(tab, began)
            await tab.discard()
            if stopped:
                raise page_too_heavy() from None
            raise read_error(getattr(exc, "message", "") or str(exc)) from None
        except FetchError:
            if self._stopped_for_memory(tab, began):  # what it builds would grow as large again: no retry
                await tab.discard()
                raise page_too_heavy() from None
            raise

    def _stopped_for_memory(self, tab: Tab, began: float) -> bool:
        """The tab's renderer crashed while a renderer was stopped for its memory (renderer_guard.py)."""
        return tab.crashed and self._browser.renderer_killed_since(began)

    async def close(self) -> None:
        if self._tab is not None:
            await self._tab.discard()
