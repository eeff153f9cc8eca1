"""The engine's database thread (engine/db_worker.py): writes queued together commit as one group, each
still all or nothing and answered in queue order, one that fails alone told so."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from quaero_desktop.engine.db_worker import DbWorker
from quaero_desktop.store.database import Database


def test_writes_queued_together_are_answered_in_order_and_a_failing_one_alone_fails(tmp_path: Path) -> None:
    database = Database(tmp_path / "db.sqlite")
    worker = DbWorker(database)
    held = threading.Event()

    def create(conn: Connection) -> None:
        conn.exec_driver_sql("CREATE TABLE notes (n INTEGER)")

    def hold(conn: Connection) -> None:  # keeps the thread busy while the others queue: one group
        held.wait(10)

    def add(conn: Connection, n: int) -> int:
        conn.execute(text("INSERT INTO notes VALUES (:n)"), {"n": n})
        if n == 3:
            raise ValueError("three is refused")
        return n * 10

    def notes(conn: Connection) -> list[int]:
        return [int(row[0]) for row in conn.exec_driver_sql("SELECT n FROM notes ORDER BY n")]

    async def run() -> tuple[list[object], list[int], list[int]]:
        await worker.write(create)
        holding = worker.write_soon(hold)
        answered: list[int] = []
        futures = [worker.write_soon(add, n) for n in range(1, 6)]
        for n, future in enumerate(futures, start=1):
            future.add_done_callback(lambda _, n=n: answered.append(n))
        held.set()
        await holding
        results = await asyncio.gather(*futures, return_exceptions=True)
        return results, answered, await worker.read(notes)

    try:
        results, answered, stored = asyncio.run(run())
    finally:
        worker.shutdown()
        database.dispose()
    assert results[:2] == [10, 20] and results[3:] == [40, 50]
    assert isinstance(results[2], ValueError) and str(results[2]) == "three is refused"
    assert answered == [1, 2, 3, 4, 5]
    assert stored == [1, 2, 4, 5]  # the failing write's row rolled back alone


@pytest.mark.parametrize("writes", [1, 40])
def test_every_write_of_a_group_is_answered(tmp_path: Path, writes: int) -> None:
    database = Database(tmp_path / "db.sqlite")
    worker = DbWorker(database)

    def echo(conn: Connection, n: int) -> int:
        return int(conn.exec_driver_sql(f"SELECT {n}").scalar_one())

    async def run() -> list[int]:
        return list(await asyncio.gather(*(worker.write(echo, n) for n in range(writes))))

    try:
        assert asyncio.run(asyncio.wait_for(run(), 30)) == list(range(writes))
    finally:
        worker.shutdown()
        database.dispose()
