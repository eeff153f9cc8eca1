"""The page queue of team mode (engine/team/page_queue.py) on a real PostgreSQL: pages queued in the
transaction that records them, each handled by one worker, a killed worker's pages taken over."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text

from quaero_desktop.engine.team.page_queue import PageTask, defer_pages, install_queue, queue_app
from tests.conftest import ROOT

pytestmark = pytest.mark.postgres

PAGES = 40


def _install(url: str) -> None:
    async def install() -> bool:
        app = queue_app(url)
        async with app.open_async():
            return await install_queue(app)

    assert asyncio.run(install()) is True


def _job_statuses(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY 1"))
            return {str(status): int(count) for status, count in rows}
    finally:
        engine.dispose()


def test_pages_are_queued_only_when_their_transaction_commits(postgres_url):
    _install(postgres_url)
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn, conn.begin() as transaction:
            assert len(defer_pages(conn, [PageTask("job-1", f"child-{n}") for n in range(3)])) == 3
            transaction.rollback()
        assert _job_statuses(postgres_url) == {}
        with engine.begin() as conn:
            defer_pages(conn, [PageTask("job-1", "child-9", lock="job-1:http://example.org:0")])
        with engine.connect() as conn:
            row = conn.execute(text("SELECT args, lock, status::text FROM procrastinate_jobs")).one()
        assert row == ({"job_id": "job-1", "child_id": "child-9"}, "job-1:http://example.org:0", "todo")
    finally:
        engine.dispose()


def test_a_worker_killed_mid_crawl_loses_no_page_and_none_is_done_twice(postgres_url):
    _install(postgres_url)
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE page_attempts(child_id text, worker text)"))
        conn.execute(text("CREATE TABLE page_effects(child_id text PRIMARY KEY, worker text)"))
        defer_pages(conn, [PageTask("job-1", f"child-{n}") for n in range(PAGES)])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = {
        name: subprocess.Popen(
            [sys.executable, "-m", "tests.queue_worker_stub", postgres_url, name],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    }
    try:
        for worker in workers.values():
            assert worker.stdout is not None
            assert "ready" in worker.stdout.readline()
        with engine.connect() as conn:  # the first worker is mid-page when it dies: begun, not done
            deadline = time.monotonic() + 60
            while not conn.execute(
                text(
                    "SELECT count(*) FROM page_attempts a WHERE a.worker = 'first' AND NOT EXISTS "
                    "(SELECT 1 FROM page_effects e WHERE e.child_id = a.child_id)"
                )
            ).scalar():
                assert time.monotonic() < deadline, "the first worker took no page"
                time.sleep(0.02)
                conn.rollback()
        workers["first"].send_signal(signal.SIGKILL)
        deadline = time.monotonic() + 90
        while _job_statuses(postgres_url) != {"succeeded": PAGES}:
            assert time.monotonic() < deadline, f"pages left after 90 s: {_job_statuses(postgres_url)}"
            time.sleep(0.25)
        with engine.connect() as conn:
            effects = conn.execute(text("SELECT child_id FROM page_effects")).scalars().all()
            attempts = conn.execute(text("SELECT count(*) FROM page_attempts")).scalar()
            retried = conn.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE attempts > 1")).scalar()
    finally:
        for worker in workers.values():
            worker.kill()
            worker.wait(10)
        engine.dispose()
    assert sorted(effects) == sorted(f"child-{n}" for n in range(PAGES))  # every page, once
    assert retried, "no page of the killed worker was taken over"
    print(f"{PAGES} pages, {attempts} attempts, {retried} taken over from the killed worker")
