"""Where Playwright keeps its browsers, and the browser a crawl would launch.

Playwright installs its Chromium under ``PLAYWRIGHT_BROWSERS_PATH`` when that is set, else in
the user's cache: ``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux, ``~/Library/Caches`` on macOS,
``%LOCALAPPDATA%`` on Windows, each followed by ``ms-playwright``. A frozen Playwright
(PyInstaller, Nuitka) sets ``PLAYWRIGHT_BROWSERS_PATH=0`` when it starts its driver, which
means "inside the bundle", where no browser is: the packaged app sets the variable to the
user's cache first (``use_user_browsers_dir``), so it finds and installs browsers exactly where
the unfrozen app does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quaero_desktop.crawler.browser.discovery import BrowserLocation

BROWSERS_PATH_ENV = "PLAYWRIGHT_BROWSERS_PATH"


def is_frozen() -> bool:
    """True in the packaged app (PyInstaller sets ``sys.frozen``)."""
    return bool(getattr(sys, "frozen", False))


def default_browsers_dir() -> Path:
    """Playwright's own default, computed as its registry does (registry/index.ts)."""
    if sys.platform == "darwin":
        cache = Path.home() / "Library" / "Caches"
    elif sys.platform == "win32":
        cache = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "ms-playwright"


def browsers_dir() -> Path:
    """Where Playwright's browsers are (and where ``install-browser`` puts Chromium)."""
    configured = os.environ.get(BROWSERS_PATH_ENV)
    if configured and configured != "0":
        return Path(configured).expanduser().resolve()
    return default_browsers_dir()


def use_user_browsers_dir() -> None:
    """In the packaged app, point Playwright at the user's browser cache unless the user set a place."""
    if is_frozen() and not os.environ.get(BROWSERS_PATH_ENV):
        os.environ[BROWSERS_PATH_ENV] = str(default_browsers_dir())


def playwright_chromium_path() -> str:
    """The Chromium executable Playwright launches, installed or not.

    Starts Playwright's driver on a loop of its own (about half a second): blocking, so call it
    off the GUI thread, and never from a running event loop.
    """
    import asyncio  # only here: a command that never asks Playwright does not load asyncio (issue 20, item 4)

    from playwright.async_api import async_playwright

    async def ask_playwright() -> str:
        async with async_playwright() as playwright:
            return playwright.chromium.executable_path

    return asyncio.run(ask_playwright())


def locate_browser(configured_path: str | None) -> BrowserLocation:
    """The browser a crawl would launch now, found exactly as the engine finds it (blocking).

    Raises BrowserNotFoundError (saying what was tried and how to get one) when there is none.
    """
    # Loaded here: every command starts by asking ``is_frozen`` (frozen.py), and only a crawl looks for a browser.
    from quaero_desktop.crawler.browser.discovery import find_crawl_browser

    return find_crawl_browser(configured_path, playwright_chromium_path())
