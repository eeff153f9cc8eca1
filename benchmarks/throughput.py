"""Crawler throughput against the raw Playwright page-load rate (the ceiling), side by side.

Serves a generated local site (``--pages`` leaf pages plus index and section pages) on
127.0.0.1, then in one run:
  1. raw: the same Chromium loads every URL of the site with ``--concurrency`` tabs
     (``page.goto(url, wait_until="load")``, nothing else): the ceiling;
  2. crawl: Quaero Desktop crawls the site from its index at the same concurrency
     (discovery, Markdown conversion, SQLite writes, events included);
and prints both rates and their ratio (target: crawl/raw >= 0.7).

``--baseline REV`` also crawls with the page fetcher as it was at REV (crawler/browser/settle.py,
page_fetcher.py, request_watch.py; the rest as checked out), in the same rounds: each round loads
the raw pages, then crawls before and after (in child processes, the order alternating by round).

    .venv/bin/python benchmarks/throughput.py [--pages 500] [--concurrency 4] [--render browser] [--baseline REV]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
from baseline_tree import baseline_tree, child_env, use_tree_from_env
from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
use_tree_from_env()

from quaero_desktop.app import build_app  # noqa: E402
from quaero_desktop.crawler.browser.discovery import find_browser, launch_args  # noqa: E402
from quaero_desktop.domain.definition import JobDefinition  # noqa: E402
from quaero_desktop.domain.job import JobStatus  # noqa: E402
from tests.testsite.big import big_paths  # noqa: E402


@contextmanager
def site_process(pages: int) -> Iterator[str]:
    """The test site in a child process (its threads must not share this process's GIL); yields its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.testsite", "--big-pages", str(pages)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield process.stdout.readline().strip()
    finally:
        process.stdin.close()
        process.wait(10)


async def raw_rate(urls: list[str], concurrency: int) -> float:
    """Pages per second for plain page loads (browser launch not timed)."""
    async with async_playwright() as playwright:
        location = find_browser(None, playwright.chromium.executable_path)
        browser = await playwright.chromium.launch(executable_path=location.path, args=launch_args())
        context = await browser.new_context()
        pages = [await context.new_page() for _ in range(concurrency)]
        queue = list(reversed(urls))

        async def load(page) -> None:
            while queue:
                await page.goto(queue.pop(), wait_until="load")

        started = time.perf_counter()
        await asyncio.gather(*(load(page) for page in pages))
        elapsed = time.perf_counter() - started
        await browser.close()
    return len(urls) / elapsed


class MemorySampler:
    """Resident memory of Playwright's driver and Chromium (summed RSS: shared pages count once per process)."""

    def __init__(self, interval_s: float = 0.5) -> None:
        self.samples: list[float] = []
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(self._interval_s):
            total = 0
            for child in me.children(recursive=True):
                try:
                    if "python" in child.name().lower():
                        continue  # the site's server process
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.samples.append(total / 2**20)

    def summary(self) -> str:
        if len(self.samples) < 4:
            return "too short to sample"
        quarter = len(self.samples) // 4
        parts = [self.samples[quarter], self.samples[2 * quarter], self.samples[3 * quarter], self.samples[-1]]
        return "browser memory at 25/50/75/100% of the crawl: " + " / ".join(f"{mb:.0f}" for mb in parts) + " MB"


def crawl_rate(base_url: str, data_dir: Path, concurrency: int, render: str = "auto") -> tuple[float, int, int, str]:
    """Pages per second for a full crawl of the site; also (pages, documents, memory summary)."""
    app = build_app(data_dir)
    try:
        definition = JobDefinition.from_mapping(
            {
                "id": "benchmark",
                "name": "Throughput benchmark",
                "start_urls": [base_url + "/big/"],
                "include_patterns": ["/big/"],
                "max_depth": 5,
                "max_pages": 100_000,
                "concurrency": concurrency,
                "timeout": "1h",
                "render": render,
            },
            "benchmark",
        )
        engine = app.engine()
        with MemorySampler() as memory:
            job_id = engine.submit(definition).result()
            status = engine.wait(job_id).result()
        job = app.jobs.get(job_id)
        if status != JobStatus.COMPLETED:
            raise SystemExit(f"crawl ended {status}: {job.error}")
        pages = job.progress.completed + job.progress.failed
        return pages / job.duration_s, pages, job.document_count, memory.summary()
    finally:
        app.close(detach=False)


FETCHER_FILES = [
    f"quaero_desktop/crawler/browser/{name}" for name in ("settle.py", "page_fetcher.py", "request_watch.py")
]


def crawl_in_child(tree: Path | None, base_url: str, concurrency: int, render: str) -> tuple[float, int, int, str]:
    """``crawl_rate`` in a child process importing the package from ``tree`` (None: as checked out)."""
    command = [sys.executable, __file__, "--child", base_url, "--concurrency", str(concurrency), "--render", render]
    output = subprocess.run(command, env=child_env(tree), capture_output=True, text=True, check=True).stdout
    rate, pages, documents, memory = json.loads(output)
    return rate, pages, documents, memory


def compare(args: argparse.Namespace) -> None:
    """Raw loads, then the crawl before and after, per round (the order of the two alternating)."""
    rates: dict[str, list[float]] = {"raw": [], "before": [], "after": []}
    with site_process(args.pages) as base_url, baseline_tree(args.baseline, FETCHER_FILES) as tree:
        urls = [base_url + path for path in big_paths(args.pages)]
        print(f"site: {len(urls)} pages on {base_url} (served by another process), concurrency {args.concurrency}")
        print(f"before: the page fetcher as at {args.baseline}; after: as checked out; render {args.render}")
        for round_number in range(1, args.rounds + 1):
            rates["raw"].append(asyncio.run(raw_rate(urls, args.concurrency)))
            sides = [("before", tree), ("after", None)]
            line = [f"round {round_number}: raw {rates['raw'][-1]:5.1f} pages/s"]
            for side, side_tree in sides if round_number % 2 else reversed(sides):
                crawl, pages, documents, _memory = crawl_in_child(side_tree, base_url, args.concurrency, args.render)
                if pages != len(urls) or documents != len(urls):
                    raise SystemExit(
                        f"{side}: the crawl reached {pages} pages and stored {documents}, expected {len(urls)}"
                    )
                rates[side].append(crawl)
                line.append(f"{side} {crawl:5.1f} pages/s (ratio {crawl / rates['raw'][-1]:.2f})")
            print(", ".join(line))
    raw = statistics.median(rates["raw"])
    print(f"raw Playwright page loads (median): {raw:5.1f} pages/s")
    for side in ("before", "after"):
        ratios = [c / r for c, r in zip(rates[side], rates["raw"], strict=True)]
        print(
            f"crawl {side:6s} (median): {statistics.median(rates[side]):5.1f} pages/s; "
            f"median ratio crawl/raw {statistics.median(ratios):.2f}; total {sum(rates[side]):.1f}"
        )
    change = statistics.median(rates["after"]) / statistics.median(rates["before"]) - 1
    print(f"after against before (medians): {change:+.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=500, help="leaf pages of the generated site (default 500)")
    parser.add_argument("--concurrency", type=int, default=4, help="tabs in parallel (default 4)")
    parser.add_argument("--rounds", type=int, default=2, help="raw/crawl pairs, interleaved (default 2)")
    parser.add_argument("--baseline", metavar="REV", help="also crawl with the page fetcher as at REV")
    parser.add_argument("--render", default="auto", choices=("auto", "browser"), help="the crawl's render mode")
    parser.add_argument("--child", metavar="BASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(crawl_rate(args.child, Path(tmp), args.concurrency, args.render)))
        return
    if args.baseline:
        compare(args)
        return
    raw_rates: list[float] = []
    crawl_rates: list[float] = []
    with site_process(args.pages) as base_url:
        urls = [base_url + path for path in big_paths(args.pages)]
        print(f"site: {len(urls)} pages on {base_url} (served by another process), concurrency {args.concurrency}")
        for round_number in range(1, args.rounds + 1):
            raw_rates.append(asyncio.run(raw_rate(urls, args.concurrency)))
            with tempfile.TemporaryDirectory() as tmp:
                crawl, pages, documents, memory = crawl_rate(base_url, Path(tmp), args.concurrency, args.render)
            crawl_rates.append(crawl)
            if pages != len(urls) or documents != len(urls):
                raise SystemExit(f"the crawl reached {pages} pages and stored {documents}, expected {len(urls)}")
            print(
                f"round {round_number}: raw {raw_rates[-1]:5.1f} pages/s, crawl {crawl:5.1f} pages/s "
                f"({pages} pages, {documents} documents), ratio {crawl / raw_rates[-1]:.2f}"
            )
            print(f"         {memory}")
    raw, crawl = statistics.median(raw_rates), statistics.median(crawl_rates)
    print(f"raw Playwright page loads (median): {raw:5.1f} pages/s")
    print(f"Quaero crawl (median):              {crawl:5.1f} pages/s")
    ratios = [c / r for c, r in zip(crawl_rates, raw_rates, strict=True)]
    print(f"ratio of the medians:               {crawl / raw:5.2f}")
    print(f"ratio crawl/raw per round:          {', '.join(f'{x:.2f}' for x in ratios)}")
    print(f"median of the rounds' ratios:       {statistics.median(ratios):5.2f} (target >= 0.70)")


if __name__ == "__main__":
    main()
