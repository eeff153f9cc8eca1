"""Sorting and filtering the job detail's Pages table at 100,000 rows: our model vs a proxy.

The issue asks for sorting and filtering through QSortFilterProxyModel. Over a model written
in Python, the proxy calls back into Python for every comparison and every row it filters,
so the Pages table sorts and filters in the model instead (``job_detail/visible_order.py``).
This benchmark measures both side by side in one run, over the same rows, each shown in a
QTableView:

* ours:  the window's Pages tab: ``ChildrenTableModel`` sorting and filtering itself, with
  the tab's keeper of the selected page (it stays selected and in view);
* proxy: the same model, unsorted, behind a ``QSortFilterProxyModel`` (filter on the Status
  column, ``sort()`` on the proxy), in a plain QTableView.

In both, a page is selected once the rows are loaded (a user looking at one; one that stays
shown through the filters). Steps timed:
load the rows, apply 10,000 live status changes (20 batches of 500, as the bridge delivers
them), filter to "Completed", sort by URL descending, sort by Status, and clear the filter
again, then 10,000 more changes while sorted by Status (each moves its row). Every step ends
with ``processEvents()`` so the views have caught up.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/pages_table.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSortFilterProxyModel, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from quaero_desktop.domain.job import JobStatus  # noqa: E402
from quaero_desktop.engine.events import ChildStatusChanged  # noqa: E402
from quaero_desktop.gui.job_detail.child_rows import ChildColumn, ChildRow  # noqa: E402
from quaero_desktop.gui.job_detail.children_model import ChildrenTableModel  # noqa: E402
from quaero_desktop.gui.job_detail.pages_tab import PagesTab  # noqa: E402

CHANGES = 10_000
BATCH = 500
STEPS = (
    "load rows",
    "10,000 live changes",
    "filter: Completed",
    "sort: URL descending",
    "sort: Status",
    "filter: All",
    "10,000 changes, sorted",
)


def make_rows(count: int) -> list[ChildRow]:
    return [
        ChildRow(id=f"c{i}", seq=i, url=f"https://example.com/{i % 97}/page-{i}", depth=i % 4, status=JobStatus.PENDING)
        for i in range(count)
    ]


def change_batches(count: int, seed: int = 7) -> list[list[ChildStatusChanged]]:
    """Pages finishing (completed, every fifth failed): the rows a sort by status moves."""
    changed = random.Random(seed).sample(range(count), min(CHANGES, count))
    events = [
        ChildStatusChanged(
            "job",
            f"c{i}",
            "",
            0,
            JobStatus.COMPLETED if n % 5 else JobStatus.FAILED,
            http_status=200,
            title=f"Page {i}",
        )
        for n, i in enumerate(changed)
    ]
    return [events[first : first + BATCH] for first in range(0, len(events), BATCH)]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    QApplication.processEvents()
    return time.perf_counter() - started


def view_of(model) -> QTableView:
    view = QTableView()
    view.verticalHeader().setDefaultSectionSize(26)
    view.resize(1100, 600)
    view.setModel(model)
    view.show()
    QApplication.processEvents()
    return view


def apply_all(target, batches) -> None:
    """``target``: the Pages tab, or the model under the proxy (what each side's window would call)."""
    for batch in batches:
        target.apply(batch)
        QApplication.processEvents()


def select_a_completed_page(view: QTableView, batches) -> None:
    """Select a page that the first changes complete: it stays shown through every step."""
    row = int(next(e.child_id for e in batches[0] if e.status == JobStatus.COMPLETED)[1:])
    view.selectRow(row)
    view.scrollTo(view.model().index(row, 0))
    QApplication.processEvents()


def measure_ours(count: int) -> tuple[list[float], int]:
    tab = PagesTab(None, "benchmark")  # no store: rows come from here
    tab.resize(1100, 600)
    tab.show()
    model, view = tab.model, tab.table
    batches, more = change_batches(count), change_batches(count, seed=8)
    times = [
        timed(lambda: (model.reset(make_rows(count)), select_a_completed_page(view, batches))),
        timed(lambda: apply_all(tab, batches)),
        timed(lambda: model.set_status_filter(JobStatus.COMPLETED)),
        timed(lambda: model.sort(ChildColumn.URL, Qt.SortOrder.DescendingOrder)),
        timed(lambda: model.sort(ChildColumn.STATUS, Qt.SortOrder.AscendingOrder)),
        timed(lambda: model.set_status_filter(None)),
        timed(lambda: apply_all(tab, more)),
    ]
    tab.close()
    return times, model.rowCount()


def measure_proxy(count: int) -> tuple[list[float], int]:
    model = ChildrenTableModel()
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(ChildColumn.STATUS)
    view = view_of(proxy)
    batches, more = change_batches(count), change_batches(count, seed=8)
    times = [
        timed(lambda: (model.reset(make_rows(count)), select_a_completed_page(view, batches))),
        timed(lambda: apply_all(model, batches)),
        timed(lambda: proxy.setFilterFixedString("Completed")),
        timed(lambda: proxy.sort(ChildColumn.URL, Qt.SortOrder.DescendingOrder)),
        timed(lambda: proxy.sort(ChildColumn.STATUS, Qt.SortOrder.AscendingOrder)),
        timed(lambda: proxy.setFilterFixedString("")),
        timed(lambda: apply_all(model, more)),
    ]
    view.close()
    return times, proxy.rowCount()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    QApplication.instance() or QApplication([])

    ours, ours_rows = measure_ours(args.rows)
    proxy, proxy_rows = measure_proxy(args.rows)
    print(f"Pages table, {args.rows:,} rows, each model in a QTableView (seconds per step)")
    print(f"{'step':<24}{'ours':>9}{'proxy':>9}{'proxy/ours':>12}")
    for step, mine, theirs in zip(STEPS, ours, proxy, strict=True):
        print(f"{step:<24}{mine:>9.3f}{theirs:>9.3f}{theirs / max(mine, 1e-6):>11.0f}x")
    print(f"{'total':<24}{sum(ours):>9.3f}{sum(proxy):>9.3f}{sum(proxy) / sum(ours):>11.0f}x")
    print(f"rows shown at the end: ours {ours_rows:,}, proxy {proxy_rows:,}")
    return 0 if ours_rows == proxy_rows == args.rows else 1


if __name__ == "__main__":
    sys.exit(main())
