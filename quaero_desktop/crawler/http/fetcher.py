"""Fetch one page over plain HTTP and read what a crawl needs from its HTML (no JavaScript runs).

Reads the same things the browser path reads (title, description, canonical URL, language, a
password field, the links of ``a[href]`` and ``area[href]`` resolved against the page's base)
from the HTML as the server sent it, and whether the page needs the browser (html_page.py). A
non-HTML answer (PDF, image, download) is recognised from its headers and its body is never downloaded.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

import httpx2

from quaero_desktop.crawler.connection_errors import (
    MAX_REDIRECTS,
    describe_network_error,
    invalid_redirect,
    not_a_web_page,
    too_many_redirects,
)
from quaero_desktop.crawler.fetched import (
    HTML_TYPES,
    FetchedPage,
    FetchError,
    NonHtmlResponse,
    NotModified,
    PageBound,
    TextResponse,
    Validators,
    looks_binary,
    not_text,
    redirected_off_scope,
    retry_after_seconds,
    source_hash,
)
from quaero_desktop.crawler.http.html_page import read_page
from quaero_desktop.crawler.js_signals import JsSignals
from quaero_desktop.crawler.urls import normalise_url
from quaero_desktop.domain.definition import RenderMode
from quaero_desktop.domain.long_urls import short_url

MAX_TEXT_BYTES = 512 * 2**10  # robots.txt: RFC 9309 asks crawlers to read at least 500 KiB
_REDIRECT_BODY_BYTES = 64 * 2**10  # a redirect's body ("Moved to <a href>…"), read to reuse its connection
_VALIDATOR_HEADERS = ("if-none-match", "if-modified-since")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class HttpPage:
    """An HTML answer: the page as the crawl reads it, and the bytes, for a browser to render the same."""

    page: FetchedPage
    signals: JsSignals  # whether its HTML needs the browser (js_signals.py), read from the same parse
    body: bytes
    headers: dict[str, str]  # the response's headers, one value each (Set-Cookie excepted: see ``sets_cookies``)
    sets_cookies: bool


class HttpFetcher:
    """Fetches pages with the crawl's client (shared by its workers: one connection pool)."""

    def __init__(
        self, client: httpx2.AsyncClient, *, page_timeout_s: float, follows: Callable[[str], bool] | None = None
    ) -> None:
        """``follows``: whether a page's redirect to a URL is followed (None: every one). One that is not
        is never asked for: the page ends there (see ``_get``)."""
        self._client = client
        self._page_timeout_s = page_timeout_s
        self._follows = follows

    async def fetch(
        self, url: str, validators: Validators | None = None, before: Callable[[], Awaitable[object]] | None = None
    ) -> HttpPage | NonHtmlResponse | NotModified | FetchedPage:
        """GET ``url`` (conditionally, given the stored page's validators), following redirects;
        ``before`` is awaited just before the request (its turn at the host: not part of its timeout).

        Raises FetchError: timeouts and dropped connections are retryable, refused connections
        and bad addresses are not (as on the browser path), and the reason is said in the same words."""
        if before is not None:
            await before()
        try:
            async with asyncio.timeout(self._page_timeout_s):
                return await self._get(url, validators)
        except TimeoutError:
            raise FetchError(f"timed out after {self._page_timeout_s:g}s", retryable=True) from None
        except httpx2.TimeoutException:
            raise FetchError(f"timed out after {self._page_timeout_s:g}s", retryable=True) from None
        except httpx2.ProxyError as exc:
            asked = _asked_url(exc, url)
            raise FetchError(describe_network_error("ERR_PROXY_CONNECTION_FAILED", asked), retryable=False) from exc
        except httpx2.ConnectError as exc:
            code, asked = connect_error_code(exc), _asked_url(exc, url)
            if code is None:
                raise FetchError(f"could not connect: {_reason(exc)} at {asked}", retryable=False) from None
            raise FetchError(describe_network_error(code, asked), retryable=code == "ERR_CONNECTION_RESET") from None
        except (httpx2.RemoteProtocolError, httpx2.ReadError, httpx2.WriteError) as exc:
            raise FetchError(f"connection dropped: {_reason(exc)}", retryable=True) from None
        except (httpx2.UnsupportedProtocol, httpx2.InvalidURL) as exc:
            raise FetchError(
                f"cannot fetch {short_url(_asked_url(exc, url))}: {_reason(exc)}", retryable=False
            ) from None
        except httpx2.HTTPError as exc:
            raise FetchError(f"HTTP error: {_reason(exc)}", retryable=True) from None

    async def _get(
        self, url: str, validators: Validators | None
    ) -> HttpPage | NonHtmlResponse | NotModified | FetchedPage:
        """The page at ``url``, its redirects followed one by one (as a browser does, up to
        MAX_REDIRECTS), so that a loop is told from a long chain and a redirect the crawl does not
        follow (off its site) is never asked for: the page is then the unfetched target, nothing else
        (a ``FetchedPage`` whose final URL is the target: the crawl records the page as redirected out
        of its scope and stores nothing). Cookies set on the way are kept (the client's jar)."""
        request = self._client.build_request("GET", url, headers=validators.headers() if validators else {})
        asked = [url]  # the URLs asked for, in order
        sets_cookies = False
        while True:
            response = await self._client.send(request, stream=True, follow_redirects=False)
            try:
                sets_cookies = sets_cookies or "set-cookie" in response.headers
                following = response.next_request
                if response.has_redirect_location and (
                    unreadable := _unreadable_target(response.headers.get("location", ""), following)
                ):
                    raise unreadable
                if following is None:
                    return await self._answer(
                        url, response, validators, redirected=len(asked) > 1, sets_cookies=sets_cookies
                    )
                await _drain(response)
            finally:
                await response.aclose()
            target = str(following.url)
            if len(asked) >= MAX_REDIRECTS:  # the browser fails the load at this redirect: so does the crawl
                raise FetchError(too_many_redirects(asked), retryable=False)
            if self._follows is not None and not self._follows(target):
                return redirected_off_scope(url, target, response.status_code, RenderMode.HTTP)
            for name in _VALIDATOR_HEADERS:  # the validators are the page asked for's, not its target's
                following.headers.pop(name, None)
            asked.append(target)
            request = following

    async def _answer(
        self,
        url: str,
        response: httpx2.Response,
        validators: Validators | None,
        *,
        redirected: bool,
        sets_cookies: bool,
    ) -> HttpPage | NonHtmlResponse | NotModified | FetchedPage:
        """What the last answer (no redirect) says: not modified, not HTML, or the page."""
        final_url = str(response.url)
        if response.status_code == 304:
            await response.aread()  # (empty) read to the end, so the connection goes back to the pool
            if redirected and validators is not None:  # a server that answers 304 to the target anyway
                return await self._get(url, None)
            return NotModified(
                url, final_url, etag=_value(response, "etag"), last_modified=_value(response, "last-modified")
            )
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
        if content_type and not content_type.startswith(HTML_TYPES):
            return NonHtmlResponse(url, final_url, response.status_code, content_type, retry_after)
        body = await _read_capped(response)
        if not content_type:  # no type given: a browser sniffs; so do we
            if not _HTML_START.match(body[:1024]):
                return NonHtmlResponse(url, final_url, response.status_code, "application/octet-stream")
            content_type = "text/html"
        if looks_binary(body):  # a program or an archive called HTML: stored, it would be a page of garbage
            raise not_text(content_type)
        html = decode_html(body, response.charset_encoding)
        robots_header = "\n".join(response.headers.get_list("x-robots-tag"))
        page, signals = await asyncio.to_thread(
            read_page, html, url, final_url, response.status_code, content_type, robots_header
        )
        page = replace(_with_validators(page, response, body), retry_after_s=retry_after)
        single = {name.lower(): value for name, value in response.headers.items() if name.lower() != "set-cookie"}
        return HttpPage(page, signals, body, single, sets_cookies)

    async def fetch_text(self, url: str, before: Callable[[], Awaitable[object]] | None = None) -> TextResponse:
        """A small text file (robots.txt) with the crawl's client; status None when it could not be loaded."""
        if before is not None:
            await before()
        try:
            async with asyncio.timeout(self._page_timeout_s), self._client.stream("GET", url) as response:
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size >= MAX_TEXT_BYTES:
                        break
                text = b"".join(chunks)[:MAX_TEXT_BYTES].decode(response.encoding or "utf-8", errors="replace")
                return TextResponse(str(response.url), response.status_code, text)
        except (TimeoutError, httpx2.HTTPError):
            return TextResponse(url, None, "")


def connect_error_code(exc: httpx2.ConnectError) -> str | None:
    """The browser's name for why a connection could not be made (so both paths say it alike)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return "ERR_CERT_AUTHORITY_INVALID"
        if isinstance(cause, ssl.SSLError):
            return "ERR_SSL_PROTOCOL_ERROR"
        if isinstance(cause, ConnectionRefusedError):
            return "ERR_CONNECTION_REFUSED"
        if isinstance(cause, ConnectionResetError):
            return "ERR_CONNECTION_RESET"
        cause = cause.__cause__ or cause.__context__
    text = str(exc).lower()
    if "refused" in text:
        return "ERR_CONNECTION_REFUSED"
    if any(
        words in text
        for words in ("name or service not known", "nodename nor servname", "getaddrinfo", "name resolution")
    ):
        return "ERR_NAME_NOT_RESOLVED"
    if "certificate" in text:
        return "ERR_CERT_AUTHORITY_INVALID"
    if "network is unreachable" in text or "no route to host" in text:
        return "ERR_ADDRESS_UNREACHABLE"
    return None


async def _drain(response: httpx2.Response) -> None:
    """Read a redirect's (small) body, so its connection goes back to the pool; a body too long for
    a redirect is left unread (the connection is closed instead)."""
    size = 0
    async for chunk in response.aiter_raw():
        size += len(chunk)
        if size > _REDIRECT_BODY_BYTES:
            break


def _unreadable_target(location: str, following: httpx2.Request | None) -> FetchError | None:
    """Why a redirect leads to no page a crawl could ask for, if it does (the browser fails such a load
    too): an address of another kind (mailto:, ftp:), or one that is no URL (``following``: the
    request the client made of it, None when it could not)."""
    other_kind = not_a_web_page(location)
    if other_kind is not None:
        return FetchError(other_kind, retryable=False)
    if following is None or normalise_url(str(following.url)) is None:
        return FetchError(invalid_redirect(location), retryable=False)
    return None


def _asked_url(exc: Exception, url: str) -> str:
    """The URL whose request failed: a redirect's target, when the page's own answer was a redirect."""
    if not isinstance(exc, httpx2.RequestError):  # (InvalidURL: raised before any request was made)
        return url
    try:
        return str(exc.request.url)
    except RuntimeError:  # raised before its request was made
        return url


def _with_validators(page: FetchedPage, response: httpx2.Response, body: bytes) -> FetchedPage:
    return replace(
        page,
        etag=_value(response, "etag"),
        last_modified=_value(response, "last-modified"),
        source_hash=source_hash(body),
    )


async def _read_capped(response: httpx2.Response) -> bytes:
    chunks: list[bytes] = []
    bound = PageBound()  # the browser's bounds too (its bytes and elements): one page, one verdict
    bound.declare(response.headers.get("content-length", ""))
    async for chunk in response.aiter_bytes():
        bound.add(chunk)
        chunks.append(chunk)
    return b"".join(chunks)


def _value(response: httpx2.Response, name: str) -> str:
    return response.headers.get(name, "")


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def decode_html(body: bytes, header_charset: str | None) -> str:
    """The page's text: the charset the headers name, else a <meta charset> (or an XML declaration's
    encoding) near the start, else UTF-8."""
    for candidate in (header_charset, _meta_charset(body)):
        if candidate:
            try:
                return body.decode(candidate, errors="replace")
            except LookupError:
                continue
    return body.decode("utf-8", errors="replace")


def _meta_charset(body: bytes) -> str | None:
    found = _META_CHARSET.search(body[:2048]) or _XML_ENCODING.match(body[:512])  # an XHTML page's declaration
    return found.group(1).decode("ascii", "replace") if found else None
