"""Search on both stores (issue 23, item 1): the same generated corpus in SQLite (FTS5) and PostgreSQL
(tsvector + GIN, migration 0017), the same queries, their times side by side and how often the answers agree.

The corpus is ``benchmarks/search.py``'s (fixed seed; Zipf-distributed made-up words, a ``REF-<n>`` code
per document), 10,000 documents by default; it is written to the SQLite store, copied row by row to a
throw-away PostgreSQL cluster (``tests/postgres_cluster.py``: Debian's server, fsync off) and indexed
there as migration 0017 indexes an existing store (timed). Every query kind of ``benchmarks/search.py``
is run ``--rounds`` times with different words on both stores (the first round of each not counted).
"Same" counts the queries whose 20 hits are the same documents in the same order on both.

    .venv/bin/python benchmarks/search_both_stores.py [--documents 10000] [--rounds 30]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.search import generate, query_makers  # noqa: E402
from quaero_desktop.store import open_database, search_pg_schema  # noqa: E402
from quaero_desktop.store.schema import document_sources, documents, metadata  # noqa: E402
from quaero_desktop.store.search_repo import search  # noqa: E402
from tests.postgres_cluster import PostgresCluster  # noqa: E402

_BATCH = 1000


def copy_store(source: Engine, target: Engine) -> None:
    """Every document and source link of ``source`` into ``target``'s tables, ids kept (not their jobs)."""
    metadata.create_all(target)
    with source.connect() as reading, target.begin() as writing:
        for table in (documents, document_sources):
            rows = reading.execute(select(table)).mappings()
            while batch := [{**row, "job_id": None} for row in rows.fetchmany(_BATCH)]:  # the jobs stay behind
                writing.execute(insert(table), batch)
        writing.exec_driver_sql("SELECT setval('documents_id_seq', (SELECT max(id) FROM documents))")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30, help="queries of each kind (default 30)")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="quaero-both-stores-"))
    sqlite = open_database(directory)
    began = time.perf_counter()
    words = generate(sqlite, args.documents, random.Random(13))
    print(f"SQLite: {args.documents:,} documents generated and indexed in {time.perf_counter() - began:.1f} s")

    with PostgresCluster() as cluster:
        postgres = create_engine(cluster.url())
        began = time.perf_counter()
        copy_store(sqlite.engine, postgres)
        print(f"PostgreSQL: copied in {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        with postgres.begin() as conn:
            search_pg_schema.create(conn)  # as migration 0017 on a store holding these documents
        with postgres.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE documents")  # as autovacuum would soon after
        print(
            f"PostgreSQL: migration 0017 (tsvector of every document, GIN index) in {time.perf_counter() - began:.1f} s"
        )
        with postgres.connect() as conn:
            sizes = conn.exec_driver_sql(
                "SELECT pg_relation_size('ix_documents_search'), pg_total_relation_size('documents')"
            ).one()
        print(
            f"PostgreSQL: GIN index {sizes[0] / 1e6:.1f} MB; documents with TOAST and indexes {sizes[1] / 1e6:.1f} MB"
        )

        rng = random.Random(7)
        print(
            f"\n{'query':<16} {'SQLite p50':>10} {'p95':>7} {'PG p50':>8} {'p95':>7} {'hits':>5} {'same':>6}  example"
        )
        every: dict[str, list[float]] = {"sqlite": [], "postgres": []}
        agree = total = 0
        for name, make in query_makers(words, args.documents).items():
            times: dict[str, list[float]] = {"sqlite": [], "postgres": []}
            same = hits = 0
            example = ""
            for round_ in range(args.rounds + 1):
                text = make(rng)
                as_you_type = name in ("as you type", "typing 1 word")
                found: dict[str, list[str]] = {}
                for store, engine in (("sqlite", sqlite.engine), ("postgres", postgres)):
                    with engine.connect() as conn:
                        start = time.perf_counter()
                        result = search(conn, text, limit=20, as_you_type=as_you_type)
                        elapsed = (time.perf_counter() - start) * 1000
                    found[store] = [hit.url for hit in result]
                    if round_:
                        times[store].append(elapsed)
                if round_:
                    same += found["sqlite"] == found["postgres"]
                    hits += len(found["sqlite"])
                    example = text
            for store in times:
                if name != "stop word":
                    every[store] += times[store]
            agree += same
            total += args.rounds
            print(
                f"{name:<16} {statistics.median(times['sqlite']):10.1f} {_p95(times['sqlite']):7.1f} "
                f"{statistics.median(times['postgres']):8.1f} {_p95(times['postgres']):7.1f} "
                f"{hits / args.rounds:5.1f} {same:3}/{args.rounds:<2}  {example}"
            )
        print(
            f"{'typical':<16} {statistics.median(every['sqlite']):10.1f} {_p95(every['sqlite']):7.1f} "
            f"{statistics.median(every['postgres']):8.1f} {_p95(every['postgres']):7.1f}       "
            f"{agree}/{total} the same 20 hits in the same order (times: every kind but the stop word)"
        )
        postgres.dispose()
    sqlite.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
