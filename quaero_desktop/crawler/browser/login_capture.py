"""Capture a login: a visible browser window where the user signs in; what the browser then
holds (cookies, localStorage) is the login. The CLI's ``auth login`` and the window's
"Capture login…" use this same code path."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from playwright.async_api import BrowserContext, Page, StorageState, async_playwright
from playwright.async_api import Error as PlaywrightError

from quaero_desktop.crawler.browser.discovery import find_browser, launch_args
from quaero_desktop.crawler.browser.login_state import secret_from_storage_state
from quaero_desktop.domain.credential import CredentialSecret
from quaero_desktop.domain.errors import QuaeroError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CapturedLogin:
    secret: CredentialSecret
    final_url: str  # where the browser was when the login was saved


class LoginCapture:
    """One capture. ``run()`` on the engine's loop; ``finish()`` from any thread saves now."""

    def __init__(
        self,
        url: str,
        *,
        browser_path: str | None = None,
        headless: bool = False,
        on_page: Callable[[Page], Awaitable[None]] | None = None,
    ) -> None:
        self.url = url
        self._browser_path = browser_path
        self._headless = headless
        self._on_page = on_page  # drives the page (tests fill the login form through it)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._done: asyncio.Event | None = None
        self._state: StorageState = {"cookies": [], "origins": []}
        self._last_url = url

    def finish(self) -> None:
        """Save the login now (the user confirmed); safe to call from any thread."""
        if self._loop is not None and self._done is not None:
            self._loop.call_soon_threadsafe(self._done.set)

    async def run(self) -> CapturedLogin:
        self._loop = asyncio.get_running_loop()
        done = self._done = asyncio.Event()
        async with async_playwright() as playwright:
            location = find_browser(self._browser_path, playwright.chromium.executable_path)
            try:
                browser = await playwright.chromium.launch(
                    executable_path=location.path, args=launch_args(), headless=self._headless
                )
            except PlaywrightError as exc:
                raise _launch_error(exc) from None
            browser.on("disconnected", lambda _browser: done.set())
            try:
                context = await browser.new_context(no_viewport=not self._headless)
                context.on("page", lambda page: self._watch(context, page, done))
                page = await context.new_page()
                try:
                    await page.goto(self.url)
                except PlaywrightError as exc:
                    raise QuaeroError(f"could not open {self.url}: {exc.message.splitlines()[0]}") from None
                user_agent = await page.evaluate("navigator.userAgent")
                # ensure_future, not create_task: on_page may return any awaitable, not only a coroutine.
                driver = asyncio.ensure_future(self._on_page(page)) if self._on_page else None
                await done.wait()
                if driver is not None:
                    await driver
                await self._snapshot(context)
            finally:
                await browser.close()
        return CapturedLogin(secret=secret_from_storage_state(self._state, user_agent), final_url=self._last_url)

    def _watch(self, context: BrowserContext, page: Page, done: asyncio.Event) -> None:
        """Keep the latest storage state: if the user closes the browser itself, it is what we save."""
        page.on("load", lambda loaded: asyncio.ensure_future(self._snapshot(context, loaded)))
        page.on("close", lambda _closed: None if context.pages else done.set())

    async def _snapshot(self, context: BrowserContext, page: Page | None = None) -> None:
        try:
            self._state = await context.storage_state()
            if page is not None:
                self._last_url = page.url
        except PlaywrightError:
            pass  # the browser is going away: keep the last snapshot


def _launch_error(exc: PlaywrightError) -> QuaeroError:
    message = exc.message
    if "DISPLAY" in message or "X server" in message or "display" in message.lower():
        return QuaeroError(
            "capturing a login opens a browser window, and no display is available here "
            "(run it in a desktop session, or export the cookies from your browser and use 'auth import')"
        )
    return QuaeroError(f"could not start the browser: {message.splitlines()[0]}")
