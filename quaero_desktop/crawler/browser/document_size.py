"""The page-size bound in a browser tab: the decoded bytes each document request received.

Playwright reports a response only once it is whole, which is too late for a 60 MB page or a
gzip bomb (small on the wire, gigabytes decoded): Chromium would parse it all, and its processes
grow by gigabytes. The DevTools protocol reports every chunk as it arrives (``Network.dataReceived``,
whose ``dataLength`` is the decoded size), so the tab is closed as soon as one document (the page
or a frame) passes MAX_HTML_BYTES: the renderer holding the partial page goes with it.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from playwright.async_api import CDPSession, Page
from playwright.async_api import Error as PlaywrightError

from quaero_desktop.crawler.fetched import MAX_HTML_BYTES

# DevTools keeps response bodies for later inspection; a crawl never asks for them, so the buffer
# it keeps for this session stays tiny (the defaults are 100 MB in all, 10 MB a resource).
_BUFFER_BYTES = 1024
_CLOSE_WAIT_S = 10.0


class DocumentSizeWatch:
    """Watches one tab's document requests; ``too_large`` once one was cut off (the tab is closed then)."""

    def __init__(self, page: Page, session: CDPSession) -> None:
        self._page = page
        self._session = session
        self._received: dict[str, int] = {}  # decoded bytes by request id, documents only
        self._closing: asyncio.Task[None] | None = None
        self.too_large = False
        self.cut = asyncio.Event()  # set with too_large: a load that never ends when its tab closes is not waited for

    @classmethod
    async def attach(cls, page: Page) -> DocumentSizeWatch:
        session = await page.context.new_cdp_session(page)
        watch = cls(page, session)
        session.on("Network.requestWillBeSent", watch._sent)
        session.on("Network.responseReceived", watch._response)
        session.on("Network.dataReceived", watch._data)
        session.on("Network.loadingFinished", watch._ended)
        session.on("Network.loadingFailed", watch._ended)
        await session.send(
            "Network.enable", {"maxTotalBufferSize": _BUFFER_BYTES, "maxResourceBufferSize": _BUFFER_BYTES}
        )
        return watch

    def reset(self) -> None:
        """Before a navigation: the verdict is about the page that loads next."""
        self._received.clear()
        self.too_large = False
        self.cut.clear()

    async def closed(self) -> None:
        """Until the tab closed after a document was cut off (at once if none was)."""
        if self._closing is not None:
            with contextlib.suppress(TimeoutError):  # a renderer too busy to answer: the tab is dropped anyway
                async with asyncio.timeout(_CLOSE_WAIT_S):
                    await asyncio.shield(self._closing)

    def _sent(self, event: dict[str, Any]) -> None:
        if event.get("type") == "Document":
            self._received.setdefault(event["requestId"], 0)

    def _response(self, event: dict[str, Any]) -> None:
        """A document that says it is larger (Content-Length) is cut off before its body is parsed:
        a renderer under load parses a few MB a second, slower than a page's timeout allows."""
        if event["requestId"] not in self._received:
            return
        headers = {name.lower(): value for name, value in event["response"].get("headers", {}).items()}
        with contextlib.suppress(ValueError):
            if int(headers.get("content-length", "").strip() or 0) > MAX_HTML_BYTES:
                self._cut_off()

    def _data(self, event: dict[str, Any]) -> None:
        request_id = event["requestId"]
        if request_id not in self._received:
            return
        self._received[request_id] += int(event.get("dataLength") or 0)
        if self._received[request_id] > MAX_HTML_BYTES:
            self._cut_off()

    def _cut_off(self) -> None:
        if not self.too_large:
            self.too_large = True
            self.cut.set()
            # Closing the tab ends the load at once (goto fails) and frees the renderer's memory.
            self._closing = asyncio.get_running_loop().create_task(self._close())

    def _ended(self, event: dict[str, Any]) -> None:
        self._received.pop(event["requestId"], None)

    async def _close(self) -> None:
        with contextlib.suppress(PlaywrightError):
            await self._page.close()
