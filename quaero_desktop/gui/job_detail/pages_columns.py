"""Which columns the Pages table shows: a menu of its columns (on the header's right-click and the window's
toolbar), the choice kept in the window's settings so every job's window opens with it. URL is always
shown: a row without it names nothing."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, QSettings, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QTableView, QWidget

from quaero_desktop.gui.job_detail.child_rows import HEADERS, ChildColumn

HIDDEN_KEY = "job_detail/pages_hidden_columns"


class PagesColumns(QObject):
    changed = Signal()

    def __init__(self, table: QTableView, settings: QSettings) -> None:
        super().__init__(table)
        self._table = table
        self._settings = settings
        for column in self._stored_hidden():
            table.setColumnHidden(column, True)
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)

    def menu(self, parent: QWidget) -> QMenu:
        """A menu with a checkable entry per column (built when shown: it reflects the table then)."""
        menu = QMenu("Columns", parent)
        menu.aboutToShow.connect(lambda: self._fill(menu))
        return menu

    def shown(self) -> list[ChildColumn]:
        """The shown columns, in the order the user arranged them."""
        header = self._table.horizontalHeader()
        by_place = sorted(ChildColumn, key=header.visualIndex)
        return [column for column in by_place if not self._table.isColumnHidden(column)]

    def set_shown(self, column: ChildColumn, shown: bool) -> None:
        if column == ChildColumn.URL:
            return
        self._table.setColumnHidden(column, not shown)
        hidden = [int(c) for c in ChildColumn if self._table.isColumnHidden(c)]
        self._settings.setValue(HIDDEN_KEY, ",".join(map(str, hidden)))
        self.changed.emit()

    def _fill(self, menu: QMenu) -> None:
        menu.clear()
        for column in ChildColumn:
            action = QAction(HEADERS[column], menu, checkable=True)
            action.setChecked(not self._table.isColumnHidden(column))
            action.setEnabled(column != ChildColumn.URL)
            action.toggled.connect(lambda checked, column=column: self.set_shown(column, checked))
            menu.addAction(action)

    def _header_menu(self, position: QPoint) -> None:
        menu = self.menu(self._table)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self._table.horizontalHeader().mapToGlobal(position))

    def _stored_hidden(self) -> list[ChildColumn]:
        stored = str(self._settings.value(HIDDEN_KEY, "") or "")
        known = {int(column) for column in ChildColumn} - {int(ChildColumn.URL)}
        return [ChildColumn(int(part)) for part in stored.split(",") if part.strip().isdigit() and int(part) in known]
