"""What the crawl decided about a fetched page before recording it, besides the fetch's own outcome."""

from __future__ import annotations

from dataclasses import dataclass

from quaero_desktop.crawler.fetched import FetchedPage, FetchError, NonHtmlResponse, NotModified
from quaero_desktop.domain.job import SkipReason

FetchOutcome = FetchedPage | NonHtmlResponse | NotModified | FetchError


@dataclass(frozen=True)
class Disallowed:
    """Not fetched: robots.txt disallows the page (``reason`` is the page's note)."""

    reason: str


@dataclass(frozen=True)
class NotStored:
    """A page fetched but not kept as a document: it is a login form, asks not to be indexed, or is
    the site's "not found" page. ``follow_links``: its links are still followed (noindex alone)."""

    page: FetchedPage
    reason: SkipReason
    note: str
    follow_links: bool = False


@dataclass(frozen=True)
class LoginLost:
    """The crawl's login stopped working: nothing is recorded for the page, which waits (pending)
    with the rest for the job to be resumed after a new capture. ``message`` is the job's error."""

    message: str
