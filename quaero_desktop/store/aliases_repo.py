"""Aliases: URLs whose page showed the same text as a stored document, kept as other names of it.

One row per URL (a URL names at most one document): the document, the crawl that last met the URL
and how alike the two texts were (1.0: identical). A URL that later shows a page of its own is
stored as a document and stops being an alias. The fingerprints a crawl compares pages by are read
here too: the ``content_hash`` and ``outline_key`` of a source's documents (engine/run/same_content.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, Executable, bindparam, delete, or_, select, update

from quaero_desktop.domain.document import Document
from quaero_desktop.store.schema import ResultRow, document_aliases, document_sources, documents, jobs
from quaero_desktop.store.upsert import dialect_insert


@dataclass(frozen=True)
class StoredLikeness:
    """A stored document as the comparison of pages sees it."""

    document_id: int
    url: str
    content_hash: str
    outline_key: str
    job_id: str | None
    gone: bool


@cache
def _add_statement(dialect: str) -> Executable:
    """The alias's upsert, built once per dialect."""
    insert = dialect_insert(document_aliases, dialect)
    return insert.values(
        url=bindparam("b_url"),
        document_id=bindparam("b_document_id"),
        job_id=bindparam("b_job_id"),
        similarity=bindparam("b_similarity"),
        created_at=bindparam("b_now"),
        last_seen_at=bindparam("b_now"),
    ).on_conflict_do_update(
        index_elements=[document_aliases.c.url],
        set_={
            "document_id": insert.excluded.document_id,
            "job_id": insert.excluded.job_id,
            "similarity": insert.excluded.similarity,
            "last_seen_at": insert.excluded.last_seen_at,
        },
    )


_REMOVE = delete(document_aliases).where(document_aliases.c.url == bindparam("b_url"))
_LIKENESS_COLUMNS = (
    documents.c.id,
    documents.c.url,
    documents.c.content_hash,
    documents.c.outline_key,
    documents.c.job_id,
    documents.c.gone_at,
)
_LIKENESS = select(*_LIKENESS_COLUMNS).where(documents.c.id == bindparam("b_id"))


def add(conn: Connection, url: str, document_id: int, *, job_id: str, similarity: float, now: datetime) -> None:
    """``url`` showed the text of ``document_id`` (``similarity``: 1.0 when identical) at the crawl ``job_id``."""
    conn.execute(
        _add_statement(conn.dialect.name),
        {"b_url": url, "b_document_id": document_id, "b_job_id": job_id, "b_similarity": similarity, "b_now": now},
    )


def remove(conn: Connection, url: str) -> None:
    """``url`` is stored as a document of its own: no longer another's alias."""
    conn.execute(_REMOVE, {"b_url": url})


def fold(conn: Connection, from_document: int, to_document: int) -> None:
    """``from_document`` says what ``to_document`` says: its aliases name the other, and it is deleted
    (its full-text entry with it, by trigger). Its URL's alias is the caller's to add."""
    aliases = update(document_aliases).where(document_aliases.c.document_id == from_document)
    conn.execute(aliases.values(document_id=to_document))
    conn.execute(delete(documents).where(documents.c.id == from_document))


def document_of(conn: Connection, url: str) -> int | None:
    """The document ``url`` is an alias of, if it is one."""
    value = conn.execute(select(document_aliases.c.document_id).where(document_aliases.c.url == url)).scalar()
    return int(value) if value is not None else None


def aliases_of(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The aliases of each document in ``ids``, sorted (documents without one are left out)."""
    found: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        query = (
            select(document_aliases.c.document_id, document_aliases.c.url)
            .where(document_aliases.c.document_id.in_(list(ids[start : start + 500])))
            .order_by(document_aliases.c.url)
        )
        for row in conn.execute(query):
            found.setdefault(int(row.document_id), []).append(str(row.url))
    return {document_id: tuple(urls) for document_id, urls in found.items()}


def with_aliases(conn: Connection, document: Document | None) -> Document | None:
    """``document`` with its aliases (None stays None)."""
    if document is None:
        return None
    aliases = aliases_of(conn, [document.id]).get(document.id, ())
    return replace(document, aliases=aliases) if aliases else document


def met_by_job(conn: Connection, job_id: str) -> dict[str, str]:
    """{alias URL: its document's URL, as stored now} for the pages of the crawl ``job_id``: those it found
    showing a stored document's text, and the aliases of those it stored. By the job's pages, not by
    ``document_aliases.job_id``: that names the last crawl to meet an alias, and an older job's pages
    still say which document they were the same as."""
    pages = select(jobs.c.url).where(jobs.c.parent_id == job_id)
    query = (
        select(document_aliases.c.url, documents.c.url.label("document_url"))
        .join(documents, documents.c.id == document_aliases.c.document_id)
        .where(or_(document_aliases.c.url.in_(pages), documents.c.url.in_(pages)))
    )
    return {str(row.url): str(row.document_url) for row in conn.execute(query)}


def likeness(conn: Connection, document_id: int) -> StoredLikeness | None:
    """What the comparison of pages needs of one document, as stored now (None: it no longer exists)."""
    row = conn.execute(_LIKENESS, {"b_id": document_id}).first()
    return _likeness(row) if row is not None else None


def of_source(conn: Connection, *, definition_id: str | None, job_id: str) -> list[StoredLikeness]:
    """The documents a crawl compares its pages with before it stores any: its source's (or, for a crawl
    without a definition, its own job's), those whose page is not gone."""
    held = select(document_sources.c.document_id).where(document_sources.c.definition_id == definition_id)
    owner = documents.c.id.in_(held) if definition_id is not None else documents.c.job_id == job_id
    query = select(*_LIKENESS_COLUMNS).where(owner, documents.c.gone_at.is_(None))
    return [_likeness(row) for row in conn.execute(query)]


def _likeness(row: ResultRow) -> StoredLikeness:
    return StoredLikeness(
        document_id=int(row.id),
        url=str(row.url),
        content_hash=str(row.content_hash or ""),
        outline_key=str(row.outline_key or ""),
        job_id=row.job_id,
        gone=row.gone_at is not None,
    )


def document_at(conn: Connection, url: str) -> int | None:
    """The id of the document stored under ``url``, if one is."""
    value = conn.execute(select(documents.c.id).where(documents.c.url == url)).scalar()
    return int(value) if value is not None else None


def only_source_is(conn: Connection, document_id: int, definition_id: str | None) -> bool:
    """Whether ``definition_id`` is the one source that holds the document (another's is not to delete)."""
    query = select(document_sources.c.definition_id).where(document_sources.c.document_id == document_id)
    return set(conn.execute(query).scalars()) <= {definition_id}
