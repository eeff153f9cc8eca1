"""Noise shown, with a fix (issue 17): after a crawl that stored the wiki's action pages (``&do=edit``…), the
job's window says how many documents come from them and offers the exclude pattern; one click opens the
definition in the Definitions view with the pattern added, unsaved, and the pattern tester showing that
the pattern leaves such a URL out; Save stores it. A crawl without noise shows no box.

render = "http" crawls of the test site (no browser); the wiki needs a saved login, which lives in the
real Secret Service (``keyring``), as in tests/test_login_expiry.py."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.async_tasks import engine_result
from quaero_desktop.gui.job_detail.job_detail_window import JobDetailWindow
from quaero_desktop.gui.job_detail.noise_banner import EXCLUDE_TEXT, TITLE_TEXT
from tests.conftest import make_definition
from tests.gui_support import run, shows_the_stored_job
from tests.login_support import netscape_cookies
from tests.waiting import until

pytestmark = pytest.mark.gui

PATTERN = "[?&]do="


@pytest.fixture
def wiki_login(app, fresh_site, tmp_path):
    """A working login to the test site's wiki, saved (imported) as "wiki"."""
    export = tmp_path / "cookies.txt"
    export.write_text(netscape_cookies(fresh_site.create_session("alice")))
    app.logins.import_file("wiki", export)
    yield
    app.logins.delete("wiki")


def _noisy_wiki(site):
    """A wiki crawl that ignores the site's nofollow and noindex: it stores every page's edit, revisions,
    backlinks… views as documents of their own."""
    return make_definition(
        [site.wiki_url("start")],
        auth_id="wiki",
        include_patterns=["/wiki/"],
        render="http",
        max_depth=3,
        obey_nofollow=False,
        obey_noindex=False,
        max_pages=500,
    )


def _open(window, job_id: str) -> JobDetailWindow:
    """What double-clicking a job in the Jobs view does."""
    window.open_job(job_id)
    detail = window.job_details.get(job_id)
    assert detail is not None
    return detail


def _lines(editor, field: str) -> list[str]:
    return editor.fields.text(field).splitlines()


@pytest.mark.keyring
def test_noise_is_shown_and_one_click_puts_its_exclude_pattern_in_the_definition(gui, qloop, fresh_site, wiki_login):
    window, context = gui
    app = context.app
    definition = _noisy_wiki(fresh_site)
    app.definitions.save(definition)
    run(qloop, window.definitions.reload())

    async def crawl_with_its_window_open() -> JobDetailWindow:
        job_id = await engine_result(context.crawls.submit(definition))
        detail = _open(window, job_id)
        await until(lambda: detail.job is not None, what="the job's window to load")
        if detail.job is not None and detail.job.status.is_active:
            assert detail.noise.isHidden()  # no box while the documents are still coming
        await engine_result(context.crawls.wait(job_id))
        await until(lambda: detail.header.status == JobStatus.COMPLETED, what="the crawl's end in its window")
        # The engine's last events reached the window (the bridge delivers them every 100 ms).
        await until(lambda: shows_the_stored_job(window.jobs, app, job_id), what="the finished job in the Jobs view")
        await until(lambda: detail.noise.isVisibleTo(detail), what="the noise box")
        return detail

    detail = run(qloop, crawl_with_its_window_open())
    groups = app.jobs.noise(detail.job_id)
    assert groups and groups[0].exclude_pattern == PATTERN
    box = detail.noise
    assert box.title.text() == f"⚠ {TITLE_TEXT}"
    assert [row.label.text() for row in box.rows] == [group.text for group in groups]
    first = box.rows[0]
    assert re.fullmatch(r"[\d,]+ of [\d,]+ documents come from URLs with do=", first.label.text())
    assert first.button.text() == EXCLUDE_TEXT and first.button.isVisibleTo(detail)
    assert box.note_label.isHidden()

    # One click: the main window on Definitions, the form on the definition with the pattern added, unsaved.
    QTest.mouseClick(first.button, Qt.MouseButton.LeftButton)
    definitions = window.definitions
    editor = definitions.editor
    run(qloop, until(lambda: PATTERN in _lines(editor, "exclude_patterns"), what="the pattern in the form"))
    run(qloop, context.tasks.wait_all())
    assert window.tabs.currentWidget() is definitions and editor.isVisibleTo(window)
    assert editor.title.text() == "Edit “Test crawl”"
    assert _lines(editor, "exclude_patterns") == [PATTERN]
    assert _lines(editor, "start_urls") == [fresh_site.wiki_url("start")]  # the stored definition, not a blank one
    assert editor.status.text() == "Unsaved changes." and editor.save_button.isEnabled()
    assert app.definitions.get(definition.id).exclude_patterns == ()  # nothing stored before Save
    tester = editor.fields.tester
    assert tester.url_edit.text() == groups[0].examples[0] and "do=" in tester.url_edit.text()
    assert tester.verdict_text() == f"✘ Left out: excluded by pattern '{PATTERN}'"
    viewport = editor.scroll_area.viewport()  # the form scrolled to them, labels and all
    for shown in (tester.result, editor.boxes["exclude_patterns"]):
        assert viewport.rect().contains(shown.mapTo(viewport, QPoint(0, 0)))
    assert editor.scroll_area.horizontalScrollBar().value() == 0
    selected = definitions.selected()
    assert selected is not None and selected.id == definition.id

    QTest.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: editor.isHidden(), what="the form to close after saving"))
    run(qloop, context.tasks.wait_all())
    assert app.definitions.get(definition.id).exclude_patterns == (PATTERN,)
    assert context.dialogs.errors == []

    # The definition is gone: the box says so instead of opening anything.
    app.definitions.delete(definition.id)
    QTest.mouseClick(first.button, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: box.note_label.isVisibleTo(detail), what="the box's note"))
    run(qloop, context.tasks.wait_all())
    assert box.note_label.text().startswith(
        "No stored definition “test-crawl” (deleted, or this crawl ran from a file)"
    )
    assert PATTERN in box.note_label.text()
    assert editor.isHidden() and context.dialogs.errors == []

    # A window opened on the finished job reads its noise too.
    job_id = detail.job_id
    detail.close()
    run(qloop, until(lambda: window.job_details.get(job_id) is None, what="the job's window to close"))
    reopened = _open(window, job_id)
    run(qloop, until(lambda: reopened.noise.isVisibleTo(reopened), what="the noise box of the reopened window"))
    assert [row.label.text() for row in reopened.noise.rows] == [group.text for group in groups]


def test_a_crawl_without_noise_shows_no_box(gui, qloop, fresh_site):
    window, context = gui

    async def scenario() -> JobDetailWindow:
        definition = make_definition([fresh_site.url("/")], max_depth=1, render="http")
        job_id = await engine_result(context.crawls.submit(definition))
        await engine_result(context.crawls.wait(job_id))
        detail = _open(window, job_id)
        await until(lambda: detail.header.status == JobStatus.COMPLETED, what="the finished job in its window")
        # The engine's last events reached the window (the bridge delivers them every 100 ms).
        await until(lambda: shows_the_stored_job(window.jobs, context.app, job_id), what="the job in the Jobs view")
        await context.tasks.wait_all()  # the noise read included
        return detail

    detail = run(qloop, scenario())
    assert detail.job is not None and detail.job.document_count >= 5  # enough documents to make noise of
    assert context.app.jobs.noise(detail.job_id) == []
    assert detail.noise.isHidden() and detail.noise.rows == []
    assert context.dialogs.errors == []
