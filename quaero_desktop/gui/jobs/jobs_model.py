"""The jobs table: one row per parent job, updated in place from coalesced engine events."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from quaero_desktop.domain.job import Job, JobStatus, Progress, elapsed_seconds
from quaero_desktop.gui.format import duration_text, local_time
from quaero_desktop.gui.style import status_colour, status_icon

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 2
JOB_ROLE = Qt.ItemDataRole.UserRole + 3


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
        )

    @property
    def duration_s(self) -> float | None:
        return elapsed_seconds(self.started_at, self.finished_at)


def documents_text(progress: Progress) -> str | int:
    """The Documents cell: the count, and after a re-crawl what the pages did ("40 · 2 changed, 38 unchanged")."""
    if not (progress.changed or progress.unchanged or progress.gone):
        return progress.documents  # a first crawl: every page is new
    return f"{progress.documents} · {progress.changes_text}"


class JobsTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[JobRow] = []
        self._row_of: dict[str, int] = {}

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
        if role == Qt.ItemDataRole.ToolTipRole:
            changes = f"\n{row.progress.changes_text}" if row.progress.changes_text else ""
            return row.error or row.progress.text + changes
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
        for job_id, value in progress.items():
            position = self._row_of.get(job_id)
            if position is not None and self._rows[position].progress != value:
                self._rows[position] = replace(self._rows[position], progress=value)
                self._changed(position, JobColumn.PROGRESS, JobColumn.FAILED)

    def set_status(self, job_id: str, status: JobStatus, error: str | None) -> None:
        position = self._row_of.get(job_id)
        if position is None:
            return
        row = self._rows[position]
        now = datetime.now(UTC)
        self._rows[position] = replace(
            row,
            status=status,
            error=error,
            started_at=row.started_at or (now if status == JobStatus.RUNNING else None),
            finished_at=now if status.is_terminal else None,
        )
        self._changed(position, JobColumn.STATUS, JobColumn.STATUS)
        self._changed(position, JobColumn.DURATION, JobColumn.DURATION)

    def remove(self, job_id: str) -> None:
        position = self._row_of.get(job_id)
        if position is None:
            return
        self.beginRemoveRows(QModelIndex(), position, position)
        del self._rows[position]
        self._reindex()
        self.endRemoveRows()

    def tick_durations(self) -> None:
        """Running jobs' duration cells change every second."""
        for position, row in enumerate(self._rows):
            if row.status == JobStatus.RUNNING:
                self._changed(position, JobColumn.DURATION, JobColumn.DURATION)

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
                return duration_text(row.duration_s)
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
                return row.duration_s or 0.0
        return JobsTableModel._display(row, column)
