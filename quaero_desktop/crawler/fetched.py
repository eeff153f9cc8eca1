"""What fetching a page gives the crawl, whichever way it was fetched (HTTP or a browser tab)."""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

from quaero_desktop.domain.definition import RenderMode

HTML_TYPES = ("text/html", "application/xhtml+xml")

RenderedBy = Literal[RenderMode.HTTP, RenderMode.BROWSER]  # how a page was read: never "auto"


@dataclass(frozen=True)
class FetchedPage:
    """An HTML page: as the server sent it (``rendered_by`` HTTP) or as the browser rendered it."""

    requested_url: str
    final_url: str
    status: int | None
    content_type: str
    title: str
    description: str
    canonical: str
    language: str
    has_password_field: bool
    links: list[str] = field(repr=False)
    html: str = field(repr=False)
    rendered_empty: bool = False  # still an empty app shell after the longer wait (see app_shell.py)
    rendered_incomplete: str | None = None  # still loading its data when the wait ended: why (half_loaded.py)
    left_out_frames: tuple[str, ...] = ()  # cross-origin frames, not part of the stored page
    settle_ms: float = 0.0  # time spent waiting for the page to render after its load event (not reading it)
    rendered_by: RenderedBy = RenderMode.BROWSER
    etag: str = ""  # the response's validators, kept with the document for the next crawl's conditional request
    last_modified: str = ""
    source_hash: str = ""  # sha256 of the page as fetched (the HTTP body; the browser's HTML)
    needs_javascript: str | None = None  # read over HTTP though its HTML shows it needs scripts (why)
    retry_after_s: float | None = None  # a 429/503 answer's Retry-After, in seconds
    # What the page tells robots (page_directives.py): "noindex", "nofollow" from its meta tag and X-Robots-Tag.
    robots: frozenset[str] = frozenset()
    # Links that appear only with rel="nofollow" (``links`` holds the others), resolved as ``links`` are.
    nofollow_links: tuple[str, ...] = field(default=(), repr=False)


def redirected_off_scope(url: str, target: str, status: int, rendered_by: RenderedBy) -> FetchedPage:
    """The page a redirect sends off the crawl's scope, its target not asked for: that target and nothing
    else (the crawl records the page as redirected out of its scope and stores nothing)."""
    return FetchedPage(url, target, status, "text/html", "", "", "", "", False, [], "", rendered_by=rendered_by)


@dataclass(frozen=True)
class NonHtmlResponse:
    """A PDF, image, download...: recorded, never stored as a document."""

    requested_url: str
    final_url: str
    status: int | None
    content_type: str
    retry_after_s: float | None = None


@dataclass(frozen=True)
class TextResponse:
    """A small text file fetched the way pages are (robots.txt): its status and text."""

    url: str
    status: int | None
    text: str


@dataclass(frozen=True)
class NotModified:
    """The server answered 304 to a conditional request: the stored document is still the page."""

    requested_url: str
    final_url: str
    status: int = 304
    etag: str = ""  # validators a 304 may refresh
    last_modified: str = ""


SourceResult = FetchedPage | NonHtmlResponse | NotModified  # what a page source returns (crawler/sources.py)
Turn = Callable[[], Awaitable[object]]  # awaited just before a request goes out (its turn at the host)


class FetchError(Exception):
    """The page could not be loaded. ``retryable`` for timeouts and transient network faults."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


# A page larger than this is not a page a reader wants whole. Both paths hold it: the HTTP fetch
# counts the body it reads, a browser tab the document's decoded bytes and the DOM before it is read.
MAX_HTML_BYTES = 50 * 2**20


# A browser holds every element with its style and layout: about 4 KB each for a page of tiny
# paragraphs, so a 5 MB page of them (500,000 elements) grows a tab by 2 GB. Ordinary pages have a
# few thousand elements, very long references some tens of thousands.
MAX_HTML_ELEMENTS = 100_000


def page_too_large() -> FetchError:
    """The error of a page over MAX_HTML_BYTES, the same on the HTTP and the browser path."""
    return FetchError(f"the page is larger than {MAX_HTML_BYTES // 2**20} MB", retryable=False)


def looks_binary(body: bytes) -> bool:
    """True when ``body`` is no text whatever it is called: a NUL byte in its first 8 KB (no HTML has one,
    as git judges files) or a tenth of them control characters. A UTF-16 page (its byte order mark first)
    is text."""
    start = body[:8192]
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in start:
        return True
    controls = sum(1 for byte in start if byte < 32 and byte not in (9, 10, 12, 13))
    return controls * 10 > len(start)


def not_text(content_type: str) -> FetchError:
    """The error of a page whose bytes are binary though its server calls it ``content_type``."""
    return FetchError(
        f"the page is not text: the server calls it {content_type or 'HTML'} but sends binary data", retryable=False
    )


def page_too_many_elements() -> FetchError:
    """The error of a page whose HTML has more than MAX_HTML_ELEMENTS start tags."""
    return FetchError(f"the page has more than {MAX_HTML_ELEMENTS:,} elements", retryable=False)


_START_TAG = re.compile(rb"<[A-Za-z]")


class PageBound:
    """A page's body read chunk by chunk against the bounds: its (decoded) bytes and, for HTML, its
    start tags (the elements it makes; tags in its scripts and comments count too, erring on the
    side of the bound). ``add`` raises the page's error as soon as one is passed."""

    def __init__(self, *, count_elements: bool = True) -> None:
        self.size = 0
        self.elements = 0
        self._count_elements = count_elements
        self._ends_open = False  # the last chunk ended with "<": its tag's name starts the next one

    def declare(self, content_length: str) -> None:
        """The body's length as its Content-Length header says (on the wire: the least it decodes to)."""
        with contextlib.suppress(ValueError):
            if int(content_length.strip() or 0) > MAX_HTML_BYTES:
                raise page_too_large()

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_HTML_BYTES:
            raise page_too_large()
        if not self._count_elements or not chunk:
            return
        self.elements += len(_START_TAG.findall(chunk)) + (self._ends_open and chunk[:1].isalpha())
        self._ends_open = chunk.endswith(b"<")
        if self.elements > MAX_HTML_ELEMENTS:
            raise page_too_many_elements()


@dataclass(frozen=True)
class Validators:
    """What a conditional request sends back to the server (from the stored document)."""

    etag: str = ""
    last_modified: str = ""

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


def source_hash(content: bytes | str) -> str:
    """The hash a re-crawl compares to tell an unchanged page before converting it."""
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds from now; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
