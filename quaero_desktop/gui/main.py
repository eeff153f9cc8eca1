"""Start the window: QApplication + qasync loop on the main thread, the engine on its own thread.

Quitting detaches running crawls (they are left ``interrupted`` and resume on request) and
returns 0 with no error output.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

import qasync  # type: ignore[import-untyped]  # qasync ships no type information (no py.typed, no stubs)
from PySide6.QtWidgets import QApplication, QMessageBox

from quaero_desktop.app import App, build_app
from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.async_tasks import TaskRunner, engine_result, in_thread
from quaero_desktop.gui.bridge import EngineBridge
from quaero_desktop.gui.browser_download import offer_browser_download
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.dialogs import Dialogs, QtDialogs
from quaero_desktop.gui.main_window import MainWindow, wait_for_quit
from quaero_desktop.gui.single_instance import SingleInstance
from quaero_desktop.gui.style import app_icon, apply_theme
from quaero_desktop.paths import resolve_data_dir

log = logging.getLogger(__name__)


def create_qt_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if existing is None:
        app = QApplication(argv if argv is not None else sys.argv)
    elif isinstance(existing, QApplication):
        app = existing  # e.g. the test suite's, created before the window
    else:
        # A QCoreApplication or QGuiApplication cannot show widgets; say so rather than fail later.
        raise RuntimeError(f"the window needs a QApplication, but a {type(existing).__name__} already exists")
    app.setApplicationName("Quaero Desktop")
    app.setOrganizationName("Quaero")
    app.setDesktopFileName("quaero-desktop")
    app.setQuitOnLastWindowClosed(False)  # quitting is ours: the engine must stop first
    app.setWindowIcon(app_icon())
    apply_theme(app)
    return app


def build_window(app: App, dialogs: Dialogs | None = None) -> tuple[MainWindow, GuiContext]:
    """The main window with every view, wired to ``app`` (tests pass scripted dialogs)."""
    from quaero_desktop.gui.views import build_views, install_detail_opener

    dialogs = dialogs or QtDialogs()
    context = GuiContext(
        app=app, dialogs=dialogs, tasks=TaskRunner(dialogs.error), bridge=EngineBridge(app.engine().events)
    )
    window = MainWindow(context, build_views(context))
    if isinstance(dialogs, QtDialogs):
        dialogs.attach(window)
    install_detail_opener(window, context)
    return window, context


def run_gui(data_dir: str | None = None) -> int:
    qt_app = create_qt_app()
    directory = resolve_data_dir(data_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        QMessageBox.critical(
            None, "Quaero Desktop cannot start", f"Cannot create the data directory {directory}: {exc}"
        )
        return 1
    instance = SingleInstance(directory)
    if not instance.acquire():
        return _hand_over_to_open_window(instance, directory)
    try:
        return _run_window(qt_app, directory, instance)
    finally:
        instance.release()


def _hand_over_to_open_window(instance: SingleInstance, directory: Path) -> int:
    if instance.ask_first_to_show():
        print(f"Quaero Desktop is already open for {directory}: its window was brought to the front.")
        return 0
    QMessageBox.critical(
        None,
        "Quaero Desktop is already running",
        f"Another Quaero Desktop is using {directory} but did not answer.\n\n"
        f"Close it (or end its process) and start again. If none is running, delete {instance.lock_path}.",
    )
    return 1


def _run_window(qt_app: QApplication, directory: Path, instance: SingleInstance) -> int:
    try:
        app = build_app(directory)
    except QuaeroError as exc:
        QMessageBox.critical(None, "Quaero Desktop cannot start", str(exc))
        return 1
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    window, context = build_window(app)
    window.show()
    instance.activation_requested.connect(window.bring_forward)

    async def main() -> None:
        await window.load()
        context.tasks.start(offer_browser_download(context, window), what="Looking for a browser")
        await resume_crawls_left_at_quit(context)
        await start_auto_start_definitions(context)
        context.engine.start_scheduler(lambda: [record.definition for record in app.definitions.list()])
        await wait_for_quit(window)
        window.hide()
        context.tasks.cancel_all()

    for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl+C in a terminal, or a logout: quit cleanly
        signal.signal(signum, lambda *_: window.request_quit())
    try:
        loop.run_until_complete(main())
    finally:
        context.bridge.close()
        # Running crawls are detached, not lost: they continue when the window starts again.
        app.close(detach=True, resume_on_start=True)
        loop.close()
    return 0


async def start_auto_start_definitions(context: GuiContext) -> list[str]:
    """Run the enabled definitions marked ``auto_start`` (once per start of the window)."""
    records = await in_thread(context.app.definitions.list)
    started = []
    for record in records:
        definition = record.definition
        if definition.enabled and definition.auto_start:
            try:
                started.append(await engine_result(context.engine.submit(definition, trigger="auto_start")))
            except QuaeroError as exc:
                context.dialogs.error(f"Starting '{definition.name}' failed", str(exc))
    return started


async def resume_crawls_left_at_quit(context: GuiContext) -> list[str]:
    """Continue the crawls the window was running when it last quit."""
    jobs = await in_thread(lambda: context.app.jobs.list(statuses=[JobStatus.INTERRUPTED]))
    resumed = []
    for job in jobs:
        if job.resume_on_start:
            try:
                resumed.append(await engine_result(context.engine.resume(job.id)))
            except QuaeroError as exc:  # e.g. another Quaero process is running it now
                context.dialogs.error(f"Resuming '{job.name}' failed", str(exc))
    return resumed
