"""Documents, upserted by normalised URL; listings narrowed by a ``DocumentFilter`` (search: ``search_repo``)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import Connection, bindparam, func, select, update

from quaero_desktop.domain.document import (
    Document,
    DocumentFilter,
    DocumentSummary,
    FetchRecord,
    KnownPage,
    PageContent,
)
from quaero_desktop.domain.job import PageChange
from quaero_desktop.domain.link_share import link_share
from quaero_desktop.store import document_sources_repo
from quaero_desktop.store.document_filters import conditions, host_key, host_of_key
from quaero_desktop.store.schema import ResultRow, documents
from quaero_desktop.store.upsert import dialect_insert


@dataclass(frozen=True)
class Stored:
    document_id: int
    new_for_job: bool  # the first time this job stored or kept this document (the job counts it once)
    change: PageChange


def upsert(
    conn: Connection,
    page: PageContent,
    *,
    job_id: str,
    definition_id: str | None,
    now: datetime,
    record: FetchRecord | None = None,
) -> tuple[int, bool]:
    """Store ``page`` under its URL: insert, or update the existing row (a re-crawl never duplicates).

    Returns (document id, first time this job stored it). Callers count the document for
    the job only on True, so a page saved twice by one job (a retry, a resumed crawl, two
    URLs redirecting to it) counts once. Run inside a write transaction.
    """
    stored = store_page(conn, page, job_id=job_id, definition_id=definition_id, now=now, record=record)
    return stored.document_id, stored.new_for_job


def store_page(
    conn: Connection,
    page: PageContent,
    *,
    job_id: str,
    definition_id: str | None,
    now: datetime,
    record: FetchRecord | None = None,
) -> Stored:
    """Insert ``page``, or update its document, which then belongs to ``definition_id`` too. Its title
    and Markdown (what the full-text index holds) are written only when they differ from the stored
    ones, so an unchanged page costs no index write; the change is ``UNCHANGED`` then (a gone page
    coming back is ``CHANGED``)."""
    record = record or FetchRecord()
    existing = conn.execute(_EXISTING, {"b_url": page.url}).first()
    values: dict[str, object] = {
        "description": page.description,
        "canonical_url": page.canonical_url,
        "language": page.language,
        "final_url": page.final_url or page.url,
        "http_status": page.http_status,
        "content_hash": page.content_hash,
        "outline_key": page.outline_key,
        "job_id": job_id,
        "definition_id": definition_id,
        "last_crawled_at": now,
        "host_key": host_key(urlsplit(page.url).hostname or ""),
        "etag": record.etag,
        "last_modified": record.last_modified,
        "source_hash": record.source_hash,
        "links_json": json.dumps(list(record.links)),
        "gone_at": None,
    }
    if existing is None:
        new_id = conn.execute(
            dialect_insert(documents, conn.dialect.name)
            .values(
                url=page.url,
                title=page.title,
                markdown=page.markdown,
                link_share=_link_share(page),
                first_crawled_at=now,
                updated_at=now,
                **values,
            )
            .on_conflict_do_nothing(index_elements=[documents.c.url])
            .returning(documents.c.id)
        ).scalar()
        if new_id is not None:
            _link(conn, int(new_id), job_id=job_id, definition_id=definition_id, now=now)
            return Stored(int(new_id), True, PageChange.NEW)
        # PostgreSQL: another transaction stored the URL since (it waited for it): update that one.
        existing = conn.execute(_EXISTING, {"b_url": page.url}).one()
    same = existing.content_hash == page.content_hash and existing.title == page.title
    if not same:
        values.update(title=page.title, markdown=page.markdown, link_share=_link_share(page), updated_at=now)
    conn.execute(update(documents).where(documents.c.id == existing.id).values(**values))
    change = PageChange.UNCHANGED if same and existing.gone_at is None else PageChange.CHANGED
    new_for_job = _link(conn, int(existing.id), job_id=job_id, definition_id=definition_id, now=now)
    return Stored(int(existing.id), existing.job_id != job_id if new_for_job is None else new_for_job, change)


def _link_share(page: PageContent) -> float:
    return link_share(page.markdown) if page.link_share is None else page.link_share


# The stored document of a URL, locked until the transaction ends (FOR UPDATE; SQLite's writer holds the
# whole file already and SQLAlchemy leaves the clause out there): a PostgreSQL transaction storing the
# same page meanwhile waits, then sees this one's document, its source link and its count.
_EXISTING = (
    select(documents.c.id, documents.c.job_id, documents.c.content_hash, documents.c.title, documents.c.gone_at)
    .where(documents.c.url == bindparam("b_url"))
    .with_for_update()
)


def _link(conn: Connection, document_id: int, *, job_id: str, definition_id: str | None, now: datetime) -> bool | None:
    """The document belongs to ``definition_id`` too: whether this job holds it for the first time
    (None without a definition: the caller asks the document's own job)."""
    if definition_id is None:
        return None
    return document_sources_repo.link(conn, document_id, definition_id=definition_id, job_id=job_id, now=now)


def known_pages(conn: Connection, hosts: Sequence[str]) -> dict[str, KnownPage]:
    """What the store holds for the pages on ``hosts``, by URL: validators, hash and state, without
    their links (``known_page`` has them) — read once when a crawl starts."""
    keys = [host_key(host) for host in hosts]
    if not keys:
        return {}
    query = select(*_KNOWN_COLUMNS).where(documents.c.host_key.in_(keys))
    return {str(row.url): _known(row, ()) for row in conn.execute(query)}


_KNOWN_COLUMNS = (
    documents.c.id,
    documents.c.url,
    documents.c.etag,
    documents.c.last_modified,
    documents.c.source_hash,
    documents.c.gone_at,
    documents.c.title,
)


def _known(row: ResultRow, links: tuple[str, ...]) -> KnownPage:
    return KnownPage(
        document_id=int(row.id),
        url=str(row.url),
        etag=str(row.etag or ""),
        last_modified=str(row.last_modified or ""),
        source_hash=str(row.source_hash or ""),
        links=links,
        gone=row.gone_at is not None,
        title=str(row.title or ""),
    )


def known_page(conn: Connection, url: str) -> KnownPage | None:
    """The stored page at ``url`` (a normalised URL), for a conditional fetch; None if never stored."""
    row = conn.execute(select(*_KNOWN_COLUMNS, documents.c.links_json).where(documents.c.url == url)).first()
    if row is None:
        return None
    return _known(row, tuple(json.loads(row.links_json or "[]")))


def keep_unchanged(
    conn: Connection,
    document_id: int,
    *,
    job_id: str,
    definition_id: str | None,
    now: datetime,
    record: FetchRecord | None = None,
) -> tuple[bool, tuple[str, ...]]:
    """The page has not changed (304, or the same bytes): the document stays as it is, now held by
    this job (and its source). Neither title nor Markdown is written (no index write). New validators,
    when the server sent some, replace the old. Returns whether this job keeps it for the first time, and
    the links stored with it (read by the same statement: a crawl goes on from them)."""
    previous = conn.execute(_HOLDING_JOB, {"b_id": document_id}).scalar_one() if definition_id is None else None
    values: dict[str, object] = {"b_id": document_id, "b_job_id": job_id, "b_definition_id": definition_id}
    values["b_last_crawled_at"] = now
    if record is not None and (record.etag or record.last_modified):
        values.update(b_etag=record.etag, b_last_modified=record.last_modified)
        links_json = conn.execute(_KEEP_WITH_VALIDATORS, values).scalar_one_or_none()
    else:
        links_json = conn.execute(_KEEP, values).scalar_one_or_none()
    linked = _link(conn, document_id, job_id=job_id, definition_id=definition_id, now=now)
    new_for_job = bool(previous != job_id) if linked is None else linked
    return new_for_job, tuple(json.loads(links_json or "[]"))


# Run for every unchanged page of a re-crawl: built once (see pages_repo.py on why).
_HOLDING_JOB = select(documents.c.job_id).where(documents.c.id == bindparam("b_id")).with_for_update()
# Each returns the document's stored links: the crawl goes on from them, with no read of its own.
_KEEP = (
    update(documents)
    .where(documents.c.id == bindparam("b_id"))
    .values(
        job_id=bindparam("b_job_id"),
        definition_id=bindparam("b_definition_id"),
        last_crawled_at=bindparam("b_last_crawled_at"),
    )
    .returning(documents.c.links_json)
)
_KEEP_WITH_VALIDATORS = _KEEP.values(etag=bindparam("b_etag"), last_modified=bindparam("b_last_modified"))


def mark_gone(conn: Connection, document_id: int, now: datetime) -> bool:
    """The page answers 404/410: keep its document, marked gone (since now, if not already). True if newly gone."""
    result = conn.execute(
        update(documents).where(documents.c.id == document_id, documents.c.gone_at.is_(None)).values(gone_at=now)
    )
    return bool(result.rowcount)


def markdown_of(conn: Connection, document_id: int) -> str:
    """A document's Markdown ("" when it no longer exists)."""
    return str(conn.execute(select(documents.c.markdown).where(documents.c.id == document_id)).scalar() or "")


def get(conn: Connection, document_id: int) -> Document | None:
    row = conn.execute(select(documents).where(documents.c.id == document_id)).first()
    return _document(row, document_sources_repo.sources_of(conn, [row.id]).get(row.id, ())) if row else None


def get_by_url(conn: Connection, url: str) -> Document | None:
    row = conn.execute(select(documents).where(documents.c.url == url)).first()
    return _document(row, document_sources_repo.sources_of(conn, [row.id]).get(row.id, ())) if row else None


_SUMMARY_COLUMNS = (
    documents.c.id,
    documents.c.url,
    documents.c.title,
    documents.c.job_id,
    func.length(documents.c.markdown).label("chars"),
    documents.c.updated_at,
    documents.c.gone_at,
)


def list_summaries(
    conn: Connection,
    *,
    job_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    where: DocumentFilter | None = None,
    newest_first: bool = False,
) -> list[DocumentSummary]:
    """In id order, or most recently added or changed first (``newest_first``)."""
    query = select(*_SUMMARY_COLUMNS).where(*conditions(where, DocumentFilter(job_id=job_id)))
    order = (documents.c.updated_at.desc(), documents.c.id.desc()) if newest_first else (documents.c.id,)
    query = query.order_by(*order).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [_summary(r) for r in conn.execute(query)]


def count(conn: Connection, *, job_id: str | None = None, where: DocumentFilter | None = None) -> int:
    query = select(func.count()).select_from(documents).where(*conditions(where, DocumentFilter(job_id=job_id)))
    return int(conn.execute(query).scalar_one())


def iter_documents(
    conn: Connection, ids: Sequence[int] | None = None, batch: int = 200, *, where: DocumentFilter | None = None
) -> Iterator[Document]:
    """Every document (or those in ``ids``, or passing ``where``) in id order, fetched in batches."""
    narrowed = conditions(where, DocumentFilter(ids=tuple(ids) if ids is not None else None))
    last_id = 0
    while True:
        query = select(documents).where(documents.c.id > last_id, *narrowed).order_by(documents.c.id).limit(batch)
        rows = conn.execute(query).all()
        if not rows:
            return
        sources = document_sources_repo.sources_of(conn, [row.id for row in rows])
        for row in rows:
            yield _document(row, sources.get(row.id, ()))
        last_id = rows[-1].id


def all_urls(conn: Connection) -> dict[int, str]:
    """The URL of every stored document, by id."""
    return {int(row.id): str(row.url) for row in conn.execute(select(documents.c.id, documents.c.url))}


def sites(conn: Connection) -> list[tuple[str, int]]:
    """Every host with documents, and how many, most documents first."""
    query = select(documents.c.host_key, func.count().label("n")).where(documents.c.host_key != "")
    counted = [(host_of_key(row.host_key), int(row.n)) for row in conn.execute(query.group_by(documents.c.host_key))]
    return sorted(counted, key=lambda item: (-item[1], item[0]))


def source_ids(conn: Connection) -> set[str]:
    """Every definition id that holds documents."""
    return document_sources_repo.source_ids(conn)


def _summary(row: ResultRow) -> DocumentSummary:
    return DocumentSummary(
        id=row.id,
        url=row.url,
        title=row.title,
        job_id=row.job_id,
        chars=row.chars or 0,
        updated_at=row.updated_at,
        gone=row.gone_at is not None,
    )


def _document(row: ResultRow, sources: tuple[str, ...]) -> Document:
    return Document(
        id=row.id,
        url=row.url,
        title=row.title,
        markdown=row.markdown,
        description=row.description,
        canonical_url=row.canonical_url,
        language=row.language,
        final_url=row.final_url,
        http_status=row.http_status,
        content_hash=row.content_hash,
        job_id=row.job_id,
        definition_id=row.definition_id,
        sources=sources,
        first_crawled_at=row.first_crawled_at,
        last_crawled_at=row.last_crawled_at,
        updated_at=row.updated_at,
        etag=row.etag,
        last_modified=row.last_modified,
        gone_at=row.gone_at,
    )
