"""One headless Chromium for the engine; a browser context per crawl."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from quaero_desktop.crawler.browser.discovery import BrowserLocation, find_browser, find_crawl_browser, launch_args
from quaero_desktop.crawler.request_options import RequestOptions

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Playwright, StorageState

    from quaero_desktop.crawler.browser.renderer_guard import RendererGuard

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

# Chromium takes the last --disable-features it is given, and Playwright passes its own list first:
# ours repeats Playwright's (tests/test_browser_launch.py checks it against the installed driver).
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
PLAYWRIGHT_ENABLED_FEATURES = ("CDPScreenshotNewSurface", "SkipListAccountsWithoutGaiaCookies")  # likewise
# The network service runs in the browser process, not a utility process of its own (about 100 MB).
NETWORK_IN_PROCESS_FEATURE = "NetworkServiceInProcess2"
# Renderer processes a crawl never uses: the address bar's popup (a WebUI page Chromium preloads in a
# renderer of its own, about 150 MB even headless) and the spare renderer kept ready for the next tab
# (about 75 MB).
UNUSED_RENDERER_FEATURES = (
    "WebUIOmniboxPopup",
    "WebUIOmniboxFullPopup",
    "WebUIOmniboxAimPopup",
    "SpareRendererForSitePerProcess",
)
# A new document in a new frame host is Chromium's RenderDocument: every navigation of a tab, even
# to the same site, builds a new frame in the renderer (its JavaScript window, frame widget and
# compositor) and tears the old one down. A crawl tab loads one page of a site after another: with
# it off, the frame is reused as before RenderDocument (JavaScript-only pages: about 30 % less CPU
# per page in the browser process and the renderer, benchmarks/browser_path.py).
PER_DOCUMENT_FRAME_FEATURES = ("RenderDocument",)
# A crawl reads text, never pixels: Chromium's GPU work runs in its browser process (one process
# fewer, about 50 MB less in all) and composites without GPU emulation (about a tenth less CPU per
# page). Measured with benchmarks/browser_path.py; benchmarks/browser_identity.py finds the stored
# text the same without these switches.
# No GPU at all (not even its software fallback, SwiftShader, which a crawl never draws with) and
# Chromium's low-end-device mode (smaller caches and V8 heaps, the renderer's memory given back
# sooner): a renderer of a Python manual's page holds 50-90 MB less and the browser process 15 MB
# less, at the same CPU per page (benchmarks/browser_path.py).
LEAN_PROCESS_ARGS = (
    "--in-process-gpu",
    "--disable-gpu-compositing",
    "--disable-gpu",
    "--disable-software-rasterizer",
    "--enable-low-end-device-mode",
    "--disable-features="
    + ",".join((*PLAYWRIGHT_DISABLED_FEATURES, *UNUSED_RENDERER_FEATURES, *PER_DOCUMENT_FRAME_FEATURES)),
    "--enable-features=" + ",".join((*PLAYWRIGHT_ENABLED_FEATURES, NETWORK_IN_PROCESS_FEATURE)),
)


class BrowserService:
    """Starts Playwright and Chromium on first use and relaunches after a crash.

    Lives on the engine's event loop; not thread-safe.
    """

    def __init__(
        self,
        configured_path: str | None = None,
        *,
        headless: bool = True,
        block_resources: bool = True,
        idle_close_s: float | None = None,
    ) -> None:
        self._configured_path = configured_path
        self._idle_close_s = idle_close_s  # None: keep the browser until close()
        self._idle_watch: asyncio.Task[None] | None = None
        self._opening = 0  # contexts being opened (not yet in browser.contexts)
        self._headless = headless
        self._block_resources = block_resources
        self._playwright: Playwright | None = None
        self._driver_start: asyncio.Future[Playwright] | None = None  # a start whose asker was cancelled
        self._browser: Browser | None = None
        self._location: BrowserLocation | None = None
        self._stale = False  # settings changed: start a new browser when no crawl uses this one
        self._lock = asyncio.Lock()
        self._renderer_guard: RendererGuard | None = None  # while a browser runs (renderer_guard.py)

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
                self._playwright = await self._started_driver()
            find = find_crawl_browser if self._headless else find_browser  # a shell shows no window
            self._location = find(self._configured_path, self._playwright.chromium.executable_path)
            log.info("starting %s at %s", self._location.source, self._location.path)
            from quaero_desktop.crawler.browser import renderer_guard

            before = renderer_guard.browser_processes()
            self._browser = await self._launch(self._playwright, self._location)
            launched = renderer_guard.new_browser_process(before)
            if launched is None:
                log.warning("could not tell which process is the crawl's browser: its renderers' memory is not bounded")
            else:
                self._renderer_guard = self._renderer_guard or renderer_guard.RendererGuard()
                self._renderer_guard.start(launched)
            if self._idle_close_s is not None and (self._idle_watch is None or self._idle_watch.done()):
                self._idle_watch = asyncio.create_task(self._stop_when_idle(self._idle_close_s))
            return self._browser

    async def _launch(self, playwright: Playwright, location: BrowserLocation) -> Browser:
        """Chromium started with the lean switches, or, if it dies while starting, once more without them.

        Seen on a fresh CI machine: Chromium crashed (SIGSEGV) as it started, twice in a run of ~300
        launches, never here in hundreds; the GPU and network work the lean switches keep in the browser
        process is the likeliest part to crash there. A crawl would fail for a start-up crash.
        """
        from playwright.async_api import Error as PlaywrightError

        blocking = BLOCK_RESOURCE_ARGS if self._block_resources else ()
        try:
            return await playwright.chromium.launch(
                executable_path=location.path,
                args=[*launch_args(), *LEAN_PROCESS_ARGS, *blocking],
                headless=self._headless,
            )
        except PlaywrightError as error:
            first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
            log.warning(
                "the browser stopped while starting (%s); starting it again without its lean switches", first_line
            )
        return await playwright.chromium.launch(
            executable_path=location.path, args=[*launch_args(), *blocking], headless=self._headless
        )

    def _in_use(self) -> bool:
        """A context is open or being opened."""
        return bool(self._opening or (self._browser is not None and self._browser.contexts))

    async def _stop_when_idle(self, idle_s: float) -> None:
        """Stop Chromium and Playwright's driver once no crawl has had a context open for ``idle_s``:
        they hold hundreds of MB that an idle engine (or an auto crawl between samples) does not need."""
        idle_since: float | None = None
        while self._browser is not None:
            await asyncio.sleep(max(0.05, min(idle_s / 4, 5.0)))
            if self._in_use():
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since >= idle_s:
                async with self._lock:
                    if self._in_use():
                        idle_since = None
                        continue
                    log.info("stopping the browser: no crawl has used it for %.0f s", idle_s)
                    await self._stop()
                return

    async def new_context(
        self, options: RequestOptions | None = None, *, storage_state: StorageState | None = None
    ) -> BrowserContext:
        """A fresh, isolated context (own cookies and storage) for one crawl, its requests as ``options`` say."""
        from quaero_desktop.crawler.browser.page_fetcher import prepare_context

        options = options or RequestOptions()
        self._opening += 1
        try:
            browser = await self.browser()
            context = await browser.new_context(
                user_agent=options.user_agent or None,
                extra_http_headers=dict(options.headers) or None,
                proxy=options.playwright_proxy(),
                storage_state=storage_state,
                service_workers="block",
            )
        finally:
            self._opening -= 1
        await prepare_context(context)
        return context

    async def close(self) -> None:
        # The lock first: a stop the idle watch began is finished, not cut short. Playwright stops its
        # driver once (a second stop() returns at once), so a stop cancelled half-way leaves the driver
        # exiting with nobody waiting: its subprocess transport outlives the loop, and is collected
        # later with "Event loop is closed".
        async with self._lock:
            watch, self._idle_watch = self._idle_watch, None
            if watch is not None and watch is not asyncio.current_task():
                watch.cancel()
            await self._stop()

    def renderer_killed_since(self, moment: float) -> bool:
        """Whether a renderer was stopped for its memory at or after ``moment`` (time.monotonic())."""
        return self._renderer_guard is not None and self._renderer_guard.killed_since(moment)

    async def _started_driver(self) -> Playwright:
        """Playwright's driver (a node process). Its start goes on when the page that asked for it is
        cancelled (a crawl stopping while the browser starts), so that ``close`` stops the driver it
        started: a start cut short would leave that process running, stopped by nobody."""
        if self._driver_start is None:
            from playwright.async_api import async_playwright

            self._driver_start = asyncio.ensure_future(async_playwright().start())
        try:
            playwright = await asyncio.shield(self._driver_start)
        except asyncio.CancelledError:
            raise  # the start goes on: the next page takes its driver, or ``_stop`` stops it
        except BaseException:
            self._driver_start = None
            raise
        self._driver_start = None
        return playwright

    async def _stop(self) -> None:
        if self._renderer_guard is not None:
            await self._renderer_guard.stop()
        if self._driver_start is not None:  # started for a page that was cancelled meanwhile
            starting, self._driver_start = self._driver_start, None
            try:
                self._playwright = await starting
            except Exception:  # it did not start: nothing to stop
                log.debug("the browser driver did not start", exc_info=True)
        if self._browser is not None:
            try:
                await self._browser.close()
            except Exception:  # already gone (crashed or killed): nothing left to close
                log.debug("browser close failed", exc_info=True)
            self._browser = None
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None
