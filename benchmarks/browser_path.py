"""The browser path's weight (issue 20, item 2), before and after, side by side in one run.

Serves generated sites in another process (``tests.testsite``, as benchmarks/fast_path.py does), then
in interleaved rounds (the order of the two sides alternating by round), each crawl in a fresh child
process importing the package either as checked out ("now") or as it was at ``--baseline`` ("before",
the whole package from ``git archive``):

1. **memory**: a static site crawled in ``auto`` (and ``--modes``): the peak of the summed RSS of the
   crawl's process and its children (Python, Playwright's driver, Chromium's processes), with what
   each kind of process held at that moment. Goal: auto <= 400 MB.
   With ``--docs python``: a real documentation tree whose pages carry scripts (Debian's
   python3.11-doc, Sphinx, via benchmarks/real_manuals.py) crawled in ``auto`` the same way: its
   samples start Chromium, which no 400 MB holds (auto renders samples of scripted pages: see
   docs/architecture.md, "Chromium's weight"); the figure is reported, not held to the static site's
   goal. Its "before" must have crawler/browser_sources.py (31c30d8 or later: the crawl counts the
   browser's renders there); ``--docs-modes auto,http`` adds
   the same crawl over HTTP alone (what the crawl's own processes hold without a browser).
   "python" is the crawl's process, "conversion" the conversion pool's (crawler/conversion_pool.py).
2. **javascript**: a site whose leaves are all JavaScript-only (their content written by script),
   crawled in ``browser`` mode: pages/s before and now, and their ratio. Goal: >= 1.5x. Every leaf's
   token must be in the store (none read too early). Also the CPU each kind of process used per
   page (ms): on a 2-core machine shared with other work, pages/s follows it.

    .venv/bin/python benchmarks/browser_path.py [--pages 300] [--rounds 3] [--baseline 9f0aee3] [--part memory]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from baseline_tree import child_env, package_at, use_tree_from_env  # noqa: E402

sys.path.insert(0, str(ROOT))
use_tree_from_env()

from benchmarks.fast_path_site import site  # noqa: E402
from benchmarks.timed_crawl import timed_crawl  # noqa: E402
from tests.testsite.big import big_paths  # noqa: E402

KINDS = ("python", "conversion", "node", "chromium", "renderer", "gpu", "utility", "other")


# ----- one crawl, in this (child) process -----


def crawl_once(start: str, data_dir: str, render: str, concurrency: int) -> dict[str, object]:
    from quaero_desktop.app import build_app

    app = build_app(Path(data_dir))
    try:
        job, wall = timed_crawl(
            app,
            {
                "name": "Browser path benchmark",
                "start_urls": [start],
                "include_patterns": ["/big/"],
                "max_depth": 5,
                "max_pages": 100_000,
                "concurrency": concurrency,
                "render": render,
            },
        )
        progress = job.progress
        tokens = 0
        for path in big_paths(int(os.environ.get("QUAERO_BENCH_PAGES", "0"))):
            parts = path.strip("/").split("/")
            if len(parts) == 3:
                document = app.documents.get_by_url(start.rsplit("/big/", 1)[0] + path)
                tokens += f"bigtoken-{parts[1][1:]}-{parts[2][1:]}" in document.markdown
        return {
            "status": str(job.status),
            "error": job.error,
            "pages": progress.completed + progress.failed,
            "failed": progress.failed,
            "documents": job.document_count,
            "seconds": job.duration_s or wall,
            "tokens": tokens,
        }
    finally:
        app.close(detach=False)


# ----- the parent -----


def kind_of(process: psutil.Process) -> str:
    name = process.name().lower()
    if "python" in name:
        return "python"
    if name.startswith("node"):
        return "node"
    if "chrom" in name or "chrome" in name or "headless" in name:
        cmdline = " ".join(process.cmdline())
        for flag, kind in (("--type=renderer", "renderer"), ("--type=gpu", "gpu"), ("--type=utility", "utility")):
            if flag in cmdline:
                return kind
        return "chromium" if "--type=" not in cmdline else "other"
    return "other"


class PeakMemory:
    """The largest summed RSS of a process and its children (sampled every 0.1 s), split by kind of process."""

    def __init__(self, pid: int) -> None:
        self.peak_mb = 0.0
        self.at_peak: dict[str, float] = {}
        self.browser_seen_s: float | None = None
        self._cpu: dict[int, tuple[str, float]] = {}  # each process's CPU seconds when last seen, by pid
        self._began = time.perf_counter()
        self._process = psutil.Process(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            split: dict[str, float] = {}
            try:
                for process in [self._process, *self._process.children(recursive=True)]:
                    try:
                        kind = kind_of(process)
                        if kind == "python" and process.pid != self._process.pid:
                            kind = "conversion"  # the conversion pool's worker processes (and its forkserver)
                        split[kind] = split.get(kind, 0.0) + process.memory_info().rss / 2**20
                        times = process.cpu_times()
                        self._cpu[process.pid] = (kind, times.user + times.system)
                    except psutil.Error:
                        continue
            except psutil.Error:
                continue
            total = sum(split.values())
            if "chromium" in split and self.browser_seen_s is None:
                self.browser_seen_s = time.perf_counter() - self._began
            if total > self.peak_mb:
                self.peak_mb, self.at_peak = total, split

    def cpu_by_kind(self) -> dict[str, float]:
        """CPU seconds each kind of process used (as last seen; a process's last 0.1 s may be missed)."""
        split: dict[str, float] = {}
        for kind, seconds in self._cpu.values():
            split[kind] = split.get(kind, 0.0) + seconds
        return split

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb


def docs_crawl_once(start: str, data_dir: str, render: str, concurrency: int) -> dict[str, object]:
    """A real documentation tree (real_docs_auto.py's crawl: in auto, it counts the browser's renders)."""
    from benchmarks.real_docs_auto import crawl_once as real_docs_crawl

    result: dict[str, object] = real_docs_crawl(
        start, start.rsplit("/", 1)[0] + "/", data_dir, render, concurrency, 5000
    )
    result["pages"] = result["met"]
    return result


def run_crawl(
    tree: Path | None, start: str, pages: int, render: str, concurrency: int, *, docs: bool = False
) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**child_env(tree), "QUAERO_BENCH_PAGES": str(pages)}
        process = subprocess.Popen(
            [sys.executable, __file__, "--docs-one" if docs else "--one", start, data_dir, render, str(concurrency)],
            cwd=tree or ROOT,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        memory = PeakMemory(process.pid)
        out, _ = process.communicate()
        memory.stop()
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = memory.peak_mb
    result["at_peak"] = memory.at_peak
    result["browser_seen_s"] = memory.browser_seen_s
    result["cpu"] = memory.cpu_by_kind()
    if result["status"] != "completed":
        raise SystemExit(f"the {render} crawl ended {result['status']}: {result['error']}")
    return result


@contextmanager
def docs_tree(name: str) -> Iterator[str]:
    """The start URL of a real documentation tree (benchmarks/real_manuals.py), served on 127.0.0.1."""
    from benchmarks.real_docs_auto import TREES
    from benchmarks.real_manuals import copy_manual, serving

    manual = TREES[name]
    with tempfile.TemporaryDirectory() as work:
        copy_manual(manual, Path(work))
        with serving(Path(work)) as base:
            yield f"{base}/{manual.name}/{manual.start}"


def split_text(split: dict[str, float]) -> str:
    return ", ".join(f"{kind} {split[kind]:.0f}" for kind in KINDS if kind in split)


def cpu_text(cpu: dict[str, float], pages: float) -> str:
    parts = [f"{kind} {1000 * cpu[kind] / pages:.0f}" for kind in KINDS if kind in cpu]
    return ", ".join([*parts, f"all {1000 * sum(cpu.values()) / pages:.0f}"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", default="9f0aee3", help="the 'before' side (a git revision); '' for none")
    parser.add_argument("--part", choices=("memory", "javascript", "both"), default="both")
    parser.add_argument("--modes", default="auto", help="render modes for the memory part, e.g. auto,http,browser")
    parser.add_argument("--docs", default="", help="also a real documentation tree (memory), e.g. python")
    parser.add_argument("--docs-modes", default="auto", help="render modes for it, e.g. auto,http")
    parser.add_argument("--docs-one", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument(
        "--one", nargs=4, metavar=("START", "DATA_DIR", "RENDER", "CONCURRENCY"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.one:
        start, data_dir, render, concurrency = args.one
        print(json.dumps(crawl_once(start, data_dir, render, int(concurrency))))
        return
    if args.docs_one:
        start, data_dir, render, concurrency = args.docs_one
        print(json.dumps(docs_crawl_once(start, data_dir, render, int(concurrency))))
        return

    figures: dict[str, list[float]] = {}
    leaves = sum(1 for p in big_paths(args.pages) if p.rstrip("/").rsplit("/", 1)[-1].startswith("p"))
    print(f"load before: {os.getloadavg()[0]:.2f}")
    with contextlib.ExitStack() as stack:
        before = stack.enter_context(package_at(args.baseline or None))
        static = stack.enter_context(site(args.pages))
        scripted = stack.enter_context(site(args.pages, 1))
        docs_start = stack.enter_context(docs_tree(args.docs)) if args.docs else None
        sides = [("before", before), ("now", None)] if before is not None else [("now", None)]
        print(f"sites: {len(big_paths(args.pages))} pages ({leaves} leaves); before = {args.baseline or '-'}")
        for number in range(1, args.rounds + 1):
            ordered = sides if number % 2 else list(reversed(sides))
            if args.part in ("memory", "both"):
                for mode in filter(None, args.modes.split(",")):
                    for side, tree in ordered:
                        result = run_crawl(tree, static.base_url + "/big/", 0, mode, args.concurrency)
                        figures.setdefault(f"peak {mode} {side}", []).append(float(result["peak_mb"]))  # type: ignore[arg-type]
                        seen = result["browser_seen_s"]
                        print(
                            f"round {number} memory {mode:7s} {side:6s}: peak {result['peak_mb']:.0f} MB "
                            f"({split_text(result['at_peak'])}); {result['pages']} pages in "  # type: ignore[arg-type]
                            f"{float(result['seconds']):.1f} s; Chromium "  # type: ignore[arg-type]
                            + (f"first seen at {seen:.1f} s" if seen is not None else "never seen"),
                            flush=True,
                        )
                for mode in filter(None, args.docs_modes.split(",") if docs_start is not None else ()):
                    for side, tree in ordered:
                        assert docs_start is not None
                        result = run_crawl(tree, docs_start, 0, mode, args.concurrency, docs=True)
                        figures.setdefault(f"peak docs {mode} {side}", []).append(float(result["peak_mb"]))  # type: ignore[arg-type]
                        print(
                            f"round {number} memory docs {mode:4s} {side:6s}: peak {result['peak_mb']:.0f} MB "
                            f"({split_text(result['at_peak'])}); {result['pages']} pages in "  # type: ignore[arg-type]
                            f"{float(result['seconds']):.1f} s; browser: {result.get('browser')}",  # type: ignore[arg-type]
                            flush=True,
                        )
            if args.part in ("javascript", "both"):
                for side, tree in ordered:
                    result = run_crawl(tree, scripted.base_url + "/big/", args.pages, "browser", args.concurrency)
                    rate = float(result["pages"]) / float(result["seconds"])  # type: ignore[arg-type]
                    figures.setdefault(f"js {side}", []).append(rate)
                    figures.setdefault(f"js lost {side}", []).append(float(leaves - int(result["tokens"])))  # type: ignore[call-overload]
                    cpu: dict[str, float] = result["cpu"]  # type: ignore[assignment]
                    figures.setdefault(f"js cpu ms/page {side}", []).append(
                        1000 * sum(cpu.values()) / float(result["pages"])  # type: ignore[arg-type]
                    )
                    print(
                        f"round {number} javascript {side:6s}: {rate:.1f} pages/s ({result['pages']} pages, "
                        f"{result['tokens']} of {leaves} leaves' tokens stored; peak {result['peak_mb']:.0f} MB; "
                        f"CPU ms per page: {cpu_text(cpu, float(result['pages']))})",  # type: ignore[arg-type]
                        flush=True,
                    )
                if before is not None:
                    ratio = figures["js now"][-1] / figures["js before"][-1]
                    figures.setdefault("js now/before", []).append(ratio)
    print(f"\nmedians over the rounds (load after: {os.getloadavg()[0]:.2f})")
    for key, values in figures.items():
        unit = (
            "MB"
            if key.startswith("peak")
            else "ms"
            if "cpu" in key
            else "x"
            if "/" in key
            else "pages"
            if "lost" in key
            else "pages/s"
        )
        rounds = ", ".join(f"{v:.2f}" for v in values)
        print(f"{key:<24} {statistics.median(values):8.2f} {unit}   (rounds: {rounds})")


if __name__ == "__main__":
    main()
