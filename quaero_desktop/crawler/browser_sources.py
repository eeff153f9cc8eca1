"""The browser side of a crawl's page sources (``sources.py``): the crawl's browser context, opened
the first time a worker needs it, the tab its background work shares, and ``BrowserSource``
(every page in a worker's tab)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from quaero_desktop.crawler.browser.settle import SettleTimings
from quaero_desktop.crawler.cookie_sync import CookieSync
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

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class TabSettings:
    page_timeout_s: float
    settle: SettleTimings
    recycle_after: int


class SharedBrowser:
    """A crawl's browser context, opened the first time a worker needs it (auto mode may never).

    ``open_context`` is the crawl's own (it logs in: lesson 1); ``cookies`` keeps the context's
    cookies and the HTTP client's in step where both are used."""

    def __init__(
        self,
        open_context: Callable[[], Awaitable[BrowserContext]],
        tab_settings: TabSettings,
        cookies: CookieSync | None = None,
    ) -> None:
        self._open_context = open_context
        self._context: BrowserContext | None = None
        self._lock = asyncio.Lock()
        self.tab_settings = tab_settings
        self.cookies = cookies

    @property
    def opened(self) -> bool:
        return self._context is not None

    async def context(self) -> BrowserContext:
        async with self._lock:
            if self._context is None:
                self._context = await self._open_context()
            return self._context

    async def new_tab(self) -> Tab:
        from quaero_desktop.crawler.browser.tabs import Tab

        settings = self.tab_settings
        return Tab(
            await self.context(),
            page_timeout_s=settings.page_timeout_s,
            settle=settings.settle,
            recycle_after=settings.recycle_after,
        )

    async def close(self) -> None:
        if self._context is not None:
            context, self._context = self._context, None
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
    """Every page in this worker's tab."""

    def __init__(self, browser: SharedBrowser) -> None:
        self._browser = browser
        self._tab: Tab | None = None

    async def fetch(self, url: str, validators: Validators | None = None, before: Turn | None = None) -> SourceResult:
        return await self.render(url, before=before)

    async def fetch_text(self, url: str, before: Turn | None = None) -> TextResponse:
        try:
            tab = await self._open_tab()
        except QuaeroError:
            return TextResponse(url, None, "")
        return await tab.fetch_text(url, before)

    async def _open_tab(self) -> Tab:
        if self._tab is None:
            self._tab = await self._browser.new_tab()
        return self._tab

    def take_host_checks(self, url: str) -> HostChecks | None:
        return None

    async def render(
        self, url: str, served: ServedDocument | None = None, *, before: Turn | None = None
    ) -> FetchedPage | NonHtmlResponse:
        from playwright.async_api import Error as PlaywrightError

        cookies = self._browser.cookies
        try:
            tab = await self._open_tab()
            if cookies is not None:
                await cookies.to_browser(await self._browser.context())
            fetcher = await tab.fetcher()  # a new tab takes a moment: before the turn, so requests keep their spacing
            if before is not None:
                await before()
            result = await fetcher.fetch(url, served=served)
            if cookies is not None:
                await cookies.from_browser(await self._browser.context())
            return result
        except QuaeroError as exc:  # no browser to render with (auto mode goes on with the other pages)
            raise FetchError(f"needs the browser, which could not start: {exc}", retryable=False) from None
        except PlaywrightError as exc:  # the tab or browser crashed: a fresh tab may do
            if self._tab is not None:
                await self._tab.discard()
            raise FetchError(
                f"browser error: {_first_line(getattr(exc, 'message', '') or str(exc))}", retryable=True
            ) from None

    async def close(self) -> None:
        if self._tab is not None:
            await self._tab.discard()


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown browser error"
