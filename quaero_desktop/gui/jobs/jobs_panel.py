"""The Jobs view: every crawl run, live, with the actions a user takes on them.

A definition's runs share one row, its latest, with the older runs folded under it; the list
filters by definition and status, and Cancel, Resume and Delete act on every selected run
(bulk_actions.py). A new run may remove its definition's oldest runs (settings: keep the last N):
their rows and windows go.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHeaderView,
    QMainWindow,
    QMenu,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.engine.events import JobCreated, JobStatusChanged, Phase
from quaero_desktop.gui.actions import Shortcut, toolbar_action
from quaero_desktop.gui.async_tasks import in_thread
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.empty_state import empty_state_label
from quaero_desktop.gui.jobs.bulk_actions import BulkAction, BulkJobFlows, can_apply
from quaero_desktop.gui.jobs.column_widths import NAME_WIDTH, DocumentsFit, NameGivesWay, short_column_widths
from quaero_desktop.gui.jobs.job_flows import CONTINUE_TIP, PAUSE_TIP, JobActions, JobFlows
from quaero_desktop.gui.jobs.job_row import JobRow, failure_reason
from quaero_desktop.gui.jobs.jobs_filter import JobsFilterBar, JobsFilterProxy
from quaero_desktop.gui.jobs.jobs_model import JOB_ROLE, JobColumn, JobsModel
from quaero_desktop.gui.jobs.jobs_tree import JobsTree
from quaero_desktop.gui.jobs.progress_delegate import ProgressDelegate
from quaero_desktop.gui.jobs.run_menu import RunMenu

FAILURES_READ_FOR = 50  # the newest jobs whose failed pages are read for their tooltips
STARTED_MESSAGE_MS = 5000
EMPTY_TEXT = (
    "No crawls yet.\n\nPress “Run definition…” (Ctrl+R) to run a saved definition or a definition file; "
    "create and edit definitions under Definitions. Each run appears here and fills in live."
)
NO_MATCH_TEXT = "No runs of this definition and status.\n\nChoose “All definitions” and “All statuses” to see them all."


class JobsPanel(QWidget):
    openJob = Signal(str)  # job id: show its detail
    jobDeleted = Signal(str)  # job id

    def __init__(self, context: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._reads = itertools.count()  # numbers the store reads of rows: the latest per job wins
        self._latest_read: dict[str, int] = {}
        self.flows = JobFlows(context)
        self.bulk = BulkJobFlows(context, self.flows)
        self.model = JobsModel(self)
        self.proxy = JobsFilterProxy(self.model, self)
        self.table = JobsTree(self)
        self._build_table()
        self._build_actions()
        self.filter_bar = JobsFilterBar(self.model, self)
        self.filter_bar.changed.connect(self._apply_filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.table)

        bridge = context.bridge
        bridge.jobCreated.connect(self._on_created)
        bridge.progressChanged.connect(self.model.apply_progress)
        bridge.jobStatusChanged.connect(self._on_status)
        bridge.phaseChanged.connect(
            lambda event: self.model.set_starting_browser(event.job_id, event.phase == Phase.STARTING_BROWSER)
        )
        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self.model.tick_durations)
        self._ticker.start()
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        for signal in (self.proxy.modelReset, self.proxy.rowsInserted, self.proxy.rowsRemoved):
            signal.connect(self._update_placeholder)
        # A group's row shows its latest run: when a run comes or goes, the selection stays on the runs.
        self._kept_selection: list[str] = []
        for signal in (self.model.rowsAboutToBeInserted, self.model.rowsAboutToBeRemoved):
            signal.connect(self._remember_selection)
        for signal in (self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._restore_selection)
        self._update_actions()
        self._update_placeholder()

    # ----- building -----

    def _build_table(self) -> None:
        table = self.table
        table.setModel(self.proxy)
        table.setItemDelegateForColumn(JobColumn.PROGRESS, ProgressDelegate(table))
        table.setSortingEnabled(True)
        table.sortByColumn(JobColumn.STARTED, Qt.SortOrder.DescendingOrder)  # the latest run first
        self.placeholder = empty_state_label(table, EMPTY_TEXT)
        header = table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(JobColumn.PROGRESS, QHeaderView.ResizeMode.Stretch)
        table.setColumnWidth(JobColumn.NAME, NAME_WIDTH)
        for column, width in short_column_widths(table.fontMetrics()).items():
            table.setColumnWidth(column, width)
        self.name_fit = NameGivesWay(table)  # a narrow table: Name gives Progress room for its text
        self.documents_fit = DocumentsFit(table, self.model, self.name_fit)  # a re-crawl's account shows whole
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._context_menu)
        table.doubleClicked.connect(lambda index: self.openJob.emit(index.data(JOB_ROLE).id))

    def _build_actions(self) -> None:
        self.toolbar = QToolBar("Jobs", self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.run_menu = RunMenu(self._context.definitions, self.run, self._run_file, self)
        self.run_button = QToolButton(self)
        self.run_button.setText("Run definition…")
        self.run_button.setToolTip("Run a stored definition or a definition file (Ctrl+R)")
        self.run_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.run_button.setMenu(self.run_menu)
        self.toolbar.addWidget(self.run_button)  # Ctrl+R: the window's File → Run definition… (any view)
        self.action_cancel = self._action("Cancel", "Ctrl+.", self._cancel, "Stop the selected crawls")
        self.action_resume = self._action("Resume", "Ctrl+Shift+R", self._resume, "Continue the interrupted crawls")
        self.action_again = self._action("Run again", "Ctrl+Shift+A", self._run_again, "Run the same crawl again")
        self.action_retry = self._action(
            "Retry failed pages", "Ctrl+Shift+F", self._retry_failed, "Fetch only the failed pages of this job again"
        )
        self.action_details = self._action("Details", "Return", self._details, "Pages and log of the selected job")
        self.action_delete = self._action(
            "Delete…", QKeySequence.StandardKey.Delete, self._delete, "Delete the selected jobs"
        )
        # In the rows' context menu and a job's window, not on this toolbar (it keeps its width).
        self.action_pause = QAction("Pause", self, toolTip=PAUSE_TIP, statusTip=PAUSE_TIP)
        self.action_pause.triggered.connect(self._pause)
        self.action_continue = QAction("Continue", self, toolTip=CONTINUE_TIP, statusTip=CONTINUE_TIP)
        self.action_continue.triggered.connect(self._continue)

    def _action(self, text: str, shortcut: Shortcut, slot: Callable[[], object], tip: str) -> QAction:
        return toolbar_action(self.toolbar, self, text, shortcut, slot, tip)

    # ----- loading and events -----

    async def reload(self) -> None:
        jobs = await in_thread(self._context.app.jobs.list)
        self.model.reset(jobs)
        self._update_actions()
        with_failures = [job.id for job in jobs if job.progress.failed and not job.status.is_active]
        await self._show_failures(with_failures[:FAILURES_READ_FOR])

    async def _show_failures(self, job_ids: list[str]) -> None:
        """Why pages failed, for the rows' tooltips and the status bar ("1 failed" said only how many)."""
        if not job_ids:
            return
        jobs = self._context.app.jobs

        def read() -> dict[str, list[tuple[str, str]]]:
            failed = [JobStatus.FAILED.value]
            return {
                job_id: [(page.url, failure_reason(page)) for page in jobs.children(job_id, statuses=failed, limit=3)]
                for job_id in job_ids
            }

        for job_id, failures in (await in_thread(read)).items():
            self.model.set_failures(job_id, failures)

    def _on_created(self, event: JobCreated) -> None:
        self._context.tasks.start(self._refresh_row(event.job_id), what="Showing the new job")
        for job_id in event.removed_runs:  # older runs removed by the settings' "keep the last N runs"
            self._forget(job_id)

    def _forget(self, job_id: str) -> None:
        """A run is gone from the store: its row goes, and its window closes."""
        self.model.remove(job_id)
        self.jobDeleted.emit(job_id)

    def _on_status(self, event: JobStatusChanged) -> None:
        self.model.set_status(event.job_id, event.status, event.error)
        if not event.status.is_active:  # ended, interrupted or paused
            self._context.tasks.start(self._refresh_row(event.job_id), what="Updating the job")
        self._update_actions()

    async def _refresh_row(self, job_id: str) -> None:
        """Exact values from the store (finish time, counts) once a job changes state.

        Reads run on worker threads and may finish out of order: only the latest read of a
        job is shown, so an older one can never put back a status the job has left."""
        read = self._latest_read[job_id] = next(self._reads)
        try:
            job = await in_thread(self._context.app.jobs.get, job_id)
        finally:
            latest = self._latest_read.get(job_id) == read
            if latest:
                del self._latest_read[job_id]
        if latest:
            self.model.upsert(JobRow.from_job(job))
            self._update_actions()
            if job.progress.failed and not job.status.is_active:
                await self._show_failures([job.id])

    def _update_placeholder(self, *_args: object) -> None:
        self.placeholder.setText(NO_MATCH_TEXT if self.model.rowCount() else EMPTY_TEXT)
        self.placeholder.setVisible(self.proxy.rowCount() == 0)

    def _apply_filter(self) -> None:
        statuses = self.filter_bar.statuses
        self.proxy.set_filter(self.filter_bar.definition_id, statuses)
        if statuses is not None:
            self.table.expandAll()  # the older runs that match show, not only their group's row
        self._update_actions()
        self._update_placeholder()

    # ----- selection and actions -----

    def selected_rows(self) -> list[JobRow]:
        """The selected runs (folded ones selected before their group was folded too)."""
        return [index.data(JOB_ROLE) for index in self.table.selectionModel().selectedRows()]

    def _remember_selection(self, *_args: object) -> None:
        self._kept_selection = [row.id for row in self.selected_rows()]

    def _restore_selection(self, *_args: object) -> None:
        if [row.id for row in self.selected_rows()] == self._kept_selection:
            return
        self.table.selectionModel().clearSelection()
        for job_id in self._kept_selection:
            self.select_job(job_id, add=True, scroll=False)

    def selected(self) -> JobRow | None:
        """The one selected run (None when none or several are)."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(JOB_ROLE) if len(rows) == 1 else None

    def select_job(self, job_id: str, *, add: bool = False, scroll: bool = True) -> None:
        """Select a run (unfolding its group if it is an older run); ``add`` keeps the others selected."""
        index = self.proxy.mapFromSource(self.model.index_of(job_id))
        if not index.isValid():
            return
        if index.parent().isValid():
            self.table.expand(index.parent())
        flags = QItemSelectionModel.SelectionFlag.Rows | (
            QItemSelectionModel.SelectionFlag.Select if add else QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.table.selectionModel().setCurrentIndex(index, flags)
        if scroll:
            self.table.scrollTo(index)

    def _update_actions(self) -> None:
        rows = self.selected_rows()
        row = rows[0] if len(rows) == 1 else None
        allowed = JobActions.for_job(
            row.status if row else None,
            running_here=row is not None and self.flows.runs_here(row.id),
            failed_pages=row.progress.failed if row else 0,
        )
        self.action_retry.setEnabled(allowed.retry_failed)
        self.action_pause.setEnabled(allowed.pause)
        self.action_continue.setEnabled(allowed.continue_)
        self.action_again.setEnabled(allowed.run_again)
        self.action_details.setEnabled(row is not None)
        self.action_cancel.setEnabled(can_apply(BulkAction.CANCEL, rows, self.flows))
        self.action_resume.setEnabled(can_apply(BulkAction.RESUME, rows, self.flows))
        self.action_delete.setEnabled(can_apply(BulkAction.DELETE, rows, self.flows))

    def show_run_menu(self) -> None:
        """Open the Run menu under its button (without blocking: the window's event loop runs asyncio)."""
        self.run_menu.popup(self.run_button.mapToGlobal(self.run_button.rect().bottomLeft()))

    def run(self, definition: JobDefinition) -> None:
        # The status bar says "Starting" only while it is so (it stayed on for a whole crawl).
        self._say(f"Starting “{definition.name}”…")
        self._context.tasks.start(
            self._show_started(self.flows.submit(definition), definition.name), what=f"Running '{definition.name}'"
        )

    async def _show_started(self, started: Awaitable[str | None], name: str | None = None) -> str | None:
        try:
            job_id = await started
        finally:
            self._say("")
        if job_id is not None:
            if name is not None:
                self._say(f"Started “{name}”: its progress is in this list.", STARTED_MESSAGE_MS)
            await self._refresh_row(job_id)
            self.select_job(job_id)
        return job_id

    def _say(self, text: str, timeout_ms: int = 0) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, timeout_ms)

    def _run_file(self) -> None:
        self._context.tasks.start(self._show_started(self.flows.submit_file()), what="Running the definition file")

    def _cancel(self) -> None:
        rows = self.selected_rows()
        if len(rows) == 1:
            self._context.tasks.start(self._cancel_job(rows[0].id), what="Cancelling the job")
        elif rows:
            self._context.tasks.start(self._cancel_jobs(rows), what="Cancelling the jobs")

    async def _cancel_jobs(self, rows: list[JobRow]) -> None:
        self._say(await self.bulk.cancel(rows), STARTED_MESSAGE_MS)
        for row in rows:
            if not self.flows.runs_here(row.id):
                await self._refresh_row(row.id)  # not ours: no event will follow

    async def _cancel_job(self, job_id: str) -> None:
        await self.flows.cancel(job_id)
        if not self.flows.runs_here(job_id):
            await self._refresh_row(job_id)  # not ours (interrupted, or another process's): no event will follow

    def _resume(self) -> None:
        rows = self.selected_rows()
        if len(rows) == 1:
            self._context.tasks.start(self._show_started(self.flows.resume(rows[0].id)), what="Resuming the job")
        elif rows:
            self._context.tasks.start(self._resume_jobs(rows), what="Resuming the jobs")

    async def _resume_jobs(self, rows: list[JobRow]) -> None:
        resumed, message = await self.bulk.resume(rows)
        self._say(message, STARTED_MESSAGE_MS)
        for job_id in resumed:
            await self._refresh_row(job_id)

    def _pause(self) -> None:
        row = self.selected()
        if row is not None:
            self._say(f"Pausing “{row.name}”: the pages being fetched are finished first…", STARTED_MESSAGE_MS)
            self._context.tasks.start(self.flows.pause(row.id), what="Pausing the job")

    def _continue(self) -> None:
        row = self.selected()
        if row is not None:
            self._context.tasks.start(self._show_started(self.flows.continue_paused(row.id)), what="Continuing the job")

    def _run_again(self) -> None:
        row = self.selected()
        if row is not None:
            self._context.tasks.start(self._show_started(self.flows.run_again(row.id)), what="Running the job again")

    def _retry_failed(self) -> None:
        row = self.selected()
        if row is not None:
            self._context.tasks.start(
                self._show_started(self.flows.retry_failed(row.id)), what="Retrying the failed pages"
            )

    def _details(self) -> None:
        row = self.selected()
        if row is not None:
            self.openJob.emit(row.id)

    def _delete(self) -> None:
        rows = self.selected_rows()
        if len(rows) == 1:
            self._context.tasks.start(self._delete_job(rows[0]), what="Deleting the job")
        elif rows:
            self._context.tasks.start(self._delete_jobs(rows), what="Deleting the jobs")

    async def _delete_jobs(self, rows: list[JobRow]) -> None:
        deleted, message = await self.bulk.delete(rows)
        for job_id in deleted:
            self._forget(job_id)
        self._update_actions()
        self._say(message, STARTED_MESSAGE_MS)

    async def _delete_job(self, row: JobRow) -> None:
        if not await self.flows.delete(row.id, row.name, row.progress.documents):
            return
        self._forget(row.id)
        self._update_actions()

    def _context_menu(self, position: QPoint) -> None:
        if not self.table.indexAt(position).isValid():
            return
        menu = QMenu(self)
        for action in (
            self.action_details,
            self.action_pause,
            self.action_continue,
            self.action_cancel,
            self.action_resume,
            self.action_again,
            self.action_retry,
            self.action_delete,
        ):
            menu.addAction(action)
        menu.popup(self.table.viewport().mapToGlobal(position))
