"""Documents: one Markdown page per normalised URL."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PageContent:
    """What a crawl extracted from one HTML page, ready to store."""

    url: str  # normalised final URL: the document's key
    title: str
    markdown: str
    description: str = ""
    canonical_url: str = ""
    language: str = ""
    final_url: str = ""  # as the browser reported it after redirects
    http_status: int | None = None
    content_hash: str = ""
    outline_key: str = ""  # its title and headings, hashed (crawler/page_likeness.py): near-identical pages share it
    link_share: float | None = None  # domain/link_share.py of its Markdown, when computed already (else the store does)


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    url: str
    title: str
    job_id: str | None
    chars: int
    updated_at: datetime
    gone: bool = False  # the page answered 404/410 at the last crawl: kept, left out of search
    aliases: tuple[str, ...] = ()  # other URLs that showed its text (stored once, under ``url``)
    sources: tuple[str, ...] = ()  # every source (definition id) that crawled it, the first first

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "job_id": self.job_id,
            "chars": self.chars,
            "updated_at": self.updated_at.isoformat(),
            "gone": self.gone,
            "aliases": list(self.aliases),
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class Document:
    id: int
    url: str
    title: str
    markdown: str
    description: str
    canonical_url: str
    language: str
    final_url: str
    http_status: int | None
    content_hash: str
    job_id: str | None  # the last job that stored or kept it
    definition_id: str | None  # that job's source
    first_crawled_at: datetime
    last_crawled_at: datetime
    updated_at: datetime
    sources: tuple[str, ...] = ()  # every source (definition id) that crawled it, the first first
    etag: str = ""  # the page's validators as its server last sent them (a re-crawl asks conditionally)
    last_modified: str = ""
    gone_at: datetime | None = None  # when the page started answering 404/410; None while it exists
    aliases: tuple[str, ...] = ()  # other URLs that showed its text (stored once, under ``url``)

    @property
    def gone(self) -> bool:
        return self.gone_at is not None

    @property
    def chars(self) -> int:
        return len(self.markdown)


@dataclass(frozen=True)
class SearchHit:
    id: int
    url: str
    title: str
    snippet: str
    rank: float
    job_id: str | None
    definition_id: str | None = None  # the source of the last crawl that stored or kept it
    last_crawled_at: datetime | None = None
    gone: bool = False
    sources: tuple[str, ...] = ()  # every source that crawled it, the first first
    aliases: tuple[str, ...] = ()  # other URLs that showed its text


@dataclass(frozen=True)
class DocumentFilter:
    """Which documents a listing, search or export covers. Empty tuples mean "no restriction";
    several sources or sites mean any of them. Composable: the store applies several filters
    together (a search's own ``site:``/``source:`` and the ones chosen in a menu or an option), and
    a later kind of restriction is one more field here."""

    sources: tuple[str, ...] = ()
    excluded_sources: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()  # a host also covers its subdomains
    excluded_sites: tuple[str, ...] = ()
    job_id: str | None = None
    changed_since: datetime | None = None  # added or changed (updated_at) at or after this time
    ids: tuple[int, ...] | None = None
    gone: bool | None = None  # True: only documents whose page is gone; False: only the others; None: both


@dataclass(frozen=True)
class KnownPage:
    """What the store knows of a page from an earlier crawl: enough to ask for it conditionally
    and, when it has not changed, to keep its document and follow its stored links."""

    document_id: int
    url: str
    etag: str
    last_modified: str
    source_hash: str  # sha256 of the page as fetched (the HTTP body, or the browser's HTML)
    links: tuple[str, ...]  # every link of the page as stored (absolute, normalised)
    gone: bool
    title: str = ""


@dataclass(frozen=True)
class FetchRecord:
    """What a crawl learnt about a page besides its content, kept for the next (incremental) crawl."""

    etag: str = ""
    last_modified: str = ""
    source_hash: str = ""
    links: tuple[str, ...] = ()


class DocumentOrder(enum.StrEnum):
    """How a search's or a listing's documents are ordered."""

    RELEVANCE = "relevance"  # best match first (a listing without words: newest first)
    NEWEST = "newest"  # most recently added or changed first
    TITLE = "title"  # by title, A to Z (case and accents aside)
    SITE = "site"  # by host (subdomains beside their domain), then title


@dataclass(frozen=True)
class SearchFacets:
    """How many documents match, and how many of them each source and each site holds (most first): the
    counts beside a search's filters. A source's count ignores the source filter (what choosing that
    source would show), a site's the site filter."""

    total: int
    sources: tuple[tuple[str, int], ...]
    sites: tuple[tuple[str, int], ...]
