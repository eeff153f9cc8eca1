"""Search relevance on both stores (issue 23, item 1): the real manuals of ``benchmarks/relevance.py``,
crawled once into a SQLite store, copied to a throw-away PostgreSQL cluster and indexed there as
migration 0017 does; each query searched on both (whole words, 10 results, as the command line and MCP
search): MRR, hit@1 and hit@3 side by side, and every query whose 10 results differ between the stores.

    .venv/bin/python benchmarks/relevance_both_stores.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.relevance import crawl  # noqa: E402
from benchmarks.search_both_stores import copy_store  # noqa: E402
from quaero_desktop.store import open_database, search_pg_schema  # noqa: E402
from quaero_desktop.store.search_repo import search  # noqa: E402
from tests.postgres_cluster import PostgresCluster  # noqa: E402
from tests.relevance.scoring import DEPTH, POSTGRESQL, PYTHON, rank_of, scores, served  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the crawled stores here")
    args = parser.parse_args()
    manuals = [manual for manual in (PYTHON, POSTGRESQL) if manual.folder.is_dir()]
    with tempfile.TemporaryDirectory(prefix="quaero-relevance-both-") as tmp, PostgresCluster() as cluster:
        work = args.keep or Path(tmp)
        for manual in manuals:
            with served(manual.folder) as base:
                data = work / f"checkout-{manual.name}"
                crawl(ROOT, data, manual, base)
                sqlite = open_database(data)
                database = cluster.create_database(manual.name)
                postgres = create_engine(database)
                began = time.perf_counter()
                copy_store(sqlite.engine, postgres)
                with postgres.begin() as conn:
                    search_pg_schema.create(conn)
                    count = conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one()
                print(f"\n{manual.name}: {count} documents copied and indexed in {time.perf_counter() - began:.1f} s")
                found: dict[str, dict[str, list[str]]] = {}
                took: dict[str, float] = {}
                for store, engine in (("SQLite", sqlite.engine), ("PostgreSQL", postgres)):
                    began = time.perf_counter()
                    with engine.connect() as conn:
                        found[store] = {
                            query.text: [hit.url for hit in search(conn, query.text, limit=DEPTH)]
                            for query in manual.queries
                        }
                    took[store] = (time.perf_counter() - began) * 1000 / len(manual.queries)
                for store, urls in found.items():
                    ranks = [rank_of(query, urls[query.text]) for query in manual.queries]
                    print(f"  {store:>10}: {scores(ranks)}; {took[store]:.0f} ms a query")
                for query in manual.queries:
                    on_sqlite, on_postgres = found["SQLite"][query.text], found["PostgreSQL"][query.text]
                    if on_sqlite != on_postgres:
                        pairs = zip(on_sqlite, on_postgres, strict=False)
                        first = next(
                            (n for n, (a, b) in enumerate(pairs) if a != b), min(len(on_sqlite), len(on_postgres))
                        )
                        print(
                            f"    differs from result {first + 1}: {query.text!r} "
                            f"rank {rank_of(query, on_sqlite)} -> {rank_of(query, on_postgres)}"
                        )
                postgres.dispose()
                sqlite.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
