"""Documents: one Markdown page per normalised URL."""

from __future__ import annotations

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


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    url: str
    title: str
    job_id: str | None
    chars: int
    updated_at: datetime

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "job_id": self.job_id,
            "chars": self.chars,
            "updated_at": self.updated_at.isoformat(),
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
    job_id: str | None
    definition_id: str | None
    first_crawled_at: datetime
    last_crawled_at: datetime
    updated_at: datetime

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
    definition_id: str | None = None
    last_crawled_at: datetime | None = None


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
