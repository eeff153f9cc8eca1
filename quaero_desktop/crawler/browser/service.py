"""One headless Chromium for the engine; a browser context per crawl."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from quaero_desktop.crawler.browser.discovery import BrowserLocation, find_browser, launch_args
from quaero_desktop.crawler.request_options import RequestOptions

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Playwright, StorageState

# Playwright (and the page fetcher built on it) is imported when the first browser starts: an engine
# that crawls over HTTP only never loads it (docs/architecture.md, "Start-up").

log = logging.getLogger(__name__)

# Images, web fonts and media are not loaded: a crawl reads text. Browser switches do it at no
# cost per request (intercepting every request through Playwright cost a fifth of the throughput).
BLOCK_RESOURCE_ARGS = (
    "--blink-settings=imagesEnabled=false",
    "--disable-remote-fonts",
    "--autoplay-policy=user-gesture-required",
)


class BrowserService:
    """Starts Playwright and Chromium on first use and relaunches after a crash.

    Lives on the engine's event loop; not thread-safe.
    """

    def __init__(
        self, configured_path: str | None = None, *, headless: bool = True, block_resources: bool = True
    ) -> None:
        self._configured_path = configured_path
        self._headless = headless
        self._block_resources = block_resources
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._location: BrowserLocation | None = None
        self._stale = False  # settings changed: start a new browser when no crawl uses this one
        self._lock = asyncio.Lock()

    def configure(self, configured_path: str | None, *, block_resources: bool) -> None:
        """Use another browser path or blocking choice from the next browser start on."""
        if (configured_path, block_resources) != (self._configured_path, self._block_resources):
            self._configured_path = configured_path
            self._block_resources = block_resources
            self._stale = True

    @property
    def location(self) -> BrowserLocation | None:
        return self._location

    @property
    def running(self) -> bool:
        """A browser is up: a new crawl opens a context in it at once (no start-up to wait for)."""
        return self._browser is not None and self._browser.is_connected() and not self._stale

    async def browser(self) -> Browser:
        async with self._lock:
            if self._stale and self._browser is not None and not self._browser.contexts:
                await self._browser.close()
                self._browser, self._stale = None, False
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            if self._playwright is None:
                from playwright.async_api import async_playwright

                self._playwright = await async_playwright().start()
            self._location = find_browser(self._configured_path, self._playwright.chromium.executable_path)
            log.info("starting %s at %s", self._location.source, self._location.path)
            self._browser = await self._playwright.chromium.launch(
                executable_path=self._location.path,
                args=[*launch_args(), *(BLOCK_RESOURCE_ARGS if self._block_resources else ())],
                headless=self._headless,
            )
            return self._browser

    async def new_context(
        self, options: RequestOptions | None = None, *, storage_state: StorageState | None = None
    ) -> BrowserContext:
        """A fresh, isolated context (own cookies and storage) for one crawl, its requests as ``options`` say."""
        from quaero_desktop.crawler.browser.page_fetcher import prepare_context

        options = options or RequestOptions()
        browser = await self.browser()
        context = await browser.new_context(
            user_agent=options.user_agent or None,
            extra_http_headers=dict(options.headers) or None,
            proxy=options.playwright_proxy(),
            storage_state=storage_state,
            service_workers="block",
        )
        await prepare_context(context)
        return context

    async def close(self) -> None:
        async with self._lock:
            if self._browser is not None:
                try:
                    await self._browser.close()
                except Exception:  # already gone (crashed or killed): nothing left to close
                    log.debug("browser close failed", exc_info=True)
                self._browser = None
            if self._playwright is not None:
                await self._playwright.stop()
                self._playwright = None
