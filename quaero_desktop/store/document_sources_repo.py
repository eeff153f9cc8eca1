"""Which sources (crawl definitions) hold each document: a document belongs to every source that crawled it.

One row per (definition, document), written in the page's own transaction whenever a crawl stores or
keeps the document (``documents_repo.store_page`` and ``keep_unchanged`` call ``link``), with that
source's job that last did so and when. ``documents.definition_id`` and ``documents.job_id`` only
name the last crawl's source and job; per-source counts, filters and deletions read this table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, Executable, bindparam, delete, exists, or_, select, update

from quaero_desktop.store.schema import document_sources, documents
from quaero_desktop.store.upsert import dialect_insert

# Run for every stored or kept page: built once (see pages_repo.py on why).
_LINK_JOB = select(document_sources.c.job_id).where(
    document_sources.c.definition_id == bindparam("b_definition_id"),
    document_sources.c.document_id == bindparam("b_document_id"),
)


@cache
def _link_statement(dialect: str) -> Executable:
    """The link's upsert, built once per dialect."""
    insert = dialect_insert(document_sources, dialect)
    return insert.values(
        definition_id=bindparam("b_definition_id"),
        document_id=bindparam("b_document_id"),
        job_id=bindparam("b_job_id"),
        first_crawled_at=bindparam("b_now"),
        last_crawled_at=bindparam("b_now"),
    ).on_conflict_do_update(
        index_elements=[document_sources.c.definition_id, document_sources.c.document_id],
        set_={"job_id": insert.excluded.job_id, "last_crawled_at": insert.excluded.last_crawled_at},
    )


def link(conn: Connection, document_id: int, *, definition_id: str, job_id: str, now: datetime) -> bool:
    """``job_id``, a crawl of ``definition_id``, stored or kept the document: the source holds it (from
    now, if it did not). True the first time this job did so (the job counts the document once)."""
    values = {"b_definition_id": definition_id, "b_document_id": document_id}
    previous = conn.execute(_LINK_JOB, values).first()
    conn.execute(_link_statement(conn.dialect.name), {**values, "b_job_id": job_id, "b_now": now})
    return previous is None or previous.job_id != job_id


def sources_of(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The sources of each document in ``ids``, the first to crawl it first (documents without one are left out)."""
    found: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        query = (
            select(document_sources.c.document_id, document_sources.c.definition_id)
            .where(document_sources.c.document_id.in_(list(ids[start : start + 500])))
            .order_by(document_sources.c.first_crawled_at, document_sources.c.definition_id)
        )
        for row in conn.execute(query):
            found.setdefault(int(row.document_id), []).append(str(row.definition_id))
    return {document_id: tuple(sources) for document_id, sources in found.items()}


def source_ids(conn: Connection) -> set[str]:
    """Every definition id that holds documents."""
    return {str(value) for value in conn.execute(select(document_sources.c.definition_id).distinct()).scalars()}


def delete_job_documents(conn: Connection, job_id: str) -> None:
    """The documents of one job go: its source lets go of those the job stored or kept last, and a
    document no other source holds is deleted; one another source holds too stays theirs (named as
    crawled last by that source's newest crawl of it). Documents of no source (stored without a
    definition) held by the job are deleted."""
    held = select(document_sources.c.document_id).where(document_sources.c.job_id == job_id)
    others = select(document_sources.c.document_id).where(
        document_sources.c.document_id == documents.c.id, document_sources.c.job_id.is_distinct_from(job_id)
    )
    of_job = or_(documents.c.job_id == job_id, documents.c.id.in_(held))
    conn.execute(delete(documents).where(of_job, ~exists(others)))  # their links go with them (cascade)
    newest = (
        others.with_only_columns(document_sources.c.definition_id)
        .order_by(document_sources.c.last_crawled_at.desc())
        .limit(1)
    )
    conn.execute(
        update(documents)
        .where(documents.c.job_id == job_id)
        .values(
            definition_id=newest.scalar_subquery(),
            job_id=newest.with_only_columns(document_sources.c.job_id).scalar_subquery(),
        )
    )
    conn.execute(delete(document_sources).where(document_sources.c.job_id == job_id))
