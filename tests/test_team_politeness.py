"""Politeness across a team crawl's workers (engine/team/shared_pacer.py) on a real PostgreSQL: three
workers, each with its own connection, asking for turns to one host at once are spaced by the crawl's
delay between them all, and a Retry-After one worker heard holds the others back."""

from __future__ import annotations

import asyncio
import itertools
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, insert

from quaero_desktop.engine.team.shared_pacer import SharedHostPacer
from quaero_desktop.store import host_turns_repo, schema

pytestmark = pytest.mark.postgres

DELAY_S = 0.2
JOB = "job-politeness"


@pytest.fixture
def team_engine(postgres_url):
    engine = create_engine(postgres_url)
    schema.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(schema.jobs).values(id=JOB, type="crawl", status="running", created_at=datetime.now(UTC)))
    yield engine
    engine.dispose()


def _writer(engine):
    """DbWorker.write's shape: the store function in a transaction, off the event loop."""
    lock = threading.Lock()

    async def write(fn, *args):
        def run():
            with lock, engine.begin() as conn:  # one connection per worker, as a worker's own pool would
                return fn(conn, *args)

        return await asyncio.to_thread(run)

    return write


def test_workers_share_a_hosts_delay(team_engine, monkeypatch):
    taken: list[tuple[float, float]] = []
    record = host_turns_repo.take_turn

    def take_and_note(conn, job_id, origin, delay_s):
        turn = record(conn, job_id, origin, delay_s)
        taken.append(turn)
        return turn

    async def worker(pacer: SharedHostPacer) -> None:
        for n in range(4):
            await pacer.wait_turn(f"http://intranet.example:8080/page/{n}")

    async def three_workers() -> None:
        pacers = [SharedHostPacer(JOB, DELAY_S, _writer(team_engine)) for _ in range(3)]
        await asyncio.gather(*(worker(pacer) for pacer in pacers))

    monkeypatch.setattr(host_turns_repo, "take_turn", take_and_note)
    asyncio.run(three_workers())
    moments = sorted(slot for slot, _now in taken)
    gaps = [later - earlier for earlier, later in itertools.pairwise(moments)]
    assert len(moments) == 12
    assert min(gaps) >= DELAY_S - 1e-6, f"two requests to the host {min(gaps):.3f} s apart (delay {DELAY_S} s)"


def test_a_retry_after_heard_by_one_worker_holds_the_others(team_engine):
    async def scenario() -> float:
        one, other = (SharedHostPacer(JOB, 0.0, _writer(team_engine)) for _ in range(2))
        await one.wait_turn("http://intranet.example:8080/a")
        one.hold("http://intranet.example:8080/a", 2.0)  # the host answered 429 with Retry-After: 2
        await one.wait_turn("http://elsewhere.example/")  # another host: no wait, but the pause is shared first
        return await other.wait_turn("http://intranet.example:8080/c")

    assert asyncio.run(scenario()) > 1.0  # the other worker waits for what is left of those 2 s
