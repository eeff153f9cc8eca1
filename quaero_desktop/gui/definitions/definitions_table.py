"""How the Definitions view's list looks: its columns, widths and behaviour (the panel wires it up)."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from quaero_desktop.gui.definitions.definitions_model import DefinitionColumn

COLUMN_WIDTHS = {
    DefinitionColumn.NAME: 210,
    DefinitionColumn.ID: 150,
    DefinitionColumn.SCHEDULE: 110,
    DefinitionColumn.NEXT_RUN: 140,
    DefinitionColumn.LOGIN: 120,
    DefinitionColumn.ENABLED: 70,
}
SCHEDULE_SAMPLES = ("every day at 09:00", "weekdays at 18:30", "every 6 hours")
COMPACT_HIDDEN = (DefinitionColumn.ID, DefinitionColumn.LOGIN, DefinitionColumn.ENABLED)


def configure_definitions_table(table: QTableView, model: QSortFilterProxyModel) -> None:
    """One row per definition, sorted by name, the start URL taking the spare width."""
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSortingEnabled(True)
    table.sortByColumn(DefinitionColumn.NAME, Qt.SortOrder.AscendingOrder)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(30)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(DefinitionColumn.START_URL, QHeaderView.ResizeMode.Stretch)
    header.setHighlightSections(False)
    for column, width in COLUMN_WIDTHS.items():
        table.setColumnWidth(column, width)
    # Schedules are words now ("weekdays at 18:30"): the column fits the usual ones in the table's font.
    usual = max(table.fontMetrics().horizontalAdvance(text) for text in SCHEDULE_SAMPLES) + 24
    table.setColumnWidth(DefinitionColumn.SCHEDULE, max(COLUMN_WIDTHS[DefinitionColumn.SCHEDULE], usual))
