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

The same pause counts the documents the tab's page loads (its main frame's): a page that sends the
browser on by itself (a meta refresh, a script setting ``location``) is followed
``MAX_PAGE_NAVIGATIONS`` times, as a stub's one redirect must be; one that goes on (a loop, A → B → A)
is handed an empty page in place of the next, which ends it, and fails with the pages it went through.
A load's MAX_REDIRECTS-th redirect ends it the same way, as a loop or a long chain, and so does a
redirect to an address of another kind (mailto:, ftp:), in the HTTP path's words. A redirect the crawl
does not follow (``follows``: off its site) ends the load before its target is asked for, as over HTTP:
``left_for`` names that target.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from playwright.async_api import CDPSession, Page
from playwright.async_api import Error as PlaywrightError

from quaero_desktop.crawler.connection_errors import (
    MAX_REDIRECTS,
    keeps_navigating,
    not_a_web_page,
    too_many_redirects,
)
from quaero_desktop.crawler.fetched import (
    HTML_TYPES,
    MAX_HTML_BYTES,
    MAX_HTML_ELEMENTS,
    FetchedPage,
    FetchError,
    PageBound,
    redirected_off_scope,
)
from quaero_desktop.domain.definition import RenderMode

MAX_PAGE_NAVIGATIONS = 2
"""How many times a page read in a tab may send the browser on by itself (a meta refresh, a script):
the page shown is read where it landed; past that, it fails (see keeps_navigating)."""

# Read a few MB a time: a normal page in one read, a bomb stopped within a few MB past the bound.
_READ_BYTES = 4 * 2**20
# Statuses whose body no one reads: redirects are followed by the browser, a 304 has no body.
_NO_BODY = frozenset({204, 205, 301, 302, 303, 304, 307, 308})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Headers that described the body as it came over the wire: the renderer is handed it decoded.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
_UNREAD_BYTES = min(MAX_HTML_BYTES, 2 * MAX_HTML_ELEMENTS)
_EMPTY = {"responseHeaders": [{"name": "Content-Type", "value": "text/html"}], "body": ""}


class DocumentSizeWatch:
    """Bounds one tab's documents; ``failure`` is the error of the first one over a bound, if any."""

    def __init__(self, session: CDPSession, main_frame: str) -> None:
        self._session = session
        self._main_frame = main_frame  # the tab's own frame (its id stays across navigations)
        self._tasks: set[asyncio.Task[None]] = set()
        self.failure: FetchError | None = None
        self.loads: list[str] = []  # the documents the page loaded since ``reset``, in order (redirects aside)
        self._redirects: dict[str, list[str]] = {}  # a load's URLs that answered with a redirect, by load
        self._follows: Callable[[str], bool] | None = None  # whether a redirect to a URL is followed (None: all)
        self.left_for: tuple[str, int] | None = None  # a redirect not followed: its target and status

    @property
    def session(self) -> CDPSession:
        """The tab's DevTools session (its close goes through it too: tab_close.py)."""
        return self._session

    @classmethod
    async def attach(cls, page: Page) -> DocumentSizeWatch:
        session = await page.context.new_cdp_session(page)
        tree = await session.send("Page.getFrameTree")
        watch = cls(session, str(tree["frameTree"]["frame"]["id"]))
        session.on("Fetch.requestPaused", watch._paused)
        pattern = {"urlPattern": "*", "resourceType": "Document", "requestStage": "Response"}
        await session.send("Fetch.enable", {"patterns": [pattern]})
        return watch

    def reset(self, follows: Callable[[str], bool] | None = None) -> None:
        """Before a navigation: the verdict is about the page that loads next, whose redirects are
        followed where ``follows`` says so (None: every one)."""
        self.failure = None
        self.loads = []
        self._redirects = {}
        self._follows = follows
        self.left_for = None

    def off_scope_page(self, url: str) -> FetchedPage | None:
        """The page at ``url`` as a redirect off the crawl's scope ended its load (its target not asked
        for), when one did."""
        if self.left_for is None:
            return None
        return redirected_off_scope(url, *self.left_for, RenderMode.BROWSER)

    @property
    def navigations(self) -> int:
        """How many times the page sent the browser on by itself since ``reset``."""
        return max(0, len(self.loads) - 1)

    def _paused(self, event: dict[str, Any]) -> None:
        # Counted here, in the order the documents come (each one's task runs later).
        ended = self._ends_load(event)
        handling = self._emptied(event["requestId"]) if ended else self._bound(event)
        self._track(asyncio.get_running_loop().create_task(handling))

    def _ends_load(self, event: dict[str, Any]) -> bool:
        """Count a document the page loads (and the redirects on its way); True (and ``failure`` says why)
        when the page has sent the browser on too many times, its load met MAX_REDIRECTS, or a redirect
        leads to an address of another kind (mailto:)."""
        if event.get("frameId") != self._main_frame or event.get("responseErrorReason"):
            return False
        status = event.get("responseStatusCode")
        headers: list[dict[str, str]] = event.get("responseHeaders") or []
        url = str(event.get("request", {}).get("url", ""))
        if status in _REDIRECTS and (location := _header(headers, "location")):
            # Ended here rather than by the browser, whose failed load would commit an error page later
            # (into the tab's next page); and said as the HTTP path says it: a loop or a long chain,
            # or an address of another kind (the browser would hand mailto: to a mail program).
            if (other_kind := not_a_web_page(location)) is not None:
                self.failure = self.failure or FetchError(other_kind, retryable=False)
                return True
            hops = self._redirects.setdefault(str(event.get("networkId", "")), [])
            hops.append(url)
            if len(hops) >= MAX_REDIRECTS:
                if self.failure is None:
                    self.failure = FetchError(too_many_redirects(hops), retryable=False)
                return True
            target = urljoin(url, location.strip())
            if self._follows is None or self._follows(target):
                return False
            # Off the crawl's site: never asked for, as over HTTP (and where nothing answers there, the
            # page is still the redirect it is, not the other host's refused connection).
            self.left_for = self.left_for or (target, int(status))
            return True
        if status in (204, 205):
            return False  # nothing shown
        self.loads.append(url)
        if self.navigations <= MAX_PAGE_NAVIGATIONS:
            return False
        if self.failure is None:
            self.failure = FetchError(keeps_navigating(self.loads), retryable=False)
        return True

    async def _emptied(self, request_id: str) -> None:
        """An empty page in place of this document: nothing in it sends the browser on again."""
        await self._send("Fetch.fulfillRequest", {"requestId": request_id, "responseCode": 200, **_EMPTY})

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
