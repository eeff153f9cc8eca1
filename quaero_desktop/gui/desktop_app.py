"""The desktop program: what lives as long as Quaero Desktop runs, with or without its window.

``DesktopApp`` starts the engine once, through ``app.crawls`` (services/crawls.py: every crawl
starts and stops there), and owns the bridge of its events, the scheduler (on the engine's
thread), the tray icon, the notifications and the single-instance guard. The main window is one
view of it: created when first shown, hidden when closed (a crawl never notices), shown again
from the tray, a notification, or a second start of the app.
Every way of quitting (File → Quit, the tray's Quit, Ctrl+C, SIGTERM at logout) ends in
``quit()``, after which ``shutdown()`` detaches running crawls so they resume at the next start;
the user's own Quit (menu, tray, closing the window with ``close_to_tray`` off) first asks while
crawls run (``request_quit``), until "Don't ask again".
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QObject, QTimer

from quaero_desktop.app import App
from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import JobStatus, Progress
from quaero_desktop.domain.next_runs import next_fire
from quaero_desktop.engine.events import JobCreated, JobStatusChanged
from quaero_desktop.gui.async_tasks import TaskRunner, in_thread
from quaero_desktop.gui.autostart import Autostart
from quaero_desktop.gui.bridge import EngineBridge
from quaero_desktop.gui.browser_download import offer_browser_download
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.dialogs import Dialogs, QtDialogs
from quaero_desktop.gui.jobs.job_flows import JobFlows
from quaero_desktop.gui.main_window import MainWindow
from quaero_desktop.gui.notifications.balloon import BalloonNotifier
from quaero_desktop.gui.notifications.fallback import platform_notifiers
from quaero_desktop.gui.notifications.job_notifications import JobNotifications
from quaero_desktop.gui.notifications.notifier import Notifier
from quaero_desktop.gui.quitting import (
    DONT_ASK_AGAIN,
    KEEP_RUNNING,
    NO_TRAY_QUESTION,
    QUIT,
    ask_to_quit_while_crawling,
)
from quaero_desktop.gui.stored_definitions import StoredDefinitions
from quaero_desktop.gui.tray.tray_icon import TrayIcon
from quaero_desktop.gui.tray.tray_presence import TrayPresence, platform_tray_available
from quaero_desktop.gui.tray.tray_status import APP_NAME, RunningJob, TrayStatus
from quaero_desktop.gui.window_settings import window_settings
from quaero_desktop.settings import AppSettings, save_settings

log = logging.getLogger(__name__)

TRAY_HINT_TITLE = "Quaero Desktop is still running"
TRAY_HINT_TEXT = (
    "Crawls and schedules go on in the background. Click this icon to open the window; Quit is in its menu."
)
HINT_SHOWN_KEY = "tray/close_hint_shown"
TOOLTIP_REFRESH_MS = 30_000
# A --minimized start with no tray yet (the panel starts beside it at login) waits this long for one,
# then shows the window: a program with neither icon nor window could only be reached by starting it again.
MINIMIZED_TRAY_WAIT_MS = 10_000


class DesktopApp(QObject):
    def __init__(
        self,
        app: App,
        *,
        dialogs: Dialogs | None = None,
        notifier: Notifier | None = None,
        tray: bool | Callable[[], bool] | None = None,
        autostart: Autostart | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``tray``: whether a system tray shows: None asks the platform (watched while there is none);
        tests say True or False, or give their own probe."""
        super().__init__(parent)
        self.app = app
        self.crawls = app.crawls  # every crawl starts and stops through it
        self.crawls.start()  # the engine, started here once
        self.dialogs = dialogs or QtDialogs()
        self.tasks = TaskRunner(self.dialogs.error)
        self.bridge = EngineBridge(self.crawls.events, self)
        self.definitions = StoredDefinitions(self._read_definitions, self.tasks, self)
        self.context = GuiContext(
            app=app,
            crawls=self.crawls,
            dialogs=self.dialogs,
            tasks=self.tasks,
            bridge=self.bridge,
            definitions=self.definitions,
            autostart=autostart,
        )
        self.jobs = JobFlows(self.context)
        self._window: MainWindow | None = None
        self._window_loaded: asyncio.Task[None] | None = None
        self._ui_state = window_settings(app.data_dir)
        self._quit: asyncio.Future[None] | None = None
        self._quit_asked_early = False  # while nothing waited for it: a logout as the program started
        self.status = TrayStatus()

        probe = platform_tray_available if tray is None else tray if callable(tray) else (lambda: tray)
        # The icon is made and shown even with no tray yet: Qt embeds it once a tray appears (login race).
        self.tray_presence = TrayPresence(probe, self)
        self.tray_presence.appeared.connect(self._on_tray_appeared)
        self.tray = TrayIcon(
            self.definitions,
            window_visible=self.window_visible,
            schedules_paused=lambda: self.app.settings.schedules_paused,
            running_count=lambda: len(self.crawls.active_job_ids()),
            parent=self,
        )
        self.tray.toggleWindowRequested.connect(self.toggle_window)
        self.tray.runRequested.connect(self.run_definition)
        self.tray.pauseRequested.connect(self.set_schedules_paused)
        self.tray.cancelAllRequested.connect(self.cancel_all)
        self.tray.quitRequested.connect(self.request_quit)
        self._tray_wait = QTimer(self, singleShot=True, interval=MINIMIZED_TRAY_WAIT_MS)
        self._tray_wait.timeout.connect(self._show_window_without_tray)
        if notifier is None:
            notifier = platform_notifiers(
                APP_NAME, _icon_path(), BalloonNotifier(lambda: self.tray.icon, self.tray.messageClicked)
            )
        self.notifications = JobNotifications(app, self.bridge, self.tasks, notifier, self.show_job, self)

        self.bridge.jobCreated.connect(self._on_job_created)
        self.bridge.progressChanged.connect(self._on_progress)
        self.bridge.jobStatusChanged.connect(self._on_job_status)
        self.definitions.changed.connect(self._update_tray)
        self._tooltip_timer = QTimer(self, interval=TOOLTIP_REFRESH_MS)  # "next run" moves on with the clock
        self._tooltip_timer.timeout.connect(self._update_tray)

    # ----- start -----

    async def start(self, *, minimized: bool = False) -> None:
        """Show the window (or only the tray icon), resume the crawls left at quit, start schedules."""
        self.tray.show()
        if not minimized:
            self.show_window()
        elif not self.tray_presence.available:
            self._tray_wait.start()  # no tray to live in yet: the window shows unless one appears soon
        self.definitions.start()
        self._tooltip_timer.start()
        await self.definitions.refresh()
        await self.jobs.resume_left_at_quit()
        await self.jobs.start_auto_start(self.definitions.enabled)
        self.crawls.start_scheduler(paused=self.app.settings.schedules_paused)
        self._update_tray()

    # ----- the window -----

    @property
    def window(self) -> MainWindow:
        """The main window, built the first time it is needed (a start in the tray builds none)."""
        if self._window is None:
            window = MainWindow(self.context)
            window.closeRequested.connect(self.close_window)
            window.quitRequested.connect(self.request_quit)
            window.installEventFilter(self)
            if isinstance(self.dialogs, QtDialogs):
                self.dialogs.attach(window)
            self._window = window
            self._window_loaded = self.tasks.start(window.load(), what="Loading the window")
            # No browser to crawl with: the window offers to download one (a start in the tray waits
            # until the window is first shown; a crawl's failure says the same meanwhile).
            self.tasks.start(offer_browser_download(self.context, window), what="Looking for a browser")
        return self._window

    def _show_window_without_tray(self) -> None:
        if not self.tray_presence.check():
            self.show_window()

    def _on_tray_appeared(self) -> None:
        self._tray_wait.stop()
        # A new icon: the one made before this tray existed shows in an XEmbed tray (Qt embeds it),
        # but never in a StatusNotifier one (D-Bus), the kind most panels have now.
        self.tray.renew()
        self._update_tray()

    def has_window(self) -> bool:
        return self._window is not None

    def window_visible(self) -> bool:
        return self._window is not None and self._window.isVisible() and not self._window.isMinimized()

    def show_window(self) -> MainWindow:
        window = self.window
        window.bring_forward()
        self._looked()
        return window

    def hide_window(self) -> None:
        if self._window is not None:
            self._window.save_geometry()
            for detail in self._window.job_details.visible():
                detail.hide()
            self._window.hide()

    def toggle_window(self) -> None:
        if self.window_visible():
            self.hide_window()
        else:
            self.show_window()

    def show_job(self, job_id: str) -> None:
        """A notification was clicked: the window comes forward on that job."""
        window = self.show_window()
        window.show_view(window.jobs)
        window.open_job(job_id)
        self.tasks.start(self._select_job(job_id), what="Showing the job")

    async def _select_job(self, job_id: str) -> None:
        if self._window_loaded is not None:
            await asyncio.shield(self._window_loaded)  # a window built just now is still reading its rows
        self.window.jobs.select_job(job_id)

    def close_window(self) -> None:
        """The window's close button (or Ctrl+W): hide to the tray, ask, or quit, as the settings say."""
        settings = self.app.settings
        if not settings.close_to_tray:
            self.request_quit()
        elif self.tray_presence.check():  # asked now: the tray may have appeared (or gone) since the start
            self.hide_window()
            self._tell_once_about_the_tray()
        elif settings.ask_when_no_tray:
            self.tasks.start(self._ask_before_closing(), what="Closing the window")
        else:
            self.hide_window()  # reachable again by starting the app (single instance) or a notification

    async def _ask_before_closing(self) -> None:
        answer, remember = await self.dialogs.choose_remembered(
            "Keep Quaero Desktop running?", NO_TRAY_QUESTION, [KEEP_RUNNING, QUIT], DONT_ASK_AGAIN
        )
        if answer is None:
            return  # cancelled: the window stays
        if remember:
            await self.save_settings(
                dataclasses.replace(self.app.settings, close_to_tray=answer == KEEP_RUNNING, ask_when_no_tray=False)
            )
        if answer == KEEP_RUNNING:
            self.hide_window()
        else:
            self.quit()

    def _tell_once_about_the_tray(self) -> None:
        if self._ui_state.value(HINT_SHOWN_KEY, False, bool):
            return
        self.tray.show_message(TRAY_HINT_TITLE, TRAY_HINT_TEXT)
        self._ui_state.setValue(HINT_SHOWN_KEY, True)
        self._ui_state.sync()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.WindowActivate:
            self._looked()
        return False

    # ----- what the tray asks -----

    def run_definition(self, definition: JobDefinition) -> None:
        self.tasks.start(self.jobs.submit(definition), what=f"Running '{definition.name}'")

    def cancel_all(self) -> None:
        self.tasks.start(self.jobs.cancel_all(), what="Cancelling every crawl")

    def set_schedules_paused(self, paused: bool) -> None:
        self.crawls.pause_schedules(paused)
        self.tasks.start(
            self.save_settings(dataclasses.replace(self.app.settings, schedules_paused=paused)),
            what="Pausing schedules" if paused else "Resuming schedules",
        )

    async def save_settings(self, settings: AppSettings) -> None:
        await in_thread(save_settings, self.app.data_dir, settings)
        self.app.settings = settings
        self._update_tray()

    # ----- the tray's state -----

    def _on_job_created(self, event: JobCreated) -> None:
        self.status.running[event.job_id] = RunningJob(event.name)
        self._update_tray()

    def _on_progress(self, progress: dict[str, Progress]) -> None:
        for job_id, value in progress.items():
            job = self.status.running.get(job_id)
            if job is None and self.crawls.runs_here(job_id):  # resumed: no JobCreated event
                job = self.status.running[job_id] = RunningJob(job_id)
                self.tasks.start(self._name_running_job(job_id), what="Reading the job")
            if job is not None:
                job.progress = value
        self._update_tray()

    async def _name_running_job(self, job_id: str) -> None:
        job = await in_thread(self.app.jobs.get, job_id)
        if job_id in self.status.running:
            self.status.running[job_id].name = job.name
            self._update_tray()

    def _on_job_status(self, event: JobStatusChanged) -> None:
        if not event.status.is_active:  # ended, interrupted or paused
            self.status.running.pop(event.job_id, None)
        if event.status == JobStatus.FAILED and not self.window_visible():
            self.status.failed_since_look = True
        self._update_tray()

    def _looked(self) -> None:
        if self.status.failed_since_look:
            self.status.failed_since_look = False
            self._update_tray()

    def tooltip(self) -> str:
        now = datetime.now(UTC)
        soonest = next_fire(self.definitions.enabled, now)
        when = ""
        if soonest is not None:
            from quaero_desktop.gui.definitions.definitions_model import when_text

            when = when_text(soonest[1])
        return self.status.tooltip(soonest, paused=self.app.settings.schedules_paused, when=when)

    def _update_tray(self) -> None:
        self.tray.set_state(self.status.state)
        self.tray.set_tooltip(self.tooltip())

    # ----- quitting -----

    def request_quit(self) -> None:
        """The user's Quit: asks first while crawls run here (unless told not to), then quits."""
        running = len(self.crawls.active_job_ids())
        if running and self.app.settings.ask_before_quit:
            self.tasks.start(self._ask_before_quitting(running), what="Quitting")
        else:
            self.quit()

    async def _ask_before_quitting(self, running: int) -> None:
        confirmed, remember = await ask_to_quit_while_crawling(self.dialogs, running)
        if not confirmed:
            return  # Cancel: the program and its crawls go on
        if remember:
            await self.save_settings(dataclasses.replace(self.app.settings, ask_before_quit=False))
        self.quit()

    def quit(self) -> None:
        """Every way of quitting ends here; ``run_until_quit`` returns and ``shutdown`` follows."""
        if self._quit is not None and not self._quit.done():
            self._quit.set_result(None)
        else:  # still starting (a SIGTERM as the window came up was lost, the program left running)
            self._quit_asked_early = True

    async def run_until_quit(self) -> None:
        if self._quit_asked_early:
            self._quit_asked_early = False
            return
        self._quit = asyncio.get_running_loop().create_future()
        await self._quit

    async def shutdown(self) -> None:
        """Put the window and tray away, then stop the engine: running crawls are detached, not lost."""
        self.stop_timers()
        if self._window is not None:
            self._window.save_geometry()
            self._window.hide()
        self.tray.close()
        self.tasks.cancel_all()
        await self.notifications.close()
        self.bridge.close()
        # Running crawls continue when the program starts again (resume_on_start).
        await in_thread(lambda: self.app.close(detach=True, resume_on_start=True))

    def stop_timers(self) -> None:
        """Nothing of the program wakes up again (its loop may be gone): the tooltip, the tray's watch,
        the wait for a tray, the definitions' refresh."""
        self._tooltip_timer.stop()
        self._tray_wait.stop()
        self.tray_presence.stop()
        self.definitions.stop()

    def _read_definitions(self) -> list[JobDefinition]:
        return [record.definition for record in self.app.definitions.list()]


def _icon_path() -> str:
    from importlib.resources import files

    return str(files("quaero_desktop.gui") / "icons" / "quaero-128.png")
