"""The Pages tab: the job's pages with status and text filters, kept in step with the crawl.

Rows are read from the store once (off the GUI thread, converted there too), then live
events update them in place; pages the crawl finds later are read with ``offset`` = the
rows already shown, so nothing is read twice. The first read is in two steps: the first
screenful of pages, shown at once, then the rest. Reading 10,000 pages takes a worker
thread ~26 ms of CPU (the store reads them as one row of columns: store/page_listings_repo.py),
and while a crawl runs in this process its threads hold the GIL most of the time, so a single
read kept the table empty for 0.5-2 s.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from quaero_desktop.app import App
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.engine.events import ChildStatusChanged
from quaero_desktop.gui.async_tasks import in_thread
from quaero_desktop.gui.empty_state import empty_state_label
from quaero_desktop.gui.garbage_collector import collector_paused
from quaero_desktop.gui.job_detail.child_rows import ChildColumn, ChildRow
from quaero_desktop.gui.job_detail.children_model import CHILD_ROLE, ChildrenTableModel
from quaero_desktop.gui.job_detail.pages_columns import PagesColumns
from quaero_desktop.gui.job_detail.selected_page import SelectedPageKeeper
from quaero_desktop.gui.system_open import ReportError, SystemOpener, no_browser_message
from quaero_desktop.gui.window_settings import window_settings
from quaero_desktop.humanize import count_noun

STATUS_CHOICES: dict[str, JobStatus | None] = {
    "All": None,
    "Pending": JobStatus.PENDING,
    "Running": JobStatus.RUNNING,
    "Completed": JobStatus.COMPLETED,
    "Failed": JobStatus.FAILED,
    "Cancelled": JobStatus.CANCELLED,
}
FIRST_ROWS = 200  # the first read: more than a tall window shows, so it is filled at once (then the rest)
_COLUMN_WIDTHS = {
    ChildColumn.URL: 360,
    ChildColumn.STATUS: 110,
    ChildColumn.DEPTH: 56,
    ChildColumn.HTTP: 56,
    ChildColumn.TITLE: 220,
    ChildColumn.TIME: 70,
    ChildColumn.FOUND_ON: 240,
}


def read_rows(app: App, job_id: str, offset: int = 0, limit: int | None = None) -> list[ChildRow]:
    """On a worker thread: the job's pages from ``offset`` on (at most ``limit``), ready for the model.

    The rows are made with the garbage collector paused (~2 ms for 10,000): all stay alive, and made
    one by one they cost 14 young passes that bring the next full pass (0.1-0.3 s with a crawl
    running) nearer, so that one often fell into the window's open (gui/garbage_collector.py)."""
    columns = app.jobs.page_columns(job_id, offset=offset, limit=limit)
    with collector_paused():
        return list(map(ChildRow, *columns))


def read_changes(app: App, job_id: str, model: ChildrenTableModel) -> list[ChildRow]:
    """On a worker thread: the job's pages that are new or differ from what ``model`` shows."""
    return model.differing(app.jobs.page_listings(job_id))


class FilterEdit(QLineEdit):
    """A filter box whose Escape clears what was typed; empty, Escape goes on to close the window
    (its Escape shortcut), as it did at once before: a typed filter was lost with the window."""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self._clears(event):
            event.accept()  # the key comes here, not to the window's Close
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._clears(event):
            self.clear()
            return
        super().keyPressEvent(event)

    def _clears(self, event: QEvent) -> bool:
        return (
            isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and bool(self.text())
        )


class PagesTab(QWidget):
    def __init__(
        self,
        app: App,
        job_id: str,
        parent: QWidget | None = None,
        *,
        report_error: ReportError | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._report_error = report_error  # a page that did not open is said there (the window's dialogs)
        self._opener = SystemOpener(self)
        self._job_id = job_id
        self._lock = asyncio.Lock()  # one store read at a time, so offsets stay right
        self._loaded = False
        self.first_read = asyncio.Event()  # set when the first read of every page is over (done or failed)
        self._more_wanted = False
        self._fetching_more = False
        self.model = ChildrenTableModel(self)
        self.table = QTableView(self)
        self._build_filters()
        self._build_table()
        self.columns = PagesColumns(self.table, window_settings(app.data_dir))
        self.keeper = SelectedPageKeeper(self.table, self.model)
        self._build_actions()
        self.placeholder = empty_state_label(self.table)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(self._filters)
        layout.addWidget(self.table)
        for signal in (
            self.model.rowsInserted,
            self.model.rowsRemoved,
            self.model.modelReset,
            self.model.layoutChanged,
        ):
            signal.connect(self._update_counts)
        self._update_counts()

    # ----- building -----

    def _build_filters(self) -> None:
        self.status_filter = QComboBox(self)
        self.status_filter.addItems(list(STATUS_CHOICES))
        self.status_filter.setToolTip("Show only pages with this status")
        self.status_filter.currentTextChanged.connect(lambda text: self.model.set_status_filter(STATUS_CHOICES[text]))
        self.text_filter = FilterEdit(self)
        self.text_filter.setPlaceholderText("Filter by URL (Ctrl+F)")
        self.text_filter.setClearButtonEnabled(True)
        self._text_timer = QTimer(self, singleShot=True, interval=200)
        self._text_timer.timeout.connect(lambda: self.model.set_text_filter(self.text_filter.text()))
        self.text_filter.textChanged.connect(lambda _text: self._text_timer.start())
        find = QAction(self, shortcut=QKeySequence(QKeySequence.StandardKey.Find))
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(self._focus_text_filter)
        self.addAction(find)
        self.count_label = QLabel(self)
        self._filters = QHBoxLayout()
        self._filters.setContentsMargins(6, 0, 6, 0)
        self._filters.addWidget(QLabel("Status:", self))
        self._filters.addWidget(self.status_filter)
        self._filters.addWidget(self.text_filter, 1)
        self._filters.addWidget(self.count_label)

    def _build_table(self) -> None:
        table = self.table
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # URLs: both ends say most
        vertical = table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows: cheap at 100,000
        vertical.setDefaultSectionSize(26)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicatorClearable(True)  # a third click returns to discovery order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        for column, width in _COLUMN_WIDTHS.items():
            table.setColumnWidth(column, width)
        table.setSortingEnabled(True)
        table.doubleClicked.connect(self._on_double_click)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._context_menu)

    def _build_actions(self) -> None:
        self.action_copy_url = QAction("Copy URL", self, shortcut=QKeySequence(QKeySequence.StandardKey.Copy))
        self.action_copy_url.setToolTip("Copy the selected pages' URLs (Ctrl+C in the pages table)")
        self.action_copy_url.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.action_copy_url.triggered.connect(self.copy_urls)
        self.action_open = QAction("Open in browser", self, shortcut=QKeySequence("Return"))
        self.action_open.setToolTip("Open the selected page in your web browser (Enter or double-click)")
        self.action_open.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.action_open.triggered.connect(self._open_selected)
        self.table.addAction(self.action_copy_url)
        self.table.addAction(self.action_open)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.model.modelReset.connect(self._update_actions)
        self._update_actions()

    # ----- store reads -----

    async def load(self) -> None:
        """Read every page: the first time fills the table, later reads update it in place."""
        try:
            await self._read_all(authoritative=True)
        finally:
            self.first_read.set()

    async def _read_all(self, *, authoritative: bool) -> None:
        async with self._lock:
            self.model.hold_events()
            try:
                if not self._loaded:
                    await self._read_first()
                    return
                rows = await in_thread(read_changes, self._app, self._job_id, self.model)
            except BaseException:
                if isValid(self.model):
                    self.model.stop_holding()
                raise
            if isValid(self.model):
                with self.keeper.holding():
                    self.model.merge(rows, authoritative=authoritative)

    async def _read_first(self) -> None:
        """The first read (under the lock): the first screenful, painted before the rest is read.
        Events for the rest that come meanwhile wait in the model's stash (it has no row for them
        yet) and are applied as they are appended, unless the read already shows the page further
        along. (Reading both at once measured later first rows with a crawl running, 56 -> 108 ms:
        the rest's reading holds the GIL while the first rows are painted.)"""
        rows = await in_thread(read_rows, self._app, self._job_id, 0, FIRST_ROWS)
        if not isValid(self.model):
            return
        self.model.reset(rows)
        self._loaded = True
        if len(rows) < FIRST_ROWS:
            return
        await asyncio.sleep(0)  # one turn of Qt's loop: the first rows are painted before the rest is read
        rest = await in_thread(read_rows, self._app, self._job_id, self.model.total)
        if isValid(self.model):
            with self.keeper.holding():
                self.model.append(rest)

    async def merge(self) -> None:
        """Read every page again; a page that events moved further along keeps its values."""
        await self._read_all(authoritative=False)

    def pages_added(self) -> Coroutine[Any, Any, None] | None:
        """The crawl found new pages: a coroutine that reads them, or None when a read already
        runs (it reads again before it ends, so bursts of additions cost one read at a time)."""
        self._more_wanted = True
        if self._fetching_more:
            return None
        self._fetching_more = True
        return self._fetch_more()

    async def _fetch_more(self) -> None:
        try:
            while self._more_wanted:
                self._more_wanted = False
                async with self._lock:
                    rows = await in_thread(read_rows, self._app, self._job_id, self.model.total)
                    if not isValid(self.model):
                        return
                    with self.keeper.holding():
                        self.model.append(rows)
        finally:
            self._fetching_more = False

    def apply(self, events: list[ChildStatusChanged]) -> None:
        with self.keeper.holding():
            self.model.apply(events)

    # ----- actions -----

    def selected_rows(self) -> list[ChildRow]:
        return [index.data(CHILD_ROLE) for index in self.table.selectionModel().selectedRows()]

    def copy_urls(self) -> None:
        rows = self.selected_rows()
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().data(CHILD_ROLE)]
        if rows:
            QGuiApplication.clipboard().setText("\n".join(row.url for row in rows))

    def open_url(self, url: str) -> None:
        """Show a page in the system's web browser; say so when none opened it."""
        report = self._report_error
        self._opener.open(
            QUrl(url),
            lambda why: report("The page did not open", no_browser_message(url, why), copy=url) if report else None,
        )

    def _open_selected(self) -> None:
        rows = self.selected_rows()
        if rows:
            self.open_url(rows[0].url)

    def _on_double_click(self, index: QModelIndex) -> None:
        self.open_url(index.data(CHILD_ROLE).url)

    def _update_actions(self) -> None:
        has_selection = self.table.selectionModel().hasSelection()
        self.action_copy_url.setEnabled(has_selection)
        self.action_open.setEnabled(has_selection)

    def _context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        row: ChildRow = index.data(CHILD_ROLE)
        menu = QMenu(self)
        menu.addAction(self.action_open)
        menu.addAction(self.action_copy_url)
        if row.remark:
            menu.addAction("Copy error / note").triggered.connect(
                lambda: QGuiApplication.clipboard().setText(row.remark)
            )
        menu.popup(self.table.viewport().mapToGlobal(position))

    def _focus_text_filter(self) -> None:
        self.text_filter.setFocus()
        self.text_filter.selectAll()

    def _update_counts(self, *_args: object) -> None:
        shown, total = self.model.rowCount(), self.model.total
        if shown == total:
            self.count_label.setText(count_noun(total, "page"))
        else:
            self.count_label.setText(f"{shown:,} of {count_noun(total, 'page')}")
        if total == 0:
            self.placeholder.setText("No pages yet. They appear here as soon as the crawl finds them.")
        else:
            self.placeholder.setText("No page matches the filters. Choose “All” or clear the URL filter.")
        self.placeholder.setVisible(shown == 0)
