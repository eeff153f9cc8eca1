"""Full-text search at 100,000 documents: query times (p50/p95) and the index's size per document.

A generated corpus (fixed seed) goes through the real store — the migrations, the FTS5 triggers,
``search_repo.search`` — in a real SQLite file: 100,000 documents on 20 hosts from 5 crawl
definitions, each a title of 3–8 words and a body of 80–400 words drawn from a 30,000-word
vocabulary with a Zipf-like distribution (so some words are in most documents and most words
in few, as in real text). Every document also carries a unique ``REF-<n>`` code, which is
what the ``UNIQUE-DOC-5`` ranking bug was about: ``REF-5`` must find document 5 before 50–59.

Typical queries, each run with many different words (the first run of every query is not
counted, the page cache being warm thereafter as it is for a user):

    common word · rare word · two words · three words · phrase · as you type (prefix of the last
    word) · word* · OR · -exclusion · title: · site: + word · source: + word · an exact REF code

    .venv/bin/python benchmarks/search.py [--documents 100000] [--keep DIR] [--rounds 40]

``--keep DIR`` keeps (and on the next run reuses) the generated database.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quaero_desktop.store import DATABASE_FILENAME, open_database  # noqa: E402
from quaero_desktop.store.database import Database  # noqa: E402
from quaero_desktop.store.document_filters import host_key  # noqa: E402
from quaero_desktop.store.search_repo import search  # noqa: E402

VOCABULARY = 30_000
HOSTS = [f"{name}.example.com" for name in ("wiki", "docs", "intranet", "handbook", "support")] + [
    f"site{n}.example.org" for n in range(15)
]
SOURCES = ["team-wiki", "product-docs", "intranet", "handbook", "support"]
# English letter frequencies (per mille), so that prefixes spread over words as they do in text.
LETTERS = "etaoinshrdlcumwfgypbvkjxqz"
LETTER_WEIGHTS = [127, 91, 82, 75, 70, 67, 63, 61, 60, 43, 40, 28, 28, 24, 24, 22, 20, 20, 19, 15, 10, 8, 2, 2, 1, 1]


def make_words(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct made-up words of 3–11 letters, in random order (the order is their frequency rank)."""
    words: set[str] = set()
    while len(words) < count:
        length = min(max(int(rng.gauss(6.5, 2)), 3), 11)
        words.add("".join(rng.choices(LETTERS, weights=LETTER_WEIGHTS, k=length)))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


def generate(database: Database, documents: int, rng: random.Random) -> list[str]:
    words = make_words(VOCABULARY, rng)
    weights = [1.0 / (rank + 1) for rank in range(len(words))]  # Zipf: the n-th word is n times rarer
    cumulative = list(_accumulate(weights))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    batch: list[dict[str, object]] = []
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        for n in range(1, documents + 1):
            host = HOSTS[n % len(HOSTS)]
            title = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(3, 8))).capitalize()
            body_words = rng.choices(words, cum_weights=cumulative, k=rng.randint(80, 400))
            for cut in range(60, len(body_words), 60):
                body_words[cut] = body_words[cut] + ".\n\n"
            body = f"# {title}\n\nReference REF-{n}. " + " ".join(body_words)
            when = (start + timedelta(minutes=n)).isoformat(timespec="microseconds")
            batch.append(
                {
                    "url": f"https://{host}/pages/{n}",
                    "title": title,
                    "markdown": body,
                    "host_key": host_key(host),
                    "definition_id": SOURCES[n % len(SOURCES)],
                    "when": when,
                    "hash": str(n),
                }
            )
            if len(batch) == 2000 or n == documents:
                cursor.executemany(
                    "INSERT INTO documents (url, title, markdown, description, canonical_url, language, final_url,"
                    " content_hash, definition_id, host_key, first_crawled_at, last_crawled_at, updated_at)"
                    " VALUES (:url, :title, :markdown, '', '', '', :url, :hash, :definition_id, :host_key,"
                    " :when, :when, :when)",
                    batch,
                )
                batch.clear()
                print(f"\rgenerating: {n:,}/{documents:,}", end="", file=sys.stderr, flush=True)
        cursor.execute(  # each document belongs to its source, as a crawl records it
            "INSERT INTO document_sources (definition_id, document_id, first_crawled_at, last_crawled_at)"
            " SELECT definition_id, id, first_crawled_at, last_crawled_at FROM documents"
        )
        cursor.execute("COMMIT")
        cursor.execute("INSERT INTO documents_fts(documents_fts) VALUES ('optimize')")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    print(file=sys.stderr)
    return words


def _accumulate(values: list[float]) -> list[float]:
    total, out = 0.0, []
    for value in values:
        total += value
        out.append(total)
    return out


def index_bytes(database: Database) -> tuple[int, int]:
    """(bytes of the FTS5 index's shadow tables, bytes of the documents table) from dbstat."""
    raw = database.engine.raw_connection()
    try:
        rows = raw.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
    finally:
        raw.close()
    sizes = {str(name): int(size) for name, size in rows}
    fts = sum(size for name, size in sizes.items() if name.startswith("documents_fts"))
    return fts, sizes.get("documents", 0)


def query_makers(words: list[str], documents: int) -> dict[str, Callable[[random.Random], str]]:
    # By frequency rank: a word in 2-35 % of the documents, 0.1-2 %, or fewer. The 20 most frequent
    # words are in nearly every document (like "the"): timed on their own line, not as typical.
    stop, common, middle, rare = words[:20], words[50:500], words[500:5000], words[8000:20000]

    def pick(pool: list[str]) -> Callable[[random.Random], str]:
        return lambda rng: rng.choice(pool)

    return {
        "stop word": pick(stop),
        "common word": pick(common),
        "rare word": pick(rare),
        "two words": lambda rng: f"{rng.choice(middle)} {rng.choice(middle)}",
        "three words": lambda rng: f"{rng.choice(common)} {rng.choice(middle)} {rng.choice(middle)}",
        '"phrase"': lambda rng: f'"{rng.choice(common)} {rng.choice(common)}"',
        "as you type": lambda rng: f"{rng.choice(middle)} {rng.choice(middle)[:3]}",
        "typing 1 word": lambda rng: rng.choice(middle)[: rng.randint(3, 5)],
        "word*": lambda rng: f"{rng.choice(middle)[:4]}*",
        "a OR b": lambda rng: f"{rng.choice(middle)} OR {rng.choice(middle)}",
        "word -word": lambda rng: f"{rng.choice(middle)} -{rng.choice(common)}",
        "title:word": lambda rng: f"title:{rng.choice(middle)}",
        "site: + word": lambda rng: f"site:{rng.choice(HOSTS)} {rng.choice(middle)}",
        "source: + word": lambda rng: f"source:{rng.choice(SOURCES)} {rng.choice(common)}",
        "REF code": lambda rng: f"REF-{rng.randint(1, documents)}",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=40, help="queries of each kind (default 40)")
    parser.add_argument("--keep", type=Path, help="keep the generated database in this directory (reused)")
    args = parser.parse_args()
    rng = random.Random(13)
    directory = args.keep or Path(tempfile.mkdtemp(prefix="quaero-search-bench-"))
    reuse = (directory / DATABASE_FILENAME).exists()
    database = open_database(directory)
    began = time.perf_counter()
    words = make_words(VOCABULARY, random.Random(13)) if reuse else generate(database, args.documents, rng)
    if not reuse:
        print(f"generated and indexed {args.documents:,} documents in {time.perf_counter() - began:.0f} s")
    with database.read() as conn:
        documents = int(conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one())
    fts, table = index_bytes(database)
    print(f"documents: {documents:,}; database file {(directory / DATABASE_FILENAME).stat().st_size / 1e6:.0f} MB")
    print(
        f"full-text index: {fts / 1e6:.1f} MB = {fts / documents / 1024:.2f} KiB per document "
        f"(documents table {table / documents / 1024:.2f} KiB per document)"
    )

    # The exact-before-prefix ranking, on the corpus: REF-5 first, then REF-50..59 as the user types.
    with database.read() as conn:
        typed = [hit.url.rsplit("/", 1)[1] for hit in search(conn, "REF-5", as_you_type=True, limit=5)]
        whole = [hit.url.rsplit("/", 1)[1] for hit in search(conn, "REF-5", limit=5)]
    print(f"'REF-5' as you type: documents {typed}; as a whole word: {whole}")

    print(f"\n{'query':<16} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'hits':>6}  example")
    all_times: list[float] = []
    for name, make in query_makers(words, documents).items():
        times: list[float] = []
        hits = 0
        example = ""
        for round_ in range(args.rounds + 1):
            text = make(rng)
            as_you_type = name in ("as you type", "typing 1 word")
            with database.read() as conn:
                began = time.perf_counter()
                found = search(conn, text, limit=20, as_you_type=as_you_type)
                elapsed = (time.perf_counter() - began) * 1000
            if round_ == 0:
                continue
            times.append(elapsed)
            hits += len(found)
            example = text
        if name != "stop word":
            all_times += times
        print(
            f"{name:<16} {statistics.median(times):8.1f} {_p95(times):8.1f} {max(times):8.1f} "
            f"{hits / len(times):6.1f}  {example}"
        )
    print(
        f"{'typical':<16} {statistics.median(all_times):8.1f} {_p95(all_times):8.1f} {max(all_times):8.1f}"
        "  (every query above but the stop word)"
    )
    print(f"goal: p95 < 50 ms -> {'met' if _p95(all_times) < 50 else 'NOT met'}")
    database.dispose()
    return 0


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


if __name__ == "__main__":
    sys.exit(main())
