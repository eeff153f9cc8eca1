"""Many jobs at once in the Jobs view (issue 22, item 2): a definition's runs under one row (the
latest, older ones folded), filters by definition and status, bulk cancel / resume / delete, and
the runs a new run prunes (settings: keep the last N runs) leaving the list."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtWidgets import QApplication

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.job_detail.job_detail_window import JobDetailWindow
from quaero_desktop.gui.jobs.bulk_actions import DELETE_ALL_KEEP_DOCUMENTS
from quaero_desktop.gui.jobs.jobs_model import JOB_ROLE
from quaero_desktop.store import jobs_repo
from tests.conftest import make_definition
from tests.gui_support import run
from tests.waiting import until

pytestmark = pytest.mark.gui

START = datetime.now(UTC) - timedelta(days=1)


def _store_run(app, job_id: str, definition_id: str, minutes: int, status=JobStatus.COMPLETED, url="") -> None:
    """A run of ``definition_id`` as the store keeps it, started ``minutes`` after START."""
    config = {"id": definition_id, "name": definition_id.title(), "start_urls": [url or "https://example.com/"]}
    at = START + timedelta(minutes=minutes)
    with app.database.write() as conn:
        jobs_repo.create_parent(
            conn,
            job_id=job_id,
            name=definition_id.title(),
            definition_id=definition_id,
            config=JobDefinition.from_mapping(config, "test").to_mapping(),
            metadata={"job_definition_id": definition_id},
            owner_pid=0,
            now=at,
        )
        jobs_repo.mark_parent_running(conn, job_id, owner_pid=0, now=at)
        jobs_repo.finish_parent(conn, job_id, status, error=None, now=at + timedelta(seconds=30))


def _shown(panel, parent=None) -> list[str]:
    """The run ids the list shows at the top level (or under ``parent``), top to bottom."""
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    return [panel.proxy.index(row, 0, parent).data(JOB_ROLE).id for row in range(panel.proxy.rowCount(parent))]


def _top(panel, job_id: str):
    (position,) = [i for i, shown in enumerate(_shown(panel)) if shown == job_id]
    return panel.proxy.index(position, 0)


def _detail_windows(job_id: str) -> list:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, JobDetailWindow) and w.isVisible() and w.job_id == job_id
    ]


def test_a_definitions_runs_share_one_row_the_latest_with_older_runs_folded(gui, qloop):
    window, context = gui
    app, panel = context.app, window.jobs
    for job_id, minutes in (("docs-1", 1), ("docs-3", 30), ("docs-2", 10)):
        _store_run(app, job_id, "docs", minutes)
    _store_run(app, "blog-1", "blog", 20)
    run(qloop, panel.reload())

    assert _shown(panel) == ["docs-3", "blog-1"]  # one row per definition, the latest run first
    docs = _top(panel, "docs-3")
    assert not panel.table.isExpanded(docs)  # older runs folded
    assert _shown(panel, docs) == ["docs-2", "docs-1"]  # latest first
    assert "2 older runs" in docs.data(3)  # the Name's tooltip (ToolTipRole) says what is folded

    # A new run heads its group; the run it replaces folds under it.
    from quaero_desktop.gui.jobs.job_row import JobRow

    panel.select_job("docs-3")
    _store_run(app, "docs-4", "docs", 40, status=JobStatus.FAILED)
    panel.model.upsert(JobRow.from_job(app.jobs.get("docs-4")))
    assert _shown(panel) == ["docs-4", "blog-1"]
    assert _shown(panel, _top(panel, "docs-4")) == ["docs-3", "docs-2", "docs-1"]
    # The selection stays on the run the user chose (not on its group's row, now another run), in view.
    assert [row.id for row in panel.selected_rows()] == ["docs-3"] and panel.table.isExpanded(_top(panel, "docs-4"))
    # Deleting the head: the next run heads the group.
    panel.select_job("docs-4")
    panel.model.remove("docs-4")
    assert _shown(panel) == ["docs-3", "blog-1"] and _shown(panel, _top(panel, "docs-3")) == ["docs-2", "docs-1"]
    assert panel.selected_rows() == []  # the run that went was selected, not the one now in its row


def test_filter_by_status_and_definition(gui, qloop):
    window, context = gui
    app, panel = context.app, window.jobs
    _store_run(app, "docs-1", "docs", 1, status=JobStatus.FAILED)
    _store_run(app, "docs-2", "docs", 10)
    _store_run(app, "blog-1", "blog", 5, status=JobStatus.CANCELLED)
    _store_run(app, "blog-2", "blog", 20, status=JobStatus.FAILED)
    run(qloop, panel.reload())
    bar = panel.filter_bar
    definitions = [bar.definition_combo.itemText(i) for i in range(bar.definition_combo.count())]
    assert definitions == ["All definitions", "Blog", "Docs"]

    bar.choose(status="Failed")
    # The docs group shows for its failed older run, unfolded so that the run is seen.
    assert _shown(panel) == ["blog-2", "docs-2"]
    assert panel.table.isExpanded(_top(panel, "docs-2")) and _shown(panel, _top(panel, "docs-2")) == ["docs-1"]
    assert _shown(panel, _top(panel, "blog-2")) == []  # its cancelled run is filtered out

    bar.choose(status="Cancelled")
    assert _shown(panel) == ["blog-2"] and _shown(panel, _top(panel, "blog-2")) == ["blog-1"]

    assert not panel.placeholder.isVisibleTo(panel)
    bar.choose(definition_id="docs", status="Cancelled")
    assert _shown(panel) == []  # no cancelled run of Docs
    assert panel.placeholder.isVisibleTo(panel) and panel.placeholder.text().startswith("No runs of this definition")
    bar.choose(definition_id="docs", status=None)
    assert _shown(panel) == ["docs-2"]
    # A status change moves a run in or out of the filter as it happens.
    bar.choose(definition_id="docs", status="Completed")
    assert _shown(panel) == ["docs-2"]
    panel.model.set_status("docs-2", JobStatus.FAILED, "boom")
    assert _shown(panel) == []


def test_select_three_jobs_and_delete_them_with_one_question(gui, qloop):
    window, context = gui
    app, panel = context.app, window.jobs
    for number in range(4):
        _store_run(app, f"job-{number}", f"site-{number}", number)
    run(qloop, panel.reload())
    for job_id in ("job-0", "job-1", "job-3"):
        panel.select_job(job_id, add=True)
    assert sorted(row.id for row in panel.selected_rows()) == ["job-0", "job-1", "job-3"]
    assert panel.action_delete.isEnabled() and not panel.action_details.isEnabled()  # details: one job
    window.open_job("job-1")
    run(qloop, until(lambda: _detail_windows("job-1"), what="a selected job's window"))

    context.dialogs.answer(DELETE_ALL_KEEP_DOCUMENTS)
    panel.action_delete.trigger()
    run(qloop, until(lambda: _shown(panel) == ["job-2"], what="the three rows to go"))
    assert len(context.dialogs.asked) == 1  # one question for the three
    title, text = context.dialogs.asked[0]
    assert title == "Delete jobs" and text.startswith("Delete 3 jobs (0 documents)?")
    assert [job.id for job in app.jobs.list()] == ["job-2"]
    run(qloop, until(lambda: not _detail_windows("job-1"), what="its window to close"))
    assert window.statusBar().currentMessage() == "Deleted 3 jobs"


def test_bulk_cancel_of_two_running_then_resume_skipping_a_completed_one(gui, qloop, fresh_site):
    window, context = gui
    app, panel = context.app, window.jobs
    _store_run(app, "done", "done", 0)
    run(qloop, panel.reload())
    slow = [fresh_site.url(f"/slow?ms=1500&n={i}") for i in range(4)]
    definitions = [
        make_definition(slow, id=f"slow-{n}", name=f"Slow {n}", max_depth=0, concurrency=1, render="http")
        for n in range(2)
    ]

    async def scenario() -> list[str]:
        for definition in definitions:
            panel.run(definition)
        await until(lambda: len(panel.model.job_ids()) == 3, what="the two new rows")
        running = [job_id for job_id in panel.model.job_ids() if job_id != "done"]
        await until(
            lambda: all(panel.model.row(job_id).progress.running > 0 for job_id in running), what="both running"
        )
        for job_id in [*running, "done"]:
            panel.select_job(job_id, add=True)
        assert panel.action_cancel.isEnabled() and not panel.action_resume.isEnabled()
        panel.action_cancel.trigger()
        await until(
            lambda: all(panel.model.row(job_id).status == JobStatus.CANCELLED for job_id in running), what="cancels"
        )
        await until(lambda: window.statusBar().currentMessage().startswith("Cancelled 2 jobs"), what="the account")
        assert window.statusBar().currentMessage() == (
            "Cancelled 2 jobs; skipped 1: “Done” is completed: nothing to cancel"
        )
        await until(lambda: panel.action_resume.isEnabled(), what="Resume to be offered")
        panel.action_resume.trigger()
        await until(lambda: window.statusBar().currentMessage().startswith("Resumed"), what="the account")
        assert window.statusBar().currentMessage() == (
            "Resumed 2 jobs; skipped 1: “Done” is completed: nothing to resume"
        )
        await until(
            lambda: all(panel.model.row(job_id).status == JobStatus.COMPLETED for job_id in running),
            what="the resumed crawls",
        )
        return running

    running = run(qloop, scenario())
    assert [app.jobs.get(job_id).document_count for job_id in running] == [4, 4]
    assert context.dialogs.errors == []


def test_runs_a_new_run_prunes_leave_the_list_and_their_windows_close(gui, qloop, fresh_site):
    window, context = gui
    app, panel = context.app, window.jobs
    app.settings = dataclasses.replace(app.settings, keep_runs_per_definition=2)
    context.crawls.update_settings(app.settings.engine_settings())
    definition = make_definition([fresh_site.url("/docs/guide")], id="docs", max_depth=0, render="http")
    _store_run(app, "oldest", "docs", 1)
    _store_run(app, "older", "docs", 2)
    run(qloop, panel.reload())
    window.open_job("oldest")
    run(qloop, until(lambda: _detail_windows("oldest"), what="the oldest run's window"))

    async def scenario() -> str:
        panel.run(definition)
        await until(lambda: len(panel.model.job_ids()) == 3 or "oldest" not in panel.model.job_ids(), what="a run")
        await until(lambda: "oldest" not in panel.model.job_ids(), what="the pruned run's row to go")
        (new,) = [job_id for job_id in panel.model.job_ids() if job_id != "older"]
        await until(lambda: panel.model.row(new).status == JobStatus.COMPLETED, what="the new run")
        return new

    new = run(qloop, scenario())
    assert sorted(panel.model.job_ids()) == sorted([new, "older"]) == sorted(job.id for job in app.jobs.list())
    assert _shown(panel) == [new] and _shown(panel, _top(panel, new)) == ["older"]
    run(qloop, until(lambda: not _detail_windows("oldest"), what="its window to close"))
