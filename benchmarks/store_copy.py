"""``store copy`` into PostgreSQL: rows per second for a local store of a few thousand documents, and how
long an empty PostgreSQL database takes to migrate to the newest schema.

A SQLite store is filled through the real repositories as a crawl fills it: crawls of 500 pages each,
every page a ``jobs`` row, its frontier entry, a log line, a document (a title and 300–1,500 words of
Markdown, about 2–10 KB) and its source link. Then a throw-away PostgreSQL cluster is started
(tests/postgres_cluster.py: Debian's server) and ``copy_store`` copies the store into a fresh database,
check included. Printed: the store's rows and size, the migration's time, the copy's time, rows/s and MB/s.

    .venv/bin/python benchmarks/store_copy.py [--documents 5000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quaero_desktop.domain.document import PageContent  # noqa: E402
from quaero_desktop.domain.job import JobStatus, PageResult  # noqa: E402
from quaero_desktop.store import (  # noqa: E402  # noqa: E402
    DATABASE_FILENAME,
    documents_repo,
    frontier_repo,
    jobs_repo,
    logs_repo,
    open_database,
    pages_repo,
)
from quaero_desktop.store.database import Database  # noqa: E402
from quaero_desktop.store.store_copy import copy_store  # noqa: E402
from tests.postgres_cluster import PostgresCluster  # noqa: E402

PAGES_PER_CRAWL = 500
WORDS = [f"w{n:05d}" for n in range(20_000)]


def fill(database: Database, documents: int, rng: random.Random) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for crawl in range(0, documents, PAGES_PER_CRAWL):
        job_id = f"bench{crawl:08d}"
        now = start + timedelta(hours=crawl)
        pages = range(crawl, min(crawl + PAGES_PER_CRAWL, documents))
        with database.write() as conn:
            jobs_repo.create_parent(
                conn,
                job_id=job_id,
                name="Bench",
                definition_id="bench",
                config={},
                metadata={"job_definition_id": "bench"},
                owner_pid=1,
                now=now,
            )
            urls = [f"https://docs{n % 7}.example.com/page/{n}" for n in pages]
            frontier_repo.claim_urls(conn, job_id, urls, limit=len(urls))
            pages_repo.add_children(
                conn, job_id, [(f"{job_id}-{n}", url, 1, n) for n, url in zip(pages, urls, strict=True)], now
            )
            for n, url in zip(pages, urls, strict=True):
                body = " ".join(rng.choices(WORDS, k=rng.randint(300, 1500)))
                title = " ".join(rng.choices(WORDS, k=5))
                page = PageContent(url=url, title=title, markdown=f"# {title}\n\n{body}\n", content_hash=f"{n:064x}")
                documents_repo.upsert(conn, page, job_id=job_id, definition_id="bench", now=now)
                pages_repo.finish_child(
                    conn,
                    f"{job_id}-{n}",
                    JobStatus.COMPLETED,
                    now=now,
                    http_status=200,
                    title=title,
                    result=PageResult.DOCUMENT,
                )
            logs_repo.add_many(conn, [(job_id, now, "info", f"stored {url}") for url in urls])
            jobs_repo.finish_parent(conn, job_id, JobStatus.COMPLETED, error=None, now=now + timedelta(minutes=5))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, PostgresCluster() as cluster:
        source = open_database(Path(folder))
        started = time.perf_counter()
        fill(source, args.documents, random.Random(23))
        print(f"filled a SQLite store with {args.documents:,} documents in {time.perf_counter() - started:.1f} s")
        size = (Path(folder) / DATABASE_FILENAME).stat().st_size
        url = cluster.create_database("copy_target")
        started = time.perf_counter()
        target = open_database(Path(folder), url=url)
        migrated = time.perf_counter() - started
        print(f"migrated an empty PostgreSQL database to the newest schema in {migrated:.2f} s")
        report = copy_store(source, target)
        for table in report.tables:
            print(f"  {table.table:<18} {table.rows:>9,} rows")
        print(
            f"copied {report.rows:,} rows ({size / 1e6:.0f} MB of SQLite) in {report.seconds:.1f} s, check included: "
            f"{report.rows / report.seconds:,.0f} rows/s, {args.documents / report.seconds:,.0f} "
            f"documents/s, {size / 1e6 / report.seconds:.1f} MB/s"
        )
        source.dispose()
        target.dispose()


if __name__ == "__main__":
    main()
