"""From a fetched page to what gets stored: Markdown, metadata and the links to follow.

CPU work (HTML parsing and conversion), run off the event loop.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Final

from quaero_desktop.crawler.fetched import FetchedPage
from quaero_desktop.crawler.markdown import html_to_markdown
from quaero_desktop.crawler.scope import CrawlScope
from quaero_desktop.domain.definition import RenderMode
from quaero_desktop.domain.document import FetchRecord, PageContent


@dataclass(frozen=True)
class PreparedPage:
    content: PageContent
    links: list[str]  # to enqueue (in scope, within the depth)
    record: FetchRecord  # kept with the document for the next crawl (validators, hash, every link)
    links_beyond_depth: list[str] = field(default_factory=list)  # in scope, but one level past max_depth


_RELATIVE_TIME: Final = re.compile(
    r"\b(?:\d+|an?)\s+(?:second|minute|hour|day|week|month|year)s?\s+ago\b|\bjust now\b", re.IGNORECASE
)
_COUNTER: Final = re.compile(
    r"\b\d[\d,.\u202f\u00a0]*\s*(?:page\s?)?(?:views?|visits?|visitors?|reads?|hits?)\b", re.IGNORECASE
)


def change_fingerprint(markdown: str) -> str:
    """The Markdown as change detection compares it: relative times ("3 minutes ago") and view counters
    ("1,234 views") masked, as they change with every visit, not with the page (``content_hash``)."""
    return _COUNTER.sub("# views", _RELATIVE_TIME.sub("some time ago", markdown))


def prepare_page(fetched: FetchedPage, final_url: str, scope: CrawlScope, depth: int) -> PreparedPage:
    """Convert ``fetched`` to Markdown and pick the links to enqueue."""
    converted = html_to_markdown(fetched.html, fetched.final_url)
    content = PageContent(
        url=final_url,
        title=converted.title or fetched.title,
        markdown=converted.markdown,
        description=fetched.description,
        canonical_url=fetched.canonical,
        language=fetched.language,
        final_url=fetched.final_url,
        http_status=fetched.status,
        content_hash=hashlib.sha256(change_fingerprint(converted.markdown).encode("utf-8")).hexdigest(),
    )
    followed = scope.followed_links(fetched)
    read_from_html = fetched.rendered_by == RenderMode.HTTP
    # A page the browser rendered is always rendered again: its HTML (and a 304 for it) says
    # nothing of what its scripts fetch. So only a page read from its HTML keeps validators and hash.
    record = FetchRecord(
        etag=fetched.etag if read_from_html else "",
        last_modified=fetched.last_modified if read_from_html else "",
        source_hash=fetched.source_hash if read_from_html else "",
        links=tuple(scope.all_links(followed, fetched.final_url)),
    )
    links = scope.links_in_scope(followed, fetched.final_url)
    if depth < scope.max_depth:
        return PreparedPage(content=content, links=links, record=record)
    return PreparedPage(content=content, links=[], record=record, links_beyond_depth=links)
