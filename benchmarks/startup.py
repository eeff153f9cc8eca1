"""Start-up of the command line, measured (issue 20, item 4: "Quick to start").

Serves a generated site (``tests.testsite``, ``--pages`` leaves under /big/) in another process and
crawls it over plain HTTP into a fresh data directory with ``quaero-desktop run``, so the store holds a
definition, jobs and documents as a user's would. Then, in alternating rounds, runs each command of
``COMMANDS`` as a whole process (``python -m quaero_desktop``) and prints its median wall time and which
of the heavy libraries (``HEAVY``) it imported (one more run under ``python -X importtime``). The
crawl itself is timed as a whole process too: the first crawl and a re-crawl of the unchanged site
(goal: the re-crawl in <= 0.25x the first crawl). ``--window`` also times the desktop program's start
to its window's first paint (``QT_QPA_PLATFORM=offscreen``, or on a real X server with ``--display``:
e.g. ``Xvfb :99 &`` then ``--display :99``), on a new data directory and on a copy of the filled one
(goal: <= 2 s).

``--baseline REV`` measures the package as committed at REV beside the checkout (``git archive``
into a temporary directory, put first on ``PYTHONPATH``; each side has its own data directory,
filled by its own first crawl).

``--manuals python,postgresql`` also times the first crawl and the re-crawls of real documentation
trees (benchmarks/real_docs_auto.py's ``TREES``, from Debian packages; served by Python's
``http.server``, which answers a conditional request with 304), ``--pages`` pages of each in
``--manual-render`` mode (default auto, the mode a user's definition gets): the generated site's pages
are a few hundred bytes, so its first crawl converts almost nothing and the ratio is start-up over
start-up; a real manual's pages are what a user re-crawls.

    .venv/bin/python benchmarks/startup.py [--pages 200] [--runs 7] [--baseline REV] [--manuals python]

Not part of the test suite (tests/test_startup_imports.py guards the import list).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.fast_path_site import site  # noqa: E402

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("--version",),
    ("jobs", "list", "--json"),
    ("documents", "list", "--json"),
    ("definitions", "list"),
)
HEAVY = ("playwright", "PySide6", "alembic", "sqlalchemy", "trafilatura", "httpx", "httpx2", "mcp")

# Run as ``python -c`` in the window's process: the moment the window is painted for the first time
# (its native window exposed, then one turn of the event loop for the paint), then an exit at once (only
# that moment is measured; the next start notices the dead process's lock file by its pid).
WINDOW_CHILD = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from quaero_desktop.gui import desktop_app

def painted():
    print(f"shown {time.time():.4f}", flush=True)
    os._exit(0)

class FirstExpose(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Expose and watched.isExposed():
            QTimer.singleShot(0, painted)
        return False

show_window = desktop_app.DesktopApp.show_window
watch = FirstExpose()
def timed(self):
    window = show_window(self)
    handle = window.windowHandle()
    if handle.isExposed():
        QTimer.singleShot(0, painted)
    else:
        handle.installEventFilter(watch)
    return window
desktop_app.DesktopApp.show_window = timed
from quaero_desktop.cli.main import main
main(sys.argv[1:])
"""

# A crawl's definition: the generated site's (``DEFINITION``, formatted with its ``base``) or a manual's.
DEFINITION_OF = """\
id = "startup-{name}"
name = "Start-up benchmark: {name}"
start_urls = ["{start}"]
include_patterns = ["{include}"]
max_depth = {depth}
max_pages = {pages}
concurrency = 4
timeout = "1h"
render = "{render}"
"""
DEFINITION = DEFINITION_OF.format(
    name="generated", start="{base}/big/", include="/big/", depth=5, pages=100000, render="http"
)


@dataclass
class Side:
    """The package one side runs (``tree`` first on PYTHONPATH) and its own data directory."""

    name: str
    tree: Path
    data_dir: Path
    walls: dict[str, list[float]] = field(default_factory=dict)
    imports: dict[str, list[str]] = field(default_factory=dict)
    crawls: dict[str, list[float]] = field(default_factory=dict)
    # By label: user + system seconds of the process and the children it waited for (not the conversion
    # workers: the forkserver's children).
    cpus: dict[str, list[float]] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        # Bytecode is cached on both sides alike (the first crawl warms each tree's __pycache__), as an
        # installed program has its own: PYTHONDONTWRITEBYTECODE (the test suite's setting, and this
        # machine's shell) would have every start compile the package from source (~0.2-0.4 s).
        inherited = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
        return {**inherited, "PYTHONPATH": str(self.tree)}

    def command(self, args: tuple[str, ...], *, importtime: bool = False, data_dir: Path | None = None) -> list[str]:
        flags = ["-X", "importtime"] if importtime else []
        return [sys.executable, *flags, "-m", "quaero_desktop", "--data-dir", str(data_dir or self.data_dir), *args]

    def run(
        self, args: tuple[str, ...], *, importtime: bool = False, label: str = "", data_dir: Path | None = None
    ) -> tuple[float, str]:
        """The process's wall time and its stderr; its CPU time goes to ``cpus[label]`` when labelled (beside
        the wall time, which the machine's other work lengthens more than it does the CPU time). ``data_dir``:
        another store than the side's own (a manual's)."""
        # cwd is the data directory's parent: with -m, the working directory comes first on sys.path,
        # and the checkout's root there would shadow the tree under measure.
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        done = subprocess.run(
            self.command(args, importtime=importtime, data_dir=data_dir),
            cwd=self.data_dir.parent,
            env=self.env(),
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - began
        now_used = resource.getrusage(resource.RUSAGE_CHILDREN)
        if label:
            cpu = now_used.ru_utime + now_used.ru_stime - used.ru_utime - used.ru_stime
            self.cpus.setdefault(label, []).append(cpu)
        if done.returncode != 0:
            raise SystemExit(f"{self.name}: {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
        return wall, done.stderr

    def window_shown_after(self, data_dir: Path, display: str | None) -> float:
        """Seconds from the program's start to its window's first paint (on ``display``, else offscreen)."""
        platform = {"QT_QPA_PLATFORM": "xcb", "DISPLAY": display} if display else {"QT_QPA_PLATFORM": "offscreen"}
        env = {**self.env(), **platform}
        began = time.time()
        done = subprocess.run(
            [sys.executable, "-c", WINDOW_CHILD, "--data-dir", str(data_dir)],
            cwd=data_dir.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        shown = [line for line in done.stdout.splitlines() if line.startswith("shown ")]
        if not shown:
            raise SystemExit(f"{self.name}: the window was not shown: {done.stderr[-2000:]}")
        return float(shown[0].split()[1]) - began


def heavy_imports(importtime_report: str) -> list[str]:
    """The libraries of ``HEAVY`` that a ``-X importtime`` report names, in HEAVY's order."""
    tops: set[str] = set()
    for line in importtime_report.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            tops.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return [name for name in HEAVY if name in tops]


@contextmanager
def archived_tree(rev: str) -> Iterator[Path]:
    """The package as committed at ``rev`` (``git archive``), in a temporary directory."""
    archive = subprocess.run(["git", "archive", rev, "quaero_desktop"], cwd=ROOT, capture_output=True, check=True)
    with tempfile.TemporaryDirectory(prefix="quaero-startup-tree-") as tmp:
        with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp)


def label(args: tuple[str, ...]) -> str:
    return " ".join(args)


def fill(sides: list[Side], definition: Path, recrawls: int, site_name: str = "") -> None:
    """Each side's first crawl, then ``recrawls`` re-crawls of the unchanged site, each a whole process.
    ``site_name``: a manual's, crawled into a store of its own beside the side's (whose documents the
    listing commands read)."""
    command = ("run", str(definition), "--json")
    prefix = f"{site_name}: " if site_name else ""
    for side in sides:
        data_dir = side.data_dir.with_name(f"{side.data_dir.name}-{site_name}") if site_name else side.data_dir
        data_dir.mkdir()
        side.crawls[prefix + "first crawl"] = [side.run(command, label=prefix + "first crawl", data_dir=data_dir)[0]]
    for _ in range(recrawls):
        for side in sides:  # alternating, as the commands are (measure)
            data_dir = side.data_dir.with_name(f"{side.data_dir.name}-{site_name}") if site_name else side.data_dir
            again = side.run(command, label=prefix + "re-crawl", data_dir=data_dir)[0]
            side.crawls.setdefault(prefix + "re-crawl", []).append(again)


def fill_manuals(sides: list[Side], names: list[str], pages: int, render: str, recrawls: int, work: Path) -> None:
    """``fill`` for each real manual of ``names``: its first ``pages`` pages in ``render`` mode."""
    from benchmarks.real_docs_auto import TREES
    from benchmarks.real_manuals import copy_manual, serving

    for name in names:
        manual = TREES[name]
        folder = copy_manual(manual, work / "manuals")
        with serving(folder) as base:
            definition = work / f"{name}.toml"
            definition.write_text(
                DEFINITION_OF.format(
                    name=name, start=f"{base}/{manual.start}", include=f"^{base}/", depth=50, pages=pages, render=render
                )
            )
            fill(sides, definition, recrawls, name)


def measure_window(sides: list[Side], runs: int, work: Path, display: str | None) -> None:
    for run in range(runs):
        for side in sides:
            new = work / f"window-new-{side.name}-{run}"
            copy = work / f"window-copy-{side.name}-{run}"
            shutil.copytree(side.data_dir, copy, ignore=shutil.ignore_patterns("window.lock"))
            side.walls.setdefault("window, first start", []).append(side.window_shown_after(new, display))
            side.walls.setdefault("window, with data", []).append(side.window_shown_after(copy, display))


def measure(sides: list[Side], runs: int) -> None:
    for args in COMMANDS:
        for side in sides:
            side.imports[label(args)] = heavy_imports(side.run(args, importtime=True)[1])
    for _ in range(runs):
        for args in COMMANDS:
            for side in sides:  # alternating, so a busy moment of the machine touches both sides alike
                side.walls.setdefault(label(args), []).append(side.run(args, label=label(args))[0])


def report(sides: list[Side], runs: int, pages: int, display: str | None, manuals: tuple[list[str], str]) -> None:
    print(f"median wall time of {runs} runs per command (whole process), and the heavy libraries imported")
    for kind in ("window, first start", "window, with data"):
        if kind in sides[0].walls:
            where = f"on X display {display}" if display else "offscreen"
            print(f"\n  the window painted ({where}), {kind.split(', ')[1]}; goal <= 2 s")
            for side in sides:
                walls = side.walls[kind]
                print(f"    {side.name:>16}: {statistics.median(walls):.3f} s (min {min(walls):.3f})")
    for args in COMMANDS:
        print(f"\n  quaero-desktop {label(args)}")
        for side in sides:
            walls = side.walls[label(args)]
            imported = ", ".join(side.imports[label(args)]) or "none of them"
            cpu = statistics.median(side.cpus[label(args)])
            print(
                f"    {side.name:>16}: {statistics.median(walls):.3f} s (min {min(walls):.3f}, CPU {cpu:.3f} s); "
                f"imports {imported}"
            )
    print(f"\na crawl of {pages} pages over HTTP, then re-crawls of the unchanged site, as whole processes")
    report_crawls(sides, "")
    names, render = manuals
    for name in names:
        print(
            f"\nthe real manual '{name}', its first {pages} pages in {render} mode, then re-crawls, as whole processes"
        )
        report_crawls(sides, f"{name}: ")


def report_crawls(sides: list[Side], prefix: str) -> None:
    for side in sides:
        first, again = side.crawls[prefix + "first crawl"][0], statistics.median(side.crawls[prefix + "re-crawl"])
        first_cpu, again_cpu = side.cpus[prefix + "first crawl"][0], statistics.median(side.cpus[prefix + "re-crawl"])
        print(
            f"    {side.name:>16}: first {first:.2f} s, re-crawl {again:.2f} s median of"
            f" {len(side.crawls[prefix + 're-crawl'])} ({again / first:.2f}x; goal <= 0.25x); CPU {first_cpu:.2f} s"
            f" and {again_cpu:.2f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200, help="leaves of the generated site (default 200)")
    parser.add_argument("--runs", type=int, default=7, help="runs of each command per side (default 7)")
    parser.add_argument("--window", action="store_true", help="also time the window's start (offscreen)")
    parser.add_argument("--display", metavar="DISPLAY", help="time the window on this X display (e.g. Xvfb's :99)")
    parser.add_argument("--recrawls", type=int, default=3, help="re-crawls per side (default 3)")
    parser.add_argument("--baseline", metavar="REV", help="also measure the package as committed at REV")
    parser.add_argument("--manuals", default="", help="also re-crawl real manuals, e.g. python,postgresql")
    parser.add_argument("--manual-render", default="auto", choices=("auto", "http"), help="their render mode")
    args = parser.parse_args()
    manuals = [name for name in args.manuals.split(",") if name]
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="quaero-startup-")))
        sides = [Side("checkout", ROOT, work / "checkout-data")]
        if args.baseline:
            tree = stack.enter_context(archived_tree(args.baseline))
            sides.append(Side(f"at {args.baseline}", tree, work / "baseline-data"))
        served = stack.enter_context(site(args.pages))
        definition = work / "startup.toml"
        definition.write_text(DEFINITION.format(base=served.base_url.rstrip("/")))
        fill(sides, definition, args.recrawls)
        fill_manuals(sides, manuals, args.pages, args.manual_render, args.recrawls, work)
        measure(sides, args.runs)
        if args.window:
            measure_window(sides, max(3, args.runs // 2), work, args.display)
    report(sides, args.runs, args.pages, args.display, (manuals, args.manual_render))


if __name__ == "__main__":
    main()
