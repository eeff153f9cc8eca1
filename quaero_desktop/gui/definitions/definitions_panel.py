"""The Definitions view: stored crawl definitions, a form to create and edit them, import/export, Run now.

The form is a side pane beside the list while a definition is edited: the list stays in view (the saved row appears
beside the form) with its essential columns only, and the form gets the window's full height.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPoint, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QLineEdit,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from quaero_desktop.domain.definition import JobDefinition, copy_id
from quaero_desktop.gui.actions import toolbar_action
from quaero_desktop.gui.async_tasks import in_thread
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.definitions.definition_editor import DefinitionEditor, EditorMode
from quaero_desktop.gui.definitions.definition_flows import DefinitionFlows
from quaero_desktop.gui.definitions.definitions_model import (
    DEFINITION_ROLE,
    SORT_ROLE,
    DefinitionsTableModel,
)
from quaero_desktop.gui.definitions.definitions_table import COMPACT_HIDDEN, configure_definitions_table
from quaero_desktop.gui.definitions.field_checks import definition_defaults
from quaero_desktop.gui.empty_state import empty_state_label

log = logging.getLogger(__name__)
EMPTY_TEXT = "No definitions yet — New… (Ctrl+N) or Import… (Ctrl+I) one."
EMPTY_DETAIL = (
    "A definition says what to crawl: start URLs, which links to follow, limits,\n"
    "and optionally a saved login and a schedule."
)
EDITOR_WIDTH = 600
LIST_MINIMUM_WIDTH = 170
EDITOR_MINIMUM_WIDTH = 400
NEXT_RUN_REFRESH_MS = 30_000

LoginLister = Callable[[], list[tuple[str, str]]]  # (auth_id, name) of every saved login


class DefinitionsPanel(QWidget):
    runRequested = Signal(JobDefinition)  # the main window runs it and shows the Jobs view
    definitionsChanged = Signal()  # this view saved, imported or deleted one

    def __init__(
        self, context: GuiContext, parent: QWidget | None = None, *, list_logins: LoginLister | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._list_logins = list_logins or self._vault_logins
        self._generation = 0  # bumped by every change this view makes (a reload started before it re-reads)
        self._shown_once = False
        self.model = DefinitionsTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView(self)
        self.editor = DefinitionEditor(self)
        self.editor.fields.tester.use_preview(context.app.previews, context.tasks)
        self.flows = DefinitionFlows(context)
        self._build_table()
        self._build_actions()
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.editor)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        # At the window's narrowest (608 px) the list keeps room for its names (it shrank to ~50 px)
        # and the form, whose text wraps, takes the rest.
        self.table.setMinimumWidth(LIST_MINIMUM_WIDTH)
        self.editor.setMinimumWidth(EDITOR_MINIMUM_WIDTH)
        self.editor.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.splitter, 1)

        self.editor.saveRequested.connect(self._on_save_requested)
        self.editor.closeRequested.connect(self._on_close_requested)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        # The source's signals, not the proxy's: the proxy drops rows before the source has removed them.
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved, self.model.dataChanged):
            signal.connect(self._update_placeholder)
        self._next_run_timer = QTimer(self, interval=NEXT_RUN_REFRESH_MS)
        self._next_run_timer.timeout.connect(self._refresh_next_runs)
        self._next_run_timer.start()
        self._update_actions()
        self._update_placeholder()

    # ----- building -----

    def _build_table(self) -> None:
        table = self.table
        configure_definitions_table(table, self.proxy)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._context_menu)
        table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.placeholder = empty_state_label(table)

    def _build_actions(self) -> None:
        self.toolbar = QToolBar("Definitions", self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        panel, table = self, self.table
        self.action_new = self._action("New…", ["Ctrl+N"], self.new_definition, "Create a definition", panel)
        self.action_edit = self._action(
            "Edit", ["Return"], self.edit_selected, "Edit the selected definition (or double-click it)", table
        )
        self.action_duplicate = self._action(
            "Duplicate", ["Ctrl+D"], self.duplicate_selected, "Copy the selected definition under a new ID", table
        )
        self.action_delete = self._action(
            "Delete…", ["Delete"], self.delete_selected, "Delete the selected definition", table
        )
        self.toolbar.addSeparator()
        self.action_import = self._action(
            "Import…", ["Ctrl+I"], self.import_file, "Store a definition from a TOML or JSON file", panel
        )
        self.action_export = self._action(
            "Export…", ["Ctrl+E"], self.export_selected, "Write the selected definition to a TOML or JSON file", table
        )
        self.toolbar.addSeparator()
        self.action_run = self._action(
            "Run now", ["Ctrl+Return", "Ctrl+Enter"], self.run_selected, "Crawl the selected definition now", table
        )
        spacer = QWidget(self.toolbar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.filter_edit = QLineEdit(self.toolbar)
        self.filter_edit.setPlaceholderText("Filter by name, ID or URL (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setFixedWidth(280)
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.toolbar.addWidget(self.filter_edit)  # Ctrl+F: the window's Find, which comes here in this view

    def focus_search(self) -> None:
        """Put the cursor in the filter (the window's Find, Ctrl+F)."""
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def _action(self, text: str, shortcuts: list[str], slot: Callable[[], object], tip: str, owner: QWidget) -> QAction:
        """A toolbar action whose shortcut works while ``owner`` (the view, or only the list) has focus."""
        return toolbar_action(self.toolbar, owner, text, shortcuts, slot, tip)

    # ----- loading -----

    async def reload(self) -> None:
        """Fill the list from the store (keeps the selection)."""
        while True:
            generation = self._generation
            records = await in_thread(self._context.app.definitions.list)
            if generation == self._generation:
                break
        selected = self.selected()
        self.model.schedules_paused = self._context.app.settings.schedules_paused
        self.model.reset([record.definition for record in records])
        if selected is not None:
            self.select_definition(selected.id)
        if self.selected() is None and self.proxy.rowCount():
            self.table.selectRow(0)  # the actions work at once
        self._update_actions()

    def _refresh_next_runs(self) -> None:
        self.model.refresh_next_runs(schedules_paused=self._context.app.settings.schedules_paused)

    def showEvent(self, event: QShowEvent) -> None:
        """Coming back to the view re-reads the store (the command line may have changed it)."""
        super().showEvent(event)
        self._refresh_next_runs()
        if self._shown_once:
            self._context.tasks.start(self.reload(), what="Loading definitions")
        self._shown_once = True

    def changed(self, definition: JobDefinition | None = None, removed_id: str | None = None) -> None:
        """Show a change this view made to the store, at once."""
        self._generation += 1
        self.definitionsChanged.emit()
        if definition is not None:
            self.model.upsert(definition)
            self.select_definition(definition.id)
        if removed_id is not None:
            self.model.remove(removed_id)
            if (
                not self.editor.isHidden()
                and self.editor.mode == EditorMode.EDIT
                and self.editor.original_id == removed_id
            ):
                self.close_editor()
        self._update_actions()

    def _vault_logins(self) -> list[tuple[str, str]]:
        try:
            return [(summary.auth_id, summary.name) for summary in self._context.app.vault.summaries()]
        except Exception:  # the form stays usable without the list; the id can still be typed
            log.warning("cannot list saved logins", exc_info=True)
            return []

    # ----- selection -----

    def selected(self) -> JobDefinition | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(DEFINITION_ROLE) if rows else None

    def select_definition(self, definition_id: str) -> None:
        position = self.model.row_of(definition_id)
        if position is None:
            return
        index = self.proxy.mapFromSource(self.model.index(position, 0))
        if index.isValid():
            self.table.selectRow(index.row())
            self.table.scrollTo(index)

    def _update_actions(self) -> None:
        chosen = self.selected() is not None
        for action in (
            self.action_edit,
            self.action_duplicate,
            self.action_delete,
            self.action_export,
            self.action_run,
        ):
            action.setEnabled(chosen)

    # ----- the editor -----

    def new_definition(self) -> None:
        defaults = definition_defaults(concurrency=self._context.app.settings.default_concurrency)
        self._context.tasks.start(self.open_editor(defaults, EditorMode.NEW), what="Opening the form")

    def edit_selected(self) -> None:
        definition = self.selected()
        if definition is not None:
            self._context.tasks.start(
                self.open_editor(definition.to_mapping(), EditorMode.EDIT), what="Opening the form"
            )

    def duplicate_selected(self) -> None:
        definition = self.selected()
        if definition is None:
            return
        copy = copy_id(definition.id, set(self.model.definition_ids()))
        values = {**definition.to_mapping(), "id": copy, "name": f"{definition.name} (copy)"}
        self._context.tasks.start(self.open_editor(values, EditorMode.COPY), what="Opening the form")

    async def open_editor(self, values: dict[str, object], mode: EditorMode) -> bool:
        """Show the form with ``values``; asks first when the open form has unsaved changes."""
        if not self.editor.isHidden() and self.editor.is_dirty:
            what = f"“{self.editor.original_id}”" if self.editor.mode == EditorMode.EDIT else "the new definition"
            if not await self._context.dialogs.confirm(
                "Discard changes?", f"Discard the unsaved changes to {what}?", ok="Discard"
            ):
                return False
        logins = await in_thread(self._list_logins)
        self.editor.load(values, mode, logins)
        if self.editor.isHidden():
            self._set_compact(True)
            self.editor.show()
            total = max(self.splitter.width(), EDITOR_WIDTH * 2)
            self.splitter.setSizes([total - EDITOR_WIDTH, EDITOR_WIDTH])
        self.editor.focus_first_field()
        return True

    async def edit_adding_exclude(self, definition: JobDefinition, pattern: str, test_url: str) -> bool:
        """The form on ``definition`` with ``pattern`` added to its excludes, unsaved, testing ``test_url``."""
        if not await self.open_editor(definition.to_mapping(), EditorMode.EDIT):
            return False  # the user kept the unsaved changes of the open form
        self.select_definition(definition.id)
        self.editor.add_exclude_pattern(pattern, test_url)
        return True

    def _on_close_requested(self) -> None:
        """Cancel / Esc: close the form, asking first when it has unsaved changes."""
        if not self.editor.is_dirty:
            self.close_editor()
            return

        async def ask_then_close() -> None:
            if await self._context.dialogs.confirm(
                "Discard changes?", "Close the form and discard its unsaved changes?", ok="Discard"
            ):
                self.close_editor()

        self._context.tasks.start(ask_then_close(), what="Closing the form")

    def close_editor(self) -> None:
        self.editor.hide()
        self._set_compact(False)
        self.table.setFocus()

    def _set_compact(self, compact: bool) -> None:
        for column in COMPACT_HIDDEN:
            self.table.setColumnHidden(column, compact)

    def _on_save_requested(self, definition: JobDefinition) -> None:
        self._context.tasks.start(self._save(definition), what=f"Saving '{definition.name}'")

    async def _save(self, definition: JobDefinition) -> None:
        self.editor.set_busy(True)
        try:
            saved = await self.flows.save(definition, replacing=self.editor.mode == EditorMode.EDIT)
        finally:
            self.editor.set_busy(False)
        if saved:
            self.editor.mark_saved()
            self.close_editor()
            self.changed(definition)
            self.notify(f"Saved “{definition.name}”.")

    # ----- actions -----

    def delete_selected(self) -> None:
        definition = self.selected()
        if definition is not None:
            self._context.tasks.start(self._delete(definition), what="Deleting the definition")

    async def _delete(self, definition: JobDefinition) -> None:
        if await self.flows.delete(definition):
            self.changed(removed_id=definition.id)
            self.notify(f"Deleted “{definition.name}”.")

    def import_file(self) -> None:
        self._context.tasks.start(self._import(), what="Importing a definition")

    async def _import(self) -> None:
        imported = await self.flows.import_file()
        if imported is not None:
            definition, path = imported
            self.changed(definition)
            self.notify(f"Imported “{definition.name}” from {path.name}.")

    def export_selected(self) -> None:
        definition = self.selected()
        if definition is not None:
            self._context.tasks.start(self._export(definition), what="Exporting the definition")

    async def _export(self, definition: JobDefinition) -> None:
        path = await self.flows.export(definition)
        if path is not None:
            self.notify(f"Exported “{definition.name}” to {path}.")

    def run_selected(self) -> None:
        definition = self.selected()
        if definition is not None:
            self.runRequested.emit(definition)  # the Jobs view says "Starting …" while it is so

    def notify(self, text: str) -> None:
        """A short confirmation in the window's status bar."""
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 5000)

    # ----- list details -----

    def _apply_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_placeholder()
        self._update_actions()

    def _update_placeholder(self) -> None:
        if self.model.rowCount() == 0:
            text = f"{EMPTY_TEXT}\n\n{EMPTY_DETAIL}"
        elif self.proxy.rowCount() == 0:
            text = f"No definition matches “{self.filter_edit.text().strip()}”."
        else:
            text = ""
        self.placeholder.setText(text)
        self.placeholder.setVisible(bool(text))

    def _context_menu(self, position: QPoint) -> None:
        index: QModelIndex = self.table.indexAt(position)
        menu = QMenu(self)
        if index.isValid():
            for action in (self.action_run, self.action_edit, self.action_duplicate, self.action_export):
                menu.addAction(action)
            menu.addSeparator()
            menu.addAction(self.action_delete)
        else:
            menu.addAction(self.action_new)
            menu.addAction(self.action_import)
        menu.popup(self.table.viewport().mapToGlobal(position))
