"""The page-size bound in browser mode: peak memory and time to fail for pages over 50 MB.

Crawls each of the test site's /huge/page (60 MB of HTML) and /huge/bomb (a gzip bomb: a few MB
that inflate to 1 GiB) alone, render = "browser", in a fresh data directory, while a thread samples
the summed RSS of this process and its children (Playwright's driver, Chromium's processes) every
0.2 s; prints, per page, the page's outcome, the crawl's time and the peak.

    .venv/bin/python benchmarks/browser_bounds.py
    PYTHONPATH=/tmp/other-tree .venv/bin/python benchmarks/browser_bounds.py   # another checkout's code
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # appended: a PYTHONPATH tree (code before a change) comes first

from quaero_desktop.app import build_app  # noqa: E402
from quaero_desktop.domain.definition import JobDefinition  # noqa: E402
from tests.testsite import TestSite  # noqa: E402
from tests.testsite.huge import bomb_body  # noqa: E402

PAGES = ("/huge/page", "/huge/bomb")


class PeakMemory:
    """The highest summed RSS (MB) of this process and its children, sampled every ``interval_s``."""

    def __init__(self, interval_s: float = 0.2) -> None:
        self.peak_mb = 0.0
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
        me = psutil.Process()
        while not self._stop.wait(self._interval_s):
            total = 0
            for process in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # a process that ended meanwhile
                    total += process.memory_info().rss
            self.peak_mb = max(self.peak_mb, total / 2**20)


def crawl_one(base_url: str, path: str) -> str:
    """Crawl ``path`` alone in browser mode; a line with its outcome, time and peak memory."""
    with tempfile.TemporaryDirectory() as data_dir:
        app = build_app(Path(data_dir))
        try:
            definition = JobDefinition.from_mapping(
                {
                    "id": "bounds",
                    "name": "Browser bounds",
                    "start_urls": [base_url + path],
                    "max_depth": 0,
                    "timeout": "10m",
                    "render": "browser",
                },
                "benchmark",
            )
            engine = app.engine()
            with PeakMemory() as memory:
                started = time.monotonic()
                job_id = engine.submit(definition).result()
                engine.wait(job_id).result()
                elapsed = time.monotonic() - started
            job = app.jobs.get(job_id)
            page = next(iter(app.jobs.children(job.id)), None)
            if page is None:
                outcome = f"job {job.status.value}: {job.error}"
            else:
                stored = sum(len(d.markdown) for d in app.documents.list(job_id=job.id))
                outcome = f"{page.status.value}: {page.error or f'stored ({stored:,} characters of Markdown)'}"
            return f"{path:12} {elapsed:6.1f} s  peak {memory.peak_mb:6.0f} MB  {outcome}"
        finally:
            app.close(detach=False)


def main() -> None:
    bomb_body()  # built before the clock starts (about 2 s)
    with TestSite(big_pages=1) as site:
        base_url = site.url("/").rstrip("/")
        for path in PAGES:
            print(crawl_one(base_url, path), flush=True)


if __name__ == "__main__":
    main()
