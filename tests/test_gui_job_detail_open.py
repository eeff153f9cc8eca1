"""Opening a big job's window: it shows at once, its first screenful of pages comes before the
rest, and nothing the crawl says meanwhile is lost. (Timings: benchmarks/job_detail_open.py.)"""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from shiboken6 import isValid

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import JobStatus, PageResult
from quaero_desktop.engine.events import ChildStatusChanged
from quaero_desktop.gui.job_detail import job_details
from quaero_desktop.gui.job_detail.child_rows import ChildColumn, ChildRow
from quaero_desktop.gui.job_detail.children_model import CHILD_ROLE
from quaero_desktop.gui.job_detail.job_detail_window import JobDetailWindow
from quaero_desktop.store import jobs_repo, pages_repo
from tests.gui_support import fake_opener, run
from tests.job_detail_support import _column
from tests.test_pause_continue import SECTION_PATHS, big_section_crawl
from tests.waiting import until

pytestmark = pytest.mark.gui

PAGES = 1000
WAITING = 900  # the one page still pending in the store; the crawl starts it while the window reads


def _store_job(app, job_id: str) -> None:
    """A crawl of PAGES pages as the store keeps it, every page done but WAITING."""
    config = {"id": "big", "name": "Big crawl", "start_urls": ["https://example.com/"]}
    now = datetime.now(UTC) - timedelta(hours=1)
    with app.database.write() as conn:
        jobs_repo.create_parent(
            conn,
            job_id=job_id,
            name="Big crawl",
            definition_id="big",
            config=JobDefinition.from_mapping(config, "test").to_mapping(),
            metadata={"job_definition_id": "big"},
            owner_pid=0,
            now=now,
        )
        jobs_repo.mark_parent_running(conn, job_id, owner_pid=0, now=now)
        entries = [(f"{job_id}-{i}", f"https://example.com/s{i % 7}/page-{i}", 1, i) for i in range(PAGES)]
        pages_repo.add_children(conn, job_id, entries, now, found_on="https://example.com/")
        for i, (child_id, *_rest) in enumerate(entries):
            if i != WAITING:
                pages_repo.mark_child_running(conn, child_id, now)
                pages_repo.finish_child(
                    conn,
                    child_id,
                    JobStatus.COMPLETED,
                    now=now + timedelta(seconds=1),
                    http_status=200,
                    title=f"Page {(i * 37) % PAGES:04d}",
                    result=PageResult.DOCUMENT,
                )
        jobs_repo.finish_parent(conn, job_id, JobStatus.COMPLETED, error=None, now=now + timedelta(minutes=5))


def test_a_big_jobs_window_shows_at_once_and_its_first_pages_before_the_rest(gui, qloop):
    window, context = gui
    _store_job(context.app, "big-job")

    window.open_job("big-job")  # what double-clicking the job in the Jobs view does
    detail = next(w for w in window.findChildren(JobDetailWindow) if w.job_id == "big-job")
    pages = detail.pages
    model = pages.model
    assert detail.isVisible() and model.rowCount() == 0  # shown before anything was read

    shown: list[int] = []  # the table's row count each time rows came in
    model.modelReset.connect(lambda: shown.append(model.rowCount()))
    model.rowsInserted.connect(lambda *_: shown.append(model.rowCount()))

    def crawl_starts_the_waiting_page() -> None:  # through the bridge, as the engine's events come
        if len(shown) == 1:
            started = ChildStatusChanged("big-job", f"big-job-{WAITING}", "", 1, JobStatus.RUNNING)
            context.bridge.childrenChanged.emit([started])

    model.modelReset.connect(crawl_starts_the_waiting_page)
    run(qloop, until(lambda: model.rowCount() == PAGES, what="every page in the table"))
    run(qloop, context.tasks.wait_all())

    assert shown[0] < PAGES and shown[-1] == PAGES  # the first screenful first, then the rest
    assert shown[0] >= 40  # more than a tall window shows
    assert pages.count_label.text() == f"{PAGES:,} pages"
    urls = _column(model, ChildColumn.URL)
    assert urls == [f"https://example.com/s{i % 7}/page-{i}" for i in range(PAGES)]  # discovery order, once each
    statuses = _column(model, ChildColumn.STATUS)
    assert statuses[WAITING] == "Running"  # the event that came while the rest was read was kept
    assert statuses.count("Completed") == PAGES - 1

    # Sorting by a header click: every page in title order, the selected page still selected.
    pages.table.selectRow(10)
    selected = pages.selected_rows()[0].url
    header = pages.table.horizontalHeader()
    x = header.sectionViewportPosition(ChildColumn.TITLE) + header.sectionSize(ChildColumn.TITLE) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x, 5))
    titles = _column(model, ChildColumn.TITLE)
    assert titles[0] == "" and titles[1:] == sorted(titles[1:]) and len(titles) == PAGES  # no title sorts first
    assert [row.url for row in pages.selected_rows()] == [selected]
    detail.close()


def test_a_jobs_window_fits_the_screen_and_closes_with_escape_or_ctrl_w(gui, qloop):
    """On a small screen (a 1366×768 laptop less its panel) the window is fitted to the screen's
    available area, scrollbar and all; Escape and Ctrl+W close it from anywhere in it."""
    window, context = gui
    _store_job(context.app, "small-screen-job")
    available = window.screen().availableGeometry()

    for key, modifier in (
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
    ):
        detail = window.job_details.open("small-screen-job")
        run(qloop, context.tasks.wait_all())
        assert available.contains(detail.geometry()), (available, detail.geometry())
        assert detail.geometry().top() - available.top() >= 20  # room for the title bar above it
        detail.activateWindow()
        QTest.qWaitForWindowActive(detail)
        detail.pages.table.setFocus()
        QTest.keyClick(detail.pages.table, key, modifier)
        run(qloop, until(lambda: window.job_details.get("small-screen-job") is None, what="the window closed"))
        assert not isValid(detail)

    # In the URL filter, Escape clears what was typed first; the next Escape closes the window.
    detail = window.job_details.open("small-screen-job")
    run(qloop, context.tasks.wait_all())
    detail.activateWindow()
    QTest.qWaitForWindowActive(detail)
    detail.pages.text_filter.setFocus()
    QTest.keyClicks(detail.pages.text_filter, "guide")
    QTest.keyClick(detail.pages.text_filter, Qt.Key.Key_Escape)
    assert detail.isVisible() and detail.pages.text_filter.text() == ""
    QTest.keyClick(detail.pages.text_filter, Qt.Key.Key_Escape)
    run(qloop, until(lambda: window.job_details.get("small-screen-job") is None, what="the window closed"))


def test_opening_a_page_with_no_usable_browser_says_so(gui, qloop, tmp_path, monkeypatch):
    """A job window's Open (the Pages tab) with an xdg-open that finds no browser: a message naming the
    page and what to do, as in the Documents view (it did nothing visible)."""
    window, context = gui
    _store_job(context.app, "open-job")
    asked = fake_opener(tmp_path, monkeypatch, exit_code=3, said="xdg-open: no method available")

    detail = window.job_details.open("open-job")
    run(qloop, detail.pages.first_read.wait())
    url = detail.pages.model.index(0, 0).data(CHILD_ROLE).url
    detail.pages.open_url(url)
    run(qloop, until(lambda: context.dialogs.errors, what="the message", timeout=20))
    assert asked.read_text().split() == [url]
    title, text = context.dialogs.errors[0]
    assert title == "The page did not open"
    # It offers the address to copy (it named Ctrl+Shift+C, the Documents view's key; here Copy URL is Ctrl+C).
    assert text.startswith(f"No web browser opened {url}: ") and "Copy address" in text
    assert context.dialogs.error_copies == [url]


def test_a_closed_jobs_window_lets_go_of_its_pages_as_it_closes(gui, qloop):
    """A closed window's rows (10,000 for a big crawl) go as it closes, not at the garbage collector's next
    full pass, which would walk them first: its list of connections to the bridge (bound methods of the
    window) held the window, its tabs and their rows in a reference cycle."""
    window, context = gui
    _store_job(context.app, "closed-job")
    detail = window.job_details.open("closed-job")
    run(qloop, context.tasks.wait_all())
    assert detail.pages.model.total == PAGES

    def rows_left() -> int:
        return sum(isinstance(o, ChildRow) and o.id.startswith("closed-job-") for o in gc.get_objects())

    gc.disable()  # no automatic pass frees a cycle meanwhile
    try:
        detail.close()
        del detail
        run(qloop, until(lambda: window.job_details.get("closed-job") is None, what="the window closed"))
        assert rows_left() == 0
    finally:
        gc.enable()


def test_a_crawl_running_here_waits_while_its_job_window_reads_its_pages(gui, qloop, fresh_site, monkeypatch):
    """A user waits for the window: the crawl gives way (engine/give_way.py) until the pages are read."""
    monkeypatch.setattr(job_details, "OPENING_HOLD_S", 60)  # so only a release can end the hold in time
    window, context = gui
    job_id = context.crawls.submit(big_section_crawl(fresh_site)).result(30)
    run(qloop, until(lambda: context.app.jobs.get(job_id).progress.completed >= 2, what="a few pages stored"))
    way = context.app.engine().give_way

    window.open_job(job_id)
    assert way.held  # from the moment the window is asked for
    detail = window.job_details.get(job_id)
    assert detail is not None
    run(qloop, detail.pages.first_read.wait())
    assert not way.held  # let go once the pages are read, not when the 60 s are up
    assert context.crawls.wait(job_id).result(30) == JobStatus.COMPLETED
    run(qloop, until(lambda: detail.pages.model.rowCount() == len(SECTION_PATHS), what="every page in the window"))
    detail.close()
    run(qloop, context.tasks.wait_all())
