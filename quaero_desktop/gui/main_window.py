"""The main window: Jobs, Definitions, Logins and Documents views, a status bar, menus.

The window is one view of the desktop app (gui/desktop_app.py), which decides what closing it
means (hide to the tray, ask, or quit): the window only says that the user asked
(``closeRequested``, ``quitRequested``). Its views are typed attributes wired here by their
signals; each view reads the store off the GUI thread itself.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFrame, QLabel, QMainWindow, QTableView, QTabWidget, QWidget

from quaero_desktop import __version__
from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.definitions.definitions_panel import DefinitionsPanel
from quaero_desktop.gui.document_count import StoredDocumentCount
from quaero_desktop.gui.documents.documents_panel import DocumentsPanel
from quaero_desktop.gui.help.help_dialog import HelpDialog
from quaero_desktop.gui.help.shortcuts import window_shortcuts
from quaero_desktop.gui.job_detail.job_details import JobDetails
from quaero_desktop.gui.job_detail.noise_banner import NoiseExclusion
from quaero_desktop.gui.jobs.jobs_panel import JobsPanel
from quaero_desktop.gui.logins.logins_panel import LoginsPanel
from quaero_desktop.gui.settings.settings_dialog import SettingsDialog
from quaero_desktop.gui.style import app_icon
from quaero_desktop.gui.window_placement import first_geometry, fits_a_screen
from quaero_desktop.gui.window_settings import window_settings

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    closeRequested = Signal()  # the window's close button, Ctrl+W: the desktop app hides it, asks, or quits
    quitRequested = Signal()  # File → Quit (Ctrl+Q)

    def __init__(self, context: GuiContext) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle("Quaero Desktop")
        self.setWindowIcon(app_icon())
        self._help: HelpDialog | None = None  # made on first use
        self._settings = window_settings(context.app.data_dir)

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.jobs = JobsPanel(context, self)
        self.definitions = DefinitionsPanel(context, self)
        self.logins = LoginsPanel(context, self)
        self.documents = DocumentsPanel(context, self)
        self.job_details = JobDetails(context, self)
        for view, title in self._views():
            self.tabs.addTab(view, title)
        self.setCentralWidget(self.tabs)
        self._build_menus()
        self._build_status_bar()
        self._restore_geometry()
        self._connect_views()

    def _views(self) -> list[tuple[JobsPanel | DefinitionsPanel | LoginsPanel | DocumentsPanel, str]]:
        return [
            (self.jobs, "Jobs"),
            (self.definitions, "Definitions"),
            (self.logins, "Logins"),
            (self.documents, "Documents"),
        ]

    def _connect_views(self) -> None:
        self.jobs.openJob.connect(self.open_job)
        self.jobs.jobDeleted.connect(self.job_details.close)
        self.job_details.excludeNoiseRequested.connect(self.exclude_noise)
        self.definitions.runRequested.connect(self.run_definition)
        self.definitions.definitionsChanged.connect(self.context.definitions.refresh_soon)
        self.definitions.definitionsChanged.connect(self.context.crawls.wake_scheduler)  # a new schedule's 1st slot
        # The definition editor lists the stored logins: re-read them when they change.
        self.logins.loginsChanged.connect(
            lambda: self.context.tasks.start(self.definitions.reload(), what="Refreshing the definitions")
        )

    # ----- building -----

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.action_run = QAction("&Run definition…", self, shortcut=QKeySequence("Ctrl+R"))
        self.action_run.setToolTip("Run a stored definition or a definition file (Ctrl+R)")
        self.action_run.triggered.connect(self.choose_definition_to_run)
        file_menu.addAction(self.action_run)
        file_menu.addSeparator()
        self.action_settings = QAction("&Settings…", self, shortcut=QKeySequence("Ctrl+,"))
        self.action_settings.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.action_settings.setToolTip("Browser path, timeouts, notifications and tray (Ctrl+,)")
        self.action_settings.triggered.connect(lambda: SettingsDialog.show_for(self.context, self))
        file_menu.addAction(self.action_settings)
        file_menu.addSeparator()
        # Ctrl+W and Ctrl+Q themselves (Cmd on macOS), not the standard keys: without a desktop's
        # platform theme those are Ctrl+F4 and nothing, so the keys the README names did nothing.
        self.action_close = QAction("&Close window", self, shortcut=QKeySequence("Ctrl+W"))
        self.action_close.setToolTip("Close the window; crawls and schedules go on in the background")
        self.action_close.triggered.connect(self.close)
        file_menu.addAction(self.action_close)
        self.action_quit = QAction("&Quit", self, shortcut=QKeySequence("Ctrl+Q"))
        self.action_quit.setToolTip("Stop Quaero Desktop; running crawls continue at the next start")
        self.action_quit.triggered.connect(self.quitRequested.emit)
        file_menu.addAction(self.action_quit)
        view_menu = self.menuBar().addMenu("&View")
        # One Find for the window (the views have none of their own: two actions on one key are
        # an "ambiguous shortcut" to Qt, and then neither runs).
        self.action_find = QAction("&Find", self, shortcut=QKeySequence(QKeySequence.StandardKey.Find))
        self.action_find.setToolTip("Filter the definitions in Definitions; elsewhere, search the documents (Ctrl+F)")
        self.action_find.triggered.connect(self.find_in_view)
        view_menu.addAction(self.action_find)
        view_menu.addSeparator()
        for position, (view, title) in enumerate(self._views()):
            action = QAction(title, self, shortcut=QKeySequence(f"Ctrl+{position + 1}"))
            action.triggered.connect(lambda _=False, v=view: self.show_view(v))
            view_menu.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        # F1 itself, not the standard key: without a desktop's platform theme that may be none.
        self.action_help = QAction("Quaero Desktop &Help", self, shortcut=QKeySequence("F1"))
        self.action_help.setToolTip("A short guide, the search syntax and every keyboard shortcut (F1)")
        self.action_help.triggered.connect(lambda: self.show_help())
        help_menu.addAction(self.action_help)
        help_menu.addSeparator()
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
        self.document_count = StoredDocumentCount(self.context.app.documents.count, self.context.tasks, self)
        self.document_count.changed.connect(lambda _count: self._update_status())
        bridge = self.context.bridge
        # Bound methods, not lambdas: Qt drops the connection when this window is deleted.
        bridge.jobStatusChanged.connect(self._on_job_event)
        bridge.jobCreated.connect(self._on_job_event)
        bridge.documentsSaved.connect(self.document_count.refresh)
        self.jobs.jobDeleted.connect(self.document_count.refresh)  # its documents may have gone with it
        self._status_timer = QTimer(self, interval=2000)
        self._status_timer.timeout.connect(self._update_status)
        self._status_timer.start()

    # ----- state -----

    async def load(self) -> None:
        """Fill the views from the store (called once the event loop runs).

        A view that cannot load says so and stays empty; the others still load.
        """
        for view, title in self._views():
            try:
                await view.reload()
            except Exception as exc:
                log.exception("loading the %s view failed", title)
                self.context.dialogs.error(f"Loading {title} failed", str(exc))
        self.document_count.refresh()
        self._update_status()

    def _on_job_event(self, _event: object) -> None:
        self._update_status()

    def _update_status(self) -> None:
        crawls = self.context.crawls
        location = crawls.browser_location
        self.engine_label.setText(f"Browser: {location.source}" if location else "Browser starts with the first crawl")
        running = len(crawls.active_job_ids())
        self.running_label.setText(f"{running} running job{'s' if running != 1 else ''}")
        documents = self.document_count.value
        self.documents_label.setText(
            "Counting documents…"
            if documents is None
            else f"{documents} document{'s' if documents != 1 else ''} stored"
        )

    def find_in_view(self) -> None:
        """Ctrl+F: the current view's search field: the Definitions filter, else the documents search."""
        if self.tabs.currentWidget() is self.definitions:
            self.definitions.focus_search()
            return
        self.show_view(self.documents)
        self.documents.focus_search()

    def choose_definition_to_run(self) -> None:
        """Ctrl+R from any view: the Jobs view, with its Run menu open."""
        self.show_view(self.jobs)
        self.jobs.show_run_menu()

    def show_help(self, tab: int = 0) -> HelpDialog:
        """The Help window (one for the window), on ``tab``; its shortcuts read from the actions as they are."""
        if self._help is None:
            views = [(title, view) for view, title in self._views()]
            self._help = HelpDialog(
                self.context.app.data_dir, lambda: window_shortcuts(self.context, views, self), self
            )
        self._help.show_tab(tab)
        return self._help

    def show_view(self, view: QWidget) -> None:
        self.tabs.setCurrentWidget(view)

    def open_job(self, job_id: str) -> None:
        """Show a job's own window (pages, log, configuration)."""
        self.job_details.open(job_id)

    def exclude_noise(self, exclusion: NoiseExclusion) -> None:
        """A job's window offered an exclude pattern: this window on top, on Definitions, with the
        definition's form open, the pattern added (not saved) and the pattern tester on one of its URLs."""
        self.bring_forward()
        self.show_view(self.definitions)
        self.context.tasks.start(
            self.definitions.edit_adding_exclude(exclusion.definition, exclusion.pattern, exclusion.example_url),
            what="Opening the definition",
        )

    def run_definition(self, definition: JobDefinition) -> None:
        """Run now (from the Definitions view or the tray): the Jobs view shows the new crawl."""
        self.jobs.run(definition)
        self.show_view(self.jobs)

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
        for view, title in self._views():
            for number, table in enumerate(view.findChildren(QTableView)):
                tables[f"{title.lower()}-{number}"] = table
        return tables

    def _restore_geometry(self) -> None:
        """The saved size and place if they fit today's screens, else a first start's (window_placement.py)."""
        geometry = self._settings.value("main/geometry")
        frame = self._settings.value("main/frame")
        areas = [screen.availableGeometry() for screen in QGuiApplication.screens()]
        if isinstance(geometry, QByteArray) and (not isinstance(frame, QRect) or fits_a_screen(frame, areas)):
            self.restoreGeometry(geometry)  # (saved before "main/frame" existed: Qt moves it onto a screen)
        else:
            self.setGeometry(first_geometry(self.screen().availableGeometry()))
        for name, table in self._tables().items():
            state = self._settings.value(f"columns/{name}")
            if isinstance(state, QByteArray):
                table.horizontalHeader().restoreState(state)

    def save_geometry(self) -> None:
        """Window geometry and every table's column widths and order, for the next start."""
        self._settings.setValue("main/geometry", self.saveGeometry())
        # To tell whether it fits the screens next time: the window's outer rectangle, or for a
        # maximised one the place it returns to (whose frame the window system adds around it).
        maximised = self.isMaximized() or self.isFullScreen()
        self._settings.setValue("main/frame", self.normalGeometry() if maximised else self.frameGeometry())
        for name, table in self._tables().items():
            self._settings.setValue(f"columns/{name}", table.horizontalHeader().saveState())
        self._settings.sync()

    # ----- closing -----

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing is the desktop app's decision (hide to the tray, ask, or quit): say that the user asked."""
        self.save_geometry()
        event.ignore()
        self.closeRequested.emit()


__all__ = ["MainWindow"]
