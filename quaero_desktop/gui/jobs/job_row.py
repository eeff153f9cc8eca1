"""A run as the Jobs view shows it (a row's values), and the texts of its cells that need more than a field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from quaero_desktop.domain.job import ChildJob, Job, JobStatus, Progress, StoppedBy, elapsed_seconds, stopped_by_text

STARTING_BROWSER_TEXT = "starting browser…"


@dataclass(frozen=True)
class JobRow:
    id: str
    name: str
    status: JobStatus
    progress: Progress
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    definition_id: str | None = None
    crawl_seconds: float = 0.0  # the store's crawling time (earlier runs, or up to the last heartbeat)
    stopped_by: StoppedBy | None = None
    urls_left: int = 0
    # While running: since when this window counts on from crawl_seconds (the read, or the start event).
    running_since: datetime | None = field(default=None, compare=False)
    starting_browser: bool = field(default=False, compare=False)  # the crawl waits for the browser to start

    @classmethod
    def from_job(cls, job: Job) -> JobRow:
        return cls(
            id=job.id,
            name=job.name,
            status=job.status,
            progress=job.progress,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            error=job.error,
            definition_id=job.definition_id,
            crawl_seconds=job.crawl_seconds,
            stopped_by=job.stopped_by,
            urls_left=job.urls_left,
            running_since=datetime.now(UTC) if job.status == JobStatus.RUNNING else None,
        )

    def progress_text(self, rate: str = "", why_failed: str = "") -> str:
        """The Progress cell: "starting browser…" while the browser starts, the counts with the pages per
        second and time left while running (``rate``), and what cut a finished crawl short or else why it
        or its pages failed (``why_failed``: "1 failed" alone did not say why)."""
        if self.status == JobStatus.RUNNING and self.starting_browser and not self.progress.finished:
            return STARTING_BROWSER_TEXT
        text = self.progress.text
        if self.status == JobStatus.RUNNING and rate:
            return f"{text} · {rate}"
        if self.status.is_active:
            return text
        if why_failed:  # "2 failed (HTTP 404)"
            text = f"{text} ({why_failed})" if self.progress.failed else f"{text} · {why_failed}"
        if self.stopped_by is not None:
            text += f" · {stopped_by_text(self.stopped_by, self.urls_left)}"
        return text

    def why_failed(self, failures: list[tuple[str, str]]) -> str:
        """In a few words, why the job failed (its error's first line, unless what stopped it says it) or
        else why the first of its failed pages listed did."""
        if self.error and self.stopped_by is None:
            return self.error.strip().splitlines()[0]
        return failures[0][1] if failures and self.progress.failed else ""

    @property
    def duration_s(self) -> float | None:
        """Wall time (stops between runs included)."""
        return elapsed_seconds(self.started_at, self.finished_at)

    @property
    def crawl_time_s(self) -> float | None:
        """Crawling time, as the Duration column shows it (counting on while the crawl runs)."""
        if self.started_at is None:
            return None
        if self.running_since is not None:
            return self.crawl_seconds + max(0.0, (datetime.now(UTC) - self.running_since).total_seconds())
        return self.crawl_seconds or self.duration_s  # jobs from before crawling time was recorded: wall time


def documents_text(progress: Progress) -> str | int:
    """The Documents cell: the count, and after a re-crawl what changed ("40 · 2 changed", "38 · unchanged");
    the whole account ("2 changed, 38 unchanged") is its tooltip. It fits the column at 1280 px: the
    whole account was cut ("150 · 21 chan…")."""
    if not (progress.changed or progress.unchanged or progress.gone):
        return progress.documents  # a first crawl: every page is new
    parts = [(progress.new, "new"), (progress.changed, "changed"), (progress.gone, "gone")]
    moved = ", ".join(f"{n} {label}" for n, label in parts if n)
    return f"{progress.documents} · {moved or 'unchanged'}"


def failures_text(failures: list[tuple[str, str]], failed: int) -> str:
    """Why pages failed, for the tooltip and the status bar: "1 page failed: https://… — HTTP 500"."""
    if not failures:
        return ""
    lines = [f"{url} — {reason}" for url, reason in failures]
    more = f"\n… and {failed - len(failures)} more: open the job to see them all" if failed > len(failures) else ""
    pages = "1 page" if failed == 1 else f"{failed} pages"
    listed = " " + lines[0] if len(lines) == 1 else "\n" + "\n".join(lines)
    return f"{pages} failed:{listed}{more}"


def failure_reason(page: ChildJob) -> str:
    """Why a page failed, in a few words: its error, else its HTTP status."""
    if page.error:
        return page.error
    return f"HTTP {page.http_status}" if page.http_status else "failed"
