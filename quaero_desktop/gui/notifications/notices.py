"""What a finished crawl tells the user: a notice per job, in words (no Qt here).

One notice per job: a later notice for the same job (it failed, was resumed, then completed)
replaces the earlier one (``Notice.key``). A failure stays until dismissed; the rest expire as
the platform likes. Each kind has its own switch in Settings.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from quaero_desktop.domain.job import Job, JobStatus, StoppedBy
from quaero_desktop.humanize import duration_text


class NoticeKind(enum.StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    LOGIN_EXPIRED = "login_expired"  # pages answered as if logged out: the saved login needs capturing again


@dataclass(frozen=True)
class Notice:
    key: str  # the job id: a later notice with the same key replaces this one
    kind: NoticeKind
    title: str
    body: str

    @property
    def persistent(self) -> bool:
        """Stays until the user dismisses it (something went wrong: it must not slip by)."""
        return self.kind != NoticeKind.COMPLETED


def notice_for(job: Job) -> Notice | None:
    """The notice for a job that just finished; None for a cancelled or interrupted one (the user did that)."""
    name = job.name or job.definition_id or job.id
    progress = job.progress
    pages = progress.completed + progress.failed
    seconds = job.crawl_seconds or job.duration_s
    not_stored = progress.skipped + progress.duplicates
    besides = ", ".join(f"{n} {what}" for n, what in ((not_stored, "not stored"), (progress.failed, "failed")) if n)
    summary = (
        f"{pages} page{'s' if pages != 1 else ''}{f' ({besides})' if besides else ''}, "
        f"{job.document_count} document{'s' if job.document_count != 1 else ''} in {duration_text(seconds) or '0s'}"
    )
    if job.stopped_by == StoppedBy.LOGIN_EXPIRED:
        waiting = progress.pending
        return Notice(
            job.id,
            NoticeKind.LOGIN_EXPIRED,
            f"Log in again: {name}",
            f"{one_line(job.error or 'the login expired')}.\n"
            f"{waiting} page{'s' if waiting != 1 else ''} wait; {summary}",
        )
    if job.status == JobStatus.FAILED:
        reason = one_line(job.error or "the crawl failed")
        return Notice(job.id, NoticeKind.FAILED, f"Crawl failed: {name}", f"{reason}\n{summary}")
    if job.status != JobStatus.COMPLETED:
        return None
    if progress.auth_failures:
        login = job.metadata.get("auth_id")
        again = f"capture the login “{login}” again" if login else "log in again"
        return Notice(
            job.id,
            NoticeKind.LOGIN_EXPIRED,
            f"Log in again: {name}",
            f"{progress.auth_failures} page{'s' if progress.auth_failures != 1 else ''} needed a login "
            f"(session expired?): {again}.\n{summary}",
        )
    return Notice(job.id, NoticeKind.COMPLETED, f"Crawl completed: {name}", summary)


def storage_notice(job: Job, message: str) -> Notice:
    """The crawl stopped because the data directory's disk is full (or cannot be written): what to do.

    A failure notice (it stays until dismissed, under the "Failed" switch): the job is left
    interrupted, and nothing continues it until the user frees space and resumes."""
    name = job.name or job.definition_id or job.id
    text = message.removeprefix("stopped: ")
    return Notice(job.id, NoticeKind.FAILED, f"Crawl stopped: {name}", text[:1].upper() + text[1:])


def one_line(text: str, limit: int = 160) -> str:
    """The first line of ``text``, cut to ``limit`` characters."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
