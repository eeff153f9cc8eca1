"""The definitions table: one row per stored definition, with its next scheduled run."""

from __future__ import annotations

import enum
import math
from datetime import datetime, timedelta

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.schedule import describe_schedule
from quaero_desktop.gui.definitions.field_checks import upcoming_run

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
DEFINITION_ROLE = Qt.ItemDataRole.UserRole + 2
NONE_TEXT = "—"


class DefinitionColumn(enum.IntEnum):
    NAME = 0
    ID = 1
    START_URL = 2
    SCHEDULE = 3
    NEXT_RUN = 4
    LOGIN = 5
    ENABLED = 6


HEADERS = {
    DefinitionColumn.NAME: "Name",
    DefinitionColumn.ID: "ID",
    DefinitionColumn.START_URL: "Start URL",
    DefinitionColumn.SCHEDULE: "Schedule",
    DefinitionColumn.NEXT_RUN: "Next run",
    DefinitionColumn.LOGIN: "Login",
    DefinitionColumn.ENABLED: "Enabled",
}


def when_text(when: datetime | None, now: datetime | None = None) -> str:
    """A near local time as people say it: "Today 03:00", "Tomorrow 03:00", "Mon 03:00", else the date."""
    if when is None:
        return NONE_TEXT
    local = when.astimezone()
    today = (now or datetime.now().astimezone()).date()
    days = (local.date() - today).days
    clock = local.strftime("%H:%M")
    if days == 0:
        return f"Today {clock}"
    if days == 1:
        return f"Tomorrow {clock}"
    if 1 < days < 7:
        return f"{local.strftime('%a')} {clock}"
    return local.strftime("%Y-%m-%d %H:%M")


def start_url_text(definition: JobDefinition) -> str:
    more = len(definition.start_urls) - 1
    return definition.start_urls[0] + (f"  (+{more} more)" if more else "")


class DefinitionsTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[JobDefinition] = []
        self._next_runs: list[datetime | None] = []
        self._row_of: dict[str, int] = {}
        self.schedules_paused = False  # the tray's "Pause schedules": next runs show as paused

    # ----- Qt model interface -----

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(DefinitionColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[DefinitionColumn(section)]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        definition = self._rows[index.row()]
        column = DefinitionColumn(index.column())
        if role == DEFINITION_ROLE:
            return definition
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.row(), column)
        if role == SORT_ROLE:
            return self._sort_key(index.row(), column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(index.row(), column)
        if role == Qt.ItemDataRole.ForegroundRole and not definition.enabled:
            return QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == DefinitionColumn.ENABLED:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    # ----- updates -----

    def reset(self, definitions: list[JobDefinition]) -> None:
        self.beginResetModel()
        self._rows = list(definitions)
        self._next_runs = [self._upcoming(d) for d in self._rows]
        self._reindex()
        self.endResetModel()

    def upsert(self, definition: JobDefinition) -> None:
        """Add a definition or replace the row with its id."""
        position = self._row_of.get(definition.id)
        if position is None:
            position = len(self._rows)
            self.beginInsertRows(QModelIndex(), position, position)
            self._rows.append(definition)
            self._next_runs.append(self._upcoming(definition))
            self._reindex()
            self.endInsertRows()
            return
        self._rows[position] = definition
        self._next_runs[position] = self._upcoming(definition)
        self._changed(position, DefinitionColumn.NAME, DefinitionColumn.ENABLED)

    def remove(self, definition_id: str) -> None:
        position = self._row_of.get(definition_id)
        if position is None:
            return
        self.beginRemoveRows(QModelIndex(), position, position)
        del self._rows[position]
        del self._next_runs[position]
        self._reindex()
        self.endRemoveRows()

    def refresh_next_runs(self, *, schedules_paused: bool | None = None) -> None:
        """Time passes (or schedules were paused): recompute next runs and repaint the cells that changed."""
        pause_changed = schedules_paused is not None and schedules_paused != self.schedules_paused
        if schedules_paused is not None:
            self.schedules_paused = schedules_paused
        for position, definition in enumerate(self._rows):
            upcoming = self._upcoming(definition)
            if upcoming != self._next_runs[position] or upcoming is not None or pause_changed:
                self._next_runs[position] = upcoming
                self._changed(position, DefinitionColumn.NEXT_RUN, DefinitionColumn.NEXT_RUN)

    def definition(self, definition_id: str) -> JobDefinition | None:
        position = self._row_of.get(definition_id)
        return None if position is None else self._rows[position]

    def next_run(self, definition_id: str) -> datetime | None:
        position = self._row_of.get(definition_id)
        return None if position is None else self._next_runs[position]

    def definition_ids(self) -> list[str]:
        return [definition.id for definition in self._rows]

    def row_of(self, definition_id: str) -> int | None:
        return self._row_of.get(definition_id)

    # ----- helpers -----

    @staticmethod
    def _upcoming(definition: JobDefinition) -> datetime | None:
        return upcoming_run(definition.schedule, definition.enabled)

    def _changed(self, position: int, first: DefinitionColumn, last: DefinitionColumn) -> None:
        self.dataChanged.emit(self.index(position, first), self.index(position, last))

    def _reindex(self) -> None:
        self._row_of = {definition.id: i for i, definition in enumerate(self._rows)}

    def _display(self, position: int, column: DefinitionColumn) -> str:
        definition = self._rows[position]
        match column:
            case DefinitionColumn.NAME:
                return definition.name
            case DefinitionColumn.ID:
                return definition.id
            case DefinitionColumn.START_URL:
                return start_url_text(definition)
            case DefinitionColumn.SCHEDULE:
                return describe_schedule(definition.schedule)
            case DefinitionColumn.NEXT_RUN:
                upcoming = self._next_runs[position]
                if upcoming is not None and self.schedules_paused:
                    return f"Paused ({when_text(upcoming)})"
                return when_text(upcoming)
            case DefinitionColumn.LOGIN:
                return definition.auth_id or NONE_TEXT
            case DefinitionColumn.ENABLED:
                return "Yes" if definition.enabled else "No"
        return ""

    def _sort_key(self, position: int, column: DefinitionColumn) -> str | float:
        if column == DefinitionColumn.NEXT_RUN:
            upcoming = self._next_runs[position]
            return upcoming.timestamp() if upcoming is not None else math.inf
        return self._display(position, column).casefold()

    def _tooltip(self, position: int, column: DefinitionColumn) -> str | None:
        definition = self._rows[position]
        match column:
            case DefinitionColumn.START_URL:
                return "\n".join(definition.start_urls)
            case DefinitionColumn.NEXT_RUN:
                upcoming = self._next_runs[position]
                if upcoming is not None:
                    left = upcoming - datetime.now().astimezone()
                    return f"{upcoming.strftime('%A %d %B %Y, %H:%M %Z')} (in {time_until_text(left)})"
                return (
                    "Disabled: never runs on its own"
                    if not definition.enabled and definition.schedule
                    else "Manual: runs only when you press Run now"
                )
            case DefinitionColumn.NAME:
                return definition.description or None
        return None


def time_until_text(left: timedelta) -> str:
    """A rough time span: "less than a minute", "5 min", "3 h 20 min", "2 days"."""
    minutes = max(0, int(left.total_seconds() // 60))
    if minutes == 0:
        return "less than a minute"  # "in 0 min" read as "now", or as already past
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours // 24} days"
