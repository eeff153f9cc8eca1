"""The Jobs view with the real engine: run, watch live, cancel, resume, delete."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from PySide6.QtCore import Qt

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.jobs.jobs_model import JobColumn
from tests.conftest import crawl, make_definition
from tests.gui_support import run, shows_the_stored_job
from tests.waiting import until

pytestmark = [pytest.mark.gui, pytest.mark.browser]  # every test crawls the test site


def _detail_windows(job_id: str) -> list:
    from PySide6.QtWidgets import QApplication

    return [
        w
        for w in QApplication.topLevelWidgets()
        if type(w).__name__ == "JobDetailWindow" and w.isVisible() and getattr(w, "job_id", None) == job_id
    ]


def _row_text(panel, job_id: str, column: JobColumn) -> str:
    return str(panel.model.index_of(job_id, column).data())


def test_run_from_the_menu_shows_the_job_live_until_completed(gui, qloop, fresh_site):
    window, context = gui
    app = context.app
    app.definitions.save(make_definition([fresh_site.url("/")], id="home", name="Home page", max_depth=1))
    panel = window.jobs
    seen_progress: list[str] = []
    context.bridge.progressChanged.connect(lambda batch: seen_progress.extend(p.text for p in batch.values()))

    assert panel.placeholder.isVisibleTo(panel) and "No crawls yet" in panel.placeholder.text()

    async def scenario():
        await context.definitions.refresh()  # menus show the definitions read off the GUI thread
        panel.run_menu.fill()
        actions = {a.text(): a for a in panel.run_menu.actions()}
        actions["Home page"].trigger()  # what clicking the menu entry does
        assert window.statusBar().currentMessage() == "Starting “Home page”…"
        await until(lambda: panel.model.rowCount() == 1, what="the job's row")
        job_id = panel.model.job_ids()[0]
        # Once it runs, the status bar says so (it said "Starting …" for the whole crawl).
        await until(lambda: window.statusBar().currentMessage().startswith("Started “Home page”"), what="started")
        await until(lambda: panel.model.row(job_id).status == JobStatus.COMPLETED, what="completion")
        await until(lambda: shows_the_stored_job(panel, app, job_id), what="the exact row from the store")
        failed_cell = panel.model.index_of(job_id, JobColumn.FAILED)
        await until(lambda: failed_cell.data(Qt.ItemDataRole.ToolTipRole), what="why pages failed")
        return job_id

    job_id = run(qloop, scenario())
    job = app.jobs.get(job_id)
    row = panel.model.row(job_id)
    assert row.progress == job.progress  # the view shows exactly what the store holds
    left = f"{job.urls_left} URL{'s' if job.urls_left != 1 else ''} left"
    # Why pages failed (the first one's reason: "2 failed" alone did not say) and what cut the crawl short.
    reasons = [page.error or f"HTTP {page.http_status}" for page in app.jobs.children(job_id, statuses=["failed"])]
    assert _row_text(panel, job_id, JobColumn.PROGRESS) in [
        f"0 pending, 0 running, 12 completed, 2 failed ({reason}) · stopped by max_depth: {left}" for reason in reasons
    ]
    assert _row_text(panel, job_id, JobColumn.DOCUMENTS) == str(job.document_count) == "10"
    assert _row_text(panel, job_id, JobColumn.STATUS) == "Completed"
    # "2 failed", and why: each failed page and its error, in the tooltip and the status bar's tip.
    failed_pages = app.jobs.children(job_id, statuses=["failed"])
    tooltip = panel.model.index_of(job_id, JobColumn.FAILED).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("2 pages failed:\n")
    for page in failed_pages:
        assert f"{page.url} — {page.error or f'HTTP {page.http_status}'}" in tooltip
    status_tip = panel.model.index_of(job_id, JobColumn.PROGRESS).data(Qt.ItemDataRole.StatusTipRole)
    assert status_tip.startswith(f"2 pages failed: {fresh_site.url('/')}") and "; " in status_tip
    assert not panel.placeholder.isVisibleTo(panel)
    assert len(seen_progress) >= 2 and any(
        "running" in t and not t.startswith("0 pending, 0 running") for t in seen_progress
    )
    assert context.dialogs.errors == []


def test_cancel_then_resume_then_delete_keeping_documents(gui, qloop, fresh_site):
    window, context = gui
    app = context.app
    panel = window.jobs
    starts = [fresh_site.url(f"/slow?ms=1500&n={i}") for i in range(6)]

    async def scenario():
        panel.run(make_definition(starts, max_depth=0, concurrency=2))
        await until(lambda: panel.model.rowCount() == 1)
        job_id = panel.model.job_ids()[0]
        await until(lambda: panel.model.row(job_id).progress.running > 0, what="pages running")
        panel.select_job(job_id)
        assert panel.action_cancel.isEnabled()
        panel.action_cancel.trigger()
        await until(lambda: panel.model.row(job_id).status == JobStatus.CANCELLED, what="cancel")
        assert panel.action_resume.isEnabled()
        panel.action_resume.trigger()
        await until(lambda: panel.model.row(job_id).status == JobStatus.COMPLETED, what="the resumed crawl")
        await until(lambda: shows_the_stored_job(panel, app, job_id), what="the exact row from the store")
        return job_id

    job_id = run(qloop, scenario())
    assert app.jobs.get(job_id).document_count == 6
    assert panel.model.row(job_id).progress.completed == 6

    window.open_job(job_id)
    run(qloop, until(lambda: _detail_windows(job_id), what="the job's detail window"))
    context.dialogs.answer("Delete job, keep documents")
    panel.select_job(job_id)
    # Delete is offered once the engine no longer runs the job (a disabled action ignores trigger()).
    run(qloop, until(panel.action_delete.isEnabled, what="Delete to be offered"))
    panel.action_delete.trigger()
    run(qloop, until(lambda: panel.model.rowCount() == 0, what="the row to go"))
    assert panel.placeholder.isVisibleTo(panel)  # the last job went: the empty view says what to do
    run(qloop, until(lambda: not _detail_windows(job_id), what="its detail window to close"))
    assert app.jobs.list() == [] and app.documents.count() == 6
    assert context.dialogs.asked[0][0] == "Delete job"


def test_definitions_marked_auto_start_run_when_the_window_starts(gui, desktop, qloop, fresh_site):
    window, context = gui
    app = context.app
    app.definitions.save(
        make_definition([fresh_site.url("/docs/guide")], id="at-start", name="At start", max_depth=0, auto_start=True)
    )
    app.definitions.save(
        make_definition([fresh_site.url("/docs/reference")], id="not-at-start", name="Not at start", max_depth=0)
    )
    run(qloop, desktop.definitions.refresh())
    job_ids = run(qloop, desktop.jobs.start_auto_start(desktop.definitions.enabled))
    assert len(job_ids) == 1
    run(qloop, until(lambda: window.jobs.model.rowCount() == 1, what="the started job's row"))
    assert app.jobs.get(job_ids[0]).metadata == {"job_definition_id": "at-start", "trigger": "auto_start"}


def test_an_older_store_read_never_puts_back_an_older_row(gui, qloop, fresh_site, monkeypatch):
    window, context = gui
    app, panel = context.app, window.jobs
    job = crawl(app, make_definition([fresh_site.url("/docs/reference")], max_depth=0))
    run(qloop, until(lambda: shows_the_stored_job(panel, app, job.id), what="the finished job's row"))
    as_it_was = dataclasses.replace(job, status=JobStatus.RUNNING, finished_at=None)
    real_get, release, calls = app.jobs.get, threading.Event(), []

    def get(job_id: str):
        calls.append(job_id)
        if len(calls) == 1:  # the first read is slow and saw the job while it still ran
            release.wait(30)
            return as_it_was
        return real_get(job_id)

    monkeypatch.setattr(app.jobs, "get", get)

    async def two_reads() -> None:
        older = context.tasks.start(panel._refresh_row(job.id), what="older read")
        await until(lambda: len(calls) == 1, what="the older read to start")
        await panel._refresh_row(job.id)  # the newer read ends first
        release.set()
        await older

    run(qloop, two_reads())
    assert panel.model.row(job.id).status == JobStatus.COMPLETED
    assert shows_the_stored_job(panel, app, job.id)


def test_at_1280_px_the_documents_column_holds_a_recrawls_count(gui, qloop):
    from datetime import timedelta

    from quaero_desktop.domain.job import Progress
    from quaero_desktop.gui.jobs.column_widths import CELL_ROOM, PROGRESS_SAMPLE
    from tests.gui_support import store_finished_job

    window, context = gui
    window.resize(1280, 800)
    store_finished_job(context.app, "recrawl", crawl_seconds=60, wall=timedelta(minutes=1))
    panel = window.jobs
    window.show_view(panel)
    run(qloop, panel.reload())
    panel.model.apply_progress({"recrawl": Progress(completed=150, documents=150, changed=21, unchanged=129)})
    cell = panel.model.index(0, JobColumn.DOCUMENTS)
    assert cell.data() == "150 · 21 changed"  # was "150 · 21 changed, 129 unchanged", cut to "150 · 21 chan…"
    assert "21 changed, 129 unchanged" in cell.data(Qt.ItemDataRole.ToolTipRole)
    needed = panel.table.fontMetrics().horizontalAdvance(cell.data()) + CELL_ROOM
    assert panel.table.header().sectionSize(JobColumn.DOCUMENTS) >= needed
    # New, changed and gone pages: the column widens to the whole account (it showed "150 · 3 new, 21 chang…").
    panel.model.apply_progress(
        {"recrawl": Progress(completed=150, documents=150, new=3, changed=21, unchanged=124, gone=2)}
    )
    assert cell.data() == "150 · 3 new, 21 changed, 2 gone"
    needed = panel.table.fontMetrics().horizontalAdvance(cell.data()) + CELL_ROOM
    assert panel.table.header().sectionSize(JobColumn.DOCUMENTS) >= needed
    progress_room = panel.table.fontMetrics().horizontalAdvance(PROGRESS_SAMPLE)
    assert panel.table.header().sectionSize(JobColumn.PROGRESS) >= progress_room  # Progress keeps room for its text
