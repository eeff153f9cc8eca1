"""A worker's browser tab, replaced after a number of pages or when it crashed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import BrowserContext
from playwright.async_api import Error as PlaywrightError

from quaero_desktop.crawler.browser.page_fetcher import PageFetcher
from quaero_desktop.crawler.browser.settle import SettleTimings
from quaero_desktop.crawler.fetched import FetchError, TextResponse


class Tab:
    def __init__(
        self,
        context: BrowserContext,
        *,
        page_timeout_s: float,
        settle: SettleTimings,
        recycle_after: int,
        generation: int = 0,
    ) -> None:
        self._context = context
        self.generation = generation  # which of its crawl's contexts this tab is in (SharedBrowser)
        self._page_timeout_s = page_timeout_s
        self._settle = settle
        self._recycle_after = recycle_after
        self._fetcher: PageFetcher | None = None

    async def fetcher(self) -> PageFetcher:
        """A live tab; a fresh one after ``recycle_after`` pages so memory stays flat on long crawls."""
        current = self._fetcher
        if current is not None and not current.closed and current.uses < self._recycle_after:
            return current
        await self.discard()
        self._fetcher = await PageFetcher.open(self._context, page_timeout_s=self._page_timeout_s, settle=self._settle)
        return self._fetcher

    @property
    def crashed(self) -> bool:
        """The current page's renderer died (until the tab is discarded)."""
        return self._fetcher is not None and self._fetcher.crashed

    async def discard(self) -> None:
        """Close the tab (after a crash or an error that may have left it in a bad state)."""
        if self._fetcher is not None:
            fetcher, self._fetcher = self._fetcher, None
            await fetcher.close()

    async def fetch_text(self, url: str, before: Callable[[], Awaitable[object]] | None = None) -> TextResponse:
        """A small text file (robots.txt) loaded like a page; status None when it could not be loaded.
        ``before`` is awaited just before the request (its turn at the host)."""
        try:
            return await (await self.fetcher()).fetch_text(url, before)
        except FetchError:
            return TextResponse(url, None, "")
        except PlaywrightError:  # the tab crashed: a fresh one for the next page
            await self.discard()
            return TextResponse(url, None, "")
