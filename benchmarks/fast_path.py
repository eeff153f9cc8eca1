"""The HTTP fast path and incremental re-crawls, measured side by side (issue 12).

Serves generated sites in another process (``tests.testsite``), then, in interleaved rounds:

1. **throughput** on a static site of ``--pages`` leaves (plus index and sections) at
   ``--concurrency``: raw Playwright page loads of every URL (the browser ceiling), Quaero in
   ``auto`` (HTTP, Markdown, SQLite, full-text index, events: a whole crawl), Quaero in ``browser``,
   and plain Scrapy following the same links (the HTTP anchor) where it installs into a
   benchmark-only virtual environment (``--scrapy-venv``, created on first use, never a project
   dependency). Goals: auto >= 2.5x raw; auto >= 0.8x Scrapy.
2. **JavaScript share**: the same site with every ``--js-every``-th leaf rendered only by script;
   Quaero in auto must store every such page's content and links (none lost); its rate.
3. **re-crawl**: the unchanged site again into the same store (goal: <= 0.25x the first crawl's
   time), then with 1 % of the leaves changed: exactly those are rewritten.
4. **peak memory** (summed RSS of the crawl's process and its children: Python, Playwright's
   driver, Chromium) of crawls in http, auto and browser mode.

Each Quaero crawl runs in a fresh child process (``--one``), so memory and start-up are its own.

    .venv/bin/python benchmarks/fast_path.py [--pages 500] [--concurrency 4] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.fast_path_site import site  # noqa: E402
from benchmarks.throughput import raw_rate  # noqa: E402  (the same browser ceiling as throughput.py)
from benchmarks.timed_crawl import timed_crawl  # noqa: E402
from tests.testsite.big import is_js_only  # noqa: E402

SCRAPY_SPIDER = textwrap.dedent(
    """
    import json, time
    import scrapy
    from urllib.parse import urldefrag

    class Same(scrapy.Spider):
        name = "same"
        custom_settings = {"ROBOTSTXT_OBEY": False, "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False,
                           "HTTPCACHE_ENABLED": False, "COOKIES_ENABLED": True}

        def __init__(self, start=None, **kw):
            super().__init__(**kw)
            self.start_urls = [start]
            self.pages = 0
            self.began = None

        def parse(self, response):
            if self.began is None:
                self.began = time.perf_counter()
            self.pages += 1
            for href in response.css("a::attr(href)").getall():
                url = urldefrag(response.urljoin(href))[0]
                if "/big/" in url:
                    yield response.follow(url, self.parse)

        def closed(self, reason):
            print(json.dumps({"pages": self.pages, "seconds": time.perf_counter() - self.began}), flush=True)
    """
)


# ----- one Quaero crawl, in this (child) process -----


def crawl_once(start: str, data_dir: str, render: str, concurrency: int) -> dict[str, object]:
    from quaero_desktop.app import build_app

    app = build_app(Path(data_dir))
    try:
        job, wall = timed_crawl(
            app,
            {
                "name": "Fast path benchmark",
                "start_urls": [start],
                "include_patterns": ["/big/"],
                "max_depth": 5,
                "max_pages": 100_000,
                "concurrency": concurrency,
                "render": render,
            },
        )
        job_id = job.id
        changed = [c.url for c in app.jobs.children(job_id) if c.change is not None and str(c.change) == "changed"]
        progress = job.progress
        return {
            "status": str(job.status),
            "error": job.error,
            "pages": progress.completed + progress.failed,
            "failed": progress.failed,
            "documents": job.document_count,
            "seconds": job.duration_s or wall,
            "new": progress.new,
            "changed": progress.changed,
            "unchanged": progress.unchanged,
            "changed_urls": changed,
            "switched": [e.message for e in app.jobs.logs(job_id) if "for the rest of the crawl" in e.message],
        }
    finally:
        app.close(detach=False)


def check_js_pages(data_dir: str, urls: list[str]) -> tuple[int, int]:
    """(JavaScript-only pages whose token and links are in the store, of how many)."""
    from quaero_desktop.app import build_app

    app = build_app(Path(data_dir))
    try:
        kept = 0
        for url in urls:
            document = app.documents.get_by_url(url)
            path = url.split("/big/", 1)[1]
            section, leaf = path.split("/")
            token = f"bigtoken-{section[1:]}-{leaf[1:]}"
            if token in document.markdown and "[Big index]" in document.markdown:
                kept += 1
        return kept, len(urls)
    finally:
        app.close(detach=False)


class PeakMemory:
    """The largest summed RSS of a process and its children, sampled every 0.1 s."""

    def __init__(self, pid: int) -> None:
        self.peak_mb = 0.0
        self._process = psutil.Process(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            try:
                processes = [self._process, *self._process.children(recursive=True)]
                total = sum(p.memory_info().rss for p in processes if p.is_running())
            except psutil.Error:
                continue
            self.peak_mb = max(self.peak_mb, total / 2**20)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb


def run_crawl(start: str, data_dir: Path, render: str, concurrency: int) -> dict[str, object]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--one", start, str(data_dir), render, str(concurrency)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    memory = PeakMemory(process.pid)
    out, _ = process.communicate()
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = memory.stop()
    if result["status"] != "completed":
        raise SystemExit(f"the {render} crawl ended {result['status']}: {result['error']}")
    return result


# ----- the anchors -----


def scrapy_python(venv: Path) -> Path | None:
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"creating a benchmark-only virtual environment for Scrapy in {venv} ...", flush=True)
        if subprocess.run([sys.executable, "-m", "venv", str(venv)]).returncode != 0:
            return None
        pip = subprocess.run([str(python), "-m", "pip", "install", "-q", "scrapy"])
        if pip.returncode != 0:
            print("Scrapy did not install: no HTTP anchor", flush=True)
            return None
    return python


def scrapy_rate(python: Path, start: str, concurrency: int, workdir: Path) -> tuple[float, int]:
    spider = workdir / "same_links.py"
    spider.write_text(SCRAPY_SPIDER)
    result = subprocess.run(
        [str(python), "-m", "scrapy", "runspider", str(spider), "-a", f"start={start}",
         "-s", f"CONCURRENT_REQUESTS={concurrency}", "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}"],
        capture_output=True, text=True, cwd=workdir,
    )  # fmt: skip
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return data["pages"] / data["seconds"], data["pages"]


# ----- the rounds -----


def median_line(name: str, values: list[float], unit: str) -> str:
    return f"{name:<46} {statistics.median(values):8.1f} {unit}   (rounds: {', '.join(f'{v:.1f}' for v in values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--js-every", type=int, default=10, help="every K-th leaf is JavaScript-only (part 2)")
    parser.add_argument("--scrapy-venv", type=Path, default=Path(tempfile.gettempdir()) / "quaero-bench-scrapy")
    parser.add_argument(
        "--one", nargs=4, metavar=("START", "DATA_DIR", "RENDER", "CONCURRENCY"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.one:
        start, data_dir, render, concurrency = args.one
        print(json.dumps(crawl_once(start, data_dir, render, int(concurrency))))
        return

    scrapy = scrapy_python(args.scrapy_venv)
    figures: dict[str, list[float]] = {}

    def note(key: str, value: float) -> None:
        figures.setdefault(key, []).append(value)

    with site(args.pages) as static, site(args.pages, args.js_every) as scripted:
        urls = static.urls()
        start = static.base_url + "/big/"
        js_urls = [u for u in scripted.urls() if is_js_only(u.split(scripted.base_url, 1)[1], args.js_every)]
        print(f"site: {len(urls)} pages, concurrency {args.concurrency}; {len(js_urls)} JavaScript-only in part 2")
        for number in range(1, args.rounds + 1):
            with tempfile.TemporaryDirectory() as tmp:
                work = Path(tmp)
                raw = asyncio.run(raw_rate(urls, args.concurrency))
                auto = run_crawl(start, work / "auto", "auto", args.concurrency)
                browser = run_crawl(start, work / "browser", "browser", args.concurrency)
                http = run_crawl(start, work / "http", "http", args.concurrency)
                for result, mode in ((auto, "auto"), (browser, "browser"), (http, "http")):
                    if result["pages"] != len(urls) or result["documents"] != len(urls):
                        raise SystemExit(f"{mode}: {result['pages']} pages, {result['documents']} documents")
                auto_rate = float(auto["pages"]) / float(auto["seconds"])  # type: ignore[arg-type]
                browser_rate = float(browser["pages"]) / float(browser["seconds"])  # type: ignore[arg-type]
                http_rate = float(http["pages"]) / float(http["seconds"])  # type: ignore[arg-type]
                note("raw", raw)
                note("http", http_rate)
                note("auto", auto_rate)
                note("browser", browser_rate)
                note("auto/raw", auto_rate / raw)
                line = f"round {number}: raw {raw:.1f}/s, auto {auto_rate:.1f}/s ({auto_rate / raw:.2f}x raw), "
                line += f"browser {browser_rate:.1f}/s, http {http_rate:.1f}/s"
                if scrapy is not None:
                    scrapy_pages_s, scrapy_pages = scrapy_rate(scrapy, start, args.concurrency, work)
                    note("scrapy", scrapy_pages_s)
                    note("auto/scrapy", auto_rate / scrapy_pages_s)
                    note("http/scrapy", http_rate / scrapy_pages_s)
                    versus = auto_rate / scrapy_pages_s
                    line += f", scrapy {scrapy_pages_s:.1f}/s ({scrapy_pages} pages; auto {versus:.2f}x)"
                print(line, flush=True)

                # 3. re-crawl: unchanged, then 1 % of the leaves changed.
                again = run_crawl(start, work / "auto", "auto", args.concurrency)
                ratio = float(again["seconds"]) / float(auto["seconds"])  # type: ignore[arg-type]
                note("recrawl/first", ratio)
                leaves = [u.split(static.base_url, 1)[1] for u in urls if u.rsplit("/", 1)[-1].startswith("p")]
                changed_paths = leaves[number :: max(1, len(leaves) // max(1, len(leaves) // 100))][
                    : len(leaves) // 100
                ]
                for path in changed_paths:
                    static.command(f"change {path}")
                changed = run_crawl(start, work / "auto", "auto", args.concurrency)
                static.command("reset")
                rewritten = sorted(u.split(static.base_url, 1)[1] for u in changed["changed_urls"])  # type: ignore[union-attr]
                exact = rewritten == sorted(changed_paths)
                note("changed_exact", 1.0 if exact else 0.0)
                first_s, again_s = float(auto["seconds"]), float(again["seconds"])  # type: ignore[arg-type]
                print(
                    f"         re-crawl unchanged {again_s:.2f}s vs first {first_s:.2f}s "
                    f"({ratio:.2f}x; {again['unchanged']} unchanged); {len(changed_paths)} pages changed: "
                    f"{changed['changed']} rewritten, exactly those: {exact}",
                    flush=True,
                )

                # 4. peak memory.
                note("peak_http", float(http["peak_mb"]))  # type: ignore[arg-type]
                note("peak_auto", float(auto["peak_mb"]))  # type: ignore[arg-type]
                note("peak_browser", float(browser["peak_mb"]))  # type: ignore[arg-type]
                print(
                    f"         peak memory: http {http['peak_mb']:.0f} MB, auto {auto['peak_mb']:.0f} MB, "
                    f"browser {browser['peak_mb']:.0f} MB",
                    flush=True,
                )

                # 2. the JavaScript share.
                js = run_crawl(scripted.base_url + "/big/", work / "js", "auto", args.concurrency)
                kept, of = check_js_pages(str(work / "js"), js_urls)
                js_rate = float(js["pages"]) / float(js["seconds"])  # type: ignore[arg-type]
                note("js_auto", js_rate)
                note("js_lost", float(of - kept))
                print(
                    f"         JavaScript share: {js_rate:.1f}/s, {kept} of {of} JavaScript-only pages stored with "
                    f"content and links, {js['pages']} pages",
                    flush=True,
                )

    print("\nmedians over the rounds")
    for key, unit in (
        ("raw", "pages/s"), ("auto", "pages/s"), ("browser", "pages/s"), ("http", "pages/s"), ("scrapy", "pages/s"),
        ("auto/raw", "x (goal >= 2.5)"), ("auto/scrapy", "x (goal >= 0.8)"), ("http/scrapy", "x"),
        ("js_auto", "pages/s"),
        ("js_lost", "pages lost (goal 0)"), ("recrawl/first", "x (goal <= 0.25)"),
        ("changed_exact", "(1 = exactly the changed pages rewritten)"),
        ("peak_http", "MB"), ("peak_auto", "MB"), ("peak_browser", "MB"),
    ):  # fmt: skip
        if key in figures:
            precision = "{:8.2f}" if "/" in key or key == "changed_exact" else "{:8.1f}"
            rounds = ", ".join(precision.format(v).strip() for v in figures[key])
            print(f"{key:<16} {precision.format(statistics.median(figures[key]))} {unit}   (rounds: {rounds})")


if __name__ == "__main__":
    main()
