"""How dear is a progress event to the Jobs list once it holds many runs? (issue 22: runs grouped)

Fills the real Jobs model with ``--runs`` runs (2,000) of ``--definitions`` definitions (40), the
newest ``--running`` (10) running, shows it in the real view (JobsTree over the filter proxy,
sorted latest first, 1200×600 offscreen) and feeds ``--batches`` (3,000) progress batches, one
event per running job, as the bridge delivers them, letting Qt paint every 20 batches. Reports
the time per batch. ``--plain-tree`` uses a plain QTreeView instead, to show what JobsTree saves
(QTreeView re-measures its first row, the crawl under way, on every change).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/jobs_list_progress.py [--runs 2000]

Measured (2 shared cores): JobsTree 0.7-1.0 ms per batch of 10 events, as the flat table before
it (0.5-1.0 ms); a plain QTreeView 14 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTreeView

from quaero_desktop.domain.job import Job, JobStatus, Progress
from quaero_desktop.gui.jobs.jobs_filter import JobsFilterProxy
from quaero_desktop.gui.jobs.jobs_model import JobColumn, JobsModel
from quaero_desktop.gui.jobs.jobs_tree import JobsTree


def measure(runs: int, definitions: int, running: int, batches: int, plain_tree: bool) -> float:
    app = QApplication.instance() or QApplication([])
    model = JobsModel()
    proxy = JobsFilterProxy(model)
    view = QTreeView() if plain_tree else JobsTree()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(JobColumn.STARTED, Qt.SortOrder.DescendingOrder)
    now = datetime.now(UTC)
    model.reset(
        [
            Job(
                id=f"job-{i}",
                name=f"Definition {i % definitions}",
                status=JobStatus.RUNNING if i >= runs - running else JobStatus.COMPLETED,
                definition_id=f"definition-{i % definitions}",
                config={},
                metadata={},
                created_at=now - timedelta(minutes=runs - i),
                started_at=now - timedelta(minutes=runs - i),
            )
            for i in range(runs)
        ]
    )
    view.resize(1200, 600)
    view.show()
    app.processEvents()
    live = [f"job-{i}" for i in range(runs - running, runs)]
    started = time.perf_counter()
    for n in range(batches):
        model.apply_progress({job_id: Progress(pending=5, running=2, completed=n, documents=n) for job_id in live})
        if n % 20 == 0:
            app.processEvents()
    app.processEvents()
    return (time.perf_counter() - started) / batches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--definitions", type=int, default=40)
    parser.add_argument("--running", type=int, default=10)
    parser.add_argument("--batches", type=int, default=3000)
    parser.add_argument("--plain-tree", action="store_true", help="a plain QTreeView (what JobsTree saves)")
    args = parser.parse_args()
    seconds = measure(args.runs, args.definitions, args.running, args.batches, args.plain_tree)
    view = "plain QTreeView" if args.plain_tree else "JobsTree"
    print(
        f"{view}: {args.runs} runs of {args.definitions} definitions, {args.running} running: "
        f"{seconds * 1e3:.3f} ms per batch of {args.running} progress events"
    )


if __name__ == "__main__":
    main()
