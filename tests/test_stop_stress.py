"""A crawl stopped while its pages are still arriving stops at once, in every render mode, under CPU load.

Each close of a stopping crawl (its tabs, its checks, its browser context, its HTTP client) is bounded
(engine/run/fetching.py, CLOSE_STEP_S) and logs "closing ... left behind" when it reaches the bound: a
close that reaches it waited for something that never answered. Issue 21, item 7: Chromium drops a
tab's close that meets the commit of a navigation, and Playwright waits for the tab to go for ever
(crawler/browser/tab_close.py). These tests stop crawls of the test site's /slow-pages/ while its pages
are being answered (late answers, trickled bodies, an app whose script trickles) and while tabs show a
page that loads itself again at once, and fail on any such line, or on a stop that leaves its job
anything but cancelled.
"""

from __future__ import annotations

import functools
import logging
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from quaero_desktop.app import App
from quaero_desktop.crawler.browser import tab_close
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.engine.run import fetching
from tests.conftest import make_definition
from tests.testsite import TestSite, slow_pages
from tests.waiting import wait_until

_CLOSED = re.compile(r"closed (.+) in ([0-9.]+) s")


@dataclass
class StopFigures:
    """What the stops of one test cost: requests stopped mid-way, the longest stop and close."""

    requests_stopped: int = 0
    longest_stop_s: float = 0.0
    longest_close_s: dict[str, float] = field(default_factory=dict)
    left_behind: list[str] = field(default_factory=list)  # the closes that reached their bound
    tabs_asked_again: int = 0  # tab closes asked more than once (tab_close.py)

    def __str__(self) -> str:
        closes = ", ".join(f"{what} {seconds:.2f} s" for what, seconds in sorted(self.longest_close_s.items()))
        return (
            f"{self.requests_stopped} requests stopped mid-way; {len(self.left_behind)} closes reached "
            f"the bound; {self.tabs_asked_again} tab closes asked again; "
            f"longest stop {self.longest_stop_s:.2f} s; longest closes: {closes}"
        )


@pytest.fixture
def cpu_load() -> Iterator[None]:
    """Both cores kept busy by two other processes while the crawls run and stop."""
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield
    finally:
        for process in busy:
            process.kill()
            process.wait()


def stop_crawls_mid_request(
    app: App,
    site: TestSite,
    caplog: pytest.LogCaptureFixture,
    *,
    render: str,
    crawls: int,
    concurrency: int,
    answering: int,
    restless: int = 0,
) -> StopFigures:
    """Start ``crawls`` crawls of /slow-pages/ one after another and cancel each once ``answering`` of
    its requests are being answered, at a moment that moves a little from crawl to crawl. With
    ``restless``, each crawl's first pages are that many restless pages, and it is cancelled once a
    tab shows one (a browser crawl has each of them in a tab: retried, they stay there a few seconds)."""
    caplog.set_level(logging.DEBUG, logger=fetching.__name__)
    caplog.set_level(logging.DEBUG, logger=tab_close.__name__)
    engine = app.engine()
    figures = StopFigures()
    for n in range(crawls):
        started = time.monotonic()
        definition = make_definition(
            [site.url(f"/slow-pages/?restless={restless}" if restless else "/slow-pages/")],
            id=f"stop-{render}-{n}",
            max_depth=1,
            include_patterns=["/slow-pages/"],
            render=render,
            concurrency=concurrency,
        )
        job_id = engine.submit(definition).result(60)
        wait_until(
            functools.partial(_stoppable, started, answering, restless),
            60,
            "pages being answered" + (" and a restless page shown" if restless else ""),
        )
        if restless:  # as a tab is about to commit the page's next load
            slow_pages.next_restless_load(10)
        else:
            time.sleep((n % 4) * 0.1)  # in the middle of an answer's wait, of a body
        figures.requests_stopped += slow_pages.in_flight(started)
        asked = time.monotonic()
        assert engine.cancel(job_id).result(30)
        assert engine.wait(job_id).result(120) == JobStatus.CANCELLED
        figures.longest_stop_s = max(figures.longest_stop_s, time.monotonic() - asked)
    for record in caplog.records:
        message = record.getMessage()
        if "left behind" in message:
            figures.left_behind.append(message)
        if message.startswith("a browser tab closed at ask"):
            figures.tabs_asked_again += 1
        closed = _CLOSED.fullmatch(message)
        if closed is not None:
            what, seconds = closed.group(1), float(closed.group(2))
            figures.longest_close_s[what] = max(figures.longest_close_s.get(what, 0.0), seconds)
    return figures


def _stoppable(started: float, answering: int, restless: int) -> bool:
    """``answering`` requests of the crawl started at ``started`` are being answered (and, with
    ``restless``, a tab shows a restless page)."""
    return slow_pages.in_flight(started) >= answering and (not restless or slow_pages.restless_loads(started) > 0)


def test_http_crawls_stopped_mid_request_close_at_once(app, site, caplog, cpu_load):
    """Cancelling httpx requests mid-response and closing the client: 200 requests at least."""
    figures = stop_crawls_mid_request(app, site, caplog, render="http", crawls=7, concurrency=30, answering=30)
    print(f"render http: {figures}")
    assert figures.requests_stopped >= 200
    assert figures.left_behind == [], figures


@pytest.mark.browser
@pytest.mark.parametrize("render", ["browser", "auto"])
def test_browser_crawls_stopped_mid_page_close_at_once(app, site, caplog, cpu_load, render):
    figures = stop_crawls_mid_request(
        app, site, caplog, render=render, crawls=8, concurrency=6, answering=2, restless=4
    )
    print(f"render {render}: {figures}")
    assert figures.requests_stopped >= 8
    assert figures.left_behind == [], figures
