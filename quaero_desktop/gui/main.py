"""Start the desktop program: QApplication + qasync loop on the main thread, the engine on its own.

``run_gui`` makes sure this is the only instance for the data directory, builds the
``DesktopApp`` (engine, tray, notifications, schedules; the window when shown) and runs until
something quits it. Quitting detaches running crawls (they resume at the next start) and
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

from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.gui.autostart import platform_autostart
from quaero_desktop.gui.desktop_app import DesktopApp
from quaero_desktop.gui.garbage_collector import freeze_start_up
from quaero_desktop.gui.single_instance import SingleInstance
from quaero_desktop.gui.store_opening import open_app
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
    app.setQuitOnLastWindowClosed(False)  # the program lives on in the tray; quitting is DesktopApp.quit()
    app.setWindowIcon(app_icon())
    apply_theme(app)
    return app


def run_gui(data_dir: str | None = None, *, minimized: bool = False) -> int:
    """``minimized``: start in the tray only (the window opens from the tray icon)."""
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
        return _run(qt_app, directory, instance, minimized=minimized, explicit_dir=data_dir is not None)
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


def _run(
    qt_app: QApplication, directory: Path, instance: SingleInstance, *, minimized: bool, explicit_dir: bool
) -> int:
    try:
        app = open_app(directory)  # a dialog says how far an upgrade of an older store is
    except QuaeroError as exc:
        QMessageBox.critical(None, "Quaero Desktop cannot start", str(exc))
        return 1
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    desktop = DesktopApp(app, autostart=platform_autostart(directory if explicit_dir else None))
    instance.activation_requested.connect(desktop.show_window)  # a second start: bring the window
    # The ~140,000 objects of the imports and the store live as long as the program: full garbage
    # collections stop walking them (before any crawl starts: its objects are collected as usual).
    freeze_start_up()

    async def main() -> None:
        await desktop.start(minimized=minimized)
        await desktop.run_until_quit()
        await desktop.shutdown()

    for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl+C in a terminal, or a logout: quit cleanly
        try:
            # Through the loop's wake-up socket: a plain Python handler would wait for the next Python
            # code to run, which in the tray with no window can be half a minute away.
            loop.add_signal_handler(signum, desktop.quit)
        except (NotImplementedError, RuntimeError):  # Windows: no add_signal_handler
            signal.signal(signum, lambda *_: desktop.quit())
    try:
        loop.run_until_complete(main())
    finally:
        app.close(detach=True, resume_on_start=True)  # already done by shutdown() unless it failed
        loop.close()
    return 0
