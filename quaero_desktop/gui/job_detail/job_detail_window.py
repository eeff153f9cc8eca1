"""A job's own window: header, Pages, Log and Configuration, live while the job runs.

Everything is read from the services once (``reload``); after that the window follows the
engine's events for its own job only. When the job starts, stops or resumes, pages may
change in the store without events (pending pages cancelled at the end, cancelled pages
requeued on resume), so the window then reads pages and log again and merges them in place.
A job run by another process sends no events: while it is active the window polls the store.
Each time the job is seen stopped (when the window opens, when a run ends), the window reads the
crawl's noise and offers its exclude patterns under the header (noise_banner.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QTabWidget, QToolBar, QToolButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from quaero_desktop.app import App
from quaero_desktop.domain.job import Job, JobStatus, Progress
from quaero_desktop.domain.url_noise import NoiseGroup
from quaero_desktop.engine.events import ChildStatusChanged, JobLogged, JobStatusChanged
from quaero_desktop.gui.actions import Shortcut, toolbar_action
from quaero_desktop.gui.async_tasks import in_thread
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.definitions.definition_flows import DefinitionFlows
from quaero_desktop.gui.job_detail.config_tab import ConfigTab
from quaero_desktop.gui.job_detail.job_header import JobHeader
from quaero_desktop.gui.job_detail.log_model import LogLine
from quaero_desktop.gui.job_detail.log_tab import LogTab
from quaero_desktop.gui.job_detail.noise_banner import NoiseBanner, NoiseExclusion
from quaero_desktop.gui.job_detail.pages_csv import export_pages
from quaero_desktop.gui.job_detail.pages_tab import PagesTab
from quaero_desktop.gui.jobs.job_flows import CONTINUE_TIP, PAUSE_TIP, JobActions, JobFlows
from quaero_desktop.gui.window_placement import first_geometry

PREFERRED_SIZE = QSize(1100, 700)
POLL_INTERVAL_MS = 2000  # a job running in another process: how often the store is read
POLL_FULL_PAGES_LIMIT = 10_000  # above this many pages, polling reads only new pages


def read_log_lines(app: App, job_id: str, after_id: int) -> list[LogLine]:
    """On a worker thread: the job's log lines (every level) after ``after_id``."""
    return [LogLine.from_entry(entry) for entry in app.jobs.logs(job_id, after_id=after_id)]


# (status, finished at, documents) of a stopped job: its noise is read again only when this changes
StoppedRun = tuple[JobStatus, datetime | None, int]


class JobDetailWindow(QWidget):
    excludeNoiseRequested = Signal(NoiseExclusion)  # the main window opens the definition's form

    def __init__(self, context: GuiContext, job_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.context = context
        self.job_id = job_id
        self.job: Job | None = None
        self._closed = False
        self._tasks: set[asyncio.Task[object]] = set()
        self._syncing = False
        self._sync_again = False
        self.flows = JobFlows(context)
        self.definition_flows = DefinitionFlows(context)
        self._noise_read_for: StoppedRun | None = None
        self.setWindowTitle(f"Job — {job_id}")
        # Fitted to the screen and centred on it: 1100×700 at the window system's choice of place put
        # its bottom (and the table's scrollbar) below the edge of a 768-px laptop screen.
        screen = (parent or self).screen()
        self.setGeometry(first_geometry(screen.availableGeometry(), PREFERRED_SIZE))

        self.header = JobHeader(self)
        self.noise = NoiseBanner(self)
        self.noise.excludeRequested.connect(self._exclude_noise)
        self.pages = PagesTab(context.app, job_id, self, report_error=context.dialogs.error)
        self.log = LogTab(self)
        self.config = ConfigTab(self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.pages, "Pages")
        self.tabs.addTab(self.log, "Log")
        self.tabs.addTab(self.config, "Configuration")
        self._build_toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.header)
        layout.addWidget(self.noise)
        layout.addWidget(self.tabs, 1)

        self._connections = [
            (context.bridge.progressChanged, self._on_progress),
            (context.bridge.jobStatusChanged, self._on_status),
            (context.bridge.childrenChanged, self._on_children_changed),
            (context.bridge.childrenAdded, self._on_children_added),
            (context.bridge.logged, self._on_logged),
        ]
        for signal, slot in self._connections:
            signal.connect(slot)
        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()
        self._poller = QTimer(self, interval=POLL_INTERVAL_MS)
        self._poller.timeout.connect(self._poll)
        self._update_actions()

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar("Job", self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.action_cancel = self._action("Cancel", "Ctrl+.", self._cancel, "Stop this crawl")
        self.action_pause = self.toolbar.addAction("Pause", self._pause)
        self.action_pause.setToolTip(PAUSE_TIP)
        self.action_continue = self.toolbar.addAction("Continue", self._continue)
        self.action_continue.setToolTip(CONTINUE_TIP)
        self.action_resume = self._action(
            "Resume", "Ctrl+Shift+R", self._resume, "Continue this crawl where it stopped"
        )
        self.action_retry = self._action(
            "Retry failed pages", "Ctrl+Shift+F", self._retry, "Fetch only the failed pages of this job again"
        )
        self.action_refresh = self._action(
            "Refresh", QKeySequence.StandardKey.Refresh, self.refresh, "Read the job again"
        )
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.pages.action_copy_url)
        self.toolbar.addAction(self.pages.action_open)
        self.toolbar.addSeparator()
        self.action_export_pages = self._action(
            "Export CSV…", "Ctrl+Shift+E", self._export_pages, "Save the pages shown (filters, sort, columns) as CSV"
        )
        columns = self.pages.columns.menu(self)
        columns.menuAction().setToolTip("Choose the Pages table's columns (also: right-click its header)")
        self.toolbar.addAction(columns.menuAction())
        button = self.toolbar.widgetForAction(columns.menuAction())
        if isinstance(button, QToolButton):  # a click opens it (by default only a click held down does)
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # Ctrl+W as the main window's Close, and Escape as a dialog's: a window opened to look at a job.
        close = QAction("Close", self)
        close.setShortcuts([QKeySequence("Ctrl+W"), QKeySequence(Qt.Key.Key_Escape)])
        close.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        close.triggered.connect(self.close)
        self.addAction(close)

    def _action(self, text: str, shortcut: Shortcut, slot: Callable[[], object], tip: str) -> QAction:
        return toolbar_action(self.toolbar, self, text, shortcut, slot, tip, context=Qt.ShortcutContext.WindowShortcut)

    # ----- loading -----

    async def reload(self, *, pages_read: Callable[[], None] | None = None) -> None:
        """Read the job, its pages and its log; the log after the pages' first read: its line per page
        (10,000: ~40 ms of CPU) competed with the pages for the GIL and kept the table waiting.
        ``pages_read`` is called once the pages are read (or their read failed)."""

        async def pages() -> None:
            try:
                await self.pages.load()
            finally:
                if pages_read is not None:
                    pages_read()

        await asyncio.gather(self._load_job(), pages(), self._load_log(all_lines=True, after_pages=True))

    async def _load_job(self) -> None:
        job = await in_thread(self.context.app.jobs.get, self.job_id)
        if self._alive():
            self._show_job(job)

    async def _load_log(self, *, all_lines: bool = False, after_pages: bool = False) -> None:
        if after_pages:
            await self.pages.first_read.wait()
        after = 0 if all_lines else self.log.lines.last_id
        lines = await in_thread(read_log_lines, self.context.app, self.job_id, after)
        if self._alive():
            self.log.lines.add_stored(lines)

    async def _sync_from_store(self, *, authoritative: bool = True, pages: bool = True) -> None:
        """Job, new log lines and pages from the store, merged in place.

        ``authoritative``: the store's page statuses win (after a start, stop or resume);
        otherwise rows that events moved further along keep their values. Without ``pages``
        only pages not shown yet are read. A sync asked for while one runs runs after it.
        """
        if self._syncing:
            self._sync_again = True
            return
        self._syncing = True
        try:
            while True:
                self._sync_again = False
                job = await in_thread(self.context.app.jobs.get, self.job_id)
                if not self._alive():
                    return
                self._show_job(job)
                reads = [self._load_log()]
                if pages:
                    reads.append(self.pages.load() if authoritative else self.pages.merge())
                else:
                    reads.append(self._read_new_pages())
                await asyncio.gather(*reads)
                if not self._sync_again or not self._alive():
                    return
                authoritative = pages = True
        finally:
            self._syncing = False

    async def _read_new_pages(self) -> None:
        read = self.pages.pages_added()
        if read is not None:
            await read

    def refresh(self) -> None:
        self._start(self._sync_from_store(), "Refreshing the job")

    def _show_job(self, job: Job) -> None:
        self.job = job
        self.setWindowTitle(f"Job — {job.name}")
        self.header.show_job(job)
        self.config.show_job(job)
        self._update_actions()
        self._follow_noise(job)

    # ----- noise -----

    def _follow_noise(self, job: Job) -> None:
        """Read the crawl's noise once per stop (polls and syncs show the same job many times over);
        while the job runs, the last run's noise is hidden: the documents are changing."""
        if job.status.is_active:
            self._noise_read_for = None
            self.noise.show_groups([])
            return
        stopped: StoppedRun = (job.status, job.finished_at, job.document_count)
        if stopped != self._noise_read_for:
            self._noise_read_for = stopped
            self._start(self._load_noise(stopped), "Looking for noise among the documents")

    async def _load_noise(self, stopped: StoppedRun) -> None:
        # After the pages: both are ~70 ms of CPU for 10,000 pages, and the pages are what the user waits for.
        await self.pages.first_read.wait()
        groups = await in_thread(self.context.app.jobs.noise, self.job_id)
        if self._alive() and self._noise_read_for == stopped:  # not resumed or stopped again meanwhile
            self.noise.show_groups(groups)

    def _exclude_noise(self, group: NoiseGroup) -> None:
        self._start(self._open_definition_excluding(group), "Opening the definition")

    async def _open_definition_excluding(self, group: NoiseGroup) -> None:
        """The stored definition (today's, not the job's snapshot) goes to the main window's form; a
        crawl whose definition is not stored (deleted, or run from a file) says so in the box."""
        definition_id = self.job.definition_id if self.job is not None else None
        definition = await self.definition_flows.stored(definition_id) if definition_id else None
        if not self._alive():
            return
        if definition is None:
            self.noise.show_note(
                f"No stored definition “{definition_id or self.job_id}” (deleted, or this crawl ran from a file): "
                f"add {group.exclude_pattern} to the Exclude patterns of the definition you run."
            )
            return
        self.noise.show_note("")
        self.excludeNoiseRequested.emit(
            NoiseExclusion(definition, group.exclude_pattern, next(iter(group.examples), ""))
        )

    # ----- engine events (this job only) -----

    def _on_progress(self, batch: dict[str, Progress]) -> None:
        progress = batch.get(self.job_id)
        if progress is not None:
            self.header.set_progress(progress)
            if self.job is not None and progress.failed != self.job.progress.failed:
                self.job = dataclasses.replace(self.job, progress=progress)
                self._update_actions()

    def _on_status(self, event: JobStatusChanged) -> None:
        if event.job_id != self.job_id:
            return
        self.header.set_status(event.status, event.error)
        self._update_actions()
        if self.job is not None:
            # started, resumed or stopped: pages may have changed in the store without events
            self._start(self._sync_from_store(), "Updating the job")

    def _on_children_changed(self, events: list[ChildStatusChanged]) -> None:
        mine = [event for event in events if event.parent_id == self.job_id]
        if mine:
            self.pages.apply(mine)

    def _on_children_added(self, added: dict[str, int]) -> None:
        if added.get(self.job_id):
            read = self.pages.pages_added()
            if read is not None:
                self._start(read, "Reading new pages")

    def _on_logged(self, events: list[JobLogged]) -> None:
        mine = [event for event in events if event.job_id == self.job_id]
        if mine:
            self.log.lines.add_live(mine)

    # ----- actions -----

    def _runs_here(self) -> bool:
        return self.flows.runs_here(self.job_id)

    def _update_actions(self) -> None:
        status = self.header.status if self.job is not None else None
        running_here = self._runs_here()
        failed = self.job.progress.failed if self.job is not None else 0
        allowed = JobActions.for_job(status, running_here=running_here, failed_pages=failed)
        self.action_cancel.setEnabled(allowed.cancel)
        self.action_resume.setEnabled(allowed.resume)
        self.action_pause.setEnabled(allowed.pause)
        self.action_continue.setEnabled(allowed.continue_)
        self.action_retry.setEnabled(allowed.retry_failed)
        active_elsewhere = status is not None and status.is_active and not running_here
        if active_elsewhere and not self._poller.isActive():
            self._poller.start()
        elif not active_elsewhere:
            self._poller.stop()

    def _cancel(self) -> None:
        self._start(self._cancel_job(), "Cancelling the job")

    async def _cancel_job(self) -> None:
        await self.flows.cancel(self.job_id)
        if not self._runs_here():  # no engine event will tell: read the outcome
            await self._sync_from_store()

    def _resume(self) -> None:
        self._start(self._resume_job(), "Resuming the job")

    def _pause(self) -> None:
        self._start(self.flows.pause(self.job_id), "Pausing the job")

    def _continue(self) -> None:
        self._start(self._resume_job(), "Continuing the job")

    async def _resume_job(self) -> None:
        await self.flows.resume(self.job_id)
        self._update_actions()

    def _retry(self) -> None:
        self._start(self._retry_job(), "Retrying the failed pages")

    async def _retry_job(self) -> None:
        await self.flows.retry_failed(self.job_id)
        self._update_actions()

    def _poll(self) -> None:
        if not self._syncing and not self._runs_here():
            small = self.pages.model.total <= POLL_FULL_PAGES_LIMIT
            self._start(self._sync_from_store(authoritative=False, pages=small), "Reading the job")

    def _tick(self) -> None:
        self.header.tick()
        self.pages.model.tick()

    # ----- tasks and closing -----

    def _export_pages(self) -> None:
        name = self.job.name if self.job is not None else self.job_id
        export = export_pages(self.context.dialogs, name, self.pages.model, self.pages.columns.shown(), self._alive)
        self._start(export, "Exporting the pages")

    def _alive(self) -> bool:
        """False once the window was closed (its widgets may be gone): coroutines stop there."""
        return not self._closed and isValid(self)

    def _start(self, coro: Coroutine[Any, Any, object], what: str) -> None:
        if self._closed:
            coro.close()
            return
        task = self.context.tasks.start(coro, what=what)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self._ticker.stop()
        self._poller.stop()
        for signal, slot in self._connections:
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
        self._connections.clear()  # its bound methods held this window (rows and all) in a cycle till a full gc
        for task in list(self._tasks):
            task.cancel()
        super().closeEvent(event)
