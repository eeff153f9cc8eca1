"""The job log table: lines from the store and live lines from engine events, without duplicates.

``LogTableModel`` holds every line in time order; ``LogLevelFilter`` (a QSortFilterProxyModel)
shows those at or above the chosen level.

The engine publishes each line at once and stores lines in batches (about every 0.5 s), so
a line can reach the window twice: from a store read and as an event. A line is known by
(time, level, message) — the store keeps the time to the microsecond — and added once.
"""

from __future__ import annotations

import enum
import itertools
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from quaero_desktop.domain.job import LOG_LEVELS, JobLogEntry, JobStatus
from quaero_desktop.engine.events import JobLogged
from quaero_desktop.gui.style import is_dark, status_colour

LEVELS = LOG_LEVELS
RECENT_STORED_KEYS = 5000  # store lines remembered to drop late duplicate events

_Index = QModelIndex | QPersistentModelIndex
_Key = tuple[datetime, str, str]


class LogColumn(enum.IntEnum):
    TIME = 0
    LEVEL = 1
    MESSAGE = 2


HEADERS = {LogColumn.TIME: "Time", LogColumn.LEVEL: "Level", LogColumn.MESSAGE: "Message"}


@dataclass(slots=True)
class LogLine:
    created_at: datetime
    level: str
    message: str
    id: int | None = None  # the store's id; None while only known from an event

    @classmethod
    def from_entry(cls, entry: JobLogEntry) -> LogLine:
        return cls(entry.created_at, entry.level, entry.message, entry.id)

    @property
    def key(self) -> _Key:
        return (self.created_at, self.level, self.message)


def level_colour(level: str) -> QColor | None:
    if level == "error":
        return status_colour(JobStatus.FAILED)
    if level == "warning":
        return status_colour(JobStatus.CANCELLED)
    if level == "debug":
        return QColor("#9aa0a6" if is_dark() else "#6f7378")
    return None


class LogTableModel(QAbstractTableModel):
    """Every line of the job's log, in time order."""

    linesAdded = Signal()  # after any lines were added

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[LogLine] = []  # every line, in time order
        self._unconfirmed: dict[_Key, LogLine] = {}  # event lines not yet seen in the store
        self._recent_stored: dict[_Key, None] = {}  # insertion-ordered, bounded
        self.last_id = 0  # highest store id read: the next read asks for lines after it

    # ----- Qt model interface -----

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LogColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[LogColumn(section)]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        line = self._lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == LogColumn.TIME:
                return _time_text(line.created_at)
            if column == LogColumn.LEVEL:
                return line.level.capitalize()
            return line.message
        if role == Qt.ItemDataRole.ForegroundRole and column != LogColumn.TIME:
            return level_colour(line.level)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == LogColumn.TIME:
                return line.created_at.astimezone().isoformat(sep=" ", timespec="milliseconds")
            if column == LogColumn.MESSAGE:
                return line.message
        return None

    # ----- reading -----

    def line_at(self, row: int) -> LogLine:
        return self._lines[row]

    @property
    def total(self) -> int:
        return len(self._lines)

    # ----- changes -----

    def add_stored(self, lines: list[LogLine]) -> None:
        """Lines read from the store (in id order): new ones are added, live ones get their id.
        Lines at or below ``last_id`` were read before (two reads may overlap) and are skipped."""
        lines = [line for line in lines if (line.id or 0) > self.last_id]
        if not lines:
            return
        fresh = lines
        if self._unconfirmed:
            fresh = []
            for line in lines:
                live = self._unconfirmed.pop(line.key, None)
                if live is None:
                    fresh.append(line)
                else:
                    live.id = line.id
        self.last_id = max(self.last_id, max(line.id or 0 for line in lines))
        for line in lines[-RECENT_STORED_KEYS:]:
            self._remember_stored(line.key)
        self._append(fresh)

    def add_live(self, events: Iterable[JobLogged]) -> None:
        """Lines published by the engine just now (possibly stored and read already)."""
        fresh: list[LogLine] = []
        for event in events:
            line = LogLine(event.created_at, event.level, event.message)
            if line.key in self._recent_stored or line.key in self._unconfirmed:
                continue
            self._unconfirmed[line.key] = line
            fresh.append(line)
        self._append(fresh)

    def _append(self, lines: list[LogLine]) -> None:
        """Add lines keeping time order: normally at the end in one insert; a line older than
        the newest shown (read from the store after later lines arrived live) goes in its place."""
        if not lines:
            return
        try:
            self._insert_in_time_order(lines)
        finally:
            self.linesAdded.emit()

    def _insert_in_time_order(self, lines: list[LogLine]) -> None:
        newest = self._lines[-1].created_at if self._lines else None
        in_order = all(a.created_at <= b.created_at for a, b in itertools.pairwise(lines))
        if in_order and (newest is None or lines[0].created_at >= newest):
            start = len(self._lines)
            self.beginInsertRows(QModelIndex(), start, start + len(lines) - 1)
            self._lines.extend(lines)
            self.endInsertRows()
            return
        for line in lines:
            at = bisect_right(self._lines, line.created_at, key=_time)
            self.beginInsertRows(QModelIndex(), at, at)
            self._lines.insert(at, line)
            self.endInsertRows()

    def _remember_stored(self, key: _Key) -> None:
        self._recent_stored[key] = None
        if len(self._recent_stored) > RECENT_STORED_KEYS:
            del self._recent_stored[next(iter(self._recent_stored))]


class LogLevelFilter(QSortFilterProxyModel):
    """The lines at or above a level (Info by default), in time order."""

    def __init__(self, lines: LogTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines = lines
        self._min_rank = _RANK["info"]
        self.setSourceModel(lines)

    @property
    def min_level(self) -> str:
        return LEVELS[self._min_rank]

    @property
    def total(self) -> int:
        """Every line, shown or not."""
        return self._lines.total

    def set_min_level(self, level: str) -> None:
        rank = _RANK[level]
        if rank == self._min_rank:
            return
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9; invalidateRowsFilter() is deprecated there
            self.beginFilterChange()
            self._min_rank = rank
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._min_rank = rank
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        return _RANK.get(self._lines.line_at(source_row).level, _INFO) >= self._min_rank

    def line_at(self, row: int) -> LogLine:
        return self._lines.line_at(self.mapToSource(self.index(row, 0)).row())

    def visible_lines(self) -> list[LogLine]:
        return [self.line_at(row) for row in range(self.rowCount())]


_RANK = {level: rank for rank, level in enumerate(LEVELS)}
_INFO = _RANK["info"]


def _time(line: LogLine) -> datetime:
    return line.created_at


def _time_text(value: datetime) -> str:
    local = value.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M:%S")
    return local.strftime("%Y-%m-%d %H:%M:%S")
