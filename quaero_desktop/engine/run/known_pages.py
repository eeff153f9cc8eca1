"""What an incremental re-crawl knows of a page before fetching it: its stored document."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import Connection

from quaero_desktop.crawler.fetched import Validators
from quaero_desktop.domain.definition import JobDefinition, RenderMode
from quaero_desktop.domain.document import KnownPage
from quaero_desktop.engine.run.prepared_page import content_rules, converted_with
from quaero_desktop.store import documents_repo, pages_repo


class KnownPages:
    """What the store holds for the pages on the start URLs' hosts, read once when the run starts, so
    no page waits for the store before its fetch; pages on other hosts are read one by one."""

    def __init__(self, definition: JobDefinition) -> None:
        self.hosts = sorted({urlsplit(url).hostname or "" for url in definition.start_urls} - {""})
        self._render = definition.render
        self._rules = content_rules(definition)
        self._stored: dict[str, KnownPage] = {}

    def load(self, conn: Connection) -> None:
        self._stored = documents_repo.known_pages(conn, self.hosts)

    def get(self, url: str) -> KnownPage | None:
        """The preloaded page (its links are read when it is kept: ``documents_repo.keep_unchanged``)."""
        return self._stored.get(url)

    def preloaded(self, url: str) -> bool:
        """Whether ``url`` is on a host read at the start (else the store is asked for it)."""
        return urlsplit(url).hostname in self.hosts

    def validators(self, known: KnownPage | None) -> Validators | None:
        """Ask for a stored page conditionally — if it was read from its HTML (a page the browser
        rendered is always rendered again: a 304 for its HTML says nothing of what its scripts fetch) and
        converted with today's content rules (else the page is read and converted again)."""
        if known is None or known.gone or not known.source_hash or self._render == RenderMode.BROWSER:
            return None
        if not converted_with(known.source_hash, self._rules):
            return None
        return Validators(known.etag, known.last_modified) or None


def mark_running_and_read(conn: Connection, child_id: str, now: datetime, url: str) -> KnownPage | None:
    """One transaction: the page is running, and what the store holds for it."""
    pages_repo.mark_child_running(conn, child_id, now)
    return documents_repo.known_page(conn, url)
