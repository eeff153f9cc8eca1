"""Does the window stay smooth under a flood of engine events? (The GUI main loop's stalls.)

Shows the real Jobs panel (JobsModel in its tree with the progress delegate) and a
real job detail window whose Pages table holds ``--children`` rows (10,000), and feeds
both through the real ``EngineBridge``: a separate Python thread calls
``bridge._receive(event)`` at ``--rate`` events/s (1,000) for ``--seconds`` (10), as the
engine thread does: per page a ChildStatusChanged "running" and a finished one, a
JobProgress after each, a debug JobLogged line, now and then a DocumentSaved, a warning, and
ChildrenAdded (the window then reads the new pages from the jobs service). Other running
jobs in the Jobs table get progress events too.

A QTimer on the GUI thread fires every 5 ms and records the gap between firings; the
report gives the worst and the 99th-percentile gap ("stall"), the events sent and
delivered, and the batches the bridge delivered. Target: p99 < 50 ms.

Services are in-memory stand-ins (no SQLite, no browser), so the figures measure the
window: the bridge, the models, the views and their painting.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/gui_event_load.py [--rate 1000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import qasync  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402

from quaero_desktop.domain.job import ChildJob, Job, JobStatus, PageResult, Progress  # noqa: E402
from quaero_desktop.engine.events import (  # noqa: E402
    ChildrenAdded,
    ChildStatusChanged,
    DocumentSaved,
    EngineEvent,
    EventBus,
    JobLogged,
    JobProgress,
)
from quaero_desktop.gui.async_tasks import TaskRunner  # noqa: E402
from quaero_desktop.gui.bridge import EngineBridge  # noqa: E402
from quaero_desktop.gui.context import GuiContext  # noqa: E402
from quaero_desktop.gui.job_detail.child_rows import ChildColumn  # noqa: E402
from quaero_desktop.gui.job_detail.job_detail_window import JobDetailWindow  # noqa: E402
from quaero_desktop.gui.jobs.jobs_panel import JobsPanel  # noqa: E402
from quaero_desktop.gui.main import create_qt_app  # noqa: E402
from quaero_desktop.gui.stored_definitions import StoredDefinitions  # noqa: E402

TIMER_MS = 5
TARGET_P99_MS = 50.0
JOBS = 40  # rows in the Jobs table
RUNNING_JOBS = 5  # of which get progress events (the first is the one in the detail window)


@dataclass
class FakeJobs:
    """The jobs service the windows call, over in-memory rows (appended to by the feeder thread)."""

    jobs: dict[str, Job]
    children_of: dict[str, list[ChildJob]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def list(self, **_kwargs) -> list[Job]:
        return list(self.jobs.values())

    def get(self, job_id: str) -> Job:
        return self.jobs[job_id]

    def children(self, job_id: str, *, statuses=(), limit=None, offset: int = 0) -> list[ChildJob]:
        with self.lock:
            return list(self.children_of.get(job_id, [])[offset:])

    def logs(self, job_id: str, **_kwargs) -> list:
        return []


class FakeEngine:
    def __init__(self, active: set[str]) -> None:
        self._active = active

    def active_job_ids(self) -> set[str]:
        return set(self._active)


def _child(job_id: str, seq: int) -> ChildJob:
    return ChildJob(
        id=f"{job_id}-c{seq}",
        parent_id=job_id,
        url=f"https://wiki.example.com/space/{seq % 50}/page-{seq}",
        depth=1 + seq % 3,
        status=JobStatus.PENDING,
        seq=seq,
    )


def build_fake_app(children: int) -> tuple[SimpleNamespace, FakeJobs, list[str]]:
    now = datetime.now(UTC)
    jobs: dict[str, Job] = {}
    for n in range(JOBS):
        job_id = f"job{n:03d}"
        running = n < RUNNING_JOBS
        jobs[job_id] = Job(
            id=job_id,
            name=f"Crawl {n}",
            status=JobStatus.RUNNING if running else JobStatus.COMPLETED,
            definition_id="wiki",
            config={"id": "wiki", "name": f"Crawl {n}", "start_urls": ["https://wiki.example.com/"]},
            metadata={"job_definition_id": "wiki"},
            created_at=now - timedelta(minutes=n),
            started_at=now - timedelta(minutes=n),
            finished_at=None if running else now,
            progress=Progress(pending=children if running else 0, completed=0 if running else 120),
        )
    service = FakeJobs(jobs)
    running_ids = list(jobs)[:RUNNING_JOBS]
    service.children_of[running_ids[0]] = [_child(running_ids[0], seq) for seq in range(children)]
    app = SimpleNamespace(jobs=service, definitions=SimpleNamespace(list=list))
    return app, service, running_ids


class Feeder(threading.Thread):
    """The engine thread's stand-in: realistic events at a steady rate."""

    def __init__(self, bridge: EngineBridge, service: FakeJobs, job_ids: list[str], rate: int, seconds: float) -> None:
        super().__init__(name="event-feeder", daemon=True)
        self._bridge, self._service, self._job_ids = bridge, service, job_ids
        self._rate, self._seconds = rate, seconds
        self.sent = 0
        self.pages_finished = 0

    def events(self):
        """Rounds of: three pages of the detail job, one page of every other running job."""
        detail_job, *others = self._job_ids
        counts = {
            job_id: {"pending": 5000, "running": 0, "completed": 0, "failed": 0, "documents": 0}
            for job_id in self._job_ids
        }
        counts[detail_job]["pending"] = len(self._service.children_of[detail_job])
        next_seq = dict.fromkeys(self._job_ids, 0)
        while True:
            for job_id in [detail_job] * 3 + others:
                seq = next_seq[job_id]
                next_seq[job_id] += 1
                yield from self._page(job_id, seq, counts[job_id], detailed=job_id == detail_job)

    def _page(self, job_id: str, seq: int, c: dict[str, int], *, detailed: bool):
        """What the engine publishes for one page (the detail job's pages also change its table)."""
        child_id = f"{job_id}-c{seq}"
        url = f"https://wiki.example.com/space/{seq % 50}/page-{seq}"
        failed = seq % 23 == 0
        c["pending"] -= 1
        c["running"] += 1
        if detailed:
            yield ChildStatusChanged(job_id, child_id, url, 1, JobStatus.RUNNING)
        yield JobProgress(job_id, Progress(**c))
        c["running"] -= 1
        c["failed" if failed else "completed"] += 1
        c["documents"] += 0 if failed else 1
        if detailed:
            yield ChildStatusChanged(
                job_id,
                child_id,
                url,
                1,
                JobStatus.FAILED if failed else JobStatus.COMPLETED,
                http_status=404 if failed else 200,
                title=None if failed else f"Page {seq}",
                result=None if failed else PageResult.DOCUMENT,
                error="HTTP 404 Not Found" if failed else None,
            )
            self.pages_finished += 1
        yield JobProgress(job_id, Progress(**c))
        now = datetime.now(UTC)
        if failed:
            yield JobLogged(job_id, now, "warning", f"failed {url}: HTTP 404 Not Found")
        else:
            yield JobLogged(job_id, now, "debug", f"fetched {url} (200, 0.31s): 3 new link(s)")
            yield DocumentSaved(job_id, seq, url, f"Page {seq}", True)
        if detailed and seq % 10 == 0:  # the page linked to new pages
            with self._service.lock:
                rows = self._service.children_of[job_id]
                rows.extend(_child(job_id, len(rows) + k) for k in range(3))
            c["pending"] += 3
            yield ChildrenAdded(job_id, 3)

    def run(self) -> None:
        start = time.perf_counter()
        total = int(self._rate * self._seconds)
        for n, event in enumerate(self.events()):
            if n >= total:
                break
            due = start + n / self._rate
            delay = due - time.perf_counter()
            if delay > 0.001:
                time.sleep(delay)
            self._bridge._receive(event)
            self.sent += 1


class StallMeter:
    def __init__(self) -> None:
        self.gaps_ms: list[float] = []
        self._last = 0.0
        self._timer = QTimer(interval=TIMER_MS, timerType=Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._fire)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _fire(self) -> None:
        now = time.perf_counter()
        self.gaps_ms.append((now - self._last) * 1000)
        self._last = now


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def measure(args: argparse.Namespace) -> bool:
    app, service, job_ids = build_fake_app(args.children)
    bridge = EngineBridge(EventBus())
    errors: list[str] = []
    tasks = TaskRunner(lambda t, m: errors.append(f"{t}: {m}"))
    context = GuiContext(
        app=app,
        engine=FakeEngine(set(job_ids[:RUNNING_JOBS])),
        dialogs=None,
        tasks=tasks,
        bridge=bridge,
        definitions=StoredDefinitions(list, tasks),
    )
    delivered = {"batches": 0, "events": 0, "items": 0}
    deliver = bridge.deliver

    def counting_deliver(events: list[EngineEvent]) -> None:
        delivered["batches"] += 1
        delivered["events"] += len(events)
        deliver(events)

    bridge.deliver = counting_deliver
    for signal in (bridge.childrenChanged, bridge.logged, bridge.progressChanged):
        signal.connect(lambda batch: delivered.__setitem__("items", delivered["items"] + len(batch)))

    panel = JobsPanel(context)
    panel.resize(1200, 500)
    panel.show()
    await panel.reload()
    detail = JobDetailWindow(context, job_ids[0])
    detail.show()
    await detail.reload()
    if args.log_tab:  # the Log tab in front, following, with every level shown (each page adds debug lines)
        detail.tabs.setCurrentWidget(detail.log)
        detail.log.level_filter.setCurrentText("Debug")
    else:
        detail.tabs.setCurrentWidget(detail.pages)
    if args.sort_by_status:  # every status change then moves its row
        detail.pages.table.sortByColumn(ChildColumn.STATUS, Qt.SortOrder.DescendingOrder)
    await asyncio.sleep(0.5)
    order = "sorted by status" if args.sort_by_status else "in discovery order"
    order += ", Log tab at Debug in front" if args.log_tab else ""
    print(
        f"windows: Jobs table {panel.model.rowCount()} jobs ({RUNNING_JOBS} running); job detail with "
        f"{detail.pages.model.total} pages {order}; platform {os.environ.get('QT_QPA_PLATFORM', 'default')}"
    )

    meter = StallMeter()
    feeder = Feeder(bridge, service, job_ids, args.rate, args.seconds)
    meter.start()
    started = time.perf_counter()
    feeder.start()
    await asyncio.to_thread(feeder.join)
    sending_s = time.perf_counter() - started
    await asyncio.sleep(0.3)  # the last batch
    meter.stop()
    await context.tasks.wait_all()

    gaps = meter.gaps_ms
    worst, p99, median = max(gaps), percentile(gaps, 0.99), statistics.median(gaps)
    completed = sum(
        1 for r in range(detail.pages.model.rowCount()) if detail.pages.model.row_at(r).status != JobStatus.PENDING
    )
    print(f"events sent:       {feeder.sent} in {sending_s:.1f}s ({feeder.sent / sending_s:.0f}/s)")
    print(
        f"events delivered:  {delivered['events']} in {delivered['batches']} batches "
        f"({delivered['items']} items after coalescing)"
    )
    print(
        f"pages finished:    {feeder.pages_finished} sent, {completed} shown as finished; "
        f"table now {detail.pages.model.total} pages; log {detail.log.lines.total} lines"
    )
    print(f"main loop gaps:    {len(gaps)} timer firings every {TIMER_MS} ms; median {median:.1f} ms")
    print(
        f"load average:      {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
        " (other busy processes inflate the stalls)"
    )
    print(f"worst stall:       {worst:.1f} ms")
    print(f"p99 stall:         {p99:.1f} ms   (target < {TARGET_P99_MS:.0f} ms)")
    ok = p99 < TARGET_P99_MS and not errors and delivered["events"] == feeder.sent
    print("PASS" if ok else "FAIL", *(f"errors: {errors}",) if errors else ())
    detail.close()
    panel.close()
    bridge.close()
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=1000, help="events per second (default 1000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to send (default 10)")
    parser.add_argument("--children", type=int, default=10_000, help="pages in the detail window (default 10000)")
    parser.add_argument("--sort-by-status", action="store_true", help="sort the Pages table by status (rows move)")
    parser.add_argument("--log-tab", action="store_true", help="show the Log tab at Debug level instead of the Pages")
    args = parser.parse_args()
    qt_app = create_qt_app([])
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    with loop:
        ok = loop.run_until_complete(measure(args))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
