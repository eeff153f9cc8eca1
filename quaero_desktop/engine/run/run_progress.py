"""A running crawl's counts and what it tells about each page: progress events (lesson 2), page
events and the page's log line."""

from __future__ import annotations

from collections import Counter

from quaero_desktop.crawler.fetched import FetchedPage, FetchError, NotModified
from quaero_desktop.domain.document import KnownPage
from quaero_desktop.domain.job import JobStatus, PageResult, Progress
from quaero_desktop.engine.events import ChildrenAdded, ChildStatusChanged, DocumentSaved, EventBus, JobProgress
from quaero_desktop.engine.job_log import RunLog
from quaero_desktop.engine.run.frontier import FrontierEntry
from quaero_desktop.engine.run.page_transactions import PageCommit
from quaero_desktop.engine.run.page_verdicts import Disallowed, FetchOutcome, NotStored


class RunProgress:
    def __init__(self, events: EventBus, run_log: RunLog) -> None:
        self.job_id = run_log.job_id
        self._events = events
        self._log = run_log
        self.counts: dict[str, int] = {}
        self.skipped_by: Counter[str] = Counter()  # SkipReason -> pages (skipped and duplicates)

    def load(self, progress: Progress) -> None:
        """Counts as the store has them (at the start and the end of a run)."""
        self.counts = {k: v for k, v in progress.as_dict().items() if k != "total"}
        self.skipped_by = Counter(dict(progress.skipped_by))

    @property
    def progress(self) -> Progress:
        return Progress(**self.counts, skipped_by=tuple(sorted(self.skipped_by.items())))

    def move(self, from_status: str, to_status: str) -> None:
        self.counts[from_status] -= 1
        self.counts[to_status] += 1
        self.publish()

    def too_many_failures(self, min_pages: int, ratio: float) -> str | None:
        """Why the crawl must stop for its failures (more than ``ratio`` of at least ``min_pages``), or None."""
        finished = self.counts["completed"] + self.counts["failed"]
        failed = self.counts["failed"]
        if finished >= min_pages and failed > finished * ratio:
            return f"stopped: too many pages failed ({failed} of {finished}, more than {ratio:.0%})"
        return None

    def publish(self) -> None:
        self._events.publish(JobProgress(self.job_id, self.progress))

    def started(self, entry: FrontierEntry) -> None:
        self.move("pending", "running")
        self.child_event(entry, JobStatus.RUNNING)

    def added(self, count: int) -> None:
        self._events.publish(ChildrenAdded(self.job_id, count))

    def page_done(
        self,
        entry: FrontierEntry,
        commit: PageCommit,
        outcome: FetchOutcome | Disallowed | NotStored,
        known: KnownPage | None,
        seconds: float,
    ) -> None:
        """Counts, events and the log line of a page whose transaction committed (``known``: its stored
        document before this crawl, if any)."""
        status = commit.status
        self.counts["running"] -= 1
        self.counts[str(status)] += 1
        if commit.new_for_job:
            self.counts["documents"] += 1
        if commit.new_children:
            self.counts["pending"] += len(commit.new_children)
            self.added(len(commit.new_children))
        if commit.auth_failed:
            self.counts["auth_failures"] += 1
        if commit.rendered_empty:
            self.counts["rendered_empty"] += 1
        if commit.rendered_incomplete:
            self.counts["rendered_incomplete"] += 1
        if commit.change is not None:
            self.counts[str(commit.change)] += 1
        if commit.result == PageResult.SKIPPED:
            self.counts["skipped"] += 1
        elif commit.result == PageResult.DUPLICATE:
            self.counts["duplicates"] += 1
        if commit.reason is not None:
            self.skipped_by[str(commit.reason)] += 1
        self.publish()
        if isinstance(outcome, NotStored):
            outcome = outcome.page
        http_status = None if isinstance(outcome, (FetchError, Disallowed)) else outcome.status
        title = outcome.title if isinstance(outcome, FetchedPage) else None
        if title is None and isinstance(outcome, NotModified) and known is not None:
            title = known.title
        error = commit.error
        self.child_event(
            entry, status, http_status=http_status, title=title, result=commit.result, error=error, note=commit.note
        )
        if commit.document_id is not None:
            self._events.publish(
                DocumentSaved(self.job_id, commit.document_id, entry.url, title or "", commit.new_for_job)
            )
        if status == JobStatus.FAILED:
            self._log.warning(f"failed {entry.url}: {error}")
        elif isinstance(outcome, Disallowed):
            self._log.info(f"skipped {entry.url}: {outcome.reason}")
        elif commit.reason is not None and commit.result == PageResult.SKIPPED:
            self._log.debug(f"skipped {entry.url}: {commit.note}")
        elif commit.rendered_empty or commit.rendered_incomplete:
            self._log.warning(f"stored {entry.url} as it was: {commit.note}")
        else:
            detail = commit.note or f"{len(commit.new_children)} new link(s)"
            self._log.debug(f"fetched {entry.url} ({http_status}, {seconds:.2f}s): {detail}")

    def child_event(
        self,
        entry: FrontierEntry,
        status: JobStatus,
        *,
        http_status: int | None = None,
        title: str | None = None,
        result: PageResult | None = None,
        error: str | None = None,
        note: str | None = None,
    ) -> None:
        self._events.publish(
            ChildStatusChanged(
                self.job_id,
                entry.child_id,
                entry.url,
                entry.depth,
                status,
                http_status=http_status,
                title=title,
                result=result,
                error=error,
                note=note,
            )
        )
