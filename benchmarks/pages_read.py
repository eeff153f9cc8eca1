"""The Job detail window's read of a crawl's pages, alone and beside threads that want the GIL (issue 20, item 5).

``benchmarks/job_detail_open.py`` times the whole open with a real crawl; on a loaded machine its
figures swing by ±50 %. This times the part that changed most, ``pages_tab.read_rows`` (the store
read and the table's rows, on a worker thread) for ``--children`` pages (10,000), in one process
per version: its thread CPU, the garbage collector's passes during it, its wall time alone, and its
wall time beside ``--threads`` (2) Python threads that compute and allocate without pause, as a
crawl's threads do (each takes the GIL whenever the read lets go of it, and keeps it up to the
switch interval).

The code before (``--base``, a git worktree of ``--base-commit``, made if missing) and after (this
checkout) run in turns, ``--rounds`` times, and are printed side by side.

    .venv/bin/python benchmarks/pages_read.py [--rounds 3] [--base-commit 31c30d8]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ("thread CPU ms", "GC passes", "wall alone ms", "wall beside threads ms")


def measure(children: int, samples: int, threads: int) -> dict[str, list[float]]:
    from benchmarks.job_detail_open import store_big_job
    from quaero_desktop.app import build_app
    from quaero_desktop.gui.job_detail.pages_tab import read_rows

    figures: dict[str, list[float]] = {name: [] for name in FIGURES}
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp))
        store_big_job(app, "big", children)

        def read(key: str) -> None:
            passes = sum(stats["collections"] for stats in gc.get_stats())
            started, cpu = time.perf_counter(), time.thread_time()
            rows = read_rows(app, "big", 0)
            figures[key].append((time.perf_counter() - started) * 1000)
            if key == "wall alone ms":
                figures["thread CPU ms"].append((time.thread_time() - cpu) * 1000)
                figures["GC passes"].append(sum(stats["collections"] for stats in gc.get_stats()) - passes)
            assert len(rows) == children

        for _ in range(samples):
            read("wall alone ms")
        stop = threading.Event()

        def compute() -> None:
            kept: list[object] = []
            while not stop.is_set():
                sum(range(200))
                kept.append([0])
                del kept[:-50]

        busy = [threading.Thread(target=compute, daemon=True) for _ in range(threads)]
        for thread in busy:
            thread.start()
        for _ in range(samples):
            read("wall beside threads ms")
        stop.set()
        for thread in busy:
            thread.join()
        app.close(detach=False)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--samples", type=int, default=9, help="reads per figure, version and round")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--base", type=Path, default=Path(tempfile.gettempdir()) / "pages-read-base")
    parser.add_argument("--base-commit", default="31c30d8")
    parser.add_argument("--one", metavar="CODE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        sys.path.insert(0, args.one)
        print(json.dumps(measure(args.children, args.samples, args.threads)), flush=True)
        return

    if not (args.base / "quaero_desktop").is_dir():
        subprocess.run(["git", "worktree", "add", "--detach", str(args.base), args.base_commit], cwd=ROOT, check=True)
    versions = {"before": args.base, "after": ROOT}
    figures: dict[str, dict[str, list[float]]] = {name: {key: [] for key in FIGURES} for name in versions}
    for number in range(1, args.rounds + 1):
        for name, code in versions.items():
            command = [sys.executable, __file__, "--one", str(code), "--children", str(args.children)]
            command += ["--samples", str(args.samples), "--threads", str(args.threads)]
            out = subprocess.run(
                command,
                cwd=code,
                env={**os.environ, "PYTHONPATH": str(code)},
                stdout=subprocess.PIPE,
                text=True,
                check=True,
            ).stdout
            for key, values in json.loads(out.strip().splitlines()[-1]).items():
                figures[name][key].extend(values)
        print(f"round {number} done", flush=True)
    print(f"\n{args.children} pages read by pages_tab.read_rows; median (min) over every round")
    print(f"{'':<24}{'before':>18}{'after':>18}  after/before")
    for key in FIGURES:
        before, after = figures["before"][key], figures["after"][key]
        ratio = statistics.median(after) / statistics.median(before)
        cells = "".join(f"{statistics.median(values):>11.1f} ({min(values):>5.1f})" for values in (before, after))
        print(f"{key:<24}{cells}{ratio:>13.2f}x")


if __name__ == "__main__":
    main()
