"""The top of the job window: name, status, progress, documents, times, and what went wrong."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from quaero_desktop.domain.job import (
    Job,
    JobStatus,
    Progress,
    StoppedBy,
    rendered_empty_text,
    rendered_incomplete_text,
)
from quaero_desktop.gui.format import crawl_duration_text, local_time, wall_time_tooltip
from quaero_desktop.gui.style import status_colour, status_icon

_SHOW_ERROR = (JobStatus.FAILED, JobStatus.INTERRUPTED)


def auth_failure_text(count: int) -> str:
    return f"{count} page{'s' if count != 1 else ''} needed a login (session expired?)"


class JobHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._status = JobStatus.PENDING
        self._started_at: datetime | None = None
        self._finished_at: datetime | None = None
        self._crawl_seconds = 0.0  # the store's crawling time (earlier runs, or up to the last heartbeat)
        self._running_since: datetime | None = None  # while running: counting on from crawl_seconds

        self.name_label = QLabel("Loading…", self)
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_icon = QLabel(self)
        self.status_label = QLabel(self)
        bold = self.status_label.font()
        bold.setBold(True)
        self.status_label.setFont(bold)

        title_row = QHBoxLayout()
        title_row.addWidget(self.name_label)
        title_row.addSpacing(16)
        title_row.addWidget(self.status_icon)
        title_row.addWidget(self.status_label)
        title_row.addStretch(1)

        self.progress_label = QLabel(self)
        self.documents_label = QLabel(self)
        self.changes_label = QLabel("–", self)  # new / changed / unchanged / gone (an incremental re-crawl)
        self.changes_label.setToolTip(
            "What the pages did to their documents: new, changed (rewritten), unchanged (kept as they were, "
            "not converted or indexed again) and gone (the page answered 404/410; its document is kept)"
        )
        self.started_label = QLabel(self)
        self.duration_label = QLabel(self)
        facts = QGridLayout()
        facts.setHorizontalSpacing(28)
        facts.setVerticalSpacing(2)
        for column, (caption, value) in enumerate(
            (
                ("Pages", self.progress_label),
                ("Documents", self.documents_label),
                ("Changes", self.changes_label),
                ("Started", self.started_label),
                ("Duration", self.duration_label),
            )
        ):
            heading = QLabel(caption, self)
            heading.setEnabled(False)  # the palette's dimmed text: a caption, not a value
            facts.addWidget(heading, 0, column)
            facts.addWidget(value, 1, column)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        facts.setColumnStretch(5, 1)  # the facts keep their width; the rest of the row is empty

        self.account_label = QLabel(self)  # the pages that stored no document of their own, by reason
        self.account_label.setWordWrap(True)
        self.account_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.account_label.setToolTip(
            "Pages the crawl met but did not store as documents of their own, and why: not HTML, robots.txt, "
            "noindex, a login form, the site's not-found page, or a duplicate of another page (redirect, canonical URL)"
        )
        self.account_label.hide()
        self.limits_label = QLabel(self)  # what cut the finished crawl short, and the URLs it left
        self.limits_label.setWordWrap(True)
        self.limits_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.limits_label.hide()
        self.warnings_label = QLabel(self)
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet(
            f"QLabel {{ color: {status_colour(JobStatus.FAILED).name()}; font-weight: bold;"
            f" border: 1px solid {status_colour(JobStatus.FAILED).name()}; border-radius: 4px; padding: 4px 8px; }}"
        )
        self.warnings_label.hide()
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addLayout(title_row)
        layout.addLayout(facts)
        layout.addWidget(self.account_label)
        layout.addWidget(self.limits_label)
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.error_label)

    # ----- updates -----

    def show_job(self, job: Job) -> None:
        self.name_label.setText(job.name)
        self._started_at, self._finished_at = job.started_at, job.finished_at
        now = datetime.now(UTC)
        if job.status != JobStatus.RUNNING:
            self._crawl_seconds = job.crawl_seconds or (job.duration_s or 0.0)  # older jobs: their wall time
            self._running_since = None
        elif self._running_since is None or job.crawl_seconds > self._counted(now):
            # The store's figure lags up to a heartbeat behind: count on from it unless already ahead.
            self._crawl_seconds, self._running_since = job.crawl_seconds, now
        self.set_status(job.status, job.error)
        self.set_progress(job.progress)
        limits = limits_text(job)
        self.limits_label.setText(limits)
        self.limits_label.setVisible(bool(limits))

    def set_status(self, status: JobStatus, error: str | None) -> None:
        self._status = status
        now = datetime.now(UTC)
        if status == JobStatus.RUNNING:
            self._started_at = self._started_at or now
            self._finished_at = None
            self._running_since = self._running_since or now
        elif not status.is_active:  # ended, interrupted or paused
            self._finished_at = self._finished_at or now
        if status != JobStatus.RUNNING and self._running_since is not None:
            self._crawl_seconds = self._counted(now)  # stopped: the store's figure follows with the job
            self._running_since = None
        self.status_icon.setPixmap(status_icon(status).pixmap(12, 12))
        self.status_label.setText(str(status).capitalize())
        self.status_label.setStyleSheet(f"color: {status_colour(status).name()};")
        show_error = bool(error) and status in _SHOW_ERROR
        self.error_label.setText(f"{_error_caption(status)}: {error}" if show_error else "")
        self.error_label.setVisible(show_error)
        if show_error:
            self.error_label.setStyleSheet(f"color: {status_colour(status).name()};")
        self.tick()

    def set_progress(self, progress: Progress) -> None:
        self.progress_label.setText(progress.text)
        self.documents_label.setText(str(progress.documents))
        self.changes_label.setText(progress.changes_text or "–")
        account = progress.account_text
        self.account_label.setText(f"Not stored: {account}" if account else "")
        self.account_label.setVisible(bool(account))
        warnings = []
        if progress.auth_failures:
            warnings.append(f"⚠ {auth_failure_text(progress.auth_failures)}")
        if progress.rendered_empty:
            warnings.append(f"⚠ {rendered_empty_text(progress.rendered_empty)}")
        if progress.rendered_incomplete:
            warnings.append(f"⚠ {rendered_incomplete_text(progress.rendered_incomplete)}")
        self.warnings_label.setText("\n".join(warnings))
        self.warnings_label.setVisible(bool(warnings))

    def tick(self) -> None:
        """Start and duration texts (the duration of a running job grows every second).

        The duration is crawling time, as the job's log and the Jobs view give it; the wall time
        since the first start follows when stops made it much longer ("2m05s (wall 3h02m)")."""
        self.started_label.setText(local_time(self._started_at) or "not started")
        if self._started_at is None:
            self.duration_label.setText("–")
            self.duration_label.setToolTip("")
            return
        now = datetime.now(UTC)
        crawl = self._counted(now)
        wall = max(0.0, ((self._finished_at or now) - self._started_at).total_seconds())
        self.duration_label.setText(crawl_duration_text(crawl, wall))
        self.duration_label.setToolTip(wall_time_tooltip(crawl, wall, running=self._running_since is not None) or "")

    def _counted(self, now: datetime) -> float:
        """Crawling time now: the store's figure, plus the time since this window saw the crawl run."""
        if self._running_since is None:
            return self._crawl_seconds
        return self._crawl_seconds + max(0.0, (now - self._running_since).total_seconds())

    @property
    def status(self) -> JobStatus:
        return self._status


def limits_text(job: Job) -> str:
    """What cut a finished crawl short: "Stopped by max_pages: 37 URLs found were left uncrawled …"."""
    if job.stopped_by is None or job.status.is_active:
        return ""
    left = job.urls_left
    urls = f"{left} URL{'s' if left != 1 else ''}"
    if job.stopped_by == StoppedBy.LOGIN_EXPIRED:
        pages = f"{left} page{'s' if left != 1 else ''}"
        return (
            f"Stopped: the crawl's login expired (pages showed a login form); {pages} wait. "
            "Capture the login again (Logins), then Resume: nothing the site showed logged out was stored."
        )
    why = {
        StoppedBy.MAX_PAGES: "the crawl reached its page limit (max_pages)",
        StoppedBy.MAX_DEPTH: "pages at the last level (max_depth) link further",
        StoppedBy.TIMEOUT: "the crawl ran out of time (timeout)",
    }[job.stopped_by]
    return f"Stopped by {job.stopped_by}: {why}; {urls} found in scope were not crawled."


def _error_caption(status: JobStatus) -> str:
    return "Failed" if status == JobStatus.FAILED else "Interrupted"
