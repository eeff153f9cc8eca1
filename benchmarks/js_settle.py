"""How long JavaScript pages take to settle, and whether any is read too early, per quiet period.

Serves the test site in another process and, with ``--hogs`` busy-loop processes competing for
the CPU, loads its JavaScript apps (tests/testsite/apps.py: timer, animation frame, slow
``import()`` chunk, shadow roots, frames, hash routes; tests/testsite/ledger.py: an app that
paints its frame first and loads its data afterwards) and a sample of static pages in ``--tabs``
tabs, ``--rounds`` times per quiet period. For each quiet period it prints how many loads lost
their rendered content, how many were read too early (still an empty shell: only the longer wait
saved them), how many were found still loading (rendered incomplete), the time spent waiting for
the page to render after its load event (reading it not included; median, 95th percentile,
maximum) for JavaScript and for static pages, and the whole fetch of a static page (navigation,
settling, reading).

``--baseline REV`` measures the page fetcher as it was at REV (crawler/browser/settle.py,
page_fetcher.py, request_watch.py; the rest as checked out) beside the code as it is, in one run:
each quiet period in ``--passes`` passes per side, alternating, in child processes.

    .venv/bin/python benchmarks/js_settle.py [--quiet 30 60 120] [--rounds 10] [--hogs 2] [--baseline REV]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from baseline_tree import baseline_tree, child_env, use_tree_from_env

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
use_tree_from_env()

from quaero_desktop.crawler.browser.page_fetcher import FetchedPage, PageFetcher  # noqa: E402
from quaero_desktop.crawler.browser.service import BrowserService  # noqa: E402
from quaero_desktop.crawler.browser.settle import SettleTimings  # noqa: E402
from quaero_desktop.crawler.markdown import html_to_markdown  # noqa: E402
from tests.testsite.apps import CRAWL_FROM_INDEX  # noqa: E402
from tests.testsite.ledger import CRAWL_FROM_LEDGER  # noqa: E402

STATIC_PAGES = ("/", "/docs/guide", "/docs/reference", "/big/s1/p1", "/big/s1/p2", "/big/s2/p7")
PAGES = {**CRAWL_FROM_INDEX, **CRAWL_FROM_LEDGER, **dict.fromkeys(STATIC_PAGES, ())}
FETCHER_FILES = [
    f"quaero_desktop/crawler/browser/{name}" for name in ("settle.py", "page_fetcher.py", "request_watch.py")
]


def is_static(path: str) -> bool:
    return path in STATIC_PAGES or "/leaf/" in path  # the apps' leaves are static too


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


async def measure(base_url: str, timings: SettleTimings, rounds: int, tabs: int) -> dict[str, Any]:
    """Counts (loads, lost, longer waits, incomplete) and times in ms (settle of JS and static pages,
    the whole fetch of static pages)."""
    service = BrowserService()
    context = await service.new_context()
    fetchers = [await PageFetcher.open(context, page_timeout_s=30, settle=timings) for _ in range(tabs)]
    work = [path for _ in range(rounds) for path in PAGES]
    js_ms: list[float] = []
    static_ms: list[float] = []
    static_fetch_ms: list[float] = []
    lost: list[str] = []
    incomplete = 0

    async def tab(fetcher: PageFetcher) -> None:
        nonlocal incomplete
        while work:
            path = work.pop()
            started = time.perf_counter()
            page = await fetcher.fetch(base_url + path)
            fetched_ms = (time.perf_counter() - started) * 1000
            assert isinstance(page, FetchedPage), path
            markdown = html_to_markdown(page.html, page.final_url).markdown
            if any(phrase not in markdown for phrase in PAGES[path]):
                lost.append(path)
            incomplete += getattr(page, "rendered_incomplete", None) is not None
            if is_static(path):
                static_ms.append(page.settle_ms)
                static_fetch_ms.append(fetched_ms)
            else:
                js_ms.append(page.settle_ms)

    try:
        await asyncio.gather(*(tab(fetcher) for fetcher in fetchers))
    finally:
        await context.close()
        await service.close()
    return {
        "loads": rounds * len(PAGES),
        "lost": lost,
        "longer": sum(fetcher.longer_waits for fetcher in fetchers),
        "incomplete": incomplete,
        "js_ms": js_ms,
        "static_ms": static_ms,
        "static_fetch_ms": static_fetch_ms,
    }


def spread(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {statistics.median(ordered):6.1f}  p95 {p95:6.1f}  max {ordered[-1]:6.1f} ms"


def report(result: dict[str, Any], indent: str = "    ") -> None:
    lost = result["lost"]
    names = ", ".join(sorted(set(lost)))
    print(
        f"{indent}{len(lost)} of {result['loads']} loads lost content{f' ({names})' if names else ''}; "
        f"{result['longer']} read too early (an empty shell: saved by the longer wait); "
        f"{result['incomplete']} rendered incomplete"
    )
    print(f"{indent}settle, JavaScript pages: {spread(result['js_ms'])}")
    print(f"{indent}settle, static pages:     {spread(result['static_ms'])}")
    print(f"{indent}fetch, static pages:      {spread(result['static_fetch_ms'])}")


def merged(results: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for result in results:
        for key, value in result.items():
            if isinstance(value, list):
                total[key] = [*total.get(key, []), *value]
            else:
                total[key] = total.get(key, 0) + value
    return total


def run_child(tree: Path | None, base_url: str, quiet: float, rounds: int, tabs: int) -> dict[str, Any]:
    """One pass in a child process importing the package from ``tree`` (None: as checked out)."""
    command = [sys.executable, __file__, "--child", base_url, "--quiet", str(quiet), "--rounds", str(rounds)]
    output = subprocess.run(
        [*command, "--tabs", str(tabs)], env=child_env(tree), capture_output=True, text=True, check=True
    ).stdout
    return dict(json.loads(output))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quiet", type=float, nargs="+", default=[30.0, 60.0, 120.0], help="quiet periods (ms)")
    parser.add_argument("--rounds", type=int, default=10, help="loads of every page per quiet period (default 10)")
    parser.add_argument("--tabs", type=int, default=4, help="tabs loading at once (default 4)")
    parser.add_argument("--hogs", type=int, default=2, help="busy-loop processes beside the browser (default 2)")
    parser.add_argument("--baseline", metavar="REV", help="also measure the page fetcher as at REV, alternating")
    parser.add_argument("--passes", type=int, default=4, help="with --baseline: passes per side (default 4)")
    parser.add_argument("--child", metavar="BASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = asyncio.run(measure(args.child, SettleTimings(quiet_ms=args.quiet[0]), args.rounds, args.tabs))
        print(json.dumps(result))
        return
    with site_process() as base_url, cpu_hogs(args.hogs):
        print(f"site {base_url}; {args.tabs} tabs, {args.hogs} CPU hog(s), {args.rounds} rounds per quiet period")
        if not args.baseline:
            for quiet in args.quiet:
                print(f"quiet {quiet:5.0f} ms:")
                report(asyncio.run(measure(base_url, SettleTimings(quiet_ms=quiet), args.rounds, args.tabs)))
            return
        with baseline_tree(args.baseline, FETCHER_FILES) as tree:
            rounds = max(1, args.rounds // args.passes)
            print(f"before: the page fetcher as at {args.baseline}; after: as checked out; {args.passes} passes each")
            for quiet in args.quiet:
                results: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
                for n in range(args.passes):
                    sides = [("before", tree), ("after", None)]
                    for side, side_tree in sides if n % 2 == 0 else reversed(sides):
                        results[side].append(run_child(side_tree, base_url, quiet, rounds, args.tabs))
                print(f"quiet {quiet:5.0f} ms:")
                for side in ("before", "after"):
                    print(f"  {side}:")
                    report(merged(results[side]))


if __name__ == "__main__":
    main()
