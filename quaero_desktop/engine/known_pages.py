"""What an incremental re-crawl knows of a page before fetching it: its stored document."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import Connection

from quaero_desktop.crawler.fetched import Validators
from quaero_desktop.domain.document import KnownPage
from quaero_desktop.store import documents_repo, jobs_repo


class KnownPages:
    """The URLs stored on the start URLs' hosts, read once when the run starts, so a first crawl asks
    the store nothing per page; for any other URL the store is asked."""

    def __init__(self, start_urls: tuple[str, ...], render: str) -> None:
        self.hosts = sorted({urlsplit(url).hostname or "" for url in start_urls} - {""})
        self._render = render
        self._stored: set[str] | None = None

    def load(self, conn: Connection) -> None:
        self._stored = documents_repo.stored_urls(conn, self.hosts)

    def may_know(self, url: str) -> bool:
        """Whether the store may hold a document for ``url`` (then it is read before the fetch)."""
        return self._stored is None or url in self._stored or urlsplit(url).hostname not in self.hosts

    def validators(self, known: KnownPage | None) -> Validators | None:
        """Ask for a stored page conditionally — if it was read from its HTML (a page the browser
        rendered is always rendered again: a 304 for its HTML says nothing of what its scripts fetch)."""
        if known is None or known.gone or not known.source_hash or self._render == "browser":
            return None
        return Validators(known.etag, known.last_modified) or None


def mark_running_and_read(conn: Connection, child_id: str, now: datetime, url: str) -> KnownPage | None:
    """One transaction: the page is running, and what the store holds for it."""
    jobs_repo.mark_child_running(conn, child_id, now)
    return documents_repo.known_page(conn, url)
