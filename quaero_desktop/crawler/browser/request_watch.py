"""The requests of a tab that a page's own scripts cannot see start: script chunks and frame documents.

A page can count its fetch/XHR calls and timers (``page_settle.SETTLE_INIT_JS``), but not the
request behind an ``import()`` of a code-split chunk, a ``<script>`` it inserted or a frame it
opened. Playwright reports those; this keeps the ones still loading, for the main frame and
same-origin frames (cross-origin frames are left out of the stored page, so their traffic is not
waited for).

It also keeps the page's own last load, whose redirects (``redirected_from``) say what a load that
failed with too many of them went through: a loop or a long chain (``redirects``).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Final
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Request

WATCHED_TYPES: Final = frozenset({"script", "document"})


class RequestWatch:
    def __init__(self, page: Page) -> None:
        self._page = page
        self._in_flight: set[Request] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self.changes = 0
        """Incremented whenever a watched request starts or ends: compare to see if any did."""
        self._page_load: Request | None = None  # the main frame's last document request (a redirect's hop)
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    @property
    def idle(self) -> bool:
        return not self._in_flight

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    def reset(self) -> None:
        """Forget every request (before a navigation: the old page's requests end with it)."""
        self._in_flight.clear()
        self._idle.set()
        self._page_load = None

    def redirects(self) -> list[str]:
        """The URLs the page's last load asked for, in order: the first, then each redirect's target."""
        urls: list[str] = []
        request = self._page_load
        while request is not None:
            urls.append(request.url)
            request = request.redirected_from
        return urls[::-1]

    async def wait_idle(self, timeout_s: float) -> None:
        """Until no watched request is loading, or ``timeout_s`` passed."""
        if self._in_flight and timeout_s > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout_s):
                    await self._idle.wait()

    def _started(self, request: Request) -> None:
        if request.resource_type == "document" and _main_frame(request) and request.is_navigation_request():
            self._page_load = request
        if request.resource_type not in WATCHED_TYPES or not self._relevant(request):
            return
        if request.redirected_from is not None:  # a redirect hop continues the same load
            self._in_flight.discard(request.redirected_from)
        self._in_flight.add(request)
        self._idle.clear()
        self.changes += 1

    def _ended(self, request: Request) -> None:
        if request in self._in_flight:
            self._in_flight.discard(request)
            self.changes += 1
            if not self._in_flight:
                self._idle.set()

    def _relevant(self, request: Request) -> bool:
        try:
            frame = request.frame
        except PlaywrightError:  # not from a frame (a worker): nothing of the document
            return False
        if frame.parent_frame is None:
            return not request.is_navigation_request()  # the page's own load: goto waits for it
        origin = _origin(self._page.url)
        if request.resource_type == "document":
            return _origin(request.url) == origin  # a same-origin frame's document
        return _origin(frame.url) == origin


def _main_frame(request: Request) -> bool:
    try:
        return request.frame.parent_frame is None
    except PlaywrightError:  # not from a frame (a worker)
        return False


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc
