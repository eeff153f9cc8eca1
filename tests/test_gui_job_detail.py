"""The job detail window with the real engine: its header, Pages, Log and Configuration tabs through
a crawl, a cancel and a resume, a failed job, and a job's durations in the window, the Jobs view and
the command line. The Pages and Log tabs on their own (100,000 rows): test_gui_job_detail_pages.py."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from quaero_desktop.cli.main import main as cli_main
from quaero_desktop.domain.job import JobStatus, Progress
from quaero_desktop.gui.async_tasks import engine_result
from quaero_desktop.gui.format import duration_text
from quaero_desktop.gui.job_detail.child_rows import ChildColumn
from quaero_desktop.gui.job_detail.job_detail_window import JobDetailWindow
from quaero_desktop.gui.job_detail.log_model import LogColumn
from quaero_desktop.gui.jobs.jobs_model import JobColumn
from tests.conftest import make_definition
from tests.gui_support import run, store_finished_job
from tests.job_detail_support import _column
from tests.waiting import until

pytestmark = pytest.mark.gui


def _open(window, job_id: str) -> JobDetailWindow:
    """What double-clicking a job does: the opener builds (or raises) its detail window."""
    window.open_job(job_id)
    details = [w for w in window.findChildren(JobDetailWindow) if w.job_id == job_id]
    assert len(details) == 1
    return details[0]


def _cells(detail: JobDetailWindow, path: str) -> dict[str, str]:
    """The Pages row whose URL ends with ``path``: header -> shown text."""
    model = detail.pages.model
    for row in range(model.rowCount()):
        if model.index(row, ChildColumn.URL).data().endswith(path):
            return {
                model.headerData(c, Qt.Orientation.Horizontal): str(model.index(row, c).data()) for c in ChildColumn
            }
    raise AssertionError(f"no row for {path}: {_column(model, ChildColumn.URL)}")


async def _crawl(context, definition) -> str:
    job_id = await engine_result(context.crawls.submit(definition))
    await engine_result(context.crawls.wait(job_id))
    return job_id


def _completed_home_crawl(window, context, fresh_site, qloop) -> JobDetailWindow:
    async def scenario() -> JobDetailWindow:
        job_id = await _crawl(context, make_definition([fresh_site.url("/")], max_depth=1))
        detail = _open(window, job_id)
        await until(
            lambda: detail.pages.model.total == 14 and detail.header.status == JobStatus.COMPLETED, what="the pages"
        )
        await context.tasks.wait_all()
        return detail

    return run(qloop, scenario())


@pytest.mark.browser
def test_completed_crawl_shows_every_page_and_filters_them(gui, qloop, fresh_site, monkeypatch):
    window, context = gui
    detail = _completed_home_crawl(window, context, fresh_site, qloop)
    pages = detail.pages
    assert detail.isWindow() and detail.windowTitle() == "Job — Test crawl"
    assert detail.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    header = detail.header
    assert header.status_label.text() == "Completed"
    assert header.progress_label.text() == "0 pending, 0 running, 12 completed, 2 failed"
    assert header.documents_label.text() == "10"
    assert header.duration_label.text().endswith("s") and header.started_label.text()
    assert header.error_label.isHidden() and header.warnings_label.isHidden()
    assert not detail.action_cancel.isEnabled() and not detail.action_resume.isEnabled()

    assert pages.model.rowCount() == 14 and pages.count_label.text() == "14 pages"
    missing = _cells(detail, "/missing")
    assert (missing["Status"], missing["HTTP"], missing["Error / Note"]) == ("Failed", "404", "HTTP 404 Not Found")
    assert _cells(detail, "/error-500")["Error / Note"] == "HTTP 500 Internal Server Error"
    guide = _cells(detail, "/docs/guide")
    assert (guide["Status"], guide["Title"], guide["Depth"]) == ("Completed", "The Guide", "1")
    assert guide["Time"].endswith("s") and guide["Error / Note"] == ""
    assert _cells(detail, "/files/manual.pdf")["Error / Note"].startswith("not HTML (application/pdf)")
    assert _column(pages.model, ChildColumn.STATUS).count("Completed") == 12

    pages.status_filter.setCurrentText("Failed")
    assert sorted(_column(pages.model, ChildColumn.URL)) == [fresh_site.url("/error-500"), fresh_site.url("/missing")]
    assert pages.count_label.text() == "2 of 14 pages"
    pages.status_filter.setCurrentText("Running")
    assert pages.model.rowCount() == 0 and pages.placeholder.isVisibleTo(pages)
    pages.status_filter.setCurrentText("All")
    pages.text_filter.setText("/DOCS/")
    run(qloop, until(lambda: pages.model.rowCount() == 3, what="the URL filter"))
    assert all("/docs/" in url for url in _column(pages.model, ChildColumn.URL))
    pages.text_filter.clear()
    run(qloop, until(lambda: pages.model.rowCount() == 14, what="the filter cleared"))

    pages.table.sortByColumn(ChildColumn.HTTP, Qt.SortOrder.DescendingOrder)
    assert _column(pages.model, ChildColumn.HTTP)[:2] == ["500", "404"]
    pages.table.sortByColumn(ChildColumn.URL, Qt.SortOrder.AscendingOrder)
    urls = _column(pages.model, ChildColumn.URL)
    assert urls == sorted(urls)

    opened: list[str] = []
    monkeypatch.setattr(pages, "open_url", opened.append)
    pages.table.doubleClicked.emit(pages.model.index(0, ChildColumn.TITLE))
    assert opened == [urls[0]]
    detail.activateWindow()
    pages.table.setFocus()
    # Ctrl+C and Enter are shortcuts of the focused table: the window must be active (asynchronous).
    run(qloop, until(lambda: QApplication.focusWidget() is pages.table, what="the keyboard focus in the pages table"))
    pages.table.selectRow(1)
    assert pages.action_copy_url.isEnabled()
    QTest.keyClick(pages.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == urls[1]
    QTest.keyClick(pages.table, Qt.Key.Key_Return)
    assert opened == [urls[0], urls[1]]
    assert context.dialogs.errors == []


@pytest.mark.browser
def test_log_and_configuration_tabs(gui, qloop, fresh_site):
    window, context = gui
    detail = _completed_home_crawl(window, context, fresh_site, qloop)
    log = detail.log
    stored = context.app.jobs.logs(detail.job_id)
    assert log.level_filter.currentText() == "Info" and log.follow.isChecked()
    messages = _column(log.model, LogColumn.MESSAGE)
    assert messages[0].startswith("started: 1 start URL(s), max depth 1")
    assert messages[-1].startswith("completed: 0 pending, 0 running, 12 completed, 2 failed, 10 document(s)")
    assert not any(m.startswith("fetched ") for m in messages)
    assert f"failed {fresh_site.url('/missing')}: HTTP 404 Not Found" in messages
    debug_count = sum(1 for e in stored if e.level == "debug")
    assert debug_count >= 10 and log.count_label.text() == f"{len(messages)} lines ({debug_count} below Info hidden)"

    log.level_filter.setCurrentText("Debug")
    assert [(line.id, line.message) for line in log.model.visible_lines()] == [(e.id, e.message) for e in stored]
    assert any(
        m.startswith(f"fetched {fresh_site.url('/docs/guide')} (200,") for m in _column(log.model, LogColumn.MESSAGE)
    )
    log.level_filter.setCurrentText("Warning")
    assert set(_column(log.model, LogColumn.LEVEL)) == {"Warning"} and log.model.rowCount() == 2

    config = detail.config
    assert config.text.toPlainText() == ""  # made when the tab is first shown, not with the window
    detail.tabs.setCurrentWidget(config)
    text = config.text.toPlainText()
    assert "max_depth = 1" in text and fresh_site.url("/") in text and 'name = "Test crawl"' in text
    assert config.text.isReadOnly()
    assert config.definition_label.text() == "test-crawl" and config.job_id_label.text() == detail.job_id
    assert config.login_label.text().startswith("none")


@pytest.mark.browser
def test_live_crawl_rows_change_without_a_reload_then_cancel_and_resume(gui, qloop, fresh_site):
    window, context = gui
    urls = [fresh_site.url(f"/slow?ms=800&n={i}") for i in range(6)]
    seen: dict[str, list[str]] = {url: [] for url in urls}

    async def scenario():
        job_id = await engine_result(context.crawls.submit(make_definition(urls, max_depth=0, concurrency=2)))
        detail = _open(window, job_id)
        await until(lambda: detail.pages.model.total == 6, what="the pages")
        resets: list[int] = []
        detail.pages.model.modelReset.connect(lambda: resets.append(1))

        def record(*_args):
            for row in range(detail.pages.model.rowCount()):
                page = detail.pages.model.row_at(row)
                if not seen[page.url] or seen[page.url][-1] != str(page.status):
                    seen[page.url].append(str(page.status))

        detail.pages.model.dataChanged.connect(record)
        await until(
            lambda: any(s[-2:] == ["running", "completed"] for s in seen.values() if len(s) >= 2),
            what="a page to finish",
        )
        assert detail.header.status == JobStatus.RUNNING and detail.action_cancel.isEnabled()
        assert "running" in detail.header.progress_label.text() and not detail.action_resume.isEnabled()

        detail.action_cancel.trigger()
        await until(lambda: detail.header.status == JobStatus.CANCELLED, what="the cancel")
        await until(lambda: "Cancelled" in _column(detail.pages.model, ChildColumn.STATUS), what="cancelled pages")
        # The status event can arrive a moment before the engine lets go of the job; the window
        # then reads the job again and offers Resume (a disabled action ignores trigger()).
        await until(
            lambda: detail.action_resume.isEnabled() and not detail.action_cancel.isEnabled(),
            what="Resume offered instead of Cancel",
        )
        detail.action_resume.trigger()
        await until(lambda: detail.header.status == JobStatus.COMPLETED, what="the resumed crawl")
        await until(lambda: _column(detail.pages.model, ChildColumn.STATUS) == ["Completed"] * 6, what="every page")
        await context.tasks.wait_all()
        return detail, resets

    detail, resets = run(qloop, scenario())
    assert resets == []  # every change arrived in place: no reload of the table
    assert detail.header.progress_label.text() == "0 pending, 0 running, 6 completed, 0 failed"
    messages = _column(detail.log.model, LogColumn.MESSAGE)
    assert any(m.startswith("resuming: ") for m in messages) and messages[-1].startswith("completed: ")
    # The header, the log and the Jobs view give the crawling time of both runs alike.
    crawled = duration_text(context.app.jobs.get(detail.job_id).crawl_seconds)
    assert messages[-1].endswith(f" in {crawled} of crawling")
    assert detail.header.duration_label.text() == crawled
    jobs = window.jobs
    assert jobs.model.index_of(detail.job_id, JobColumn.DURATION).data() == crawled
    assert context.dialogs.errors == []


@pytest.mark.browser
def test_failed_job_shows_its_error_and_login_trouble(gui, qloop, fresh_site):
    window, context = gui

    async def scenario():
        job_id = await _crawl(context, make_definition([fresh_site.url("/missing")], max_depth=0))
        detail = _open(window, job_id)
        await until(lambda: detail.header.status == JobStatus.FAILED and detail.pages.model.total == 1, what="the job")
        await context.tasks.wait_all()
        return detail

    detail = run(qloop, scenario())
    header = detail.header
    assert header.error_label.isVisibleTo(detail) and header.error_label.wordWrap()
    assert header.error_label.text().startswith("Failed: start URL unreachable")
    assert header.error_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert detail.action_resume.isEnabled()

    context.bridge.progressChanged.emit({"another-job": Progress(completed=1, auth_failures=5)})
    assert header.warnings_label.isHidden()
    context.bridge.progressChanged.emit(
        {detail.job_id: Progress(completed=3, failed=2, auth_failures=2, rendered_empty=1)}
    )
    assert header.warnings_label.isVisibleTo(detail)
    assert header.warnings_label.text().splitlines() == [
        "⚠ 2 pages needed a login (session expired?)",
        "⚠ 1 page rendered empty (the app did not finish rendering): stored as it was, without its content",
    ]
    assert header.progress_label.text() == "0 pending, 0 running, 3 completed, 2 failed"

    def no_window() -> bool:
        return not window.findChildren(JobDetailWindow)

    async def close_while_loading_then_reopen():
        detail.close()  # deleted on close: opening the job again builds a new window
        await until(no_window, what="the closed window to be deleted")
        again = _open(window, detail.job_id)
        assert again is not detail
        again.close()  # before its reload ran: the load stops quietly
        await until(no_window, what="the second window to be deleted")
        last = _open(window, detail.job_id)
        assert last is not again
        await until(lambda: last.pages.model.total == 1, what="the reopened window")
        await context.tasks.wait_all()
        assert len(window.findChildren(JobDetailWindow)) == 1

    run(qloop, close_while_loading_then_reopen())
    assert context.dialogs.errors == []


def test_durations_are_crawling_time_with_the_wall_time_beside_it(gui, qloop, capsys):
    """A crawl of 2m05s resumed the next morning: its Jobs row, its window and the command line say
    2m05s, with the 3h02m since its first start where there is room (and in the Jobs row's tooltip)."""
    window, context = gui
    store_finished_job(context.app, "resumed-job", crawl_seconds=125, wall=timedelta(hours=3, minutes=2))
    run(qloop, window.jobs.reload())
    jobs = window.jobs
    duration = jobs.model.index_of("resumed-job", JobColumn.DURATION)
    assert duration.data() == "2m05s"
    assert duration.data(Qt.ItemDataRole.ToolTipRole).startswith("2m05s of crawling; 3h02m since the first start")
    detail = _open(window, "resumed-job")
    run(qloop, until(lambda: detail.header.status == JobStatus.COMPLETED, what="the job"))
    assert detail.header.duration_label.text() == "2m05s (wall 3h02m)"
    run(qloop, context.tasks.wait_all())

    def command_line(*args: str) -> str:  # in this process: its output is what this test is about
        assert cli_main(["--data-dir", str(context.app.data_dir), *args]) == 0
        return capsys.readouterr().out

    assert "2m05s (wall 3h02m)" in command_line("jobs", "list")
    assert "duration: 2m05s (wall 3h02m) of crawling" in command_line("jobs", "show", "resumed-job")
    as_json = json.loads(command_line("jobs", "show", "resumed-job", "--json"))
    assert (as_json["crawl_s"], as_json["duration_s"]) == (125.0, pytest.approx(3 * 3600 + 120, abs=1))
