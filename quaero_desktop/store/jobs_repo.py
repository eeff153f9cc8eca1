"""Parent jobs and their crawler_url children."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import Connection, and_, bindparam, case, delete, func, insert, literal, select, update

from quaero_desktop.domain.job import (
    Job,
    JobMetadata,
    JobStatus,
    JobTrigger,
    JobType,
    PageChange,
    PageResult,
    Progress,
    StoppedBy,
)
from quaero_desktop.store import document_sources_repo, frontier_repo
from quaero_desktop.store.schema import ResultRow, UtcDateTime, jobs


def create_parent(
    conn: Connection,
    *,
    job_id: str,
    name: str,
    definition_id: str | None,
    config: dict[str, object],
    metadata: JobMetadata,
    owner_pid: int,
    now: datetime,
) -> None:
    """Insert a parent job, owned by ``owner_pid``. Its metadata (definition id, auth_id, ...) goes in with the row."""
    conn.execute(
        insert(jobs).values(
            id=job_id,
            parent_id=None,
            type=JobType.PARENT,
            definition_id=definition_id,
            name=name,
            status=JobStatus.PENDING,
            config_json=json.dumps(config),
            metadata_json=json.dumps(metadata),
            created_at=now,
            document_count=0,
            attempts=0,
            auth_failed=False,
            resume_on_start=False,
            owner_pid=owner_pid,
            heartbeat_at=now,
            cancel_requested=False,
        )
    )


def get_parent(conn: Connection, job_id: str) -> Job | None:
    row = conn.execute(select(jobs).where(jobs.c.id == job_id, jobs.c.type == JobType.PARENT)).first()
    if row is None:
        return None
    left = frontier_repo.left_counts(conn, [job_id]).get(job_id, {})
    return _parent(row, progress_for(conn, [job_id])[job_id], sum(left.values()))


def find_parent_ids(conn: Connection, prefix: str) -> list[str]:
    """Parent ids starting with ``prefix`` (users may type a short id)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    # SQLite's LIKE ignores ASCII case; PostgreSQL's ILIKE does the same there.
    like = jobs.c.id.ilike if conn.dialect.name == "postgresql" else jobs.c.id.like
    rows = conn.execute(
        select(jobs.c.id).where(jobs.c.type == JobType.PARENT, like(escaped + "%", escape="\\")).limit(5)
    )
    return [r.id for r in rows]


def list_parents(conn: Connection, *, limit: int | None = None, statuses: Sequence[str] = ()) -> list[Job]:
    query = select(jobs).where(jobs.c.type == JobType.PARENT).order_by(jobs.c.created_at.desc())
    if statuses:
        query = query.where(jobs.c.status.in_(list(statuses)))
    if limit is not None:
        query = query.limit(limit)
    rows = conn.execute(query).all()
    ids = [r.id for r in rows]
    progress = progress_for(conn, ids)
    left = frontier_repo.left_counts(conn, ids)
    return [_parent(r, progress[r.id], sum(left.get(r.id, {}).values())) for r in rows]


def progress_for(conn: Connection, parent_ids: Sequence[str]) -> dict[str, Progress]:
    """Exact child counts by status, document counts, auth failures and pages rendered empty, per parent."""
    counts: dict[str, dict[str, int]] = {pid: {} for pid in parent_ids}
    skipped_by: dict[str, Counter[str]] = {pid: Counter() for pid in parent_ids}
    if not parent_ids:
        return {}
    for chunk in _chunks(list(parent_ids), 500):
        rows = conn.execute(
            select(
                jobs.c.parent_id,
                jobs.c.status,
                func.count(),
                func.sum(case((jobs.c.auth_failed, 1), else_=0)),
                func.sum(case((jobs.c.rendered_empty, 1), else_=0)),
                func.sum(case((jobs.c.rendered_incomplete, 1), else_=0)),
            )
            .where(jobs.c.parent_id.in_(chunk))
            .group_by(jobs.c.parent_id, jobs.c.status)
        )
        for parent_id, status, n, auth_failed, rendered_empty, rendered_incomplete in rows:
            counted = counts[parent_id]
            counted[status] = n
            counted["auth_failures"] = counted.get("auth_failures", 0) + int(auth_failed or 0)
            counted["rendered_empty"] = counted.get("rendered_empty", 0) + int(rendered_empty or 0)
            counted["rendered_incomplete"] = counted.get("rendered_incomplete", 0) + int(rendered_incomplete or 0)
        change_rows = conn.execute(
            select(jobs.c.parent_id, jobs.c.change, func.count())
            .where(jobs.c.parent_id.in_(chunk), jobs.c.change.is_not(None))
            .group_by(jobs.c.parent_id, jobs.c.change)
        )
        for parent_id, change, n in change_rows:
            counts[parent_id][f"change:{change}"] = n
        result_rows = conn.execute(
            select(jobs.c.parent_id, jobs.c.result, jobs.c.reason, func.count())
            .where(jobs.c.parent_id.in_(chunk), jobs.c.result.in_([PageResult.SKIPPED, PageResult.DUPLICATE]))
            .group_by(jobs.c.parent_id, jobs.c.result, jobs.c.reason)
        )
        for parent_id, result, reason, n in result_rows:
            counts[parent_id][f"result:{result}"] = counts[parent_id].get(f"result:{result}", 0) + n
            if reason is not None:
                skipped_by[parent_id][reason] += n
        doc_rows = conn.execute(select(jobs.c.id, jobs.c.document_count).where(jobs.c.id.in_(chunk)))
        for job_id, document_count in doc_rows:
            counts[job_id]["documents"] = document_count
    return {
        pid: Progress(
            pending=c.get(JobStatus.PENDING, 0),
            running=c.get(JobStatus.RUNNING, 0),
            completed=c.get(JobStatus.COMPLETED, 0),
            failed=c.get(JobStatus.FAILED, 0),
            cancelled=c.get(JobStatus.CANCELLED, 0),
            documents=c.get("documents", 0),
            auth_failures=c.get("auth_failures", 0),
            rendered_empty=c.get("rendered_empty", 0),
            rendered_incomplete=c.get("rendered_incomplete", 0),
            new=c.get(f"change:{PageChange.NEW}", 0),
            changed=c.get(f"change:{PageChange.CHANGED}", 0),
            unchanged=c.get(f"change:{PageChange.UNCHANGED}", 0),
            gone=c.get(f"change:{PageChange.GONE}", 0),
            skipped=c.get(f"result:{PageResult.SKIPPED}", 0),
            duplicates=c.get(f"result:{PageResult.DUPLICATE}", 0),
            skipped_by=tuple(sorted(skipped_by[pid].items())),
        )
        for pid, c in counts.items()
    }


def mark_parent_running(conn: Connection, job_id: str, *, owner_pid: int, now: datetime) -> None:
    conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id)
        .values(
            status=JobStatus.RUNNING,
            owner_pid=owner_pid,
            heartbeat_at=now,
            cancel_requested=False,
            resume_on_start=False,
            error=None,
            finished_at=None,
            started_at=func.coalesce(jobs.c.started_at, literal(now, UtcDateTime)),
        )
    )


def finish_parent(
    conn: Connection,
    job_id: str,
    status: JobStatus,
    *,
    error: str | None,
    now: datetime,
    stopped_by: StoppedBy | None = None,
) -> None:
    conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id)
        .values(status=status, error=error, finished_at=now, owner_pid=None, heartbeat_at=None, stopped_by=stopped_by)
    )


def limit_that_cut(conn: Connection, job_id: str) -> StoppedBy | None:
    """max_pages when the page budget left URLs behind, else max_depth when the depth did, else None."""
    reasons = frontier_repo.left_counts(conn, [job_id]).get(job_id, {})
    for reason in (StoppedBy.MAX_PAGES, StoppedBy.MAX_DEPTH):
        if reasons.get(reason):
            return reason
    return None


def requeue_failed(conn: Connection, parent_id: str) -> int:
    """Failed pages back to pending, as if never fetched (retry failed pages)."""
    return conn.execute(
        update(jobs)
        .where(jobs.c.parent_id == parent_id, jobs.c.status == JobStatus.FAILED)
        .values(
            status=JobStatus.PENDING,
            started_at=None,
            finished_at=None,
            error=None,
            note=None,
            http_status=None,
            content_type=None,
            title=None,
            result=None,
            reason=None,
            auth_failed=False,
            rendered_empty=False,
            rendered_incomplete=False,
        )
    ).rowcount


def heartbeat(conn: Connection, job_id: str, now: datetime) -> bool:
    """Refresh the owner's heartbeat; returns True when another process asked to cancel."""
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(heartbeat_at=now))
    return bool(conn.execute(select(jobs.c.cancel_requested).where(jobs.c.id == job_id)).scalar())


def record_crawl_seconds(conn: Connection, job_id: str, seconds: float) -> None:
    """Crawling time used so far, over every run of the job (its timeout counts this, so a
    resumed crawl gets what is left, not a fresh allowance)."""
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(crawl_seconds=round(seconds, 3)))


def record_stop_message(conn: Connection, job_id: str, message: str) -> None:
    """Why an interrupted job stopped (written once the stop itself is recorded)."""
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(error=message))


def request_cancel(conn: Connection, job_id: str) -> None:
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(cancel_requested=True))


def owner_of(conn: Connection, job_id: str) -> tuple[int | None, datetime | None]:
    row = conn.execute(select(jobs.c.owner_pid, jobs.c.heartbeat_at).where(jobs.c.id == job_id)).one()
    return row.owner_pid, row.heartbeat_at


def active_parents(conn: Connection) -> list[tuple[str, int | None, datetime | None]]:
    """(id, owner_pid, heartbeat_at) of parents recorded as pending or running."""
    rows = conn.execute(
        select(jobs.c.id, jobs.c.owner_pid, jobs.c.heartbeat_at).where(
            jobs.c.type == JobType.PARENT, jobs.c.status.in_([JobStatus.PENDING, JobStatus.RUNNING])
        )
    )
    return [(r.id, r.owner_pid, r.heartbeat_at) for r in rows]


def mark_interrupted(
    conn: Connection,
    job_id: str,
    *,
    error: str | None = None,
    resume_on_start: bool = False,
    status: JobStatus = JobStatus.INTERRUPTED,
) -> None:
    """The run stopped mid-crawl (``status`` INTERRUPTED, or PAUSED by the user): the parent waits for
    ``resume``; its running pages go back to pending."""
    conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id)
        .values(
            status=status,
            owner_pid=None,
            heartbeat_at=None,
            error=error,
            resume_on_start=resume_on_start,
        )
    )
    requeue_children(conn, job_id, (JobStatus.RUNNING,))


def requeue_children(conn: Connection, parent_id: str, statuses: Sequence[str]) -> int:
    """Put children in ``statuses`` back to pending (resume)."""
    return conn.execute(
        update(jobs)
        .where(jobs.c.parent_id == parent_id, jobs.c.status.in_(list(statuses)))
        .values(
            status=JobStatus.PENDING,
            started_at=None,
            finished_at=None,
            error=None,
            note=None,
            rendered_empty=False,
            rendered_incomplete=False,
            change=None,
            result=None,
            reason=None,
        )
    ).rowcount


def cancel_children(conn: Connection, parent_id: str, statuses: Sequence[str], now: datetime) -> int:
    return conn.execute(
        update(jobs)
        .where(jobs.c.parent_id == parent_id, jobs.c.status.in_(list(statuses)))
        .values(status=JobStatus.CANCELLED, finished_at=now)
    ).rowcount


_INCREMENT_DOCUMENT_COUNT = (
    update(jobs)
    .where(jobs.c.id == bindparam("b_parent_id"))
    .values(document_count=jobs.c.document_count + 1)  # built once: run for every stored page
)


def increment_document_count(conn: Connection, parent_id: str) -> None:
    """One atomic statement: never read-modify-write (exact under any concurrency)."""
    conn.execute(_INCREMENT_DOCUMENT_COUNT, {"b_parent_id": parent_id})


def delete_parent(conn: Connection, job_id: str, *, with_documents: bool) -> bool:
    """Delete a parent with its children, frontier and logs; its documents too if asked (those another
    source also holds stay: ``document_sources_repo.delete_job_documents``)."""
    if with_documents:
        document_sources_repo.delete_job_documents(conn, job_id)
    return bool(conn.execute(delete(jobs).where(and_(jobs.c.id == job_id, jobs.c.type == JobType.PARENT))).rowcount)


def prune_runs(conn: Connection, definition_id: str, *, keep: int) -> list[str]:
    """Delete the definition's runs after its newest ``keep`` (0: none), unless one is still going; their
    documents stay (a run's documents outlive it: ``documents.job_id`` is set to NULL). The ids deleted."""
    if keep <= 0:
        return []
    older = (
        select(jobs.c.id, jobs.c.status)
        .where(and_(jobs.c.type == JobType.PARENT, jobs.c.definition_id == definition_id))
        .order_by(jobs.c.created_at.desc(), jobs.c.id.desc())
        .offset(keep)
    )
    stale = [str(row.id) for row in conn.execute(older) if not JobStatus(row.status).is_active]
    for chunk in _chunks(stale, 500):
        conn.execute(delete(jobs).where(jobs.c.id.in_(chunk)))
    return stale


def _parent(row: ResultRow, progress: Progress, left_out: int = 0) -> Job:
    return Job(
        id=row.id,
        name=row.name,
        status=JobStatus(row.status),
        definition_id=row.definition_id,
        config=json.loads(row.config_json),
        metadata=_metadata(row.metadata_json),
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        error=row.error,
        document_count=row.document_count,
        progress=progress,
        resume_on_start=row.resume_on_start,
        crawl_seconds=row.crawl_seconds,
        stopped_by=StoppedBy(row.stopped_by) if row.stopped_by else None,
        left_out=left_out,
    )


def _metadata(text: str) -> JobMetadata:
    """The stored metadata with its trigger a JobTrigger again (one this version does not know stays as written)."""
    metadata: JobMetadata = json.loads(text)
    if "trigger" in metadata:
        with contextlib.suppress(ValueError):
            metadata["trigger"] = JobTrigger(metadata["trigger"])
    return metadata


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
