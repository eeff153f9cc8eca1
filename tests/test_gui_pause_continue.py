"""Pause and Continue in the window: the Jobs view's context menu and a job's window, with the real engine
(over HTTP, the test site's large area: tests/test_pause_continue.py has the engine's side)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMenu

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.jobs.jobs_model import JobColumn
from tests.gui_support import run, shows_the_stored_job
from tests.test_pause_continue import SECTION_PATHS, big_section_crawl
from tests.waiting import until

pytestmark = pytest.mark.gui  # the crawl is over HTTP: no browser starts


def _context_menu(panel, job_id: str) -> dict[str, object]:
    """Right-click the job's row: the menu's actions by text."""
    for menu in panel.findChildren(QMenu):
        menu.close()
    panel.select_job(job_id)
    position = panel.model.job_ids().index(job_id)
    cell = panel.proxy.mapFromSource(panel.model.index(position, JobColumn.NAME))
    panel._context_menu(panel.table.visualRect(cell).center())  # what the right-click calls
    shown = [menu for menu in panel.findChildren(QMenu) if menu.isVisible()]
    assert len(shown) == 1
    return {action.text(): action for action in shown[0].actions()}


def test_pause_then_continue_from_the_jobs_view_and_the_job_window(gui, desktop, qloop, fresh_site):
    window, context = gui
    app = context.app
    panel = window.jobs

    async def scenario() -> str:
        panel.run(big_section_crawl(fresh_site))
        await until(lambda: panel.model.rowCount() == 1, what="the job's row")
        job_id = panel.model.job_ids()[0]
        await until(lambda: panel.model.row(job_id).progress.completed >= 3, what="a few pages stored")
        menu = _context_menu(panel, job_id)
        assert menu["Pause"].isEnabled() and not menu["Continue"].isEnabled()
        menu["Pause"].trigger()
        await until(lambda: panel.model.row(job_id).status == JobStatus.PAUSED, what="the pause")
        await until(lambda: shows_the_stored_job(panel, app, job_id), what="the exact row from the store")
        position = panel.model.job_ids().index(job_id)
        assert panel.model.index(position, JobColumn.STATUS).data() == "Paused"
        assert panel.model.row(job_id).progress.pending > 0  # the pages left wait
        menu = _context_menu(panel, job_id)
        assert menu["Continue"].isEnabled() and menu["Cancel"].isEnabled()
        assert not menu["Pause"].isEnabled() and not menu["Resume"].isEnabled()  # Continue is the way on

        assert await desktop.jobs.resume_left_at_quit() == []  # a paused crawl waits for the user
        assert desktop.notifications.sent == []  # a pause is no failure: nothing to notify
        assert not desktop.status.failed_since_look and job_id not in desktop.status.running  # the tray

        detail = window.job_details.open(job_id)
        await until(lambda: detail.job is not None and detail.action_continue.isEnabled(), what="the job window")
        assert detail.header.status_label.text() == "Paused" and not detail.action_pause.isEnabled()
        detail.action_continue.trigger()
        await until(lambda: panel.model.row(job_id).status == JobStatus.COMPLETED, what="the continued crawl")
        await until(lambda: detail.header.status_label.text() == "Completed", what="the job window's status")
        assert not detail.action_pause.isEnabled() and not detail.action_continue.isEnabled()
        detail.close()
        return job_id

    job_id = run(qloop, scenario())
    job = app.jobs.get(job_id)
    assert job.progress.completed == len(SECTION_PATHS) and job.progress.failed == 0
    hits = fresh_site.hit_paths()
    assert {path: hits.get(path, 0) for path in SECTION_PATHS} == dict.fromkeys(SECTION_PATHS, 1)  # none twice
    assert context.dialogs.errors == []
