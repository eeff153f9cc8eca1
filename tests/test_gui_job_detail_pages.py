"""The job detail window's Pages and Log tabs on their own: the pages model at 100,000 rows and
10,000 changes, sort, filter and selection kept while rows change, and the log following new lines."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from quaero_desktop.domain.job import JobStatus, PageResult
from quaero_desktop.engine.events import ChildStatusChanged, JobLogged
from quaero_desktop.engine.run.page_recorder import RENDERED_EMPTY
from quaero_desktop.gui.job_detail.child_rows import ChildColumn, ChildRow
from quaero_desktop.gui.job_detail.log_tab import LogTab
from quaero_desktop.gui.job_detail.pages_tab import PagesTab
from tests.job_detail_support import _column

pytestmark = pytest.mark.gui


# ----- the pages model on its own: size and correctness -----


def _rows(count: int, start: int = 0) -> list[ChildRow]:
    return [
        ChildRow(id=f"c{i}", seq=i, url=f"https://example.com/{i % 97}/page-{i}", depth=i % 4, status=JobStatus.PENDING)
        for i in range(start, start + count)
    ]


def _event(child_id: str, status: JobStatus, **details) -> ChildStatusChanged:
    return ChildStatusChanged("job", child_id, "", 0, status, **details)


def test_pages_table_takes_100000_rows_and_10000_changes_in_place(app, qapp):
    """Correctness at size; the timings are in benchmarks/pages_table.py."""
    tab = PagesTab(app, "job")
    tab.resize(1100, 600)
    tab.show()
    model = tab.model
    signals: list[str] = []
    model.layoutChanged.connect(lambda *_: signals.append("layout"))
    model.modelReset.connect(lambda: signals.append("reset"))
    changed = random.Random(7).sample(range(100_000), 10_000)

    model.reset(_rows(100_000))
    QApplication.processEvents()
    for first in range(0, len(changed), 500):  # 20 batches, like the bridge delivers them
        model.apply(
            [
                _event(f"c{i}", JobStatus.COMPLETED, http_status=200, title=f"Page {i}")
                for i in changed[first : first + 500]
            ]
        )
        QApplication.processEvents()
    assert signals == ["reset"]  # the changes were dataChanged only
    shown = {model.index(i, ChildColumn.STATUS).data() for i in changed}
    assert shown == {"Completed"} and model.index(changed[0], ChildColumn.TITLE).data() == f"Page {changed[0]}"
    changed_set = set(changed)
    untouched = next(i for i in range(100_000) if i not in changed_set)
    assert model.index(untouched, ChildColumn.STATUS).data() == "Pending"

    tab.status_filter.setCurrentText("Completed")
    tab.table.sortByColumn(ChildColumn.URL, Qt.SortOrder.DescendingOrder)
    QApplication.processEvents()
    assert model.rowCount() == 10_000 and tab.count_label.text() == "10,000 of 100,000 pages"
    urls = _column(model, ChildColumn.URL)
    assert urls == sorted(urls, reverse=True)
    tab.close()


def test_pages_model_keeps_sort_and_filter_while_rows_change(app, qapp):
    tab = PagesTab(app, "job")
    model = tab.model
    model.reset(_rows(5))
    model.sort(ChildColumn.STATUS, Qt.SortOrder.DescendingOrder)
    model.apply([_event("c1", JobStatus.RUNNING), _event("c3", JobStatus.FAILED, error="HTTP 500")])
    assert [model.row_at(r).id for r in range(5)] == ["c3", "c1", "c4", "c2", "c0"]
    model.set_status_filter(JobStatus.PENDING)
    assert _column(model, ChildColumn.STATUS) == ["Pending"] * 3
    model.apply([_event("c2", JobStatus.RUNNING)])  # leaves the filter
    assert [model.row_at(r).id for r in range(model.rowCount())] == ["c4", "c0"]

    model.apply([_event("c6", JobStatus.RUNNING)])  # before the store read shows page c6
    assert model.total == 5
    model.append(_rows(3, start=5))
    assert model.row_for("c6").status == JobStatus.RUNNING and model.total == 8
    assert [model.row_at(r).id for r in range(model.rowCount())] == ["c7", "c5", "c4", "c0"]

    model.apply([_event("c3", JobStatus.RUNNING)])  # older than what the row shows: ignored
    assert model.row_for("c3").status == JobStatus.FAILED and model.row_for("c3").error == "HTTP 500"
    model.set_status_filter(None)
    model.sort(-1)
    assert [model.row_at(r).id for r in range(8)] == [f"c{i}" for i in range(8)]


def test_pages_table_tells_which_stored_pages_rendered_empty(app, qapp):
    """The engine's event carries the page's note, so the row says so while the crawl runs."""
    tab = PagesTab(app, "job")
    model = tab.model
    model.reset(_rows(2))
    model.apply([_event("c0", JobStatus.RUNNING), _event("c1", JobStatus.RUNNING)])
    model.apply(
        [
            _event("c0", JobStatus.COMPLETED, result=PageResult.DOCUMENT, note=RENDERED_EMPTY, title="Shell"),
            _event("c1", JobStatus.COMPLETED, result=PageResult.DOCUMENT, title="Article"),
        ]
    )
    assert _column(model, ChildColumn.NOTE) == [RENDERED_EMPTY, ""]


def _timed_rows(count: int) -> list[ChildRow]:
    """Finished pages whose times differ from their discovery order (a sort by Time reorders them)."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    return [
        ChildRow(
            id=f"c{i}",
            seq=i,
            url=f"https://example.com/page-{i:03d}",
            depth=1,
            status=JobStatus.COMPLETED if i % 3 else JobStatus.FAILED,
            started_at=start,
            finished_at=start + timedelta(seconds=(i * 37) % count / 10),
        )
        for i in range(count)
    ]


def test_the_selected_page_stays_selected_and_in_view_through_sorts_filters_and_updates(app, qapp, monkeypatch):
    """Copy URL and Open act on the page the user selected, whatever the table did meanwhile."""
    tab = PagesTab(app, "job")
    tab.resize(900, 400)
    tab.show()
    model, table = tab.model, tab.table
    model.reset(_timed_rows(200))
    table.selectRow(121)  # a completed page
    table.scrollTo(model.index(121, 0))
    QApplication.processEvents()
    chosen = model.row_at(121).url
    opened: list[str] = []
    monkeypatch.setattr(tab, "open_url", opened.append)

    def acted_on() -> str:
        """What Copy URL and Open act on, checked to be the same page and in view."""
        QApplication.processEvents()
        QGuiApplication.clipboard().clear()
        tab.action_copy_url.trigger()
        tab.action_open.trigger()
        rows = table.selectionModel().selectedRows()
        assert len(rows) == 1 and table.viewport().rect().contains(table.visualRect(rows[0]).center())
        assert opened.pop() == QGuiApplication.clipboard().text()
        return QGuiApplication.clipboard().text()

    header = table.horizontalHeader()
    time_header = QPoint(header.sectionViewportPosition(ChildColumn.TIME) + 10, header.height() // 2)
    orders = []
    for _click in range(3):  # ascending, descending, then back to discovery order
        QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, time_header)
        orders.append((header.sortIndicatorSection(), header.sortIndicatorOrder()))
        assert acted_on() == chosen
    assert orders == [
        (ChildColumn.TIME, Qt.SortOrder.AscendingOrder),
        (ChildColumn.TIME, Qt.SortOrder.DescendingOrder),
        (-1, Qt.SortOrder.AscendingOrder),
    ]

    table.sortByColumn(ChildColumn.STATUS, Qt.SortOrder.AscendingOrder)
    assert acted_on() == chosen
    tab.status_filter.setCurrentText("Completed")
    assert acted_on() == chosen
    tab.text_filter.setText("page-1")  # applied after a short pause while typing
    qapp.processEvents()
    model.set_text_filter(tab.text_filter.text())
    assert acted_on() == chosen
    # Live updates: pages above it change status and leave the filter, pages before it in the sort move.
    model_rows = [model.row_at(row) for row in range(model.rowCount())]
    others = [row.id for row in model_rows if row.url != chosen][:30]
    tab.apply([_event(child_id, JobStatus.FAILED, error="HTTP 500") for child_id in others[:10]])
    assert acted_on() == chosen
    tab.status_filter.setCurrentText("Failed")  # the chosen page is hidden...
    assert not table.selectionModel().hasSelection()
    tab.status_filter.setCurrentText("All")  # ...and selected again when it shows
    assert acted_on() == chosen
    tab.close()


def test_log_follows_new_lines_until_scrolled_up(qapp):
    tab = LogTab()
    tab.resize(700, 300)
    tab.show()
    bar = tab.table.verticalScrollBar()
    start = datetime.now(UTC)

    def add(first: int, count: int) -> None:
        events = [
            JobLogged("job", start + timedelta(seconds=i), "info", f"line {i}") for i in range(first, first + count)
        ]
        tab.lines.add_live(events)
        QApplication.processEvents()  # the view lays out the rows, then follows them

    add(0, 100)
    assert tab.follow.isChecked() and bar.maximum() > 0 and bar.value() == bar.maximum()
    bar.setValue(10)  # the user scrolls up to read
    assert not tab.follow.isChecked()
    add(100, 50)
    assert bar.value() == 10 and tab.model.rowCount() == 150
    bar.setValue(bar.maximum())  # back to the end: following again
    assert tab.follow.isChecked()
    add(150, 50)
    assert bar.value() == bar.maximum() and tab.table.indexAt(tab.table.viewport().rect().bottomLeft()).row() >= 195
    tab.close()
