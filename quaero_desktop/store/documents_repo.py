"""Documents, upserted by normalised URL, and full-text search over them."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from quaero_desktop.domain.document import Document, DocumentSummary, PageContent, SearchHit
from quaero_desktop.store.schema import ResultRow, documents
from quaero_desktop.store.search_query import to_fts_query


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
    conn: Connection, *, job_id: str | None = None, limit: int | None = None, offset: int = 0
) -> list[DocumentSummary]:
    query = select(*_SUMMARY_COLUMNS).order_by(documents.c.id).offset(offset)
    if job_id is not None:
        query = query.where(documents.c.job_id == job_id)
    if limit is not None:
        query = query.limit(limit)
    return [_summary(r) for r in conn.execute(query)]


def count(conn: Connection, *, job_id: str | None = None) -> int:
    query = select(func.count()).select_from(documents)
    if job_id is not None:
        query = query.where(documents.c.job_id == job_id)
    return int(conn.execute(query).scalar_one())


def iter_documents(conn: Connection, ids: Sequence[int] | None = None, batch: int = 200) -> Iterator[Document]:
    """Every document (or those in ``ids``) in id order, fetched in batches."""
    last_id = 0
    while True:
        query = select(documents).where(documents.c.id > last_id).order_by(documents.c.id).limit(batch)
        if ids is not None:
            query = query.where(documents.c.id.in_(list(ids)))
        rows = conn.execute(query).all()
        if not rows:
            return
        for row in rows:
            yield _document(row)
        last_id = rows[-1].id


def search(conn: Connection, text: str, *, limit: int = 20, mark: tuple[str, str] = ("[", "]")) -> list[SearchHit]:
    """Ranked hits (best first) with a snippet around the matched words."""
    query = to_fts_query(text)
    if query is None:
        return []
    rows = conn.exec_driver_sql(
        "SELECT d.id, d.url, d.title, d.job_id, "
        "snippet(documents_fts, 1, ?, ?, '…', 16) AS snippet, "
        "bm25(documents_fts, 8.0, 1.0) AS rank "
        "FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid "
        "WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?",
        (_MARK_START, _MARK_END, query, limit),
    )
    return [
        SearchHit(
            id=r.id, url=r.url, title=r.title, snippet=readable_snippet(r.snippet, mark), rank=r.rank, job_id=r.job_id
        )
        for r in rows
    ]


# FTS5 marks matches with these (private-use characters never found in pages), so the Markdown
# syntax can be taken out of a snippet before the caller's own marks go in.
_MARK_START, _MARK_END = "\ue001", "\ue002"
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\)|(?=…)|$)")  # also a target the snippet cut short
_MARKDOWN_NOISE = re.compile(r"(?m)^\s*(?:#{1,6}|>|[-*+]|\d+\.)\s+|\\(?=[\\`*_\[\]<>#])|[*_`|]{1,3}|^-{3,}$")


def readable_snippet(snippet: str, mark: tuple[str, str]) -> str:
    """A snippet as text: link targets, heading and list markers, emphasis and table pipes removed."""
    text = _LINK_TARGET.sub("]", snippet)
    text = _MARKDOWN_NOISE.sub(" ", text).replace("[", "").replace("]", "")
    text = " ".join(text.split())
    return text.replace(_MARK_START, mark[0]).replace(_MARK_END, mark[1])


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
