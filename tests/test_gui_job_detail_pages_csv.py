"""The Pages table's columns and its CSV export (issue 22, item 7): the file holds what the table shows
(its filters, its sort, its columns in their order), and the chosen columns are remembered for every job's
window."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from quaero_desktop.gui.job_detail.child_rows import ChildColumn
from tests.gui_support import run
from tests.test_gui_job_detail_open import PAGES, WAITING, _store_job
from tests.waiting import until

pytestmark = pytest.mark.gui


def test_the_csv_holds_the_rows_and_columns_the_table_shows_and_the_columns_are_remembered(gui, qloop, tmp_path):
    window, context = gui
    _store_job(context.app, "csv-job")
    detail = window.job_details.open("csv-job")
    pages = detail.pages
    run(qloop, until(lambda: pages.model.total == PAGES, what="every page read"))
    run(qloop, context.tasks.wait_all())

    # Hide two columns from the Columns menu, as a user ticks them off; filter and sort as a user does.
    menu = pages.columns.menu(detail)
    menu.aboutToShow.emit()
    by_text = {action.text(): action for action in menu.actions()}
    assert not by_text["URL"].isEnabled()  # a row without its URL names nothing
    by_text["Depth"].setChecked(False)
    by_text["Found on"].setChecked(False)
    assert pages.table.isColumnHidden(ChildColumn.DEPTH) and pages.table.isColumnHidden(ChildColumn.FOUND_ON)
    pages.status_filter.setCurrentText("Completed")
    pages.text_filter.setText("/s3/")
    shown = sum(1 for i in range(PAGES) if i % 7 == 3 and i != WAITING)
    run(qloop, until(lambda: pages.model.rowCount() == shown, what="the URL filter applied"))
    header = pages.table.horizontalHeader()
    x = header.sectionViewportPosition(ChildColumn.TITLE) + header.sectionSize(ChildColumn.TITLE) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x, 5))

    target = tmp_path / "pages.csv"
    context.dialogs.answer(target)
    detail.action_export_pages.trigger()
    run(qloop, context.tasks.wait_all())

    with target.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["URL", "Status", "HTTP", "Title", "Time", "Error / Note"]
    expected = sorted(
        (f"Page {(i * 37) % PAGES:04d}", f"https://example.com/s3/page-{i}")
        for i in range(PAGES)
        if i % 7 == 3 and i != WAITING
    )
    assert [(row[3], row[0]) for row in rows[1:]] == expected  # the filtered rows, in the table's order
    assert {row[1] for row in rows[1:]} == {"Completed"} and {row[2] for row in rows[1:]} == {"200"}
    assert context.dialogs.infos[-1] == ("Pages exported", f"{len(expected)} pages written to {target}")
    assert context.dialogs.info_folders[-1] == target.parent  # the message offers Open folder
    assert not list(tmp_path.glob("*.part"))  # nothing half-written left beside it
    detail.close()

    # Another job's window opens with the same columns.
    _store_job(context.app, "second-job")
    again = window.job_details.open("second-job")
    assert again.pages.table.isColumnHidden(ChildColumn.DEPTH) and again.pages.table.isColumnHidden(
        ChildColumn.FOUND_ON
    )
    assert again.pages.columns.shown() == [
        ChildColumn.URL,
        ChildColumn.STATUS,
        ChildColumn.HTTP,
        ChildColumn.TITLE,
        ChildColumn.TIME,
        ChildColumn.NOTE,
    ]
    run(qloop, context.tasks.wait_all())
    again.close()


def test_an_export_to_a_folder_that_cannot_be_written_says_so_and_leaves_nothing(gui, qloop, tmp_path):
    window, context = gui
    _store_job(context.app, "csv-fail")
    detail = window.job_details.open("csv-fail")
    run(qloop, context.tasks.wait_all())
    (tmp_path / "exports").mkdir()
    not_a_folder = (
        tmp_path / "exports" / "a file"
    )  # (the tests run as root, which any folder's permissions let through)
    not_a_folder.write_text("not a folder")
    context.dialogs.answer(not_a_folder / "pages.csv")
    detail.action_export_pages.trigger()
    run(qloop, context.tasks.wait_all())
    title, text = context.dialogs.errors[-1]
    assert title == "Pages not exported" and str(not_a_folder / "pages.csv") in text and "Choose another" in text
    assert sorted(path.name for path in (tmp_path / "exports").iterdir()) == ["a file"]
    detail.close()
