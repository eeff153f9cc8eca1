"""Search relevance on real manuals: MRR, hit@1 and hit@3, before and after (issue 21, item 2).

Two manuals from Debian packages, served from a thread of this script and crawled whole over HTTP
with the command line into a data directory per side: the Python manual (Sphinx; the set the
ranking rules were written against, ``tests/relevance/python_docs.toml``, which
``tests/test_relevance.py`` also checks) and the PostgreSQL manual (DocBook; held out,
``tests/relevance/postgresql_docs.toml``). Each query is searched as the command line and MCP search
(whole words, 10 results); a query scores when one of its expected pages is among them.

``--baseline REV`` does the same with the package as committed at REV (``git archive``): its own
crawl into its own store, its own search. ``--keep DIR`` keeps the crawled stores for the next run.

    .venv/bin/python benchmarks/relevance.py [--baseline REV] [--keep DIR] [--show-misses]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.relevance.scoring import DEPTH, POSTGRESQL, PYTHON, Manual, definition_text, rank_of, scores, served  # noqa: E402

# The searches, in a child process running the side's package: prints {query: [url, ...]}.
SEARCH_CHILD = """
import json, sys
from pathlib import Path
from quaero_desktop.app import build_app
app = build_app(Path(sys.argv[1]))
found = {}
for text in json.loads(sys.argv[2]):
    found[text] = [hit.url for hit in app.documents.search(text, limit=int(sys.argv[3]))]
print(json.dumps(found))
"""


def crawl(tree: Path, data: Path, manual: Manual, base: str) -> None:
    if (data / "crawled").exists():
        return
    data.mkdir(parents=True, exist_ok=True)
    definition = data.parent / f"{data.name}.toml"
    definition.write_text(definition_text(base, manual.name))
    done = subprocess.run(
        [sys.executable, "-m", "quaero_desktop", "--data-dir", str(data), "run", str(definition), "--json"],
        env={**os.environ, "PYTHONPATH": str(tree)},
        cwd=data.parent,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise SystemExit(f"the crawl of {manual.name} failed: {done.stderr[-2000:]}")
    job = json.loads(done.stdout)
    print(f"  crawled {manual.name} ({tree.name}): {job.get('documents', job)} documents", file=sys.stderr)
    (data / "crawled").touch()


def search(tree: Path, data: Path, manual: Manual) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", SEARCH_CHILD, str(data), json.dumps([q.text for q in manual.queries]), str(DEPTH)],
        env={**os.environ, "PYTHONPATH": str(tree)},
        cwd=data.parent,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    found: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", metavar="REV", help="also score the package as committed at REV")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the crawled stores here")
    parser.add_argument("--show-misses", action="store_true", help="list each query not found first, per side")
    args = parser.parse_args()
    manuals = [manual for manual in (PYTHON, POSTGRESQL) if manual.folder.is_dir()]
    for missing in {PYTHON, POSTGRESQL} - set(manuals):
        print(f"skipped {missing.name}: apt-get install {missing.package}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="quaero-relevance-") as tmp:
        work = args.keep or Path(tmp)
        sides = [("checkout", ROOT)]
        if args.baseline:
            archive = subprocess.run(
                ["git", "archive", args.baseline, "quaero_desktop"], cwd=ROOT, capture_output=True, check=True
            )
            tree = Path(tmp) / f"at-{args.baseline}"
            with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
                tar.extractall(tree, filter="data")
            sides.append((f"at {args.baseline}", tree))
        for manual in manuals:
            print(f"\n{manual.name}: {len(manual.queries)} queries, top {DEPTH} looked at")
            with served(manual.folder) as base:
                ranks_by_side = {}
                for name, tree in sides:
                    data = work / f"{name.replace(' ', '-')}-{manual.name}"
                    crawl(tree, data, manual, base)
                    found = search(tree, data, manual)
                    ranks_by_side[name] = [rank_of(query, found[query.text]) for query in manual.queries]
                    print(f"  {name:>16}: {scores(ranks_by_side[name])}")
                if args.show_misses:
                    for position, query in enumerate(manual.queries):
                        cells = [ranks_by_side[name][position] for name, _ in sides]
                        if any(cell != 1 for cell in cells):
                            shown = "  ".join(f"{cell or '-':>3}" for cell in cells)
                            print(f"    {shown}  {query.text!r} -> {query.expected[0]}")


if __name__ == "__main__":
    main()
