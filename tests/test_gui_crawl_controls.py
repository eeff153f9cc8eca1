"""The window's side of issue 11: the editor's new fields and pattern tester, the Settings tabs with
the crawl defaults, the Pages table's "Found on" column, "Retry failed pages", and the Jobs row's
words (starting browser…, pages per second, what stopped a crawl). No browser: the store is filled
directly, as a finished crawl leaves it."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from quaero_desktop.domain.job import JobStatus, Progress, StoppedBy
from quaero_desktop.gui.definitions.definition_editor import DefinitionEditor, EditorMode
from quaero_desktop.gui.definitions.field_checks import definition_defaults
from quaero_desktop.gui.job_detail.child_rows import ChildColumn
from quaero_desktop.gui.jobs.job_row import STARTING_BROWSER_TEXT, JobRow
from quaero_desktop.gui.settings.settings_dialog import SettingsDialog
from quaero_desktop.settings import SETTINGS_FILENAME
from quaero_desktop.store import frontier_repo, jobs_repo, pages_repo
from tests.gui_support import run
from tests.waiting import until

pytestmark = pytest.mark.gui


def test_editor_reads_and_writes_the_controls_and_the_tester_uses_the_crawls_rule(qtbot):
    editor = DefinitionEditor()
    qtbot.addWidget(editor)
    values = definition_defaults(
        id="signals",
        name="Signals",
        start_urls=["https://docs.example.com/signals/"],
        exclude_patterns=["/admin"],
        stay_under_start_path=True,
        request_delay="250ms",
        obey_robots_txt=False,
        user_agent="TeamBot/1",
        headers={"Accept-Language": "fr", "X-Team": "docs"},
        proxy="socks5://127.0.0.1:1080",
    )
    editor.load(values, EditorMode.NEW, [])
    assert editor.is_valid, editor._problems
    read = editor.values()
    assert read["headers"] == {"Accept-Language": "fr", "X-Team": "docs"} and read["obey_robots_txt"] is False
    assert (read["request_delay"], read["user_agent"], read["proxy"]) == (
        "250ms",
        "TeamBot/1",
        "socks5://127.0.0.1:1080",
    )

    tester = editor.fields.tester
    tester.url_edit.setText("https://docs.example.com/lamps/")
    assert tester.verdict_text() == "✘ Left out: not under the start URL's folder (/signals/)"
    tester.url_edit.setText("https://docs.example.com/signals/admin")
    assert tester.verdict_text() == "✘ Left out: excluded by pattern '/admin'"
    tester.url_edit.setText("https://docs.example.com/signals/fog?utm_source=x")
    assert tester.verdict_text().startswith("✔ Crawled (https://docs.example.com/signals/fog): ")
    editor.fields.inputs["stay_under_start_path"].setChecked(False)  # the form as it is now
    tester.url_edit.setText("https://docs.example.com/lamps/")
    assert tester.verdict_text().startswith("✔ Crawled: ")

    editor.fields.inputs["headers"].setPlainText("X-Team: docs\nCookie: session=s3cret\nno colon")
    editor.fields.inputs["headers"].setFocus()
    editor.request_save()
    problem = editor.problem("headers")
    assert "Line 2" in problem and "saved login" in problem and "Line 3" in problem and "s3cret" not in problem
    assert tester.verdict_text().startswith("Fix the form's problems first")


def test_settings_tabs_keep_the_crawl_defaults_and_check_them(gui, qloop):
    window, context = gui
    dialog = SettingsDialog(context, window)
    dialog.show()
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "General",
        "Crawling",
        "Notifications",
        "AI assistants",
    ]
    requests = dialog.requests
    requests.delay_edit.setText("soon")
    assert not dialog.ok_button.isEnabled() and "Request delay: expected a duration" in dialog.status_label.text()
    requests.delay_edit.setText("500ms")
    requests.agent_edit.setText("TeamBot/2")
    requests.headers_edit.setPlainText("Accept-Language: en")
    requests.proxy_edit.setText("http://proxy.example.com:3128")
    requests.robots_check.setChecked(False)
    assert dialog.ok_button.isEnabled() and not dialog.status_label.isVisible()
    dialog.save(close=True)
    run(qloop, until(lambda: context.app.settings.request_delay == "500ms", what="the saved settings"))
    saved = tomllib.loads((context.app.data_dir / SETTINGS_FILENAME).read_text(encoding="utf-8"))
    assert (saved["request_delay"], saved["user_agent"], saved["proxy"], saved["obey_robots_txt"]) == (
        "500ms",
        "TeamBot/2",
        "http://proxy.example.com:3128",
        False,
    )
    assert saved["headers"] == {"Accept-Language": "en"}
    assert context.app.engine().settings.crawl_defaults.request_delay == "500ms"


def _finished_job_with_pages(app, job_id: str) -> None:
    config = {"id": "t", "name": "Test crawl", "start_urls": ["https://example.com/"]}
    now = datetime.now(UTC)
    with app.database.write() as conn:
        jobs_repo.create_parent(
            conn,
            job_id=job_id,
            name="Test crawl",
            definition_id="t",
            config=config,
            metadata={"job_definition_id": "t"},
            owner_pid=0,
            now=now - timedelta(seconds=5),
        )
        jobs_repo.mark_parent_running(conn, job_id, owner_pid=0, now=now - timedelta(seconds=5))
        pages_repo.add_children(conn, job_id, [(f"{job_id}-1", "https://example.com/", 0, 1)], now)
        pages_repo.add_children(
            conn,
            job_id,
            [(f"{job_id}-2", "https://example.com/a", 1, 2), (f"{job_id}-3", "https://example.com/b", 1, 3)],
            now,
            found_on="https://example.com/",
        )
        pages_repo.finish_child(conn, f"{job_id}-1", JobStatus.COMPLETED, now=now)
        pages_repo.finish_child(conn, f"{job_id}-2", JobStatus.COMPLETED, now=now)
        pages_repo.finish_child(conn, f"{job_id}-3", JobStatus.FAILED, now=now, error="HTTP 503 Service Unavailable")
        frontier_repo.record_left(conn, job_id, ["https://example.com/c", "https://example.com/d"], StoppedBy.MAX_PAGES)
        jobs_repo.finish_parent(conn, job_id, JobStatus.COMPLETED, error=None, now=now, stopped_by=StoppedBy.MAX_PAGES)


def test_job_window_found_on_stopped_by_and_retry_failed_pages(gui, qloop):
    window, context = gui
    _finished_job_with_pages(context.app, "acc0unt0job1")
    window.open_job("acc0unt0job1")
    detail = window.job_details.get("acc0unt0job1")
    run(qloop, until(lambda: detail.pages.model.rowCount() == 3, what="the pages"))
    model = detail.pages.model
    found = [model.index(row, ChildColumn.FOUND_ON).data() for row in range(3)]
    assert found == ["start URL", "https://example.com/", "https://example.com/"]
    assert model.headerData(ChildColumn.FOUND_ON, Qt.Orientation.Horizontal) == "Found on"
    header = detail.header.limits_label
    assert header.isVisibleTo(detail) and header.text() == (
        "Stopped by max_pages: the crawl reached its page limit (max_pages); 2 URLs found in scope were not crawled."
    )
    assert detail.action_retry.isEnabled()  # a finished job with a failed page
    run(qloop, window.jobs.reload())
    window.jobs.select_job("acc0unt0job1")
    assert window.jobs.action_retry.isEnabled()
    assert window.jobs.model.row("acc0unt0job1").progress_text().endswith("· stopped by max_pages: 2 URLs left")


def test_jobs_row_says_starting_browser_then_pages_per_second():
    started = datetime.now(UTC)
    row = JobRow("j", "Crawl", JobStatus.RUNNING, Progress(pending=1), started, started, starting_browser=True)
    assert row.progress_text() == STARTING_BROWSER_TEXT
    running = JobRow("j", "Crawl", JobStatus.RUNNING, Progress(pending=10, completed=20), started, started)
    assert running.progress_text("5.0 pages/s, about 2s left") == (
        "10 pending, 0 running, 20 completed, 0 failed · 5.0 pages/s, about 2s left"
    )
    # A failed job says why in its row ("1 failed" alone did not): its error's first line.
    failed = JobRow(
        "j",
        "Crawl",
        JobStatus.FAILED,
        Progress(failed=1),
        started,
        started,
        error="every start URL failed: HTTP 404\n…",
    )
    assert failed.progress_text(why_failed=failed.why_failed([])) == (
        "0 pending, 0 running, 0 completed, 1 failed (every start URL failed: HTTP 404)"
    )
