"""The knowledge base per source (crawl definition): its documents and its latest job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from quaero_desktop.domain.job import JobType
from quaero_desktop.store.schema import documents, jobs


@dataclass(frozen=True)
class SourceCounts:
    definition_id: str
    documents: int
    newest_crawl: datetime | None  # the most recent last_crawled_at among its documents
    oldest_crawl: datetime | None  # the least recently crawled of its documents


def document_counts(conn: Connection) -> dict[str, SourceCounts]:
    query = (
        select(
            documents.c.definition_id,
            func.count().label("n"),
            func.max(documents.c.last_crawled_at).label("newest"),
            func.min(documents.c.last_crawled_at).label("oldest"),
        )
        .where(documents.c.definition_id.is_not(None))
        .group_by(documents.c.definition_id)
    )
    counts: dict[str, SourceCounts] = {}
    for row in conn.execute(query):
        counts[row.definition_id] = SourceCounts(
            definition_id=row.definition_id,
            documents=int(row.n),
            newest_crawl=row.newest,  # max() and min() keep the column's type: datetimes
            oldest_crawl=row.oldest,
        )
    return counts


def latest_job_ids(conn: Connection) -> dict[str, str]:
    """The most recently created parent job of each definition."""
    newest = (
        select(jobs.c.definition_id, func.max(jobs.c.created_at).label("created"))
        .where(jobs.c.type == JobType.PARENT, jobs.c.definition_id.is_not(None))
        .group_by(jobs.c.definition_id)
        .subquery()
    )
    query = (
        select(jobs.c.definition_id, jobs.c.id)
        .join(newest, (jobs.c.definition_id == newest.c.definition_id) & (jobs.c.created_at == newest.c.created))
        .where(jobs.c.type == JobType.PARENT)
    )
    return {row.definition_id: row.id for row in conn.execute(query)}
