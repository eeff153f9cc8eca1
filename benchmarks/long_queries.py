"""Long queries on a 100,000-document store: time to answer, before and after (issue 21, item 1).

Issue 21: an MCP ``search`` of a 16 KB query had not answered after 10 minutes (in the snippets, after
ranking); 100 words took 5.5 s, 200 took 20 s, 400 took 64 s. This benchmark builds (or reuses, with
``--keep``) the corpus of ``benchmarks/search.py`` — 100,000 documents of 80–400 words — plus
``--long`` long documents of 5,000–20,000 words (real manuals have pages that long), and times
queries of 10 to 400 words and of 16 KB, as words that must all match and as words joined by OR,
drawn from the corpus's common words so that long documents match them many times.

Each side runs in its own child process on the same database, alternating by query: the checkout
and, with ``--baseline REV``, the package as committed at REV (``git archive``). A query still running
after ``--timeout`` seconds is stopped and shown as "> timeout". Goal: a 16 KB query in < 1 s.

    .venv/bin/python benchmarks/long_queries.py --keep /tmp/search100k [--baseline REV] [--timeout 20]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

# One query, timed in the child (the package from PYTHONPATH): prints {"seconds", "hits", "note"}.
CHILD = """
import json, sys, time
from pathlib import Path
from quaero_desktop.store import open_database
from quaero_desktop.store.search_repo import search
database = open_database(Path(sys.argv[1]))
query = Path(sys.argv[2]).read_text()
with database.read() as conn:
    search(conn, "warm", limit=20)
    began = time.perf_counter()
    hits = search(conn, query, limit=20)
    seconds = time.perf_counter() - began
try:
    from quaero_desktop.domain.search_syntax import parse_query
    note = parse_query(query).cut
except (ImportError, AttributeError):
    note = ""
print(json.dumps({"seconds": seconds, "hits": len(hits), "note": note}))
"""


def add_long_documents(directory: Path, count: int, words: list[str], rng: random.Random) -> None:
    """``count`` long documents (5,000–20,000 words of the corpus's vocabulary), once per database."""
    import sqlite3

    with sqlite3.connect(directory / "quaero.db") as raw:
        if raw.execute("SELECT count(*) FROM documents WHERE url LIKE 'https://manual.example.com/%'").fetchone()[0]:
            return
        weights = [1.0 / (rank + 1) for rank in range(len(words))]
        for n in range(count):
            body = " ".join(rng.choices(words[:3000], weights=weights[:3000], k=rng.randint(5000, 20000)))
            url = f"https://manual.example.com/page/{n}"
            raw.execute(
                "INSERT INTO documents (url, title, markdown, description, canonical_url, language, final_url,"
                " content_hash, definition_id, host_key, first_crawled_at, last_crawled_at, updated_at)"
                " VALUES (?, ?, ?, '', '', '', ?, ?, 'manual', 'com.example.manual', '2026-01-01', '2026-01-01',"
                " '2026-01-01')",
                (url, f"Manual page {n}", body, url, f"long-{n}"),
            )


def queries(words: list[str], rng: random.Random) -> dict[str, str]:
    common = words[20:600]
    made: dict[str, str] = {}
    for count in (10, 100, 200, 400):
        chosen = rng.sample(common, count)
        made[f"{count} words"] = " ".join(chosen)
        made[f"{count} words, OR"] = " OR ".join(chosen)
    sixteen = []
    while sum(len(word) + 1 for word in sixteen) < 16 * 1024:
        sixteen.append(rng.choice(common))
    made["16 KB"] = " ".join(sixteen)
    made["16 KB, OR"] = " OR ".join(sixteen)[: 16 * 1024]
    return made


def run_query(tree: Path, directory: Path, query_file: Path, timeout: float) -> dict[str, object] | None:
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(directory), str(query_file)],
            env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, required=True, help="the search benchmark's database (made if missing)")
    parser.add_argument("--long", type=int, default=300, help="long documents added (default 300)")
    parser.add_argument("--baseline", metavar="REV", help="also time the package as committed at REV")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds a query may take (default 20)")
    args = parser.parse_args()

    import search as search_benchmark

    from quaero_desktop.store import DATABASE_FILENAME, open_database

    if not (args.keep / DATABASE_FILENAME).exists():
        database = open_database(args.keep)
        search_benchmark.generate(database, 100_000, random.Random(13))
        database.dispose()
    words = search_benchmark.make_words(search_benchmark.VOCABULARY, random.Random(13))
    add_long_documents(args.keep, args.long, words, random.Random(7))

    with tempfile.TemporaryDirectory(prefix="quaero-long-queries-") as tmp:
        sides = [("checkout", ROOT)]
        if args.baseline:
            archive = subprocess.run(["git", "archive", args.baseline, "quaero_desktop"], cwd=ROOT, capture_output=True)
            with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
                tar.extractall(Path(tmp) / "baseline", filter="data")
            sides.append((f"at {args.baseline}", Path(tmp) / "baseline"))
        print(f"{'query':<16}" + "".join(f"{name:>26}" for name, _ in sides) + "  note (checkout)")
        for name, query in queries(words, random.Random(21)).items():
            query_file = Path(tmp) / "query.txt"
            query_file.write_text(query)
            cells, note = [], ""
            for side, tree in sides:
                result = run_query(tree, args.keep, query_file, args.timeout)
                if result is None:
                    cells.append(f"> {args.timeout:.0f} s")
                    continue
                cells.append(f"{float(str(result['seconds'])):.3f} s, {result['hits']} hits")
                if side == "checkout":
                    note = str(result["note"])
            print(f"{name:<16}" + "".join(f"{cell:>26}" for cell in cells) + f"  {note[:60]}", flush=True)


if __name__ == "__main__":
    main()
