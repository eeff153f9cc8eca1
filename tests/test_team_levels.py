"""A team crawl's pages on the queue (engine/team/): started in one transaction, queued level by level
as in one process, ended by the page that leaves nothing open, and its page budget exact when several
workers add pages at once. A real PostgreSQL; the pages' fetching is the engine's own, tested elsewhere."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select, text

from quaero_desktop.domain.job import JobStatus, PageResult
from quaero_desktop.engine.run.child_budget import enqueue_urls
from quaero_desktop.engine.team.page_queue import install_queue, queue_app
from quaero_desktop.engine.team.shared_budget import SharedChildBudget
from quaero_desktop.engine.team.submit import submit_team_crawl
from quaero_desktop.engine.team.team_crawl import claim_page, step_crawl
from quaero_desktop.store import logs_repo, pages_repo, schema
from tests.conftest import make_definition

pytestmark = pytest.mark.postgres


@pytest.fixture
def team_engine(postgres_url):
    engine = create_engine(postgres_url)
    schema.metadata.create_all(engine)

    async def install() -> None:
        app = queue_app(postgres_url)
        async with app.open_async():
            await install_queue(app)

    asyncio.run(install())
    yield engine
    engine.dispose()


def now() -> datetime:
    return datetime.now(UTC)


def queued(engine) -> list[tuple[str, str]]:
    """(child id, lock) of the queue's jobs, in the order they were queued."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT args->>'child_id', lock FROM procrastinate_jobs ORDER BY id"))
        return [(str(child), str(lock)) for child, lock in rows]


def record_page(engine, job_id: str, child_id: str, links: list[str], depth: int, max_pages: int) -> None:
    """What a worker's page does to the store: claimed, its links added as pages, finished."""
    with engine.begin() as conn:
        assert claim_page(conn, job_id, child_id, now()) is not None
        enqueue_urls(conn, SharedChildBudget(job_id, max_pages=max_pages), links, depth + 1, now())
        pages_repo.finish_child(conn, child_id, JobStatus.COMPLETED, now=now(), result=PageResult.DOCUMENT)


def test_a_team_crawl_is_queued_level_by_level_and_ends_with_its_last_page(team_engine):
    definition = make_definition(
        ["http://docs.example/a", "http://docs.example/b", "http://wiki.example/c"], concurrency=2, max_pages=50
    )
    with team_engine.begin() as conn:
        job_id = submit_team_crawl(conn, definition, now=now())
    start = queued(team_engine)
    assert [lock for _child, lock in start] == [
        f"{job_id}:http://docs.example:1",
        f"{job_id}:http://docs.example:0",
        f"{job_id}:http://wiki.example:1",
    ]  # a host's pages spread over its concurrency (2) locks
    with team_engine.connect() as conn:
        assert "started on the team's workers: 3 start URL(s)" in logs_repo.list_for_job(conn, job_id)[0].message

    first, second, third = (child for child, _lock in start)
    record_page(team_engine, job_id, first, ["http://docs.example/d", "http://docs.example/b"], 0, 50)
    with team_engine.begin() as conn:
        step = step_crawl(conn, job_id, 2)
    assert (step.queued, step.depth) == (0, 0)  # depth 0 still open: /d waits, /b is not added twice
    record_page(team_engine, job_id, second, [], 0, 50)
    record_page(team_engine, job_id, third, [], 0, 50)
    with team_engine.begin() as conn:
        step = step_crawl(conn, job_id, 2)
    assert (step.queued, step.depth) == (1, 1)
    with team_engine.begin() as conn:
        assert step_crawl(conn, job_id, 2).queued == 0  # called again (a worker's retry): nothing queued twice
    fourth = queued(team_engine)[-1][0]
    record_page(team_engine, job_id, fourth, [], 1, 50)
    with team_engine.begin() as conn:
        assert step_crawl(conn, job_id, 2).depth is None
        status = conn.execute(select(schema.jobs.c.status).where(schema.jobs.c.id == job_id)).scalar()
        assert claim_page(conn, job_id, fourth, now()) is None  # recorded: a retried queue job leaves it
    assert status == JobStatus.COMPLETED
    assert len(queued(team_engine)) == 4


def test_workers_adding_pages_at_once_keep_max_pages_exact(team_engine):
    definition = make_definition(["http://docs.example/"], max_pages=30)
    with team_engine.begin() as conn:
        job_id = submit_team_crawl(conn, definition, now=now())
    barrier = threading.Barrier(4)

    def worker(n: int) -> None:
        barrier.wait()
        for batch in range(5):
            with team_engine.begin() as conn:
                links = [f"http://docs.example/{n}/{batch}/{i}" for i in range(3)]
                enqueue_urls(conn, SharedChildBudget(job_id, max_pages=30), links, 1, now())

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with team_engine.connect() as conn:
        children = pages_repo.list_children(conn, job_id)
    assert len(children) == 30  # 1 start page + 60 links offered: cut at max_pages, not past it
    assert sorted(child.seq for child in children) == list(range(1, 31))  # numbered once each
