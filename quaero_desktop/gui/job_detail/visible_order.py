"""Which pages a sorted, filtered Pages table shows, and in what order (plain Python, no Qt).

A QSortFilterProxyModel over a Python model calls ``data()`` from C++ for every comparison:
sorting 100,000 rows took 5-11 s and filtering 0.5-1.2 s here. So the table sorts and
filters with list operations instead. ``order`` holds positions into the model's rows
(discovery order), ascending by ``(sort key, position)``; a descending sort reads it from
the end. A row's visible place is found by bisection, so one changed row costs O(log n)
key look-ups, and a sort or filter change is one list sort. With no sort and no filter
``order`` is None and a row's place is its position.
"""

from __future__ import annotations

from bisect import bisect_left

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.job_detail.child_rows import (
    SORT_KEYS,
    STABLE_COLUMNS,
    ChildColumn,
    ChildRow,
    SortKey,
    SortValue,
)

NATURAL_ORDER = -1  # no sort column: discovery order


class VisibleOrder:
    def __init__(self, rows: list[ChildRow]) -> None:
        self.rows = rows  # the model's list (the model replaces it on reset)
        self.order: list[int] | None = None
        self.sort_column = NATURAL_ORDER
        self.descending = False
        self.status_filter: JobStatus | None = None
        self.text_filter = ""  # case-folded
        self._key: SortKey | None = None

    # ----- settings (call rebuild() afterwards) -----

    def set_sort(self, column: int, descending: bool) -> None:
        self.sort_column = column if column in SORT_KEYS else NATURAL_ORDER
        self._key = SORT_KEYS[ChildColumn(column)] if column in SORT_KEYS else None
        self.descending = descending and self._key is not None

    def set_filters(self, status: JobStatus | None, text: str) -> None:
        """Show only pages with ``status`` (None: any) whose URL contains ``text`` (case-folded)."""
        self.status_filter = status
        self.text_filter = text

    def rebuild(self) -> None:
        if self._key is None and self.status_filter is None and not self.text_filter:
            self.order = None
            return
        rows, key = self.rows, self._key
        if self.status_filter is None and not self.text_filter:
            order = list(range(len(rows)))
        else:
            order = [p for p, row in enumerate(rows) if self.accepts(row)]
        if key is not None:
            # Each row's key once, then a sort that looks keys up in C: half the Python calls of a
            # key function per position, which matters when a crawl's threads take the GIL in turns.
            keys = list(map(key, rows))
            order.sort(key=keys.__getitem__)  # stable: ties stay in discovery order
        self.order = order

    # ----- questions -----

    def accepts(self, row: ChildRow) -> bool:
        if self.status_filter is not None and row.status != self.status_filter:
            return False
        return not self.text_filter or self.text_filter in row.url.casefold()

    def follows_status(self) -> bool:
        """Can a status change move a row, show or hide it?"""
        return self.order is not None and (
            self.status_filter is not None or (self._key is not None and self.sort_column not in STABLE_COLUMNS)
        )

    def count(self) -> int:
        return len(self.rows) if self.order is None else len(self.order)

    def position_at(self, visible_row: int) -> int:
        """The rows' position shown at ``visible_row``."""
        if self.order is None:
            return visible_row
        return self.order[len(self.order) - 1 - visible_row if self.descending else visible_row]

    def visible_row(self, position: int) -> int | None:
        """Where the row at ``position`` is shown (None: filtered out). Valid while the order is sorted."""
        if self.order is None:
            return position
        order = self.order
        at = bisect_left(order, self._order_key(position), key=self._order_key)
        if at < len(order) and order[at] == position:
            return self._visible(at, len(order))
        return None

    def insertion_row(self, position: int) -> int:
        """Where a row that is not shown yet (but accepted) would be shown."""
        assert self.order is not None
        at = bisect_left(self.order, self._order_key(position), key=self._order_key)
        return len(self.order) - at if self.descending else at

    def new_row_of(self, visible_row: int) -> int:
        """Where the row shown at ``visible_row``, whose key changed, belongs (as a visible row)."""
        order = self.order
        assert order is not None
        old_at = self._ascending(visible_row)
        key = self._order_key(order[old_at])
        new_at = old_at
        if old_at > 0 and key < self._order_key(order[old_at - 1]):
            new_at = bisect_left(order, key, 0, old_at, key=self._order_key)
        elif old_at + 1 < len(order) and self._order_key(order[old_at + 1]) < key:
            new_at = bisect_left(order, key, old_at + 1, len(order), key=self._order_key) - 1
        return self._visible(new_at, len(order))

    # ----- changes (the model announces them to Qt around these calls) -----

    def insert(self, position: int) -> None:
        assert self.order is not None
        self.order.insert(bisect_left(self.order, self._order_key(position), key=self._order_key), position)

    def remove(self, visible_row: int) -> None:
        assert self.order is not None
        del self.order[self._ascending(visible_row)]

    def move(self, visible_row: int, to_row: int) -> None:
        assert self.order is not None
        target = self._ascending(to_row)  # its index in the final list (same length as now)
        position = self.order.pop(self._ascending(visible_row))  # two memmoves: cheaper than shifting a slice
        self.order.insert(target, position)

    # ----- internals -----

    def _order_key(self, position: int) -> tuple[SortValue, int]:
        """``order`` ascends by this. With no sort column every row's key ties, so the position decides."""
        key = self._key
        return (0 if key is None else key(self.rows[position]), position)

    def _ascending(self, visible_row: int) -> int:
        assert self.order is not None
        return len(self.order) - 1 - visible_row if self.descending else visible_row

    def _visible(self, ascending_index: int, size: int) -> int:
        return size - 1 - ascending_index if self.descending else ascending_index
