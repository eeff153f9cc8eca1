"""The jobs table: one row per parent job, updated in place from coalesced engine events."""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from quaero_desktop.domain.crawl_rate import RateMeter
from quaero_desktop.domain.job import Job, JobStatus, Progress, StoppedBy, elapsed_seconds, stopped_by_text
from quaero_desktop.gui.format import duration_text, local_time, wall_time_tooltip
from quaero_desktop.gui.style import status_colour, status_icon

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 2
JOB_ROLE = Qt.ItemDataRole.UserRole + 3
STARTING_BROWSER_TEXT = "starting browser…"


class JobColumn(enum.IntEnum):
    NAME = 0
    STATUS = 1
    PROGRESS = 2
    DOCUMENTS = 3
    FAILED = 4
    STARTED = 5
    DURATION = 6


HEADERS = {
    JobColumn.NAME: "Name",
    JobColumn.STATUS: "Status",
    JobColumn.PROGRESS: "Progress",
    JobColumn.DOCUMENTS: "Documents",
    JobColumn.FAILED: "Failed pages",
    JobColumn.STARTED: "Started",
    JobColumn.DURATION: "Duration",
}


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

    def progress_text(self, rate: str = "") -> str:
        """The Progress cell: "starting browser…" while the browser starts, the counts with the pages per
        second and time left while running (``rate``), and what cut a finished crawl short."""
        if self.status == JobStatus.RUNNING and self.starting_browser and not self.progress.finished:
            return STARTING_BROWSER_TEXT
        text = self.progress.text
        if self.status == JobStatus.RUNNING and rate:
            return f"{text} · {rate}"
        if self.stopped_by is not None and not self.status.is_active:
            return f"{text} · {stopped_by_text(self.stopped_by, self.urls_left)}"
        return text

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


class JobsTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[JobRow] = []
        self._row_of: dict[str, int] = {}
        self._rates: dict[str, RateMeter] = {}  # running jobs: pages per second and time left
        self._starting: set[str] = set()  # jobs whose crawl waits for the browser (rows may come later)
        self._failures: dict[str, list[tuple[str, str]]] = {}  # job id -> some failed pages (URL, why)

    # ----- Qt model interface -----

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(JobColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[JobColumn(section)]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = JobColumn(index.column())
        if role == JOB_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            if column == JobColumn.PROGRESS:
                return row.progress_text(self.rate_text(row.id))
            return self._display(row, column)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == PROGRESS_ROLE and column == JobColumn.PROGRESS:
            return row.progress
        if column == JobColumn.STATUS:
            if role == Qt.ItemDataRole.DecorationRole:
                return status_icon(row.status)
            if role == Qt.ItemDataRole.ForegroundRole:
                return status_colour(row.status)
        failures = failures_text(self._failures.get(row.id, []), row.progress.failed)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == JobColumn.DURATION:
                return wall_time_tooltip(row.crawl_time_s, row.duration_s, running=row.status == JobStatus.RUNNING)
            if column == JobColumn.FAILED and failures:
                return failures
            changes = f"\n{row.progress.changes_text}" if row.progress.changes_text else ""
            why = f"\n{failures}" if failures else ""
            return (row.error or row.progress_text(self.rate_text(row.id)) + changes) + why
        if role == Qt.ItemDataRole.StatusTipRole:  # shown in the status bar while the pointer is on the row
            return row.error or failures.replace(":\n", ": ").replace("\n", "; ")
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (JobColumn.DOCUMENTS, JobColumn.FAILED):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    # ----- updates -----

    def reset(self, jobs: list[Job]) -> None:
        self.beginResetModel()
        self._rows = [JobRow.from_job(job) for job in jobs]
        self._reindex()
        self.endResetModel()

    def upsert(self, row: JobRow) -> None:
        """Add a job (newest first) or replace its row."""
        row = replace(row, starting_browser=row.id in self._starting and row.status == JobStatus.RUNNING)
        position = self._row_of.get(row.id)
        if position is None:
            self.beginInsertRows(QModelIndex(), 0, 0)
            self._rows.insert(0, row)
            self._reindex()
            self.endInsertRows()
        else:
            self._rows[position] = row
            self._changed(position, JobColumn.NAME, JobColumn.DURATION)

    def apply_progress(self, progress: dict[str, Progress]) -> None:
        now = time.monotonic()
        for job_id, value in progress.items():
            position = self._row_of.get(job_id)
            if position is not None and self._rows[position].progress != value:
                if self._rows[position].status == JobStatus.RUNNING:
                    self._rates.setdefault(job_id, RateMeter()).add(value, now)
                self._rows[position] = replace(self._rows[position], progress=value)
                self._changed(position, JobColumn.PROGRESS, JobColumn.FAILED)

    def set_starting_browser(self, job_id: str, starting: bool) -> None:
        if starting:
            self._starting.add(job_id)
        else:
            self._starting.discard(job_id)
        position = self._row_of.get(job_id)
        if position is not None and self._rows[position].starting_browser != starting:
            self._rows[position] = replace(self._rows[position], starting_browser=starting)
            self._changed(position, JobColumn.PROGRESS, JobColumn.PROGRESS)

    def rate_text(self, job_id: str) -> str:
        """ "6.2 pages/s, about 1m10s left" for a running job, once measurable."""
        meter = self._rates.get(job_id)
        return meter.text(time.monotonic()) if meter is not None else ""

    def set_status(self, job_id: str, status: JobStatus, error: str | None) -> None:
        position = self._row_of.get(job_id)
        if position is None:
            return
        row = self._rows[position]
        now = datetime.now(UTC)
        crawl_seconds, running_since = row.crawl_seconds, row.running_since
        if status == JobStatus.RUNNING:
            running_since = running_since or now  # a start or resume: crawling time counts on from here
            self._rates[job_id] = RateMeter()
        else:
            self._rates.pop(job_id, None)
            self._starting.discard(job_id)
        if (
            status != JobStatus.RUNNING and running_since is not None
        ):  # stopped: keep the time counted (the store's figure follows)
            crawl_seconds += max(0.0, (now - running_since).total_seconds())
            running_since = None
        self._rows[position] = replace(
            row,
            status=status,
            error=error,
            started_at=row.started_at or (now if status == JobStatus.RUNNING else None),
            finished_at=now if status.is_terminal else None,
            crawl_seconds=crawl_seconds,
            running_since=running_since,
            starting_browser=row.starting_browser and status == JobStatus.RUNNING,
        )
        self._changed(position, JobColumn.STATUS, JobColumn.PROGRESS)
        self._changed(position, JobColumn.DURATION, JobColumn.DURATION)

    def set_failures(self, job_id: str, failures: list[tuple[str, str]]) -> None:
        """Some of the job's failed pages and why (read from the store when it stopped)."""
        self._failures[job_id] = failures
        position = self._row_of.get(job_id)
        if position is not None:
            self._changed(position, JobColumn.NAME, JobColumn.DURATION)

    def remove(self, job_id: str) -> None:
        position = self._row_of.get(job_id)
        if position is None:
            return
        self.beginRemoveRows(QModelIndex(), position, position)
        del self._rows[position]
        self._reindex()
        self.endRemoveRows()

    def tick_durations(self) -> None:
        """Running jobs' duration cells (and their pages per second) change every second."""
        for position, row in enumerate(self._rows):
            if row.status == JobStatus.RUNNING:
                self._changed(position, JobColumn.DURATION, JobColumn.DURATION)
                self._changed(position, JobColumn.PROGRESS, JobColumn.PROGRESS)

    def row(self, job_id: str) -> JobRow | None:
        position = self._row_of.get(job_id)
        return None if position is None else self._rows[position]

    def job_ids(self) -> list[str]:
        return [row.id for row in self._rows]

    # ----- helpers -----

    def _changed(self, position: int, first: JobColumn, last: JobColumn) -> None:
        self.dataChanged.emit(self.index(position, first), self.index(position, last))

    def _reindex(self) -> None:
        self._row_of = {row.id: i for i, row in enumerate(self._rows)}

    @staticmethod
    def _display(row: JobRow, column: JobColumn) -> str | int | None:
        match column:
            case JobColumn.NAME:
                return row.name
            case JobColumn.STATUS:
                return str(row.status).capitalize()
            case JobColumn.PROGRESS:
                return row.progress.text
            case JobColumn.DOCUMENTS:
                return documents_text(row.progress)
            case JobColumn.FAILED:
                return row.progress.failed
            case JobColumn.STARTED:
                return local_time(row.started_at)
            case JobColumn.DURATION:
                return duration_text(row.crawl_time_s)
        return None

    @staticmethod
    def _sort_key(row: JobRow, column: JobColumn) -> str | float | None:
        match column:
            case JobColumn.PROGRESS:
                return row.progress.fraction
            case JobColumn.DOCUMENTS:
                return row.progress.documents
            case JobColumn.FAILED:
                return row.progress.failed
            case JobColumn.STARTED:
                return (row.started_at or row.created_at).timestamp()
            case JobColumn.DURATION:
                return row.crawl_time_s or 0.0
        return JobsTableModel._display(row, column)
