"""The tabs of an auto crawl, lent page by page: every open tab is a renderer process (100-150 MB),
and a crawl that renders now and then (a static site's samples, one page in 50) needs one or two at
a time, not one per worker. A tab given back is lent again first; one left unused for
``idle_close_s`` is closed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Playwright loads with the first page a browser renders
    from quaero_desktop.crawler.browser.tabs import Tab


class TabPool:
    def __init__(self, open_tab: Callable[[], Awaitable[Tab]], idle_close_s: float) -> None:
        self._open_tab = open_tab
        self._idle_close_s = idle_close_s
        self._idle: list[tuple[Tab, float]] = []  # tabs given back, with when; the latest last
        self._timer: asyncio.TimerHandle | None = None
        self._closing: set[asyncio.Task[None]] = set()

    @property
    def idle_tabs(self) -> int:
        return len(self._idle)

    async def borrow(self, generation: int) -> Tab:
        """A tab of the crawl's context ``generation``: the one given back last, else a new one."""
        while self._idle:
            tab, _ = self._idle.pop()
            if tab.generation == generation:
                return tab
            self._discard(tab)  # its context was closed: the tab went with it
        return await self._open_tab()

    def give_back(self, tab: Tab) -> None:
        self._idle.append((tab, time.monotonic()))
        self._schedule()

    def _schedule(self) -> None:
        if self._timer is None and self._idle:
            due = self._idle[0][1] + self._idle_close_s - time.monotonic()
            self._timer = asyncio.get_running_loop().call_later(max(0.0, due), self._close_idle)

    def _close_idle(self) -> None:
        self._timer = None
        now = time.monotonic()
        for tab, since in [entry for entry in self._idle if now - entry[1] >= self._idle_close_s]:
            self._idle.remove((tab, since))
            self._discard(tab)
        self._schedule()

    def _discard(self, tab: Tab) -> None:
        closing = asyncio.ensure_future(tab.discard())
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while self._idle:
            self._discard(self._idle.pop()[0])
        if self._closing:
            await asyncio.wait(self._closing)
