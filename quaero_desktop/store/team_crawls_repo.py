"""What team crawls (engine/team/) read and write beyond a crawl of one process: the crawl's row
locked while its counts change, a page claimed by a worker, the open level and its pages not yet queued.
Written for PostgreSQL, team mode's store (``FOR UPDATE`` is a no-op on SQLite, where nothing else
writes at the same time).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Connection, and_, delete, func, insert, select, text, update

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.store.schema import jobs, team_queued_pages

_OPEN = (JobStatus.PENDING, JobStatus.RUNNING)


class CrawlState(NamedTuple):
    status: str
    cancel_requested: bool
    started_at: datetime | None


class WaitingPage(NamedTuple):
    child_id: str
    url: str
    seq: int


def lock_crawl(conn: Connection, job_id: str) -> None:
    """Hold the crawl's row until ``conn``'s transaction ends: its pages change one worker at a time.

    ``FOR NO KEY UPDATE``, the lock the page transaction's own update of the row (its document count)
    takes: a page's rows that refer to the crawl (its document, its new pages) hold the row's key share,
    which ``FOR UPDATE`` would wait for while the other transaction waits for this one (a deadlock,
    seen with three workers)."""
    conn.execute(select(jobs.c.id).where(jobs.c.id == job_id).with_for_update(key_share=True))


def crawl_state(conn: Connection, job_id: str) -> CrawlState | None:
    row = conn.execute(
        select(jobs.c.status, jobs.c.cancel_requested, jobs.c.started_at).where(jobs.c.id == job_id)
    ).one_or_none()
    return None if row is None else CrawlState(str(row.status), bool(row.cancel_requested), row.started_at)


def statuses_of(conn: Connection, job_ids: Sequence[str]) -> dict[str, str]:
    rows = conn.execute(select(jobs.c.id, jobs.c.status).where(jobs.c.id.in_(list(job_ids))))
    return {str(row.id): str(row.status) for row in rows}


def claim_page(conn: Connection, job_id: str, child_id: str, now: datetime) -> tuple[str, int] | None:
    """Mark a page of ``job_id`` running; its (url, depth), or None if it is recorded already. A page
    found running is one whose worker died before recording it: it is claimed again."""
    row = conn.execute(
        update(jobs)
        .where(jobs.c.id == child_id, jobs.c.parent_id == job_id, jobs.c.status.in_(_OPEN))
        .values(status=JobStatus.RUNNING, started_at=now, attempts=jobs.c.attempts + 1)
        .returning(jobs.c.url, jobs.c.depth)
    ).one_or_none()
    return None if row is None else (str(row.url), int(row.depth))


def open_level(conn: Connection, job_id: str) -> int | None:
    """The lowest depth with a page pending or running; None when every page is recorded."""
    depth = conn.execute(
        select(func.min(jobs.c.depth)).where(jobs.c.parent_id == job_id, jobs.c.status.in_(_OPEN))
    ).scalar()
    return None if depth is None else int(depth)


def unqueued_pages(conn: Connection, job_id: str, depth: int) -> list[WaitingPage]:
    """The pending pages at ``depth`` not put on the queue yet, in discovery order."""
    rows = conn.execute(
        select(jobs.c.id, jobs.c.url, jobs.c.seq)
        .select_from(jobs.outerjoin(team_queued_pages, team_queued_pages.c.child_id == jobs.c.id))
        .where(
            and_(
                jobs.c.parent_id == job_id,
                jobs.c.depth == depth,
                jobs.c.status == JobStatus.PENDING,
                team_queued_pages.c.child_id.is_(None),
            )
        )
        .order_by(jobs.c.seq)
    )
    return [WaitingPage(str(row.id), str(row.url), int(row.seq)) for row in rows]


def mark_queued(conn: Connection, child_ids: Sequence[str]) -> None:
    if child_ids:
        conn.execute(insert(team_queued_pages), [{"child_id": child_id} for child_id in child_ids])


def forget_queued(conn: Connection, job_id: str) -> None:
    """Forget which pages of ``job_id`` were queued, and take its waiting queue jobs off the queue (a
    resumed crawl queues its pending pages again: one queue job per page)."""
    children = select(jobs.c.id).where(jobs.c.parent_id == job_id).scalar_subquery()
    conn.execute(delete(team_queued_pages).where(team_queued_pages.c.child_id.in_(children)))
    conn.execute(
        text("DELETE FROM procrastinate_jobs WHERE status = 'todo' AND args->>'job_id' = :job_id"), {"job_id": job_id}
    )


def pages_in_hand(conn: Connection, job_id: str) -> int:
    """How many pages of ``job_id`` workers are fetching now (their queue jobs are running)."""
    return int(
        conn.execute(
            text("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing' AND args->>'job_id' = :job_id"),
            {"job_id": job_id},
        ).scalar_one()
    )
