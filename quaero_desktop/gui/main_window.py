"""The main window: Jobs, Definitions, Logins and Documents views, a status bar, menus."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QFrame, QLabel, QMainWindow, QTableView, QTabWidget, QWidget

from quaero_desktop import __version__
from quaero_desktop.gui.async_tasks import in_thread
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.documents.documents_panel import DocumentsPanel
from quaero_desktop.gui.jobs.jobs_panel import JobsPanel
from quaero_desktop.gui.settings.settings_dialog import SettingsDialog
from quaero_desktop.gui.style import app_icon

WINDOW_SETTINGS_FILE = "window.ini"
log = logging.getLogger(__name__)


@runtime_checkable
class ReloadableView(Protocol):
    """A view that fills itself from the store once the event loop runs."""

    async def reload(self) -> None: ...


class MainWindow(QMainWindow):
    quitRequested = Signal()

    def __init__(self, context: GuiContext, views: dict[str, QWidget] | None = None) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle("Quaero Desktop")
        self.setWindowIcon(app_icon())
        self.resize(1280, 800)
        self._settings = QSettings(str(context.app.data_dir / WINDOW_SETTINGS_FILE), QSettings.Format.IniFormat)
        # Opens a job's detail window; installed by gui.views.install_detail_opener.
        self.job_detail_opener: Callable[[str], None] | None = None

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.jobs = JobsPanel(context, self)
        self.tabs.addTab(self.jobs, "Jobs")
        for title, view in (views or {}).items():
            self.tabs.addTab(view, title)
        self.setCentralWidget(self.tabs)
        self._build_menus()
        self._build_status_bar()
        self._restore_geometry()
        self.jobs.openJob.connect(self.open_job)

    # ----- building -----

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.action_settings = QAction("&Settings…", self, shortcut=QKeySequence("Ctrl+,"))
        self.action_settings.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.action_settings.setToolTip("Browser path, timeouts, notifications and tray (Ctrl+,)")
        self.action_settings.triggered.connect(lambda: SettingsDialog.show_for(self.context, self))
        file_menu.addAction(self.action_settings)
        file_menu.addSeparator()
        self.action_quit = QAction("&Quit", self, shortcut=QKeySequence(QKeySequence.StandardKey.Quit))
        self.action_quit.triggered.connect(self.request_quit)
        file_menu.addAction(self.action_quit)
        view_menu = self.menuBar().addMenu("&View")
        find = QAction("&Find documents", self, shortcut=QKeySequence(QKeySequence.StandardKey.Find))
        find.triggered.connect(self._find_documents)
        view_menu.addAction(find)
        view_menu.addSeparator()
        for position in range(self.tabs.count()):
            action = QAction(self.tabs.tabText(position), self, shortcut=QKeySequence(f"Ctrl+{position + 1}"))
            action.triggered.connect(lambda _=False, p=position: self.tabs.setCurrentIndex(p))
            view_menu.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About Quaero Desktop", self)
        about.triggered.connect(
            lambda: self.context.dialogs.info(
                "About Quaero Desktop",
                f"Quaero Desktop {__version__}\n\nCrawls websites, including ones behind a login, into a local, "
                f"searchable Markdown knowledge base.\n\nData: {self.context.app.data_dir}",
            )
        )
        help_menu.addAction(about)

    def _build_status_bar(self) -> None:
        self.engine_label = QLabel(self)
        self.running_label = QLabel(self)
        self.documents_label = QLabel(self)
        bar = self.statusBar()
        for position, label in enumerate((self.engine_label, self.running_label, self.documents_label)):
            if position:
                separator = QFrame(self)
                separator.setFrameShape(QFrame.Shape.VLine)
                separator.setFrameShadow(QFrame.Shadow.Sunken)
                bar.addPermanentWidget(separator)
            label.setContentsMargins(6, 0, 6, 0)
            bar.addPermanentWidget(label)
        self._documents = 0
        bridge = self.context.bridge
        bridge.jobStatusChanged.connect(lambda _e: self._update_status())
        bridge.jobCreated.connect(lambda _e: self._update_status())
        bridge.documentsSaved.connect(self._add_documents)
        self._status_timer = QTimer(self, interval=2000)
        self._status_timer.timeout.connect(self._update_status)
        self._status_timer.start()

    # ----- state -----

    async def load(self) -> None:
        """Fill the views from the store (called once the event loop runs).

        A view that cannot load says so and stays empty; the others still load.
        """
        for title, view in self._views():
            if isinstance(view, ReloadableView):
                try:
                    await view.reload()
                except Exception as exc:
                    log.exception("loading the %s view failed", title)
                    self.context.dialogs.error(f"Loading {title} failed", str(exc))
        self._documents = await in_thread(self.context.app.documents.count)
        self._update_status()

    def _add_documents(self, count: int) -> None:
        self._documents += count
        self._update_status()

    def _update_status(self) -> None:
        app = self.context.app
        if app.engine_started:
            location = self.context.engine.browser_location
            browser = f" ({location.source})" if location else ""
            self.engine_label.setText(f"Engine running{browser}")
            running = len(self.context.engine.active_job_ids())
        else:
            self.engine_label.setText("Engine idle")
            running = 0
        self.running_label.setText(f"{running} running job{'s' if running != 1 else ''}")
        self.documents_label.setText(f"{self._documents} documents stored")

    def _find_documents(self) -> None:
        self.show_view("Documents")
        documents = self.view("Documents")
        if isinstance(documents, DocumentsPanel):
            documents.focus_search()

    def view(self, title: str) -> QWidget | None:
        for view_title, view in self._views():
            if view_title == title:
                return view
        return None

    def _views(self) -> Iterator[tuple[str, QWidget]]:
        """(tab title, view) for every tab, in order."""
        for position in range(self.tabs.count()):
            view = self.tabs.widget(position)
            if view is not None:  # None only for a position out of range
                yield self.tabs.tabText(position), view

    def show_view(self, title: str) -> None:
        view = self.view(title)
        if view is not None:
            self.tabs.setCurrentWidget(view)

    def open_job(self, job_id: str) -> None:
        """Show a job's detail (the job detail view replaces this in its module)."""
        if self.job_detail_opener is not None:
            self.job_detail_opener(job_id)

    # ----- geometry -----

    def bring_forward(self) -> None:
        """Another start of the app asked for this window: show it on top (also when minimised)."""
        self.setWindowState((self.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
        self.show()
        self.raise_()
        self.activateWindow()

    def _tables(self) -> dict[str, QTableView]:
        """Every table of the views, by a stable name (its view's title and position)."""
        tables: dict[str, QTableView] = {}
        for title, view in self._views():
            for number, table in enumerate(view.findChildren(QTableView)):
                tables[f"{title.lower()}-{number}"] = table
        return tables

    def _restore_geometry(self) -> None:
        geometry = self._settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        for name, table in self._tables().items():
            state = self._settings.value(f"columns/{name}")
            if isinstance(state, QByteArray):
                table.horizontalHeader().restoreState(state)

    def save_geometry(self) -> None:
        """Window geometry and every table's column widths and order, for the next start."""
        self._settings.setValue("main/geometry", self.saveGeometry())
        for name, table in self._tables().items():
            self._settings.setValue(f"columns/{name}", table.horizontalHeader().saveState())
        self._settings.sync()

    # ----- quitting -----

    def request_quit(self) -> None:
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry()
        event.accept()
        self.quitRequested.emit()


async def wait_for_quit(window: MainWindow) -> None:
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def resolve() -> None:
        if not done.done():
            done.set_result(None)

    window.quitRequested.connect(resolve)
    await done


__all__ = ["MainWindow", "wait_for_quit"]
