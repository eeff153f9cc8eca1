"""Quitting while crawls run asks first (the window's File → Quit and the tray's Quit), until "Don't ask again".

The crawl is real (the engine over HTTP, slow pages of the test site), so the question counts what the
engine runs; the answers are scripted (tests/gui_support.py).
"""

from __future__ import annotations

import asyncio
import tomllib

import pytest

from quaero_desktop.gui.quitting import DONT_ASK_AGAIN, QUIT_ANYWAY, QUIT_TITLE
from tests.conftest import make_definition
from tests.gui_support import run
from tests.waiting import until

pytestmark = pytest.mark.gui  # the crawl is over HTTP: no browser starts


def _tray_menu(desktop) -> dict:
    desktop.tray.menu.aboutToShow.emit()  # what opening the menu does
    return {action.text(): action for action in desktop.tray.menu.actions() if action.text()}


def _slow_crawl(site):
    starts = [site.url(f"/slow?ms=2000&n={i}") for i in range(8)]
    return make_definition(starts, max_depth=0, concurrency=1, render="http")


def test_quit_with_a_running_crawl_asks_cancel_keeps_it_and_dont_ask_again_is_kept(desktop, app, qloop, fresh_site):
    dialogs = desktop.dialogs
    window = desktop.show_window()

    async def scenario() -> None:
        await desktop.tasks.wait_all()  # the window's first load
        job_id = await desktop.jobs.submit(_slow_crawl(fresh_site))
        await until(lambda: desktop.crawls.runs_here(job_id), what="the crawl to run")

        quitting = asyncio.ensure_future(desktop.run_until_quit())
        await asyncio.sleep(0)  # run_until_quit is waiting
        dialogs.answer((None, True))  # Cancel (the box ticked does not count)
        window.action_quit.trigger()  # File → Quit
        await desktop.tasks.wait_all()
        assert dialogs.asked == [
            (
                QUIT_TITLE,
                "1 crawl is running. Quit anyway?\n\n"
                "It continues where it stopped the next time Quaero Desktop starts.",
            )
        ]
        assert not quitting.done() and desktop.crawls.runs_here(job_id)  # the program and its crawl go on
        assert window.isVisible() and app.settings.ask_before_quit

        dialogs.answer((QUIT_ANYWAY, True))  # the tray's Quit, "Don't ask again" ticked
        _tray_menu(desktop)["Quit"].trigger()
        await asyncio.wait_for(quitting, 10)
        assert len(dialogs.asked) == 2
        saved = tomllib.loads((app.data_dir / "settings.toml").read_text(encoding="utf-8"))
        assert saved["ask_before_quit"] is False  # kept for the next start

        quitting = asyncio.ensure_future(desktop.run_until_quit())
        await asyncio.sleep(0)  # run_until_quit is waiting
        window.action_quit.trigger()  # a crawl still runs here, but the user said not to ask
        await asyncio.wait_for(quitting, 10)
        assert len(dialogs.asked) == 2

    run(qloop, scenario())
    assert DONT_ASK_AGAIN == "Don't ask again"


def test_quit_with_no_crawl_running_does_not_ask(desktop, qloop):
    window = desktop.show_window()

    async def scenario() -> None:
        await desktop.tasks.wait_all()
        quitting = asyncio.ensure_future(desktop.run_until_quit())
        await asyncio.sleep(0)  # run_until_quit is waiting
        window.action_quit.trigger()
        await asyncio.wait_for(quitting, 10)
        quitting = asyncio.ensure_future(desktop.run_until_quit())
        await asyncio.sleep(0)  # run_until_quit is waiting
        _tray_menu(desktop)["Quit"].trigger()
        await asyncio.wait_for(quitting, 10)

    run(qloop, scenario())
    assert desktop.dialogs.asked == []


def test_a_quit_asked_while_the_program_starts_is_not_lost(desktop, qloop):
    # A logout's SIGTERM as the window comes up: start() is still reading the store, nothing waits yet.
    desktop.quit()

    async def scenario() -> None:
        await asyncio.wait_for(desktop.run_until_quit(), 5)

    run(qloop, scenario())
