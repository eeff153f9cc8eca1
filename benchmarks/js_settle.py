"""How long JavaScript pages take to settle, and whether any is read too early, per quiet period.

Serves the test site in another process and, with ``--hogs`` busy-loop processes competing for
the CPU, loads its JavaScript apps (tests/testsite/apps.py: timer, animation frame, slow
``import()`` chunk, shadow roots, frames, hash routes) and a sample of static pages in
``--tabs`` tabs, ``--rounds`` times per quiet period. For each quiet period it prints how many
loads lost their rendered content, how many were read too early (still an empty shell: only the
longer wait saved them), and the time spent waiting for the page to render after its load event
(reading it not included; median, 95th percentile, maximum) for JavaScript and for static pages.

    .venv/bin/python benchmarks/js_settle.py [--quiet 30 60 120] [--rounds 10] [--hogs 2]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quaero_desktop.crawler.browser.page_fetcher import FetchedPage, PageFetcher  # noqa: E402
from quaero_desktop.crawler.browser.service import BrowserService  # noqa: E402
from quaero_desktop.crawler.browser.settle import SettleTimings  # noqa: E402
from quaero_desktop.crawler.markdown import html_to_markdown  # noqa: E402
from tests.testsite.apps import CRAWL_FROM_INDEX  # noqa: E402

STATIC_PAGES = ("/", "/docs/guide", "/docs/reference", "/big/s1/p1", "/big/s1/p2", "/big/s2/p7")


@contextmanager
def site_process() -> Iterator[str]:
    """The test site in a child process; yields its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.testsite", "--big-pages", "60"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield process.stdout.readline().strip() if process.stdout else ""
    finally:
        if process.stdin:
            process.stdin.close()
        process.wait(10)


@contextmanager
def cpu_hogs(count: int) -> Iterator[None]:
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


async def measure(
    base_url: str, timings: SettleTimings, rounds: int, tabs: int
) -> tuple[int, int, int, list[float], list[float]]:
    """(loads, lost, longer waits, settle times of JS pages, settle times of static pages) in ms."""
    service = BrowserService()
    context = await service.new_context()
    fetchers = [await PageFetcher.open(context, page_timeout_s=30, settle=timings) for _ in range(tabs)]
    work = [(path, phrases) for _ in range(rounds) for path, phrases in CRAWL_FROM_INDEX.items()]
    work += [(path, ()) for _ in range(rounds) for path in STATIC_PAGES]
    js_ms: list[float] = []
    static_ms: list[float] = []
    lost = 0

    async def tab(fetcher: PageFetcher) -> None:
        nonlocal lost
        while work:
            path, phrases = work.pop()
            page = await fetcher.fetch(base_url + path)
            assert isinstance(page, FetchedPage), path
            markdown = html_to_markdown(page.html, page.final_url).markdown
            if any(phrase not in markdown for phrase in phrases):
                lost += 1
            static = path in STATIC_PAGES or path.startswith("/app/leaf/")  # the apps' leaves are static too
            (static_ms if static else js_ms).append(page.settle_ms)

    try:
        await asyncio.gather(*(tab(fetcher) for fetcher in fetchers))
    finally:
        await context.close()
        await service.close()
    loads = rounds * (len(CRAWL_FROM_INDEX) + len(STATIC_PAGES))
    return loads, lost, sum(fetcher.longer_waits for fetcher in fetchers), js_ms, static_ms


def spread(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {statistics.median(ordered):6.1f}  p95 {p95:6.1f}  max {ordered[-1]:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quiet", type=float, nargs="+", default=[30.0, 60.0, 120.0], help="quiet periods (ms)")
    parser.add_argument("--rounds", type=int, default=10, help="loads of every page per quiet period (default 10)")
    parser.add_argument("--tabs", type=int, default=4, help="tabs loading at once (default 4)")
    parser.add_argument("--hogs", type=int, default=2, help="busy-loop processes beside the browser (default 2)")
    args = parser.parse_args()
    with site_process() as base_url, cpu_hogs(args.hogs):
        print(f"site {base_url}; {args.tabs} tabs, {args.hogs} CPU hog(s), {args.rounds} rounds per quiet period")
        for quiet in args.quiet:
            timings = SettleTimings(quiet_ms=quiet)
            loads, lost, longer, js_ms, static_ms = asyncio.run(measure(base_url, timings, args.rounds, args.tabs))
            print(
                f"quiet {quiet:5.0f} ms: {lost:3d} of {loads} loads lost content; {longer} read too early "
                "(an empty shell: saved by the longer wait)"
            )
            print(f"    settle, JavaScript pages: {spread(js_ms)}")
            print(f"    settle, static pages:     {spread(static_ms)}")


if __name__ == "__main__":
    main()
