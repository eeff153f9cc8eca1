"""Job logs: level, time and message per job. Callers redact secrets before writing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, insert, select

from quaero_desktop.domain.job import LOG_LEVELS, JobLogEntry
from quaero_desktop.store.schema import job_logs

LEVELS = LOG_LEVELS


def add_many(conn: Connection, entries: Iterable[tuple[str, datetime, str, str]]) -> None:
    """Append (job_id, created_at, level, message) rows."""
    rows = [{"job_id": j, "created_at": t, "level": lvl, "message": msg} for j, t, lvl, msg in entries]
    if rows:
        conn.execute(insert(job_logs), rows)


def list_for_job(
    conn: Connection,
    job_id: str,
    *,
    min_level: str = "debug",
    after_id: int = 0,
    limit: int | None = None,
) -> list[JobLogEntry]:
    """Entries of one job in order, at ``min_level`` or above, newer than ``after_id``."""
    allowed = LEVELS[LEVELS.index(min_level) :]
    query = (
        select(job_logs)
        .where(job_logs.c.job_id == job_id, job_logs.c.id > after_id, job_logs.c.level.in_(allowed))
        .order_by(job_logs.c.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        JobLogEntry(id=r.id, job_id=r.job_id, created_at=r.created_at, level=r.level, message=r.message)
        for r in conn.execute(query)
    ]
