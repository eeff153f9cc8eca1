"""Crawler throughput against the raw Playwright page-load rate (the ceiling), side by side.

Serves a generated local site (``--pages`` leaf pages plus index and section pages) on
127.0.0.1, then in one run:
  1. raw: the same Chromium loads every URL of the site with ``--concurrency`` tabs
     (``page.goto(url, wait_until="load")``, nothing else): the ceiling;
  2. crawl: Quaero Desktop crawls the site from its index at the same concurrency
     (discovery, Markdown conversion, SQLite writes, events included);
and prints both rates and their ratio (target: crawl/raw >= 0.7).

    .venv/bin/python benchmarks/throughput.py [--pages 500] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
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
from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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


def crawl_rate(base_url: str, data_dir: Path, concurrency: int) -> tuple[float, int, int, str]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=500, help="leaf pages of the generated site (default 500)")
    parser.add_argument("--concurrency", type=int, default=4, help="tabs in parallel (default 4)")
    parser.add_argument("--rounds", type=int, default=2, help="raw/crawl pairs, interleaved (default 2)")
    args = parser.parse_args()
    raw_rates: list[float] = []
    crawl_rates: list[float] = []
    with site_process(args.pages) as base_url:
        urls = [base_url + path for path in big_paths(args.pages)]
        print(f"site: {len(urls)} pages on {base_url} (served by another process), concurrency {args.concurrency}")
        for round_number in range(1, args.rounds + 1):
            raw_rates.append(asyncio.run(raw_rate(urls, args.concurrency)))
            with tempfile.TemporaryDirectory() as tmp:
                crawl, pages, documents, memory = crawl_rate(base_url, Path(tmp), args.concurrency)
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
