"""Keeps the Pages table's selected page selected and in view while rows move under it.

The model keeps the selection on the same page through a sort, a filter or a live update
(persistent indexes follow the page). This helper adds what a user expects on top:

* the selected page stays where it was on screen when it was in view (a live update or a new
  page above it does not push it away); after a sort or filter change it is brought into view;
* a page hidden by a filter is selected again when a later filter shows it again.

Live updates come in batches (``holding()`` around each), so a batch of 500 row moves costs
one look at the selection, not 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject
from PySide6.QtWidgets import QAbstractItemView, QTableView

from quaero_desktop.gui.job_detail.child_rows import ChildRow
from quaero_desktop.gui.job_detail.children_model import CHILD_ROLE, ChildrenTableModel


@dataclass(frozen=True)
class _Anchor:
    page_id: str
    top: int | None  # the row's top in the viewport when it was in view, else None
    rows: int  # rows shown before the change


class SelectedPageKeeper(QObject):
    def __init__(self, table: QTableView, model: ChildrenTableModel) -> None:
        super().__init__(table)
        self._table = table
        self._model = model
        self._page_id: str | None = None  # the page the user selected last (kept while a filter hides it)
        self._anchor: _Anchor | None = None
        self._depth = 0  # nested holding() calls: only the outermost one restores
        model.layoutAboutToBeChanged.connect(self._layout_about_to_change)
        model.layoutChanged.connect(self._layout_changed)
        table.selectionModel().selectionChanged.connect(self._selection_changed)

    @contextmanager
    def holding(self, *, bring_into_view: bool = False) -> Iterator[None]:
        """Around a change to the rows: afterwards the selected page is where it was on screen
        (when it was in view), or, with ``bring_into_view``, scrolled into view."""
        if self._depth == 0:
            self._anchor = self._take_anchor()
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                anchor, self._anchor = self._anchor, None
                self._restore(anchor, bring_into_view=bring_into_view)

    # ----- the model's layout changes (a header click sorts without going through holding()) -----

    def _layout_about_to_change(self) -> None:
        if self._depth == 0:
            self._anchor = self._take_anchor()
        self._depth += 1

    def _layout_changed(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            anchor, self._anchor = self._anchor, None
            self._restore(anchor, bring_into_view=True)

    # ----- internals -----

    def _selection_changed(self) -> None:
        if self._depth:
            return  # the rows moved or were hidden: not the user's choice
        page = self._current_page()
        self._page_id = page.id if page is not None else None

    def _current_page(self) -> ChildRow | None:
        selection = self._table.selectionModel()
        current = self._table.currentIndex()
        if current.isValid() and selection.isRowSelected(current.row(), QModelIndex()):
            page: ChildRow = current.data(CHILD_ROLE)
            return page
        rows = selection.selectedRows()
        return rows[0].data(CHILD_ROLE) if rows else None

    def _take_anchor(self) -> _Anchor | None:
        if self._page_id is None:
            return None
        current = self._table.currentIndex()
        top: int | None = None
        if current.isValid() and current.data(CHILD_ROLE).id == self._page_id:
            rect = self._table.visualRect(current)
            if rect.isValid() and self._table.viewport().rect().intersects(rect):
                top = rect.top()
        return _Anchor(self._page_id, top, self._model.rowCount())

    def _restore(self, anchor: _Anchor | None, *, bring_into_view: bool) -> None:
        if anchor is None:
            return
        table = self._table
        index: QModelIndex | None = table.currentIndex()
        if index is None or not index.isValid() or index.data(CHILD_ROLE).id != anchor.page_id:
            index = self._reselect(anchor.page_id)
        if index is None:
            return
        if self._model.rowCount() != anchor.rows:
            table.executeDelayedItemsLayout()  # the scroll range must cover the rows shown now
        if anchor.top is not None:
            self._scroll_by(table.visualRect(index).top() - anchor.top)
        elif bring_into_view:
            table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _reselect(self, page_id: str) -> QModelIndex | None:
        """The page is shown again after a filter hid it: select it again if nothing else is."""
        if self._table.selectionModel().hasSelection():
            return None
        row = self._model.visible_row_of(page_id)
        if row is None:
            return None
        index = self._model.index(row, max(0, self._table.currentIndex().column()))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self._depth += 1  # not the user's choice either
        try:
            self._table.selectionModel().setCurrentIndex(index, flags)
        finally:
            self._depth -= 1
        return index

    def _scroll_by(self, pixels: int) -> None:
        if not pixels:
            return
        table = self._table
        if table.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerItem:
            rows = round(pixels / table.verticalHeader().defaultSectionSize())  # the table's rows are uniform
            table.verticalScrollBar().setValue(table.verticalScrollBar().value() + rows)
        else:
            table.verticalScrollBar().setValue(table.verticalScrollBar().value() + pixels)
