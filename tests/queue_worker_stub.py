"""A queue worker with a stand-in page handler, for tests/test_team_queue.py: the queue's own guarantees
(one worker per page, a killed worker's pages taken over) tested apart from the crawl.

Run: python -m tests.queue_worker_stub DATABASE_URL NAME. Each page records its attempt, sleeps PAGE_S,
then records its effect once (a second run of the same page finds it there), as a real page's
transaction does with its child row.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import psycopg

from quaero_desktop.engine.team.page_queue import libpq_conninfo, queue_app, run_worker

PAGE_S = 0.4


async def main(database_url: str, name: str) -> None:
    conninfo = libpq_conninfo(database_url)

    async def handle(job_id: str, child_id: str) -> None:
        async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
            await conn.execute("INSERT INTO page_attempts(child_id, worker) VALUES (%s, %s)", (child_id, name))
            await asyncio.sleep(PAGE_S)
            await conn.execute(
                "INSERT INTO page_effects(child_id, worker) VALUES (%s, %s) ON CONFLICT (child_id) DO NOTHING",
                (child_id, name),
            )

    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    app = queue_app(database_url)
    async with app.open_async():
        print(f"worker {name} ready (pid {os.getpid()})", flush=True)
        await run_worker(app, handle, concurrency=4, name=name, stop=stop)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
