"""The page bounds in browser mode: peak memory and time to fail for pages over them, before and after.

Crawls each of the test site's pages over the bounds (/huge/page: 60 MB of HTML; /huge/bomb and
/huge/dense: gzip bombs of a comment and of tiny paragraphs; /huge/crowded: 9 MB, a million
elements; /huge/framed: a 60 MB frame; /huge/built: a DOM its script makes huge), a page just
within them (/huge/paragraphs/90000) and a long ordinary one (/huge/long) alone, render = "browser",
each in a child process with a fresh data directory, while this process samples the summed RSS of
that child and its children (Playwright's driver, Chromium's processes) every 0.2 s; prints, per
page, the outcome, the crawl's time and the peak.

``--baseline REV`` crawls each page also with the bound's files as at REV (document_size.py,
page_fetcher.py, fetched.py, http/fetcher.py; the rest as checked out), back to back, the order
alternating by page. ``--site-pages N`` also crawls the generated /big/ site (N pages, browser
mode, 2 tabs) with each side, ``--rounds`` times interleaved: the cost of the bounds on ordinary
pages, in pages per second.

    .venv/bin/python benchmarks/browser_bounds.py [--baseline b7b2768] [--site-pages 300] [--rounds 2]
        [--pages /huge/page ...] [--limit-s 300]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil
from baseline_tree import baseline_tree, child_env, use_tree_from_env

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
use_tree_from_env()

BOUND_FILES = [
    "quaero_desktop/crawler/browser/document_size.py",
    "quaero_desktop/crawler/browser/page_fetcher.py",
    "quaero_desktop/crawler/fetched.py",
    "quaero_desktop/crawler/http/fetcher.py",
]
PAGES = (
    "/huge/page",
    "/huge/bomb",
    "/huge/dense",
    "/huge/crowded",
    "/huge/framed",
    "/huge/built",
    "/huge/paragraphs/90000",
    "/huge/long",
)


class PeakMemory:
    """The highest summed RSS (MB) of ``process`` and its children, sampled every ``interval_s``."""

    def __init__(self, process: psutil.Process, interval_s: float = 0.2) -> None:
        self.peak_mb = 0.0
        self._process = process
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            total = 0
            with contextlib.suppress(psutil.Error):
                for process in [self._process, *self._process.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):  # a process that ended meanwhile
                        total += process.memory_info().rss
            self.peak_mb = max(self.peak_mb, total / 2**20)


def crawl(url: str, *, max_depth: int, concurrency: int, include: str | None) -> dict[str, Any]:
    """In a child: crawl from ``url`` in browser mode; its time and outcome."""
    from quaero_desktop.app import build_app
    from quaero_desktop.domain.definition import JobDefinition

    with tempfile.TemporaryDirectory() as data_dir:
        app = build_app(Path(data_dir))
        try:
            fields: dict[str, Any] = {
                "id": "bounds",
                "name": "Browser bounds",
                "start_urls": [url],
                "max_depth": max_depth,
                "max_pages": 100_000,
                "concurrency": concurrency,
                "timeout": "10m",
                "render": "browser",
            }
            if include:
                fields["include_patterns"] = [include]
            definition = JobDefinition.from_mapping(fields, "benchmark")
            engine = app.engine()
            started = time.monotonic()
            job_id = engine.submit(definition).result()
            engine.wait(job_id).result()
            elapsed = time.monotonic() - started
            job = app.jobs.get(job_id)
            pages = list(app.jobs.children(job.id))
            documents = app.documents.list(job_id=job.id)
            if len(pages) != 1:
                outcome = f"{len(documents)} documents of {len(pages)} pages"
            else:
                page = pages[0]
                outcome = f"{page.status.value}: {page.error or 'stored'} (attempts {page.attempts})"
            return {"elapsed": elapsed, "outcome": outcome, "pages": len(pages)}
        finally:
            app.close(detach=False)


def measured(
    tree: Path | None,
    url: str,
    *,
    limit_s: float,
    max_depth: int = 0,
    concurrency: int = 1,
    include: str | None = None,
) -> dict[str, Any]:
    """Crawl in a child process importing the package from ``tree`` (None: this checkout), its peak
    memory; the child is stopped after ``limit_s`` (the code before a bound can take very long)."""
    command = [sys.executable, __file__, "--crawl", url, "--max-depth", str(max_depth)]
    command += ["--concurrency", str(concurrency), *(["--include", include] if include else [])]
    child = subprocess.Popen(command, env=child_env(tree), stdout=subprocess.PIPE, text=True)
    started = time.monotonic()
    with PeakMemory(psutil.Process(child.pid)) as memory:
        try:
            output, _ = child.communicate(timeout=limit_s)
        except subprocess.TimeoutExpired:  # stopped with its children (the driver, Chromium)
            for process in [*psutil.Process(child.pid).children(recursive=True), psutil.Process(child.pid)]:
                with contextlib.suppress(psutil.Error):
                    process.kill()
            child.communicate()
            output = ""
    if not output.strip():
        elapsed = time.monotonic() - started
        return {"elapsed": elapsed, "outcome": f"stopped: no result after {limit_s:g} s", "peak_mb": memory.peak_mb}
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    result["peak_mb"] = memory.peak_mb
    return result


def line(result: dict[str, Any]) -> str:
    return f"{result['elapsed']:6.1f} s  peak {result['peak_mb']:6.0f} MB  {result['outcome']}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", help="a commit: also crawl with the bound's files as they were there")
    parser.add_argument("--site-pages", type=int, default=0, help="also crawl the /big/ site of this many pages")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pages", nargs="*", default=list(PAGES))
    parser.add_argument("--limit-s", type=float, default=300.0, help="stop a crawl after this long")
    parser.add_argument("--crawl", help=argparse.SUPPRESS)
    parser.add_argument("--max-depth", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--include", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.crawl:
        result = crawl(args.crawl, max_depth=args.max_depth, concurrency=args.concurrency, include=args.include)
        print(json.dumps(result))
        return

    from tests.testsite import TestSite
    from tests.testsite.huge import bomb_body, dense_bomb_body

    bomb_body(), dense_bomb_body()  # built before any clock starts (a few seconds)
    with contextlib.ExitStack() as stack:
        site = stack.enter_context(TestSite(big_pages=max(args.site_pages, 1)))
        base = stack.enter_context(baseline_tree(args.baseline, BOUND_FILES)) if args.baseline else None
        sides: list[tuple[str, Path | None]] = [("after", None)]
        if base is not None:
            sides.insert(0, ("before", base))
            print(f"before: {', '.join(BOUND_FILES)} as at {args.baseline}; after: as checked out")
        for number, path in enumerate(args.pages):
            order = sides if number % 2 == 0 else sides[::-1]
            for name, tree in order:
                print(f"{path:24} {name:6} {line(measured(tree, site.url(path), limit_s=args.limit_s))}", flush=True)
        if args.site_pages:
            rates: dict[str, list[float]] = {name: [] for name, _ in sides}
            for round_number in range(args.rounds):
                order = sides if round_number % 2 == 0 else sides[::-1]
                for name, tree in order:
                    result = measured(
                        tree, site.url("/big/"), limit_s=args.limit_s, max_depth=5, concurrency=2, include="/big/"
                    )
                    rate = int(result["pages"]) / float(result["elapsed"])
                    rates[name].append(rate)
                    print(f"/big/ ({result['pages']} pages) {name:6} {rate:5.2f} pages/s  {line(result)}", flush=True)
            if base is not None:
                before, after = max(rates["before"]), max(rates["after"])
                ratio = after / before
                print(f"/big/ best rate: before {before:.2f}, after {after:.2f} pages/s (after/before {ratio:.3f})")


if __name__ == "__main__":
    main()
