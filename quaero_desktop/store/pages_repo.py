"""A crawl's pages: the crawler_url children of a parent job (added, listed, started, finished)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypedDict

from sqlalchemy import Connection, bindparam, case, func, insert, select, update

from quaero_desktop.domain.job import ChildJob, JobStatus, JobType, PageChange, PageResult, SkipReason
from quaero_desktop.domain.long_urls import shorten_urls
from quaero_desktop.store.schema import ResultRow, jobs


def add_children(
    conn: Connection,
    parent_id: str,
    entries: Sequence[tuple[str, str, int, int]],
    now: datetime,
    *,
    found_on: str | None = None,
) -> None:
    """Insert pending children given as (child_id, url, depth, seq), found on the page ``found_on``."""
    if not entries:
        return
    conn.execute(
        insert(jobs),
        [
            {
                "id": child_id,
                "parent_id": parent_id,
                "type": JobType.CRAWLER_URL,
                "definition_id": None,
                "name": "",
                "url": url,
                "depth": depth,
                "seq": seq,
                "status": JobStatus.PENDING,
                "config_json": "{}",
                "metadata_json": "{}",
                "created_at": now,
                "document_count": 0,
                "attempts": 0,
                "auth_failed": False,
                "cancel_requested": False,
                "found_on": found_on,
            }
            for child_id, url, depth, seq in entries
        ],
    )


def list_children(
    conn: Connection,
    parent_id: str,
    *,
    statuses: Sequence[str] = (),
    max_depth: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[ChildJob]:
    """Children in discovery order."""
    query = select(*_CHILD_COLUMNS).where(jobs.c.parent_id == parent_id).order_by(jobs.c.seq).offset(offset)
    if max_depth is not None:
        query = query.where(jobs.c.depth <= max_depth)
    if statuses:
        query = query.where(jobs.c.status.in_(list(statuses)))
    if limit is not None:
        query = query.limit(limit)
    return [_child(r) for r in conn.execute(query)]


def document_urls(conn: Connection, parent_id: str) -> list[str]:
    """The URLs of a parent's children that stored (or kept) a document, in discovery order."""
    rows = conn.execute(
        select(jobs.c.url)
        .where(jobs.c.parent_id == parent_id, jobs.c.result == PageResult.DOCUMENT)
        .order_by(jobs.c.seq)
    )
    return [row.url for row in rows]


def urls_with_reason(conn: Connection, parent_id: str, reason: SkipReason) -> set[str]:
    """The URLs of a parent's children that ended skipped (or duplicate) for ``reason`` (a resumed run's memory)."""
    rows = conn.execute(select(jobs.c.url).where(jobs.c.parent_id == parent_id, jobs.c.reason == reason))
    return {row.url for row in rows}


def child_stats(conn: Connection, parent_id: str) -> tuple[int, int]:
    """(number of children, highest seq) of a parent."""
    row = conn.execute(
        select(func.count(), func.coalesce(func.max(jobs.c.seq), 0)).where(jobs.c.parent_id == parent_id)
    ).one()
    return int(row[0]), int(row[1])


def last_child_seq(conn: Connection, parent_id: str) -> int:
    """The highest sequence number of a parent's children (0: none), read from the index alone. Children
    are numbered 1, 2, … as they are created and stay while their parent does, so it is also their count:
    a team crawl reads it before every page that adds pages (child_stats' count reads every child)."""
    return int(
        conn.execute(select(func.coalesce(func.max(jobs.c.seq), 0)).where(jobs.c.parent_id == parent_id)).scalar_one()
    )


# A page's writes run for every page of every crawl: built once, with bound values, so SQLAlchemy
# compiles and caches each statement once instead of building it per page (docs/architecture.md,
# "Incremental re-crawls": what a re-crawl costs).
_MARK_RUNNING = (
    update(jobs)
    .where(jobs.c.id == bindparam("b_child_id"))
    .values(status=JobStatus.RUNNING, started_at=bindparam("b_now"), attempts=jobs.c.attempts + 1)
)
_FINISH_COLUMNS = (
    "status",
    "finished_at",
    "http_status",
    "content_type",
    "title",
    "result",
    "note",
    "error",
    "auth_failed",
    "rendered_empty",
    "rendered_incomplete",
    "change",
    "reason",
)
_FINISH = (
    update(jobs)
    .where(jobs.c.id == bindparam("b_child_id"))
    .values({name: bindparam(f"b_{name}") for name in _FINISH_COLUMNS})
)
# A page that was never marked running (still pending: its load was quick) starts and ends in one statement;
# one that was (a long load), or that ends again (read again in the browser), keeps its start and attempts.
_NOT_STARTED = jobs.c.status == JobStatus.PENDING
_FINISH_STARTED = _FINISH.values(
    started_at=case((_NOT_STARTED, bindparam("b_started", type_=jobs.c.started_at.type)), else_=jobs.c.started_at),
    attempts=jobs.c.attempts + case((_NOT_STARTED, 1), else_=0),
)


def mark_child_running(conn: Connection, child_id: str, now: datetime) -> None:
    conn.execute(_MARK_RUNNING, {"b_child_id": child_id, "b_now": now})


class ChildFinishFields(TypedDict, total=False):
    """What ``finish_child`` records about a page besides its status and time; all optional."""

    http_status: int | None
    content_type: str | None
    title: str | None
    result: PageResult | None
    note: str | None
    error: str | None
    auth_failed: bool
    rendered_empty: bool
    rendered_incomplete: bool
    change: PageChange | None
    reason: SkipReason | None


def finish_child(
    conn: Connection,
    child_id: str,
    status: JobStatus,
    *,
    now: datetime,
    http_status: int | None = None,
    content_type: str | None = None,
    title: str | None = None,
    result: PageResult | None = None,
    note: str | None = None,
    error: str | None = None,
    auth_failed: bool = False,
    rendered_empty: bool = False,
    rendered_incomplete: bool = False,
    change: PageChange | None = None,
    reason: SkipReason | None = None,
    started: datetime | None = None,
) -> None:
    """The page's end. ``started``: when its load began, for a page the store has still pending (not marked
    running: engine/run/running_mark.py): it is written too, and the attempt counted, in this one statement."""
    values = {
        "status": status,
        "finished_at": now,
        "http_status": http_status,
        "content_type": content_type,
        "title": title,
        "result": result,
        "note": None if note is None else shorten_urls(note),  # a hostile URL inside is cut, not stored whole
        "error": None if error is None else shorten_urls(error),
        "auth_failed": auth_failed,
        "rendered_empty": rendered_empty,
        "rendered_incomplete": rendered_incomplete,
        "change": change,
        "reason": reason,
    }
    params = {"b_child_id": child_id, **{f"b_{name}": value for name, value in values.items()}}
    if started is None:
        conn.execute(_FINISH, params)
    else:
        conn.execute(_FINISH_STARTED, {**params, "b_started": started})


# The columns a ChildJob is made of, in the order ``_child`` unpacks them. Read by position: reading a
# SQLAlchemy row by name costs ~5x more, and the job window reads 10,000 children while a crawl runs.
_CHILD_COLUMNS = (
    jobs.c.id,
    jobs.c.parent_id,
    jobs.c.url,
    jobs.c.depth,
    jobs.c.status,
    jobs.c.seq,
    jobs.c.attempts,
    jobs.c.http_status,
    jobs.c.content_type,
    jobs.c.title,
    jobs.c.result,
    jobs.c.note,
    jobs.c.error,
    jobs.c.started_at,
    jobs.c.finished_at,
    jobs.c.rendered_empty,
    jobs.c.rendered_incomplete,
    jobs.c.found_on,
    jobs.c.change,
    jobs.c.reason,
)
_STATUSES = {str(status): status for status in JobStatus}  # a dict lookup instead of an enum call per row
_RESULTS = {str(result): result for result in PageResult}
_CHANGES = {str(change): change for change in PageChange}
_REASONS = {str(reason): reason for reason in SkipReason}


def _child(row: ResultRow) -> ChildJob:
    (
        child_id,
        parent_id,
        url,
        depth,
        status,
        seq,
        attempts,
        http_status,
        content_type,
        title,
        result,
        note,
        error,
        started_at,
        finished_at,
        rendered_empty,
        rendered_incomplete,
        found_on,
        change,
        reason,
    ) = row
    return ChildJob(
        id=child_id,
        parent_id=parent_id,
        url=url,
        depth=depth,
        status=_STATUSES[status],
        seq=seq,
        attempts=attempts,
        http_status=http_status,
        content_type=content_type,
        title=title,
        result=_RESULTS[result] if result else None,
        note=note,
        error=error,
        started_at=started_at,
        finished_at=finished_at,
        rendered_empty=rendered_empty,
        rendered_incomplete=rendered_incomplete,
        found_on=found_on,
        change=_CHANGES[change] if change else None,
        reason=_REASONS[reason] if reason else None,
    )
