"""Fetch one page in a real browser tab and read what a crawl needs from it."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag

from playwright.async_api import BrowserContext, Page, Response, Route
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from quaero_desktop.crawler.app_shell import ShellSignals, is_empty_shell
from quaero_desktop.crawler.browser.document_size import MAX_PAGE_NAVIGATIONS, DocumentSizeWatch
from quaero_desktop.crawler.browser.load_errors import (
    interrupted_by_error_page,
    interrupted_by_navigation,
    navigated_away,
    navigation_error,
    read_error,
    timed_out,
)
from quaero_desktop.crawler.browser.request_watch import RequestWatch
from quaero_desktop.crawler.browser.settle import READ_JS, SETTLE_INIT_JS, SettleTimings
from quaero_desktop.crawler.browser.tab_close import close_tab
from quaero_desktop.crawler.connection_errors import keeps_navigating, network_error_code, too_many_redirects
from quaero_desktop.crawler.fetched import (
    HTML_TYPES,
    FetchedPage,
    FetchError,
    NonHtmlResponse,
    TextResponse,
    looks_binary,
    not_text,
    page_too_large,
    page_too_many_elements,
    retry_after_seconds,
    source_hash,
)
from quaero_desktop.crawler.half_loaded import LoadingSignals, incomplete_reason
from quaero_desktop.crawler.meta_refresh import refresh_target
from quaero_desktop.crawler.page_directives import robots_directives
from quaero_desktop.domain.definition import RenderMode


@dataclass(frozen=True)
class ServedDocument:
    """A document fetched over HTTP, handed to a tab to render (see ``PageFetcher.fetch``)."""

    status: int
    headers: dict[str, str]
    body: bytes


class PageFetcher:
    """One reusable browser tab. Recycled by the caller after ``uses`` pages to keep memory flat."""

    def __init__(self, page: Page, sizes: DocumentSizeWatch, *, page_timeout_s: float, settle: SettleTimings) -> None:
        self._page = page
        self._sizes = sizes
        self._page_timeout_ms = page_timeout_s * 1000
        self._settle = settle
        self._requests = RequestWatch(page)
        self.uses = 0
        self.longer_waits = 0  # pages that were still empty shells after settling (benchmarks count them)
        self.crashed = False  # its renderer died (or was stopped for its memory: renderer_guard.py)
        page.on("crash", self._on_crash)

    @classmethod
    async def open(cls, context: BrowserContext, *, page_timeout_s: float, settle: SettleTimings) -> PageFetcher:
        """A new tab in ``context`` (whose pages run SETTLE_INIT_JS: see ``prepare_context``)."""
        page = await context.new_page()
        return cls(page, await DocumentSizeWatch.attach(page), page_timeout_s=page_timeout_s, settle=settle)

    def _on_crash(self, _page: Page) -> None:
        self.crashed = True

    @property
    def closed(self) -> bool:
        return self._page.is_closed()

    async def close(self) -> None:
        """Close the tab, even when it is committing a navigation (see tab_close.py)."""
        await close_tab(self._page, self._sizes.session)

    async def fetch(
        self, url: str, *, served: ServedDocument | None = None, follows: Callable[[str], bool] | None = None
    ) -> FetchedPage | NonHtmlResponse:
        """Navigate to ``url``, wait for it to load and render, and read it.

        ``served``: the document as an HTTP fetch already got it. The tab is given exactly those
        bytes for ``url`` (its scripts, data and frames still load from the network), so the page
        is not requested twice and renders from the same HTML the fetch saw.

        ``follows``: whether the page's redirect (an HTTP one) to a URL is followed (None: every one). One
        that is not is never asked for: the page is then its target and nothing else, as over HTTP
        (``redirected_off_scope``). Where a meta refresh or a script sends the browser, the engine judges
        the page by where it landed.

        A document (the page's or a frame's) over the page bounds is refused before the renderer
        parses it (see document_size.py): the page fails with that bound's error."""
        self.uses += 1
        self._sizes.reset(follows)
        try:
            result = await self._fetch(url, served)
        except (FetchError, PlaywrightError):
            if self._sizes.failure is not None:  # the load failed because its document was refused
                raise self._sizes.failure from None
            if (off_scope := self._sizes.off_scope_page(url)) is not None:  # a later load's redirect ended it
                return off_scope
            raise
        if self._sizes.failure is not None:  # a frame's document was refused: the page is not whole
            raise self._sizes.failure
        return self._sizes.off_scope_page(url) or result

    async def _fetch(self, url: str, served: ServedDocument | None) -> FetchedPage | NonHtmlResponse:
        if urldefrag(url).fragment and urldefrag(url).url == urldefrag(self._page.url).url:
            # Only the fragment differs (a hash route of the page shown): the browser would not
            # load the page again, so the route would render from the previous route's state.
            await self._goto("about:blank")
        self._requests.reset()
        if served is None:
            response = await self._goto(url)
        else:
            pattern = re.compile("^" + re.escape(urldefrag(url).url) + "$")

            async def serve(route: Route) -> None:
                await route.fulfill(status=served.status, headers=served.headers, body=served.body)

            await self._page.route(pattern, serve, times=1)
            try:
                response = await self._goto(url)
            finally:
                with contextlib.suppress(PlaywrightError):
                    await self._page.unroute(pattern, serve)
        if self._sizes.failure is not None:  # its document was refused: the tab shows an empty page
            raise self._sizes.failure
        if (off_scope := self._sizes.off_scope_page(url)) is not None:  # nothing here to read
            return off_scope
        if isinstance(response, _Download):
            return await self._download(url)
        content_type = _content_type(response)
        status = response.status if response else None
        retry_after = retry_after_seconds(response.headers.get("retry-after")) if response else None
        if content_type and not content_type.startswith(HTML_TYPES):
            return NonHtmlResponse(url, self._page.url, status, content_type, retry_after)
        data, settle_ms = await self._rendered()
        content_type = content_type or data["contentType"]
        if not content_type.startswith(HTML_TYPES):
            return NonHtmlResponse(url, self._page.url, status, content_type)
        if response is not None and _may_be_binary(data["html"]) and await _binary_body(response):
            raise not_text(content_type)
        links: list[str] = data["links"]
        followed = set(links)
        empty = is_empty_shell(_shell_signals(data))
        return FetchedPage(
            requested_url=url,
            final_url=self._page.url,
            status=status,
            content_type=content_type,
            title=data["title"],
            description=data["description"],
            canonical=data["canonical"],
            language=data["language"],
            has_password_field=data["hasPasswordField"],
            links=links,
            nofollow_links=tuple(link for link in dict.fromkeys(data["nofollowLinks"]) if link not in followed),
            robots=robots_directives([*data["robots"], _header(response, "x-robots-tag")]),
            html=data["html"],
            rendered_empty=empty,
            rendered_incomplete=None if empty else incomplete_reason(_loading_signals(data)),
            left_out_frames=tuple(dict.fromkeys(data["leftOutFrames"])),
            settle_ms=settle_ms,
            retry_after_s=retry_after,
            rendered_by=RenderMode.BROWSER,
            etag=_header(response, "etag"),
            last_modified=_header(response, "last-modified"),
            source_hash=source_hash(data["html"]),
        )

    async def fetch_text(self, url: str, before: Callable[[], Awaitable[object]] | None = None) -> TextResponse:
        """A small text file (robots.txt) through this tab: the crawl's context, proxy and headers.
        ``before`` is awaited just before the request goes out (its turn at the host).

        A text file shown in a tab makes the browser ask for the site's /favicon.ico: not for a crawl."""
        self.uses += 1
        self._sizes.reset()  # its redirects are followed wherever they go (RFC 9309), unlike a page's
        await self._page.route("**/favicon.ico", _refuse)
        try:
            if before is not None:
                await before()
            response = await self._goto(url)
            if isinstance(response, _Download) or response is None:
                return TextResponse(url, None, "")
            try:
                text = await response.text()
            except PlaywrightError:
                text = ""
            await self._goto("about:blank")  # the icon request, if the browser started one, ends refused
            return TextResponse(response.url, response.status, text)
        finally:
            with contextlib.suppress(PlaywrightError):
                await self._page.unroute("**/favicon.ico", _refuse)

    async def _goto(self, url: str) -> Response | _Download | None:
        """The page's response; None when the page sent the browser on before it loaded (by script):
        then once the page it was sent to loaded."""
        try:
            try:
                return await self._page.goto(url, wait_until="load", timeout=self._page_timeout_ms)
            except PlaywrightError as exc:
                if not interrupted_by_error_page(exc.message):
                    raise
            # The error page of a load that failed before (it commits late) took the tab meanwhile: again.
            return await self._page.goto(url, wait_until="load", timeout=self._page_timeout_ms)
        except PlaywrightTimeoutError:
            raise timed_out(self._page_timeout_ms) from None
        except PlaywrightError as exc:
            if "Download is starting" in exc.message:
                return _DOWNLOAD
            if interrupted_by_navigation(exc.message):
                await self._loaded_after_navigation()  # by the page's own script, before its load event
                return None
            if network_error_code(exc.message) == "ERR_TOO_MANY_REDIRECTS" and (hops := self._requests.redirects()):
                raise FetchError(too_many_redirects(hops), retryable=False) from None
            raise navigation_error(exc.message, url) from None

    async def _loaded_after_navigation(self) -> None:
        """Wait for the page the browser was sent on to to load (a page that goes on and on is ended by
        the document watch: see MAX_PAGE_NAVIGATIONS)."""
        try:
            await self._page.wait_for_load_state("load", timeout=self._page_timeout_ms)
        except PlaywrightTimeoutError:
            raise timed_out(self._page_timeout_ms) from None
        except PlaywrightError as exc:
            raise read_error(exc.message) from None

    async def _rendered(self) -> tuple[dict[str, Any], float]:
        """The page once rendered, and how long it was waited for (ms) after the load event.

        A page that is still an empty app shell gets one longer wait for anything to change.
        A page that navigates by script (a client-side redirect) is read where it lands."""
        waited_ms = 0.0
        for _attempt in range(_READS_AFTER_NAVIGATIONS):
            try:
                data, waited_ms = await self._settled_read(since="load", budget_ms=self._settle.max_ms)
                if is_empty_shell(_shell_signals(data)):
                    self.longer_waits += 1
                    data, longer_ms = await self._settled_read(
                        since="call", budget_ms=self._settle.empty_wait_ms, wait_for_change=True
                    )
                    waited_ms += longer_ms
            except PlaywrightError as exc:
                if not navigated_away(exc.message):
                    raise read_error(exc.message) from None
                if self._sizes.failure is not None or self._sizes.navigations > MAX_PAGE_NAVIGATIONS:
                    break
                self._requests.reset()
                await self._loaded_after_navigation()
                continue
            refresh = refresh_target(data["html"], self._page.url)
            if refresh is None:
                return data, waited_ms
            # Its meta refresh sends the browser on, and the browser has not gone yet: go there now, rather
            # than read the page or the next depending on when the browser acts on it.
            if self._sizes.navigations >= MAX_PAGE_NAVIGATIONS:
                await self._leave()
                raise FetchError(keeps_navigating([*self._sizes.loads, refresh]), retryable=False)
            self._requests.reset()
            await self._goto(refresh)
        await self._leave()
        raise self._sizes.failure or FetchError(keeps_navigating(self._sizes.loads), retryable=False)

    async def _leave(self) -> None:
        """Leave a page that sends the browser on and on for a blank one: a navigation it has under way
        would otherwise go on, into the tab's next page (the document watch forgets it at the next page)."""
        with contextlib.suppress(PlaywrightError):
            await self._page.goto("about:blank", timeout=_LEAVE_TIMEOUT_MS)

    async def _settled_read(
        self, *, since: str, budget_ms: float, wait_for_change: bool = False
    ) -> tuple[dict[str, Any], float]:
        """Wait in the page until it settled (see page_settle.py), then read it; also the time waited (ms).
        While script chunks or same-origin frames loaded meanwhile (the page cannot see those start),
        wait for them and settle again."""
        deadline = time.monotonic() + budget_ms / 1000
        changes = self._requests.changes
        waited_ms = 0.0
        while True:
            remaining_ms = max(0.0, (deadline - time.monotonic()) * 1000)
            options = {
                "quietMs": self._settle.quiet_ms,
                "maxMs": remaining_ms,
                "since": since,
                "changeMs": remaining_ms if wait_for_change else 0,
            }
            try:
                # The page's own work is bounded in the page; this bounds a page that hangs its renderer.
                async with asyncio.timeout(remaining_ms / 1000 + self._page_timeout_ms / 1000):
                    data: dict[str, Any] = await self._page.evaluate(READ_JS, options)
            except TimeoutError:
                await self.close()  # a fresh tab for the next page: this one may never answer again
                raise FetchError("the page stopped responding while it rendered", retryable=True) from None
            if data.get("tooManyElements"):  # its DOM (built by its scripts, say) has more elements than a page may
                raise page_too_many_elements()
            if data.get("tooLarge"):  # or is longer than a page may be
                raise page_too_large()
            waited_ms += float(data["settled"]["waitedMs"])
            if (self._requests.idle and self._requests.changes == changes) or time.monotonic() >= deadline:
                data["settled"]["watched"] = self._requests.in_flight  # chunks and frames still loading
                return data, waited_ms
            started = time.monotonic()
            await self._requests.wait_idle(deadline - time.monotonic())
            waited_ms += (time.monotonic() - started) * 1000
            changes, since, wait_for_change = self._requests.changes, "call", False

    async def _download(self, url: str) -> NonHtmlResponse:
        """The server sent a file to save, not a page: ask (HEAD) what it is."""
        try:
            response = await self._page.context.request.head(url, timeout=self._page_timeout_ms)
        except PlaywrightError:
            return NonHtmlResponse(url, url, None, "download")
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower() or "download"
        return NonHtmlResponse(url, response.url, response.status, content_type)


class _Download:
    """``goto`` ended in a download rather than a page."""


_DOWNLOAD = _Download()
_LEAVE_TIMEOUT_MS = 5000
# Reads a page's navigations may interrupt: those it may make (MAX_PAGE_NAVIGATIONS), and as many
# reads begun on a page already on its way elsewhere.
_READS_AFTER_NAVIGATIONS = 2 * MAX_PAGE_NAVIGATIONS + 1
# Characters a decoded text never holds many of: C0 controls (bar tab, line feed, form feed, carriage
# return) and the replacement character bytes that are no text in its encoding become.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")


async def prepare_context(context: BrowserContext) -> None:
    """Install what every crawl tab needs (the settle helper) in a new browser context."""
    await context.add_init_script(SETTLE_INIT_JS)


async def _refuse(route: Route) -> None:
    await route.abort()


def _shell_signals(data: dict[str, Any]) -> ShellSignals:
    shell = data["shell"]
    return ShellSignals(
        text_chars=int(shell["textChars"]),
        script_count=int(shell["scriptCount"]),
        app_root_text_chars=None if shell["appRootTextChars"] is None else int(shell["appRootTextChars"]),
    )


def _loading_signals(data: dict[str, Any]) -> LoadingSignals:
    settled = data["settled"]
    content_chars = settled.get("contentChars")
    return LoadingSignals(
        timed_out=bool(settled["timedOut"]),
        indicator=str(settled.get("indicator") or ""),
        growing=bool(settled.get("growing")),
        requests=int(settled.get("requests") or 0) + int(settled.get("watched") or 0),
        content_chars=None if content_chars is None else int(content_chars),
    )


def _may_be_binary(html: str) -> bool:
    """Whether the page the browser shows could be binary bytes called HTML (a renderer shows them as text):
    then its bytes are looked at (``_binary_body``). An ordinary page has none of those characters."""
    return _NOT_TEXT.search(html, 0, 8192) is not None


async def _binary_body(response: Response) -> bool:
    """The HTTP path's rule (fetched.looks_binary) on the bytes the server sent for the page."""
    try:
        return looks_binary(await response.body())
    except PlaywrightError:  # the body is gone (the tab went on): the page is judged as shown
        return False


def _header(response: Response | None, name: str) -> str:
    return "" if response is None else response.headers.get(name, "")


def _content_type(response: Response | None) -> str:
    if response is None:
        return ""
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


__all__ = ["FetchError", "FetchedPage", "NonHtmlResponse", "PageFetcher", "ServedDocument", "prepare_context"]
