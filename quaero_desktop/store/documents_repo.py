"""Documents, upserted by normalised URL; listings narrowed by a ``DocumentFilter`` (search: ``search_repo``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import Connection, func, insert, select, update

from quaero_desktop.domain.document import Document, DocumentFilter, DocumentSummary, PageContent
from quaero_desktop.store.document_filters import conditions, host_key, host_of_key
from quaero_desktop.store.schema import ResultRow, documents


def upsert(
    conn: Connection, page: PageContent, *, job_id: str, definition_id: str | None, now: datetime
) -> tuple[int, bool]:
    """Store ``page`` under its URL: insert, or update the existing row (a re-crawl never duplicates).

    Returns (document id, first time this job stored it). Callers count the document for
    the job only on True, so a page saved twice by one job (a retry, a resumed crawl, two
    URLs redirecting to it) counts once. Run inside a write transaction.
    """
    existing = conn.execute(
        select(documents.c.id, documents.c.job_id, documents.c.content_hash).where(documents.c.url == page.url)
    ).first()
    values = {
        "title": page.title,
        "markdown": page.markdown,
        "description": page.description,
        "canonical_url": page.canonical_url,
        "language": page.language,
        "final_url": page.final_url or page.url,
        "http_status": page.http_status,
        "content_hash": page.content_hash,
        "job_id": job_id,
        "definition_id": definition_id,
        "last_crawled_at": now,
        "host_key": host_key(urlsplit(page.url).hostname or ""),
    }
    if existing is None:
        result = conn.execute(insert(documents).values(url=page.url, first_crawled_at=now, updated_at=now, **values))
        new_key = result.inserted_primary_key
        assert new_key is not None, "a single-row INSERT reports the key it inserted"
        return int(new_key[0]), True
    if existing.content_hash != page.content_hash:
        values["updated_at"] = now
    conn.execute(update(documents).where(documents.c.id == existing.id).values(**values))
    return int(existing.id), existing.job_id != job_id


def get(conn: Connection, document_id: int) -> Document | None:
    row = conn.execute(select(documents).where(documents.c.id == document_id)).first()
    return _document(row) if row else None


def get_by_url(conn: Connection, url: str) -> Document | None:
    row = conn.execute(select(documents).where(documents.c.url == url)).first()
    return _document(row) if row else None


_SUMMARY_COLUMNS = (
    documents.c.id,
    documents.c.url,
    documents.c.title,
    documents.c.job_id,
    func.length(documents.c.markdown).label("chars"),
    documents.c.updated_at,
)


def list_summaries(
    conn: Connection,
    *,
    job_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    where: DocumentFilter | None = None,
) -> list[DocumentSummary]:
    query = select(*_SUMMARY_COLUMNS).where(*conditions(where, DocumentFilter(job_id=job_id)))
    query = query.order_by(documents.c.id).offset(offset)
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
        for row in rows:
            yield _document(row)
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
    """Every definition id that documents were stored under."""
    query = select(documents.c.definition_id).where(documents.c.definition_id.is_not(None)).distinct()
    return {str(value) for value in conn.execute(query).scalars()}


def _summary(row: ResultRow) -> DocumentSummary:
    return DocumentSummary(
        id=row.id, url=row.url, title=row.title, job_id=row.job_id, chars=row.chars or 0, updated_at=row.updated_at
    )


def _document(row: ResultRow) -> Document:
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
        first_crawled_at=row.first_crawled_at,
        last_crawled_at=row.last_crawled_at,
        updated_at=row.updated_at,
    )
