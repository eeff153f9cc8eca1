"""What converting a page to Markdown costs, stage by stage (issue 20, item 1): milliseconds of CPU per page.

Converts the pages of real manuals as Debian ships them, in name order as a crawl of the tree would meet
them, the way a crawl's conversion workers do (``conversion_pool.convert_page``: with what the site's
earlier pages taught, when the code has such a memory). Each stage is timed by wrapping the function that
does it in crawler/markdown.py's namespace (exclusive CPU time: a stage called inside another counts once);
what no stage names is "other" (mostly lxml's own work between them). Prints, per manual, the CPU per page
(mean and median) and per stage, and with ``--baseline REV`` the same for the conversion's files as at REV
(crawler/*.py, in a child process each, one after the other: run it on a quiet machine, or read the ratio).

Manuals (``--manuals``): ``python`` (python3.11-doc, Sphinx: the manual the crawl was tuned on), ``postgresql``
(postgresql-doc-15, DocBook), ``glib`` (libglib2.0-doc, gtk-doc), ``git`` (git-doc, AsciiDoc).

    .venv/bin/python benchmarks/conversion_cost.py [--manuals python,postgresql] [--pages 200] [--baseline REV]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.baseline_tree import baseline_tree, child_env, use_tree_from_env  # noqa: E402

MANUALS = {
    "python": ("/usr/share/doc/python3.11/html", "**/*.html"),
    "postgresql": ("/usr/share/doc/postgresql-doc-15/html", "*.html"),
    "glib": ("/usr/share/doc/libglib2.0-doc/glib", "*.html"),
    "git": ("/usr/share/doc/git-doc", "*.html"),
}
# markdown.py's names of each stage's functions (those a revision lacks are skipped).
STAGES = {
    "parse": ["parse_html"],
    "app content": ["keep_app_content"],
    "hidden, chrome": ["_remove_all", "_may_be_chrome"],
    "doc chrome": ["drop_doc_navigation", "tidy_doc_chrome", "title_heading"],
    "extractor (trafilatura)": ["chosen_paragraphs"],
    "alignment": ["ChosenText.__init__", "ChosenText.is_index_of_links"],
    "pruning": ["ChosenText.keep"],
    "plainly marked?": ["keep_plainly_marked"],
    "link-only blocks": ["drop_links_unless_index"],
    "writer prep": ["_prepare_for_writer"],
    "writer (html-to-markdown)": ["markdown_writer.convert"],
    "tidy": ["_tidy"],
}
CONVERSION_FILES = "quaero_desktop/crawler"


def pages_of(manual: str, count: int) -> list[tuple[str, str]]:
    folder, pattern = MANUALS[manual]
    files = sorted(Path(folder).glob(pattern))
    if not files:
        sys.exit(f"{folder} has no pages: install its package (benchmarks/real_manuals.py names them)")
    pages = []
    for path in files[:count]:
        url = f"http://127.0.0.1:8000/{manual}/{path.relative_to(folder)}"
        pages.append((url, path.read_bytes().decode("utf-8", "replace")))
    return pages


class StageClock:
    """Exclusive CPU time per stage: a stage's time minus that of the stages it calls."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self._inner: list[float] = []

    def wrap(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._inner.append(0.0)
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.process_time() - started
                inner = self._inner.pop()
                self.spent[stage] += elapsed - inner
                if self._inner:
                    self._inner[-1] += elapsed

        return timed


def instrument(clock: StageClock) -> None:
    from quaero_desktop.crawler import markdown

    for stage, names in STAGES.items():
        for name in names:
            owner_name, _, attribute = name.rpartition(".")
            if owner_name == "markdown_writer":
                writer = markdown.markdown_writer
                proxy = SimpleNamespace(**{k: getattr(writer, k) for k in dir(writer) if not k.startswith("__")})
                proxy.convert = clock.wrap(stage, writer.convert)
                markdown.markdown_writer = proxy  # type: ignore[assignment]
                continue
            owner: Any = getattr(markdown, owner_name, None) if owner_name else markdown
            if owner is not None and hasattr(owner, attribute):
                setattr(owner, attribute, clock.wrap(stage, getattr(owner, attribute)))


def child(manual: str, count: int) -> None:
    """Converts the pages as a conversion worker does; prints the figures as JSON."""
    use_tree_from_env()
    from quaero_desktop.crawler.conversion_pool import convert_page
    from quaero_desktop.crawler.converted_page import NO_RULES

    pages = pages_of(manual, count)
    convert_page(pages[0][1], "http://warm.up/", NO_RULES)  # imports, trafilatura's first-use set-up
    clock = StageClock()
    instrument(clock)
    per_page = []
    for url, html in pages:
        started = time.process_time()
        convert_page(html, url, NO_RULES)
        per_page.append((time.process_time() - started) * 1000)
    total = sum(per_page)
    stages = {stage: clock.spent[stage] * 1000 / len(pages) for stage in STAGES if stage in clock.spent}
    stages["other"] = (total - sum(clock.spent.values()) * 1000) / len(pages)
    figures = {"pages": len(pages), "mean": total / len(pages), "median": statistics.median(per_page)}
    print(json.dumps({**figures, "stages": stages}))


def measure(manual: str, count: int, tree: Path | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", manual, "--pages", str(count)]
    output = subprocess.run(command, env=child_env(tree), capture_output=True, text=True, check=True).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manuals", default="python,postgresql")
    parser.add_argument("--pages", type=int, default=200, help="pages of each manual, in name order")
    parser.add_argument("--baseline", metavar="REV", help="also the conversion's files as at REV")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.pages)
        return
    for manual in args.manuals.split(","):
        runs = {"now": measure(manual, args.pages, None)}
        if args.baseline:
            files = [
                str(path.relative_to(ROOT))
                for path in sorted((ROOT / CONVERSION_FILES).glob("*.py"))
                if _exists_at(args.baseline, str(path.relative_to(ROOT)))
            ]
            with baseline_tree(args.baseline, files) as tree:
                runs[f"at {args.baseline}"] = measure(manual, args.pages, tree)
        print(f"\n{manual}: {runs['now']['pages']} pages, ms CPU per page")
        names = list(runs)
        print(f"  {'':<26}" + "".join(f"{name:>14}" for name in names))
        for label in ("mean", "median"):
            print(f"  {label:<26}" + "".join(f"{runs[name][label]:14.1f}" for name in names))
        for stage in [*STAGES, "other"]:
            values = [runs[name]["stages"].get(stage) for name in names]
            if any(value is not None for value in values):
                cells = "".join(f"{value:14.1f}" if value is not None else f"{'-':>14}" for value in values)
                print(f"  {stage:<26}{cells}")


def _exists_at(rev: str, path: str) -> bool:
    found = subprocess.run(["git", "cat-file", "-e", f"{rev}:{path}"], cwd=ROOT, capture_output=True)
    return found.returncode == 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
