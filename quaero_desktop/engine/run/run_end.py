"""How a crawl run ends in the store and its log: the parent's final transaction, the failure of every
start URL, and the summary lines (crawl_run.py decides when); and the limits its log starts with."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import (
    ChildJob,
    JobStatus,
    Progress,
    StoppedBy,
    rendered_empty_text,
    rendered_incomplete_text,
)
from quaero_desktop.humanize import duration_text
from quaero_desktop.store import jobs_repo, pages_repo

if TYPE_CHECKING:
    from quaero_desktop.engine.db_worker import DbWorker
    from quaero_desktop.engine.run.run_progress import RunProgress

STOPPED_MESSAGE = "the app stopped during the crawl; resume to continue"
QUIT_MESSAGE = "Quaero Desktop quit during the crawl; it continues at the next start"
PAUSED_MESSAGE = "paused by the user; Continue (or jobs resume) carries on where it stopped"
# A pause lets the pages being fetched finish (so Continue fetches none twice), for at most this long.
PAUSE_GRACE_S = 15.0


def finish_parent_transaction(
    conn: Connection,
    job_id: str,
    status: JobStatus,
    error: str | None,
    crawl_seconds: float,
    *,
    timed_out: bool,
    login_expired: bool = False,
    resume_on_start: bool,
) -> tuple[JobStatus, str | None]:
    """Store the run's end; returns the status and error stored. An interrupted or paused job stays
    resumable, and so does one whose login expired (its pages wait, pending); any other ends with its
    unfetched pages cancelled and the limit that cut it short, if one did. A pause that came as the last
    pages finished leaves nothing to continue: the crawl is completed. A run that would end "completed" with
    pages left unfinished (a fault of Quaero's, never a crawl's outcome) is failed instead, saying so."""
    now = datetime.now(UTC)
    jobs_repo.record_crawl_seconds(conn, job_id, crawl_seconds)
    if status == JobStatus.PAUSED:
        progress = jobs_repo.progress_for(conn, [job_id])[job_id]
        if progress.pending or progress.running:
            jobs_repo.mark_interrupted(conn, job_id, error=error, status=JobStatus.PAUSED)  # not resumed at start
            return status, error
        status, error = JobStatus.COMPLETED, None
    if status == JobStatus.INTERRUPTED:
        jobs_repo.mark_interrupted(conn, job_id, error=error, resume_on_start=resume_on_start)
        return status, error
    if login_expired:
        jobs_repo.requeue_children(conn, job_id, [JobStatus.RUNNING])
        jobs_repo.finish_parent(conn, job_id, status, error=error, now=now, stopped_by=StoppedBy.LOGIN_EXPIRED)
        return status, error
    unfinished = jobs_repo.cancel_children(conn, job_id, [JobStatus.PENDING, JobStatus.RUNNING], now)
    if status == JobStatus.COMPLETED and unfinished:
        status = JobStatus.FAILED
        error = f"{unfinished} page(s) were left unfinished by an error in Quaero Desktop (see the log); resume the job"
    stopped_by = None
    if timed_out:
        stopped_by = StoppedBy.TIMEOUT
    elif status in (JobStatus.COMPLETED, JobStatus.FAILED):
        stopped_by = jobs_repo.limit_that_cut(conn, job_id)
    jobs_repo.finish_parent(conn, job_id, status, error=error, now=now, stopped_by=stopped_by)
    return status, error


async def start_urls_failure(db: DbWorker, job_id: str, progress: RunProgress) -> str | None:
    """The crawl failed as a whole when it stored nothing because every start URL failed."""
    if progress.counts.get("documents", 0) > 0:
        return None
    starts: list[ChildJob] = await db.read(pages_repo.list_children, job_id, max_depth=0)
    if starts and all(c.status == JobStatus.FAILED for c in starts):
        details = "; ".join(f"{c.url}: {c.error}" for c in starts[:3])
        return f"start URL unreachable ({details})"
    return None


def summary_lines(
    status: JobStatus, progress: Progress, crawl_seconds: float, auth_id: str | None
) -> tuple[list[str], str]:
    """(warnings, the summary) for the job log of a finished run."""
    warnings = []
    if progress.auth_failures:
        warnings.append(
            f"{progress.auth_failures} page(s) needed a login (session expired?): "
            f"capture or import the login '{auth_id}' again"
        )
    if progress.rendered_empty:
        warnings.append(rendered_empty_text(progress.rendered_empty))
    if progress.rendered_incomplete:
        warnings.append(rendered_incomplete_text(progress.rendered_incomplete))
    changes = f" ({progress.changes_text})" if progress.changes_text else ""
    summary = (
        f"{status}: {progress.text}, {progress.documents} document(s){changes} "
        f"in {duration_text(crawl_seconds)} of crawling"
    )
    return warnings, summary


def limits_text(definition: JobDefinition) -> str:
    d = definition
    return f"max depth {d.max_depth}, max pages {d.max_pages}, concurrency {d.concurrency}, timeout {d.timeout}"
