"""Team mode's scaling (issue 23, item 6): one crawl shared by 1, 2 and 4 workers (each taking 4 pages
at a time) on a latency-bound site, pages/s per worker count and the store's write rate, in one run.

The site answers every page after ``--latency`` seconds (200 ms: an intranet's application server),
each page linking to ``--fanout`` others, ``--pages`` in all, served by a threaded server in a child
process. A throw-away PostgreSQL cluster (tests/postgres_cluster.py) holds the store and the queue;
each round gets a fresh database. The crawl's own concurrency (per host, across workers) is set above
what 4 workers take, so the workers are the bound.

    .venv/bin/python benchmarks/team_scaling.py [--pages 600] [--fanout 25] [--latency 0.2]
        [--workers 1 2 4] [--rounds 1]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quaero_desktop.app import build_app  # noqa: E402
from quaero_desktop.domain.definition import JobDefinition  # noqa: E402
from quaero_desktop.domain.job import JobStatus  # noqa: E402
from quaero_desktop.engine.team.submit import submit_team_crawl  # noqa: E402
from quaero_desktop.store import jobs_repo  # noqa: E402
from tests.postgres_cluster import PostgresCluster  # noqa: E402

WORKER_CONCURRENCY = 4

SITE = textwrap.dedent(
    """
    import sys, time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    PAGES, FANOUT, LATENCY = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])

    class Page(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            time.sleep(LATENCY)
            try:
                n = int(self.path.strip("/").split("/")[-1] or 0)
            except ValueError:
                n = -1
            if not 0 <= n < PAGES:
                body = b"not found"
                self.send_response(404)
            else:
                links = "".join(
                    f'<li><a href="/p/{child}">Page {child}</a></li>'
                    for child in range(n * FANOUT + 1, min(PAGES, n * FANOUT + FANOUT + 1))
                )
                body = (
                    f"<!doctype html><html><head><title>Page {n}</title></head><body><main><h1>Page {n}</h1>"
                    f"<p>Intranet page number {n}, answered after {LATENCY:g} s like a busy application "
                    f"server. It holds a paragraph of text to store and index.</p><ul>{links}</ul></main>"
                    "</body></html>"
                ).encode()
                self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    server.daemon_threads = True
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
    """
)


@contextmanager
def latency_site(pages: int, fanout: int, latency: float) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", SITE, str(pages), str(fanout), str(latency)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.kill()
        process.wait()


def one_crawl(cluster: PostgresCluster, base: str, workers: int, pages: int, round_no: int) -> dict[str, float]:
    url = cluster.create_database(f"scaling_{workers}_{round_no}")
    with tempfile.TemporaryDirectory() as data_dir:
        app = build_app(data_dir, database_url=url)
        definition = JobDefinition.from_mapping(
            {
                "id": "scaling",
                "name": "Scaling",
                "start_urls": [f"{base}/p/0"],
                "render": "http",
                "max_pages": pages,
                "max_depth": 20,
                "concurrency": 32,  # per host, across workers: above the 16 that 4 workers take
                "obey_robots_txt": False,
                "timeout": "30m",
            },
            "benchmark",
        )
        env = {**os.environ, "QUAERO_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "quaero_desktop",
                    "--data-dir",
                    data_dir,
                    "worker",
                    "--concurrency",
                    str(WORKER_CONCURRENCY),
                    "--name",
                    f"w{n}",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(workers)
        ]
        try:
            time.sleep(3)  # the workers' start-up is not the crawl's
            cpu_before = cpu_seconds(processes)
            with app.database.write() as conn:
                job_id = submit_team_crawl(conn, definition, now=datetime.now(UTC))
            began = time.perf_counter()
            while True:
                with app.database.read() as conn:
                    job = jobs_repo.get_parent(conn, job_id)
                assert job is not None
                if job.status != JobStatus.RUNNING:
                    break
                time.sleep(0.1)
            seconds = time.perf_counter() - began
            cpu = {who: cpu_seconds(processes)[who] - cpu_before[who] for who in cpu_before}
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
        with app.database.read() as conn:
            progress = jobs_repo.progress_for(conn, [job_id])[job_id]
        app.close()
    if job.status != JobStatus.COMPLETED:
        raise SystemExit(f"the crawl with {workers} worker(s) ended {job.status}: {job.error}")
    return {
        "seconds": seconds,
        "documents": float(job.document_count),
        "pages": float(progress.total),
        "worker_cpu": cpu["workers"],
        "database_cpu": cpu["database"],
    }


def cpu_seconds(workers: list[subprocess.Popen[str]]) -> dict[str, float]:
    """CPU seconds used so far by the workers (with their conversion processes) and by PostgreSQL."""
    used = {"workers": 0.0, "database": 0.0}
    for worker in workers:
        with contextlib.suppress(psutil.Error):
            root = psutil.Process(worker.pid)
            for process in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    times = process.cpu_times()
                    used["workers"] += times.user + times.system
    for process in psutil.process_iter(["name"]):
        if process.info["name"] in ("postgres", "postmaster"):
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                used["database"] += times.user + times.system
    return used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--fanout", type=int, default=25)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    rates: dict[int, list[float]] = {}
    with PostgresCluster() as cluster, latency_site(args.pages, args.fanout, args.latency) as base:
        for round_no in range(args.rounds):
            for workers in args.workers:
                result = one_crawl(cluster, base, workers, args.pages, round_no)
                rate = result["pages"] / result["seconds"]
                rates.setdefault(workers, []).append(rate)
                print(
                    f"round {round_no + 1}: {workers} worker(s) x {WORKER_CONCURRENCY}: {result['pages']:.0f} pages, "
                    f"{result['documents']:.0f} documents in {result['seconds']:.1f} s = {rate:.1f} pages/s "
                    f"(documents written {result['documents'] / result['seconds']:.1f}/s); CPU per page: workers "
                    f"{1000 * result['worker_cpu'] / result['pages']:.0f} ms, PostgreSQL "
                    f"{1000 * result['database_cpu'] / result['pages']:.0f} ms",
                    flush=True,
                )
    first = statistics.median(rates[min(rates)])
    print(f"\npages {args.pages}, latency {args.latency:g} s, each worker {WORKER_CONCURRENCY} pages at a time")
    for workers, found in sorted(rates.items()):
        rate = statistics.median(found)
        print(f"  {workers} worker(s): {rate:6.1f} pages/s  {rate / first:4.2f}x  (goal for 4: >= 3.2x)")


if __name__ == "__main__":
    main()
