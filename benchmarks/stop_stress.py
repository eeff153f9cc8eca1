"""Crawls stopped mid-request, many times, under CPU load: how many closes reach their bound (issue 21, item 7).

A stopping crawl closes its workers' tabs, its checks, its checking tab, its browser context and its
HTTP client, each bounded to ``CLOSE_STEP_S`` (10 s, engine/run/fetching.py), which logs "closing ...
left behind" when a close reaches it: a close that reaches it waited for something that never answered.
This script starts crawls of the test site's /slow-pages/ one after another, in each render mode, and
cancels each while its requests are being answered (late answers, trickled bodies, an app whose script
trickles; in the browser modes, at the moment a tab is about to commit a self-reloading page's next
load), with ``--load`` processes keeping the cores busy. It prints, per mode and side, the stops, the
requests stopped mid-way, the closes that reached the bound, the longest stop and the longest close of
each kind.

Sides, run interleaved in one process (one stop each in turn):
  ``after``  the code as checked out: a tab is closed through its DevTools session, asked again every
             0.5 s until gone (crawler/browser/tab_close.py);
  ``before`` a tab closed by Playwright's ``page.close()`` alone, as before 146ca44 (Chromium drops a
             close that meets a navigation's commit, and ``page.close()`` waits for the tab to go).
For each close Playwright never finished (``before``), the script asks Chromium whether the tab's
target still exists: "still listed" is the evidence that the close was dropped by the browser, not
missed by Playwright.

    .venv/bin/python benchmarks/stop_stress.py [--modes http browser auto] [--stops 200] [--load 2]
        [--sides after before] [--concurrency-http 10]

Measured (2 cores shared with other work, load 2; two runs, 30 and 50 stops per mode and side, and one
of 200 HTTP stops), closes reaching the bound, before / after:
  browser  5 of 80 stops / 0 of 80   longest stop 10.99 s / 4.49 s   page.close() lost 5, all still listed
  auto    20 of 80 stops / 0 of 80   longest stop 12.16 s / 4.97 s   page.close() lost 35, all still listed
  http     0 of 230 stops (2,300 requests cancelled mid-answer or mid-body; longest stop 0.76 s)
In auto mode more page.close() calls were lost than stops reached the bound: a pooled tab closed for
being idle (5 s) while its page reloaded itself hung in no bounded step, left open for the crawl's life.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quaero_desktop.app import App, build_app  # noqa: E402
from quaero_desktop.crawler.browser import page_fetcher, tab_close  # noqa: E402
from quaero_desktop.domain.definition import JobDefinition  # noqa: E402
from quaero_desktop.domain.job import JobStatus  # noqa: E402
from quaero_desktop.engine.run import fetching  # noqa: E402
from tests.testsite import TestSite, slow_pages  # noqa: E402
from tests.waiting import wait_until  # noqa: E402

BROWSER_CONCURRENCY = 6  # tabs per browser crawl
RESTLESS_FIRST = 4  # self-reloading pages each browser crawl opens first (its tabs show them when it stops)


@dataclass
class Figures:
    """What one mode's stops on one side cost."""

    stops: int = 0
    requests_stopped: int = 0  # requests the server was still answering when the crawl was cancelled
    stop_s: list[float] = field(default_factory=list)
    longest_close_s: dict[str, float] = field(default_factory=dict)
    left_behind: list[str] = field(default_factory=list)  # closes that reached their bound
    tabs_asked_again: int = 0  # tab closes that needed more than one ask (tab_close.py)
    lost_tab_closes: int = 0  # ``page.close()`` calls that never returned (the ``before`` side)
    lost_still_listed: int = 0  # ... whose tab Chromium still listed afterwards (the close was dropped)

    def row(self) -> str:
        stops = sorted(self.stop_s) or [0.0]
        closes = ", ".join(f"{what} {seconds:.2f}" for what, seconds in sorted(self.longest_close_s.items()))
        return (
            f"{self.stops:5d} stops {self.requests_stopped:6d} req. mid-way | bound reached "
            f"{len(self.left_behind):3d}/{self.stops} | stop p50 {stops[len(stops) // 2]:5.2f} s "
            f"max {stops[-1]:5.2f} s | tabs asked again {self.tabs_asked_again:3d} | page.close() lost "
            f"{self.lost_tab_closes:3d} (still listed by Chromium {self.lost_still_listed}) | "
            f"longest closes (s): {closes}"
        )


class _Records(logging.Handler):
    """The log lines of the closing code, kept for counting."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def cpu_load(processes: int) -> Iterator[None]:
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)]
    try:
        yield
    finally:
        for process in busy:
            process.kill()
            process.wait()


class PlaywrightClose:
    """The ``before`` side: a tab closed by ``page.close()`` alone. A close that has not returned after
    ``lost_after_s`` is counted as lost, and Chromium is asked whether the tab still exists."""

    def __init__(self, figures: Figures, lost_after_s: float = 9.0) -> None:
        self.figures = figures
        self._lost_after_s = lost_after_s

    async def __call__(self, page: Any, session: Any) -> bool:
        import asyncio

        from playwright.async_api import Error as PlaywrightError

        if page.is_closed():
            return True
        closing = asyncio.ensure_future(page.close())
        done, _ = await asyncio.wait({closing}, timeout=self._lost_after_s)
        if not done:
            self.figures.lost_tab_closes += 1
            target = None
            with contextlib.suppress(PlaywrightError):  # asked afterwards: asking first would move the close
                target = (await session.send("Target.getTargetInfo"))["targetInfo"]["targetId"]
            if target is not None and await _still_listed(page, target):
                self.figures.lost_still_listed += 1
        with contextlib.suppress(PlaywrightError):
            await closing  # as before the fix: the crawl's close waits on it (its bound cuts it)
        return True


async def _still_listed(page: Any, target: str) -> bool:
    """Whether Chromium still lists the tab ``target`` (asked over a browser-wide DevTools session)."""
    from playwright.async_api import Error as PlaywrightError

    browser = page.context.browser
    if browser is None:
        return False
    try:
        session = await browser.new_browser_cdp_session()
        try:
            infos = (await session.send("Target.getTargets"))["targetInfos"]
        finally:
            await session.detach()
    except PlaywrightError:
        return False
    return any(info["targetId"] == target for info in infos)


def _definition(site: TestSite, render: str, n: int, concurrency: int) -> JobDefinition:
    restless = RESTLESS_FIRST if render != "http" else 0
    start = f"/slow-pages/?restless={restless}" if restless else "/slow-pages/"
    return JobDefinition.from_mapping(
        {
            "id": f"stop-{render}-{n}",
            "name": f"Stop {render} {n}",
            "start_urls": [site.url(start)],
            "timeout": "5m",
            "max_depth": 1,
            "include_patterns": ["/slow-pages/"],
            "render": render,
            "concurrency": concurrency,
        },
        "benchmark",
    )


def stop_once(app: App, site: TestSite, render: str, n: int, concurrency: int, figures: Figures) -> None:
    """One crawl, cancelled once its requests are being answered (and, in the browser modes, as a tab
    is about to commit a restless page's next load)."""
    engine = app.engine()
    started = time.monotonic()
    job_id = engine.submit(_definition(site, render, n, concurrency)).result(60)
    if render == "http":
        wait_until(lambda: slow_pages.in_flight(started) >= concurrency, 60, "requests being answered")
        time.sleep((n % 4) * 0.1)  # in the middle of an answer's wait, of a body
    else:
        wait_until(
            lambda: slow_pages.in_flight(started) >= 2 and slow_pages.restless_loads(started) > 0,
            60,
            "pages being answered and a restless page shown",
        )
        slow_pages.next_restless_load(10)
    figures.requests_stopped += slow_pages.in_flight(started)
    asked = time.monotonic()
    assert engine.cancel(job_id).result(30)
    status = engine.wait(job_id).result(180)
    assert status == JobStatus.CANCELLED, status
    figures.stop_s.append(time.monotonic() - asked)
    figures.stops += 1


def count_closes(records: _Records, figures: Figures) -> None:
    import re

    closed = re.compile(r"closed (.+) in ([0-9.]+) s")
    for message in records.messages:
        if "left behind" in message:
            figures.left_behind.append(message)
        if message.startswith("a browser tab closed at ask"):
            figures.tabs_asked_again += 1
        match = closed.fullmatch(message)
        if match is not None:
            what, seconds = match.group(1), float(match.group(2))
            figures.longest_close_s[what] = max(figures.longest_close_s.get(what, 0.0), seconds)
    records.messages.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", nargs="+", default=["http", "browser", "auto"], choices=["http", "browser", "auto"])
    parser.add_argument("--sides", nargs="+", default=["after", "before"], choices=["after", "before"])
    parser.add_argument("--stops", type=int, default=200, help="stops per mode and side (default 200)")
    parser.add_argument("--load", type=int, default=2, help="busy processes beside the crawls (default 2)")
    parser.add_argument("--concurrency-http", type=int, default=10)
    args = parser.parse_args()

    records = _Records()
    for logger in (fetching.__name__, tab_close.__name__):
        logging.getLogger(logger).addHandler(records)
        logging.getLogger(logger).setLevel(logging.DEBUG)
    figures = {(mode, side): Figures() for mode in args.modes for side in args.sides}
    fixed_close = page_fetcher.close_tab
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, TestSite() as site, cpu_load(args.load):
        app = build_app(Path(tmp))
        try:
            for n in range(args.stops):
                for mode in args.modes:
                    for side in args.sides if mode != "http" else args.sides[:1]:
                        these = figures[(mode, side)]
                        page_fetcher.close_tab = fixed_close if side == "after" else PlaywrightClose(these)  # type: ignore[assignment]
                        concurrency = args.concurrency_http if mode == "http" else BROWSER_CONCURRENCY
                        stop_once(app, site, mode, n, concurrency, these)
                        count_closes(records, these)
                if (n + 1) % 10 == 0:
                    print(f"... {n + 1} rounds, {time.monotonic() - began:.0f} s", flush=True)
        finally:
            page_fetcher.close_tab = fixed_close
            app.close(detach=False)
    print(f"\nStops mid-request under a load of {args.load} busy processes, {time.monotonic() - began:.0f} s in all")
    print(f"(a close reaching its bound waits {fetching.CLOSE_STEP_S:g} s)")
    for (mode, side), these in figures.items():
        if these.stops:
            print(f"{mode:8s} {side:6s} {these.row()}")
    for mode in args.modes:
        before, after = figures.get((mode, "before")), figures.get((mode, "after"))
        if before and after and before.stops and after.stops:
            print(
                f"{mode}: closes reaching the bound per stop, before {len(before.left_behind) / before.stops:.3f}"
                f" / after {len(after.left_behind) / after.stops:.3f}; longest stop before "
                f"{max(before.stop_s):.2f} s / after {max(after.stop_s):.2f} s"
            )


if __name__ == "__main__":
    main()
