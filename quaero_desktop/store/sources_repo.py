"""The knowledge base per source (crawl definition): its documents and its latest job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from quaero_desktop.domain.job import JobType
from quaero_desktop.store.schema import document_sources, jobs


@dataclass(frozen=True)
class SourceCounts:
    definition_id: str
    documents: int
    newest_crawl: datetime | None  # when this source last crawled the most recently crawled of its documents
    oldest_crawl: datetime | None  # ... and the least recently crawled one


def document_counts(conn: Connection) -> dict[str, SourceCounts]:
    """Per source, the documents it holds (a document several sources crawled counts for each)."""
    query = select(
        document_sources.c.definition_id,
        func.count().label("n"),
        func.max(document_sources.c.last_crawled_at).label("newest"),
        func.min(document_sources.c.last_crawled_at).label("oldest"),
    ).group_by(document_sources.c.definition_id)
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
