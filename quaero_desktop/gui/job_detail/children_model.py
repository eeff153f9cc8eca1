"""The Pages table: every child of one job, sorted and filtered here, updated in place.

Built for 100,000 rows: sorting and filtering happen in ``VisibleOrder`` (list operations;
a QSortFilterProxyModel measured 5-11 s to sort 100,000 Python rows), so a status change
costs one ``dataChanged`` for its row (or one move when it changes the row's place).

Events may arrive before the rows they describe (a page starts before the window has read
it from the store) and while a store read is in flight. Those events wait in ``_stash`` and
are applied once the rows arrive, unless the store already shows the page further along.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.engine.events import ChildStatusChanged
from quaero_desktop.gui.job_detail.child_rows import HEADERS, ChildColumn, ChildRow, partial_display, stage
from quaero_desktop.gui.job_detail.visible_order import VisibleOrder
from quaero_desktop.gui.style import status_colour, status_icon
from quaero_desktop.services.jobs import PageListing

CHILD_ROLE = Qt.ItemDataRole.UserRole + 1
BULK_CHANGES = 500  # above this many events at once, sort everything again instead of moving rows one by one

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_NUMERIC = frozenset({int(ChildColumn.DEPTH), int(ChildColumn.HTTP), int(ChildColumn.TIME)})
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_DISPLAY_BY_COLUMN = [partial_display(column) for column in ChildColumn]
_Index = QModelIndex | QPersistentModelIndex


class ChildrenTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ChildRow] = []
        self._position: dict[str, int] = {}  # child id -> position in _rows
        self._view = VisibleOrder(self._rows)
        self._stash: dict[str, ChildStatusChanged] = {}
        self._holding = False
        self._running: set[int] = set()  # positions of running rows: their Time cell ticks
        self._looks: dict[JobStatus, tuple[QColor, QIcon]] = {}
        hints = QGuiApplication.styleHints()
        if hints is not None:
            hints.colorSchemeChanged.connect(self._looks.clear)

    # ----- Qt model interface -----

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._view.count()

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ChildColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[ChildColumn(section)]
        return None

    def data(self, index: _Index, role: int = _DISPLAY) -> object:
        """Called for every painted cell and role: int comparisons only, no enum construction."""
        if not index.isValid():
            return None
        column = index.column()
        if role == _DISPLAY:
            return _DISPLAY_BY_COLUMN[column](self.row_at(index.row()))
        if role == _FOREGROUND:
            if column == ChildColumn.STATUS:
                return self._look(self.row_at(index.row()).status)[0]
            if column == ChildColumn.NOTE and self.row_at(index.row()).error:
                return self._look(JobStatus.FAILED)[0]
            return None
        if role == _DECORATION:
            return self._look(self.row_at(index.row()).status)[1] if column == ChildColumn.STATUS else None
        if role == _ALIGNMENT:
            return _RIGHT if column in _NUMERIC else None
        if role == _TOOLTIP:
            return _tooltip(self.row_at(index.row()), column)
        if role == CHILD_ROLE:
            return self.row_at(index.row())
        return None

    def _look(self, status: JobStatus) -> tuple[QColor, QIcon]:
        """A status's colour and icon (cached: asked for on every paint; cleared when the theme changes)."""
        look = self._looks.get(status)
        if look is None:
            look = self._looks[status] = (status_colour(status), status_icon(status))
        return look

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Called by the view when a header is clicked; column -1 restores discovery order."""
        self._relayout(lambda: self._view.set_sort(column, order == Qt.SortOrder.DescendingOrder))

    # ----- reading -----

    @property
    def total(self) -> int:
        """Every page of the job (filtered out or not)."""
        return len(self._rows)

    def row_at(self, visible_row: int) -> ChildRow:
        return self._rows[self._view.position_at(visible_row)]

    def visible_row_of(self, child_id: str) -> int | None:
        """Where the page is shown (None: unknown or filtered out)."""
        position = self._position.get(child_id)
        return None if position is None else self._view.visible_row(position)

    def row_for(self, child_id: str) -> ChildRow | None:
        position = self._position.get(child_id)
        return None if position is None else self._rows[position]

    # ----- filters -----

    def set_status_filter(self, status: JobStatus | None) -> None:
        if status != self._view.status_filter:
            self._relayout(lambda: self._view.set_filters(status, self._view.text_filter))

    def set_text_filter(self, text: str) -> None:
        text = text.strip().casefold()
        if text != self._view.text_filter:
            self._relayout(lambda: self._view.set_filters(self._view.status_filter, text))

    # ----- loading from the store -----

    def hold_events(self) -> None:
        """A store read starts: remember events until its rows are merged (they may be newer)."""
        self._holding = True

    def stop_holding(self) -> None:
        """The store read failed: stop remembering events (they were applied when they came)."""
        self._absorb_stash()

    def reset(self, rows: list[ChildRow]) -> None:
        """Replace everything (``rows`` in discovery order)."""
        self.beginResetModel()
        self._rows = self._view.rows = list(rows)
        self._position = {row.id: position for position, row in enumerate(self._rows)}
        self._absorb_stash()
        self._running = {p for p, row in enumerate(self._rows) if row.status == JobStatus.RUNNING}
        self._view.rebuild()
        self.endResetModel()

    def append(self, rows: Iterable[ChildRow]) -> int:
        """Pages created since the last read, in discovery order; returns how many were new."""
        fresh = [row for row in rows if row.id not in self._position]
        if not fresh:
            return 0
        first = len(self._rows)
        for offset, row in enumerate(fresh):
            self._position[row.id] = first + offset
        self._apply_stash_to(fresh)
        positions = range(first, first + len(fresh))
        self._running.update(p for p, row in zip(positions, fresh, strict=True) if row.status == JobStatus.RUNNING)
        if self._view.order is None:
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self.endInsertRows()
        elif len(fresh) > BULK_CHANGES:
            self._rows.extend(fresh)
            self._relayout()
        else:
            self._rows.extend(fresh)
            for position in positions:
                if self._view.accepts(self._rows[position]):
                    self._insert_visible(position)
        return len(fresh)

    def differing(self, stored: list[PageListing]) -> list[ChildRow]:
        """Rows for the pages of a fresh read that are new or differ from the rows shown.

        Only reads, so it runs on the worker thread that read the store and ``merge`` gets a
        short list: comparing 100,000 rows on the GUI thread would block it for ~0.4 s. A row
        an event changes meanwhile is safe either way: held events are applied after the merge.
        """
        rows, position = self._rows, self._position
        out = []
        for child in stored:
            at = position.get(child.id)
            if at is None or at >= len(rows) or not rows[at].same_as(child):
                out.append(ChildRow.from_listing(child))
        return out

    def merge(self, rows: list[ChildRow], *, authoritative: bool) -> None:
        """A fresh read of pages (all, or only those ``differing``): update rows in place
        (no reset: selection and scroll stay) and append the new ones.

        ``authoritative``: the store is the truth (the job stopped or restarted, so pages may
        have moved back to pending or been cancelled without events). Otherwise a row that an
        event already moved further along keeps the event's values.
        """
        changed: list[int] = []
        new: list[ChildRow] = []
        for stored in rows:
            position = self._position.get(stored.id)
            if position is None:
                new.append(stored)
                continue
            row = self._rows[position]
            if not authoritative and stage(stored.status) < stage(row.status):
                continue
            if row.copy_from(stored):
                changed.append(position)
        changed.extend(self._absorb_stash())
        for position in changed:
            if self._rows[position].status == JobStatus.RUNNING:
                self._running.add(position)
            else:
                self._running.discard(position)
        if self._view.order is None:
            self._emit_changed(changed)
        elif changed:
            self._relayout()
        self.append(new)

    # ----- live events -----

    def apply(self, events: list[ChildStatusChanged]) -> None:
        """Status changes (latest per child, in order), from the engine via the bridge."""
        now = datetime.now(UTC)
        moves_possible = self._view.follows_status()
        bulk = moves_possible and len(events) > BULK_CHANGES
        changed: list[int] = []
        for event in events:
            position = self._position.get(event.child_id)
            if position is None:
                self._stash[event.child_id] = event
                continue
            if self._holding:  # kept even if refused below: the read may show the page behind it
                self._stash[event.child_id] = event
            if stage(event.status) < stage(self._rows[position].status):
                continue  # older than what a store read already showed (pages never go back within a run)
            if not moves_possible or bulk:
                self._apply_event(position, event, now)
                changed.append(position)
                continue
            before = self._view.visible_row(position)
            self._apply_event(position, event, now)
            if self._settle(position, before):
                changed.append(position)
        if bulk:
            self._relayout()
        else:
            self._emit_changed(changed)

    def tick(self) -> None:
        """Running pages' Time cells change every second."""
        for position in self._running:
            visible = self._view.visible_row(position)
            if visible is not None:
                cell = self.index(visible, ChildColumn.TIME)
                self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.DisplayRole])

    # ----- internals: rows -----

    def _apply_event(self, position: int, event: ChildStatusChanged, now: datetime) -> None:
        self._rows[position].apply(event, now)
        if event.status == JobStatus.RUNNING:
            self._running.add(position)
        else:
            self._running.discard(position)

    def _apply_stash_to(self, rows: Iterable[ChildRow]) -> None:
        """Events that came before these rows: applied unless the store already shows more."""
        if not self._stash:
            return
        now = datetime.now(UTC)
        for row in rows:
            event = self._stash.pop(row.id, None)
            if event is not None and stage(event.status) > stage(row.status):
                row.apply(event, now)

    def _absorb_stash(self) -> list[int]:
        """After a store read: apply held events for rows we have; returns their positions."""
        self._holding = False
        known = [child_id for child_id in self._stash if child_id in self._position]
        positions = [self._position[child_id] for child_id in known]
        self._apply_stash_to([self._rows[p] for p in positions])
        return positions

    # ----- internals: announcing order changes to Qt -----

    def _insert_visible(self, position: int) -> None:
        visible = self._view.insertion_row(position)
        self.beginInsertRows(QModelIndex(), visible, visible)
        self._view.insert(position)
        self.endInsertRows()

    def _settle(self, position: int, before: int | None) -> bool:
        """Put a changed row where it now belongs; True when it stayed in place (only its data changed)."""
        view = self._view
        accepted = view.accepts(self._rows[position])
        if before is None:
            if accepted:
                self._insert_visible(position)
            return False
        if not accepted:
            self.beginRemoveRows(QModelIndex(), before, before)
            view.remove(before)
            self.endRemoveRows()
            return False
        after = view.new_row_of(before)
        if after == before:
            return True
        self.beginMoveRows(QModelIndex(), before, before, QModelIndex(), after if after < before else after + 1)
        view.move(before, after)
        self.endMoveRows()
        self._emit_changed([position])
        return False

    def _relayout(self, change: Callable[[], None] | None = None) -> None:
        """Sort and filter again (after ``change`` to the sort or filters): one layout change.

        Selected rows stay selected where they are still shown: persistent indexes (the view's
        selection and current row) are read as pages *before* the change, since a new sort
        order or direction changes which page a row number means."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        count = self._view.count()
        positions = [self._view.position_at(i.row()) if 0 <= i.row() < count else None for i in persistent]
        if change is not None:
            change()
        self._view.rebuild()
        moved = []
        for index, position in zip(persistent, positions, strict=True):
            visible = None if position is None else self._view.visible_row(position)
            moved.append(QModelIndex() if visible is None else self.index(visible, index.column()))
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _emit_changed(self, positions: list[int]) -> None:
        """One dataChanged per run of adjacent visible rows (only the cells an event can change)."""
        visible = sorted({v for v in map(self._view.visible_row, positions) if v is not None})
        start = 0
        while start < len(visible):
            end = start
            while end + 1 < len(visible) and visible[end + 1] == visible[end] + 1:
                end += 1
            self.dataChanged.emit(
                self.index(visible[start], ChildColumn.STATUS), self.index(visible[end], ChildColumn.NOTE)
            )
            start = end + 1


def _tooltip(row: ChildRow, column: int) -> str | None:
    if column == ChildColumn.URL:
        return row.url
    if column == ChildColumn.TITLE:
        return row.title or None
    if column == ChildColumn.FOUND_ON:
        return f"Found on {row.found_on}" if row.found_on else "A start URL of the crawl"
    if column == ChildColumn.NOTE:
        return row.remark or None
    return None
