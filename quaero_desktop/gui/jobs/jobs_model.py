"""The Jobs view's model: every run, grouped by definition, updated in place from coalesced engine events."""

from __future__ import annotations

import enum
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import overload

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from quaero_desktop.domain.crawl_rate import RateMeter
from quaero_desktop.domain.job import Job, JobStatus, Progress
from quaero_desktop.gui.format import duration_text, local_time, wall_time_tooltip
from quaero_desktop.gui.jobs.job_row import JobRow, documents_text, failures_text
from quaero_desktop.gui.jobs.jobs_grouping import RunGroups, RunOrder, group_key, run_order
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


class JobsModel(QAbstractItemModel):
    """Every run, live: one row per definition (its latest run), its older runs folded under it.

    A top-level index carries 0, an older run's index its group's serial (jobs_grouping.py): a
    run's row is found in constant time, so progress events change single cells."""

    groupsChanged = Signal()  # a group came or went (the definition filter lists the groups)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: dict[str, JobRow] = {}
        self._groups = RunGroups()
        self._rates: dict[str, RateMeter] = {}  # running jobs: pages per second and time left
        self._starting: set[str] = set()  # jobs whose crawl waits for the browser (rows may come later)
        self._failures: dict[str, list[tuple[str, str]]] = {}  # job id -> some failed pages (URL, why)

    # ----- Qt model interface -----

    def index(
        self,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, self._groups.groups[parent.row()].serial)

    @overload
    def parent(self, /) -> QObject | None: ...
    @overload
    def parent(self, child: QModelIndex | QPersistentModelIndex, /) -> QModelIndex: ...
    def parent(self, child: QModelIndex | QPersistentModelIndex | None = None, /) -> QObject | QModelIndex | None:
        if child is None:
            return super().parent()
        serial = child.internalId() if child.isValid() else 0
        if serial == 0:
            return QModelIndex()
        return self.createIndex(self._groups.position(self._groups.by_serial(serial)), 0, 0)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups.groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._groups.groups[parent.row()].runs) - 1  # the older runs
        return 0

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(JobColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[JobColumn(section)]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.run_at(index)
        column = JobColumn(index.column())
        if role == JOB_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            if column == JobColumn.PROGRESS:
                return row.progress_text(self.rate_text(row.id), row.why_failed(self._failures.get(row.id, [])))
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
            if column == JobColumn.NAME and index.internalId() == 0 and self.rowCount(index):
                older = self.rowCount(index)
                return f"{row.name}: the latest run; {older} older run{'s' if older > 1 else ''} folded under it"
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
        self._rows = {job.id: JobRow.from_job(job) for job in jobs}
        self._groups.clear()
        for row in sorted(self._rows.values(), key=_order, reverse=True):  # newest first: heads first
            key = group_key(row.definition_id, row.id)
            group = self._groups.find(key)
            if group is None:
                self._groups.add_group(len(self._groups.groups), key, row.id, _order(row))
            else:
                self._groups.add_run(group, row.id, _order(row))
        self.endResetModel()
        self.groupsChanged.emit()

    def upsert(self, row: JobRow) -> None:
        """Add a run (in its definition's group, the latest at its head) or replace its row."""
        row = replace(row, starting_browser=row.id in self._starting and row.status == JobStatus.RUNNING)
        if row.id in self._rows:
            self._rows[row.id] = row
            self._changed(row.id, JobColumn.NAME, JobColumn.DURATION)
            return
        self._rows[row.id] = row
        key, order = group_key(row.definition_id, row.id), _order(row)
        group = self._groups.find(key)
        if group is None:
            self.beginInsertRows(QModelIndex(), 0, 0)
            self._groups.add_group(0, key, row.id, order)
            self.endInsertRows()
            self.groupsChanged.emit()
            return
        at = group.index_for(order)
        # A new head: its row shows the new run and the run it replaces becomes the first folded one.
        folded = max(at - 1, 0)
        self.beginInsertRows(self.createIndex(self._groups.position(group), 0, 0), folded, folded)
        self._groups.add_run(group, row.id, order)
        self.endInsertRows()
        if at == 0:
            self._changed(row.id, JobColumn.NAME, JobColumn.DURATION)

    def apply_progress(self, progress: dict[str, Progress]) -> None:
        now = time.monotonic()
        for job_id, value in progress.items():
            row = self._rows.get(job_id)
            if row is not None and row.progress != value:
                if row.status == JobStatus.RUNNING:
                    self._rates.setdefault(job_id, RateMeter()).add(value, now)
                self._rows[job_id] = replace(row, progress=value)
                self._changed(job_id, JobColumn.PROGRESS, JobColumn.FAILED)

    def set_starting_browser(self, job_id: str, starting: bool) -> None:
        if starting:
            self._starting.add(job_id)
        else:
            self._starting.discard(job_id)
        row = self._rows.get(job_id)
        if row is not None and row.starting_browser != starting:
            self._rows[job_id] = replace(row, starting_browser=starting)
            self._changed(job_id, JobColumn.PROGRESS, JobColumn.PROGRESS)

    def rate_text(self, job_id: str) -> str:
        """ "6.2 pages/s, about 1m10s left" for a running job, once measurable."""
        meter = self._rates.get(job_id)
        return meter.text(time.monotonic()) if meter is not None else ""

    def set_status(self, job_id: str, status: JobStatus, error: str | None) -> None:
        row = self._rows.get(job_id)
        if row is None:
            return
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
        self._rows[job_id] = replace(
            row,
            status=status,
            error=error,
            started_at=row.started_at or (now if status == JobStatus.RUNNING else None),
            finished_at=now if status.is_terminal else None,
            crawl_seconds=crawl_seconds,
            running_since=running_since,
            starting_browser=row.starting_browser and status == JobStatus.RUNNING,
        )
        self._changed(job_id, JobColumn.STATUS, JobColumn.PROGRESS)
        self._changed(job_id, JobColumn.DURATION, JobColumn.DURATION)

    def set_failures(self, job_id: str, failures: list[tuple[str, str]]) -> None:
        """Some of the job's failed pages and why (read from the store when it stopped)."""
        self._failures[job_id] = failures
        self._changed(job_id, JobColumn.NAME, JobColumn.DURATION)

    def remove(self, job_id: str) -> None:
        located = self._groups.locate(job_id)
        if located is None:
            return
        group, at = located
        position = self._groups.position(group)
        if len(group.runs) == 1:
            self.beginRemoveRows(QModelIndex(), position, position)
            self._groups.remove_run(job_id)
            self._forget(job_id)
            self.endRemoveRows()
            self.groupsChanged.emit()
            return
        # The head goes: the next run heads the group and leaves the folded ones.
        folded = max(at - 1, 0)
        self.beginRemoveRows(self.createIndex(position, 0, 0), folded, folded)
        self._groups.remove_run(job_id)
        self._forget(job_id)
        self.endRemoveRows()
        if at == 0:
            self._changed(group.head, JobColumn.NAME, JobColumn.DURATION)

    def tick_durations(self) -> None:
        """Running jobs' duration cells (and their pages per second) change every second."""
        for row in self._rows.values():
            if row.status == JobStatus.RUNNING:
                self._changed(row.id, JobColumn.PROGRESS, JobColumn.PROGRESS)
                self._changed(row.id, JobColumn.DURATION, JobColumn.DURATION)

    # ----- reading -----

    def row(self, job_id: str) -> JobRow | None:
        return self._rows.get(job_id)

    def run_at(self, index: QModelIndex | QPersistentModelIndex) -> JobRow:
        """The run an index shows: its group's latest (a top-level row) or a folded older one."""
        serial = index.internalId()
        if serial == 0:
            return self._rows[self._groups.groups[index.row()].head]
        return self._rows[self._groups.by_serial(serial).runs[index.row() + 1]]

    def group_runs(self, position: int) -> list[JobRow]:
        """The runs of the group at a top-level position, latest first."""
        return [self._rows[job_id] for job_id in self._groups.groups[position].runs]

    def index_of(self, job_id: str, column: int = 0) -> QModelIndex:
        """The run's index (top-level if it is its group's latest), or an invalid one."""
        located = self._groups.locate(job_id)
        if located is None:
            return QModelIndex()
        group, at = located
        if at == 0:
            return self.createIndex(self._groups.position(group), column, 0)
        return self.createIndex(at - 1, column, group.serial)

    def job_ids(self) -> list[str]:
        """Every run's id, the newest first."""
        return [row.id for row in sorted(self._rows.values(), key=_order, reverse=True)]

    def definitions(self) -> list[tuple[str, str]]:
        """(definition id, the latest run's name) of every definition with runs here."""
        return [
            (row.definition_id, row.name)
            for row in (self._rows[group.head] for group in self._groups.groups)
            if row.definition_id
        ]

    # ----- helpers -----

    def _changed(self, job_id: str, first: JobColumn, last: JobColumn) -> None:
        start = self.index_of(job_id, first)
        if start.isValid():
            self.dataChanged.emit(start, start.siblingAtColumn(last))

    def _forget(self, job_id: str) -> None:
        del self._rows[job_id]
        self._rates.pop(job_id, None)
        self._failures.pop(job_id, None)
        self._starting.discard(job_id)

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
        return JobsModel._display(row, column)


def _order(row: JobRow) -> RunOrder:
    return run_order(row.created_at, row.id)
