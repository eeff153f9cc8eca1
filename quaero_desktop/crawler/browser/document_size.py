"""The page bounds in a browser tab: each document's body is read and bounded before the renderer sees it.

A renderer parses what it is given at once, and what it builds costs far more than the bytes: a
60 MB page, a gzip bomb (small on the wire, gigabytes decoded) or a few MB of tiny paragraphs grow
its process by gigabytes before anything could read the page's size in it. So the tab's document
responses (the page's and its frames', nothing else: scripts, styles and images go on untouched)
are paused once their headers arrived, their decoded body is read here against the bounds of
fetched.PageBound (MAX_HTML_BYTES; MAX_HTML_ELEMENTS for HTML), and the renderer is handed the
body only when it is within them. A document over them fails its request: the renderer never
sees a byte of it, and the page fails with the HTTP path's message. A body sent uncompressed whose
Content-Length is too short to pass a bound (most pages) goes on unread: one round trip, no copy.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from typing import Any

from playwright.async_api import CDPSession, Page
from playwright.async_api import Error as PlaywrightError

from quaero_desktop.crawler.fetched import HTML_TYPES, MAX_HTML_BYTES, MAX_HTML_ELEMENTS, FetchError, PageBound

# Read a few MB a time: a normal page in one read, a bomb stopped within a few MB past the bound.
_READ_BYTES = 4 * 2**20
# Statuses whose body no one reads: redirects are followed by the browser, a 304 has no body.
_NO_BODY = frozenset({204, 205, 301, 302, 303, 304, 307, 308})
# Headers that described the body as it came over the wire: the renderer is handed it decoded.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
_UNREAD_BYTES = min(MAX_HTML_BYTES, 2 * MAX_HTML_ELEMENTS)
_EMPTY = {"responseHeaders": [{"name": "Content-Type", "value": "text/html"}], "body": ""}


class DocumentSizeWatch:
    """Bounds one tab's documents; ``failure`` is the error of the first one over a bound, if any."""

    def __init__(self, session: CDPSession) -> None:
        self._session = session
        self._tasks: set[asyncio.Task[None]] = set()
        self.failure: FetchError | None = None

    @classmethod
    async def attach(cls, page: Page) -> DocumentSizeWatch:
        session = await page.context.new_cdp_session(page)
        watch = cls(session)
        session.on("Fetch.requestPaused", watch._paused)
        pattern = {"urlPattern": "*", "resourceType": "Document", "requestStage": "Response"}
        await session.send("Fetch.enable", {"patterns": [pattern]})
        return watch

    def reset(self) -> None:
        """Before a navigation: the verdict is about the page that loads next."""
        self.failure = None

    def _paused(self, event: dict[str, Any]) -> None:
        self._track(asyncio.get_running_loop().create_task(self._bound(event)))

    def _track(self, task: asyncio.Task[None]) -> None:
        self._tasks.add(task)  # held until done: a task only the loop references may be collected
        task.add_done_callback(self._tasks.discard)

    async def _bound(self, event: dict[str, Any]) -> None:
        request_id = event["requestId"]
        status = event.get("responseStatusCode")
        headers: list[dict[str, str]] = event.get("responseHeaders") or []
        content_type = _header(headers, "content-type").split(";")[0].strip().lower()
        downloaded = _header(headers, "content-disposition").strip().lower().startswith("attachment")
        if event.get("responseErrorReason") or status in _NO_BODY or downloaded or not _shown(content_type):
            await self._send("Fetch.continueRequest", {"requestId": request_id})
            return
        if _within_bounds(headers):
            await self._send("Fetch.continueRequest", {"requestId": request_id})
            return
        bound = PageBound(count_elements=not content_type or content_type.startswith(HTML_TYPES))
        try:
            bound.declare(_header(headers, "content-length"))  # a length said at once: not read at all
            body = await self._read(request_id, bound)
        except FetchError as exc:
            if self.failure is None:
                self.failure = exc  # set first: the load that ends next is read as refused
            # An empty page in its place, rather than a failed request: a failed navigation commits
            # an error page later, which would interrupt the tab's next navigation.
            await self._send("Fetch.fulfillRequest", {"requestId": request_id, "responseCode": 200, **_EMPTY})
            return
        except PlaywrightError:  # the tab closed meanwhile, or the request was cancelled
            return
        kept = [header for header in headers if header["name"].lower() not in _WIRE_HEADERS]
        fulfilment = {
            "requestId": request_id,
            "responseCode": status,
            "responseHeaders": kept,  # Set-Cookie too: the store took it on arrival, taking it again changes nothing
            "body": base64.b64encode(body).decode("ascii"),
        }
        if event.get("responseStatusText"):
            fulfilment["responsePhrase"] = event["responseStatusText"]
        await self._send("Fetch.fulfillRequest", fulfilment)

    async def _read(self, request_id: str, bound: PageBound) -> bytes:
        """The decoded body, read until its end or until it passes a bound (FetchError)."""
        stream = (await self._session.send("Fetch.takeResponseBodyAsStream", {"requestId": request_id}))["stream"]
        chunks: list[bytes] = []
        try:
            while True:
                piece = await self._session.send("IO.read", {"handle": stream, "size": _READ_BYTES})
                data = piece.get("data", "")
                chunk = base64.b64decode(data) if piece.get("base64Encoded") else data.encode("utf-8")
                bound.add(chunk)
                chunks.append(chunk)
                if piece.get("eof"):
                    return b"".join(chunks)
        finally:  # not waited for: the body is handed over meanwhile
            self._track(asyncio.get_running_loop().create_task(self._send("IO.close", {"handle": stream})))

    async def _send(self, method: str, params: dict[str, Any]) -> None:
        with contextlib.suppress(PlaywrightError):  # the tab or the request is gone: nothing to release
            await self._session.send(method, params)


def _header(headers: list[dict[str, str]], name: str) -> str:
    return next((header["value"] for header in headers if header["name"].lower() == name), "")


def _within_bounds(headers: list[dict[str, str]]) -> bool:
    """A body sent as is, whose Content-Length is too short to pass a bound (a start tag takes 2
    bytes at least: "<b"): handed over unread, as most pages are, without a round trip for its body."""
    if _header(headers, "content-encoding").strip().lower() not in ("", "identity"):
        return False  # its length is the compressed one
    try:
        return int(_header(headers, "content-length").strip()) <= _UNREAD_BYTES
    except ValueError:
        return False


def _shown(content_type: str) -> bool:
    """Whether a document of this type is parsed or shown by the renderer (rather than downloaded,
    or handed to a viewer): those are the ones its bounds are about. No type: the browser sniffs it."""
    return (
        not content_type
        or content_type.startswith(("text/", *HTML_TYPES))
        or content_type.endswith(("+xml", "/xml", "/json", "+json"))
    )
