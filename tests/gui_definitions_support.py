"""Shared by the Definitions view's tests (tests/test_gui_definitions*.py): showing the view, and a
definition's cell as the table shows it."""

from __future__ import annotations

from quaero_desktop.gui.definitions.definitions_model import DefinitionColumn


def _panel(window):
    window.show_view(window.definitions)
    return window.definitions


def _cell(panel, definition_id: str, column: DefinitionColumn) -> str:
    return panel.model.index(panel.model.row_of(definition_id), column).data()
