"""The program in the background: the tray icon's menu, image and tooltip; closing the window.

The desktop program is built as ``main`` builds it, with the tray's presence given (offscreen
Qt has no tray host; tests/test_background_program.py runs the real program with one).
"""

from __future__ import annotations

import asyncio
import tomllib
from datetime import UTC, datetime

import pytest

from quaero_desktop.domain.job import JobStatus, Progress
from quaero_desktop.engine.events import JobCreated, JobProgress, JobStatusChanged
from quaero_desktop.gui.desktop_app import DONT_ASK_AGAIN, KEEP_RUNNING, QUIT, DesktopApp
from quaero_desktop.gui.tray.tray_status import TrayState
from tests.conftest import make_definition
from tests.gui_support import RecordingNotifier, ScriptedDialogs, run
from tests.waiting import until

pytestmark = pytest.mark.gui


@pytest.fixture
def program(app, qloop):
    """Build ``DesktopApp(app, tray=...)`` (True, False, or a probe); everything built is put away afterwards."""
    asyncio.set_event_loop(qloop)
    built: list[DesktopApp] = []

    def build(*, tray) -> DesktopApp:
        desktop = DesktopApp(app, dialogs=ScriptedDialogs(), notifier=RecordingNotifier(), tray=tray)
        built.append(desktop)
        return desktop

    yield build
    for desktop in built:
        desktop.stop_timers()
        run(qloop, desktop.tasks.wait_all())
        desktop.bridge.close()
        desktop.tray.close()
        if desktop.has_window():
            desktop.window.hide()
            desktop.window.deleteLater()


def _menu(desktop: DesktopApp) -> dict[str, object]:
    desktop.tray.menu.aboutToShow.emit()  # what opening the menu does
    return {action.text(): action for action in desktop.tray.menu.actions() if action.text()}


def _saved_settings(app) -> dict:
    return tomllib.loads((app.data_dir / "settings.toml").read_text(encoding="utf-8"))


def test_the_tray_menu_is_rebuilt_each_time_it_opens(program, app, qloop):
    desktop = program(tray=True)
    app.definitions.save(make_definition(["https://a.example/"], id="wiki", name="Team wiki"))
    app.definitions.save(make_definition(["https://b.example/"], id="old", name="Old site", enabled=False))
    run(qloop, desktop.definitions.refresh())

    menu = _menu(desktop)
    assert list(menu) == ["Show window", "Run", "Pause schedules", "Cancel all crawls", "Quit"]
    run_menu = menu["Run"].menu()
    assert [action.text() for action in run_menu.actions()] == ["Team wiki"]  # enabled definitions only
    assert not menu["Cancel all crawls"].isEnabled()  # nothing to cancel
    assert not menu["Pause schedules"].isChecked()

    desktop.show_window()
    assert "Hide window" in _menu(desktop)  # never stale: it says what a click does now
    _menu(desktop)["Hide window"].trigger()
    assert not desktop.window_visible()

    app.definitions.save(make_definition(["https://c.example/"], id="new", name="New site"))
    run(qloop, desktop.definitions.refresh())  # what the menu's own re-read does for the next opening
    assert [action.text() for action in _menu(desktop)["Run"].menu().actions()] == ["New site", "Team wiki"]


def test_pause_schedules_is_kept_and_quit_ends_the_program(program, app, qloop):
    from quaero_desktop.gui.definitions.definitions_model import DefinitionColumn

    desktop = program(tray=True)
    app.definitions.save(make_definition(["https://a.example/"], id="nightly", name="Nightly", schedule="0 3 * * *"))
    desktop.crawls.start_scheduler()
    _menu(desktop)["Pause schedules"].trigger()
    run(qloop, desktop.tasks.wait_all())
    assert desktop.crawls.schedules_paused and app.settings.schedules_paused
    assert _saved_settings(app)["schedules_paused"] is True  # still paused at the next start
    assert _menu(desktop)["Pause schedules"].isChecked()
    assert "Schedules paused" in desktop.tray.icon.toolTip()
    window = desktop.show_window()
    run(qloop, desktop.tasks.wait_all())
    model = window.definitions.model
    next_run = model.index(model.row_of("nightly"), DefinitionColumn.NEXT_RUN).data()
    assert next_run.startswith("Paused (") and "03:00" in next_run  # the Definitions view says so too

    async def quit_from_the_tray() -> None:
        running = asyncio.ensure_future(desktop.run_until_quit())
        await asyncio.sleep(0)
        _menu(desktop)["Quit"].trigger()
        await asyncio.wait_for(running, 5)

    run(qloop, quit_from_the_tray())


def test_closing_the_window_hides_it_to_the_tray_and_says_so_once(program, qloop):
    desktop = program(tray=True)
    told: list[tuple[str, str]] = []
    desktop.tray.show_message = lambda title, text: told.append((title, text))
    window = desktop.show_window()
    window.close()  # the window's close button
    assert not window.isVisible() and desktop.has_window()
    assert desktop.app.engine().running  # crawls go on
    assert len(told) == 1 and "still running" in told[0][0]
    desktop.show_window()
    window.action_close.trigger()  # Ctrl+W
    assert not window.isVisible()
    assert len(told) == 1  # said once


def test_without_a_tray_closing_asks_and_remembers_the_answer(program, app, qloop):
    desktop = program(tray=False)
    dialogs = desktop.dialogs
    window = desktop.show_window()
    dialogs.answer((None, False))  # Cancel: the window stays
    window.close()
    run(qloop, desktop.tasks.wait_all())
    assert window.isVisible()
    title, text = dialogs.asked[-1]
    assert title == "Keep Quaero Desktop running?" and "no system tray" in text and "Start Quaero Desktop again" in text

    dialogs.answer((KEEP_RUNNING, True))  # keep running, and don't ask again
    window.close()
    run(qloop, desktop.tasks.wait_all())
    assert not window.isVisible()
    saved = _saved_settings(app)
    assert saved["ask_when_no_tray"] is False and saved["close_to_tray"] is True
    desktop.show_window()  # a second start of the app, or a notification
    window.close()
    run(qloop, desktop.tasks.wait_all())
    assert not window.isVisible() and len(dialogs.asked) == 2  # not asked again
    assert DONT_ASK_AGAIN == "Don't ask again"


def test_without_a_tray_quit_is_one_of_the_answers(program, qloop):
    desktop = program(tray=False)
    desktop.dialogs.answer((QUIT, False))

    async def close_and_quit() -> None:
        running = asyncio.ensure_future(desktop.run_until_quit())
        desktop.show_window().close()
        await asyncio.wait_for(running, 5)

    run(qloop, close_and_quit())


def test_the_tray_shows_crawling_a_failure_since_the_last_look_and_the_next_run(program, app, qloop):
    desktop = program(tray=True)
    app.definitions.save(make_definition(["https://a.example/"], id="nightly", name="Nightly", schedule="0 3 * * *"))
    run(qloop, desktop.definitions.refresh())
    assert desktop.tray.state == TrayState.IDLE
    assert "Next scheduled run: Nightly, " in desktop.tray.icon.toolTip() and "03:00" in desktop.tray.icon.toolTip()

    now = datetime.now(UTC)
    desktop.bridge.deliver(
        [
            JobCreated("job1", "Team wiki", "wiki", now),
            JobProgress("job1", Progress(pending=3, running=1, completed=5, documents=4)),
        ]
    )
    assert desktop.tray.state == TrayState.CRAWLING
    assert "Team wiki: 3 pending, 1 running, 5 completed, 0 failed · 4 documents" in desktop.tray.icon.toolTip()
    assert desktop.tray.icon.toolTip().startswith("Quaero Desktop — 1 crawl running")

    desktop.bridge.deliver([JobStatusChanged("job1", JobStatus.FAILED, "timed out")])
    run(qloop, until(lambda: desktop.tray.state == TrayState.FAILURE, what="the failure image"))
    assert "A crawl failed since you last looked" in desktop.tray.icon.toolTip()
    images = {state: desktop.tray.icon.icon().cacheKey() for state in [desktop.tray.state]}
    desktop.show_window()  # the user looked
    assert desktop.tray.state == TrayState.IDLE
    assert desktop.tray.icon.icon().cacheKey() != images[TrayState.FAILURE]


def test_a_minimized_start_with_no_tray_yet_shows_the_window_after_a_short_wait(program, qloop, monkeypatch):
    from quaero_desktop.gui import desktop_app

    monkeypatch.setattr(desktop_app, "MINIMIZED_TRAY_WAIT_MS", 300)
    desktop = program(tray=lambda: False)  # a login where the panel never shows a tray
    run(qloop, desktop.start(minimized=True))
    assert not desktop.has_window()  # first it waits for a tray…
    run(qloop, until(desktop.window_visible, 10, "the window, shown (not minimized) after the wait"))


def test_a_tray_that_appears_after_the_start_takes_the_icon_and_the_closed_window(program, qloop, monkeypatch):
    """The login race: Quaero starts before the panel's tray. When the tray shows up, the program
    lives in it: a minimized start shows no window, and closing the window asks nothing."""
    from quaero_desktop.gui.tray import tray_presence

    monkeypatch.setattr(tray_presence, "SOON_MS", 100)
    tray_host = {"running": False}
    desktop = program(tray=lambda: tray_host["running"])
    run(qloop, desktop.start(minimized=True))
    assert desktop.tray.icon.isVisible()  # shown at once: Qt embeds it when a tray appears
    tray_host["running"] = True  # the panel started
    run(qloop, until(lambda: desktop.tray_presence.available, 10, "the tray, noticed"))
    # The wait for a tray is over: no window will show (waiting past its end only took time).
    assert not desktop._tray_wait.isActive()
    assert not desktop.has_window() and desktop.tray.icon.isVisible()

    window = desktop.show_window()  # from the tray icon
    window.close()
    run(qloop, desktop.tasks.wait_all())
    assert not window.isVisible()
    assert desktop.dialogs.asked == []  # no "no system tray?" question: there is one
