"""The queue a team crawl's pages wait on: Procrastinate, on the team's PostgreSQL (docs/team-mode.md).

A page to fetch is one Procrastinate job (task ``PAGE_TASK`` on ``PAGE_QUEUE``, arguments: the crawl's
job id and the page's child id). Pages are deferred by ``defer_pages`` inside the caller's own
transaction — the one that records the pages that found them — so a page is queued exactly when its
row is committed: never queued for a row rolled back, never a row left without its task. Procrastinate
hands each job to one worker (``SELECT … FOR UPDATE SKIP LOCKED``), wakes idle workers with
``LISTEN/NOTIFY``, and keeps a heartbeat per worker: ``retry_stalled`` gives the jobs of a worker
whose heartbeat stopped (killed, its machine gone) to the others.

Why Procrastinate rather than PgQueuer: its dependencies are few and small (psycopg's pool, attrs,
asgiref, python-dateutil; PgQueuer brings pydantic, typer, uvloop and tabulate into a desktop
program's bundle), it uses psycopg 3 like the store, its per-job ``lock`` (one running job per lock
value across every worker) bounds a host's concurrency without a table of our own, and its
worker heartbeats find a dead worker's jobs without waiting for a long lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    import procrastinate

log = logging.getLogger(__name__)

PAGE_QUEUE = "quaero-pages"
PAGE_TASK = "quaero.page"
# A worker writes its heartbeat this often; one silent for STALLED_AFTER_S is taken for dead and its
# pages are given to the others. Five missed beats: a worker busy on CPU still beats (its loop
# stays responsive, conversion runs in other processes), a killed one is noticed in seconds.
HEARTBEAT_S = 2.0
STALLED_AFTER_S = 10.0
# A page that failed because the store went away is tried again every RECONNECT_S, PAGE_ATTEMPTS times
# in all (about 2.5 minutes of outage); a worker whose queue connection failed starts again as often.
RECONNECT_S = 5
PAGE_ATTEMPTS = 30
# A worker is woken when a page is queued or a host's lock frees (migration 0018); this look is the
# backstop for a notification lost with a connection.
POLL_S = 1.0

PageHandler = Callable[[str, str], Awaitable[None]]  # (job id, child id)


@dataclass(frozen=True)
class PageTask:
    """One page to fetch. ``lock``: pages sharing one never run at the same time on any worker."""

    job_id: str
    child_id: str
    lock: str | None = None


def libpq_conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy URL (``postgresql+psycopg://…``): Procrastinate's
    pool speaks psycopg directly. The password stays in it: never log the result."""
    from psycopg.conninfo import make_conninfo

    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError(f"team mode needs a PostgreSQL database URL, not {url.get_backend_name()!r}")
    parts: dict[str, Any] = {
        "host": url.host,
        "port": url.port,
        "dbname": url.database,
        "user": url.username,
        "password": url.password,
    }
    parts.update({key: value for key, value in url.query.items() if isinstance(value, str)})
    return make_conninfo("", **{key: value for key, value in parts.items() if value is not None})


def queue_app(database_url: str) -> procrastinate.App:
    """A Procrastinate app on the team database (not opened yet: ``async with app.open_async()``)."""
    import procrastinate

    return procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=libpq_conninfo(database_url)))


async def install_queue(app: procrastinate.App) -> bool:
    """Create the queue's tables and functions in the team database if they are missing; True if it did.

    Procrastinate's schema is applied whole by the first program that needs it; a team database keeps
    the Procrastinate major its programs pin (pyproject.toml), whose releases upgrade it in place."""
    if await app.job_manager.check_connection_async():
        return False
    await app.schema_manager.apply_schema_async()
    log.info("created the page queue's tables in the team database")
    return True


def defer_pages(conn: Connection, tasks: Sequence[PageTask]) -> list[int]:
    """Queue ``tasks`` in ``conn``'s transaction (they exist once it commits, and only then).

    Procrastinate's own SQL function, called on our connection: its Python ``defer`` would take a
    connection of its own and commit apart from the pages' rows."""
    if not tasks:
        return []
    payload = [
        {
            "queue_name": PAGE_QUEUE,
            "task_name": PAGE_TASK,
            "priority": 0,
            "lock": task.lock,
            "queueing_lock": None,
            "args": {"job_id": task.job_id, "child_id": task.child_id},
            "scheduled_at": None,
        }
        for task in tasks
    ]
    rows = conn.execute(
        text(
            "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY(SELECT jsonb_populate_record("
            "NULL::procrastinate_job_to_defer_v1, value) FROM jsonb_array_elements(CAST(:jobs AS jsonb)))))"
        ),
        {"jobs": json.dumps(payload)},
    )
    return [int(row[0]) for row in rows]


async def retry_stalled(app: procrastinate.App, stalled_after_s: float = STALLED_AFTER_S) -> list[int]:
    """Give the pages of workers whose heartbeat stopped back to the queue; their job ids."""
    stalled = await app.job_manager.get_stalled_jobs(
        queue=PAGE_QUEUE, task_name=PAGE_TASK, seconds_since_heartbeat=stalled_after_s
    )
    retried = []
    for job in stalled:
        await app.job_manager.retry_job(job)
        assert job.id is not None
        retried.append(job.id)
    if retried:
        log.warning("%s page(s) of a worker that stopped answering are queued again", len(retried))
    return retried


async def keep_retrying_stalled(app: procrastinate.App, every_s: float = HEARTBEAT_S) -> None:
    """Every worker runs this: any of them notices a dead one."""
    while True:
        await asyncio.sleep(every_s)
        try:
            await retry_stalled(app)
        except Exception:  # the database is away: the worker's own reconnect says so; try at the next beat
            log.warning("could not look for the pages of stopped workers", exc_info=True)


class StoreLost(Exception):
    """A page stopped because the team store could not be reached: its queue job runs again later."""


def lost_store(exc: BaseException) -> bool:
    """Whether ``exc`` says the connection to the team store went (the server restarted, the network
    dropped): worth trying again, unlike an error of the page or of this program."""
    import procrastinate.exceptions
    import psycopg
    from sqlalchemy.exc import DBAPIError

    from quaero_desktop.store.storage_errors import LocalStorageError

    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or isinstance(exc.orig, psycopg.OperationalError)
    return isinstance(exc, procrastinate.exceptions.ConnectorException | psycopg.OperationalError | LocalStorageError)


async def run_worker(
    app: procrastinate.App, handler: PageHandler, *, concurrency: int, name: str, stop: asyncio.Event
) -> None:
    """Fetch pages from the queue with ``handler`` until ``stop`` is set (then finish the running ones).

    The team store may go away for a while (a restart, the network): a page that fails for it is tried
    again (``PAGE_RETRY``: every RECONNECT_S for a few minutes), and the worker, whose queue connection
    fails too, starts taking pages again once the store answers."""
    import procrastinate

    async def page(job_id: str, child_id: str) -> None:
        try:
            await handler(job_id, child_id)
        except Exception as exc:
            if lost_store(exc):
                raise StoreLost(str(exc)) from exc
            raise

    retry = procrastinate.RetryStrategy(max_attempts=PAGE_ATTEMPTS, wait=RECONNECT_S, retry_exceptions={StoreLost})
    app.task(name=PAGE_TASK, queue=PAGE_QUEUE, retry=retry)(page)
    recovery = asyncio.create_task(keep_retrying_stalled(app), name="stalled pages")
    try:
        while not stop.is_set():
            if not await _take_pages(app, concurrency=concurrency, name=name, stop=stop):
                break
            log.warning("worker %s lost the team store; it takes pages again once the store answers", name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RECONNECT_S)
    finally:
        recovery.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await recovery


async def _take_pages(app: procrastinate.App, *, concurrency: int, name: str, stop: asyncio.Event) -> bool:
    """Run Procrastinate's worker until ``stop`` (False) or until it loses the store (True)."""
    worker = asyncio.create_task(
        app.run_worker_async(
            queues=[PAGE_QUEUE],
            name=name,
            concurrency=concurrency,
            wait=True,
            install_signal_handlers=False,
            update_heartbeat_interval=HEARTBEAT_S,
            fetch_job_polling_interval=POLL_S,
            stalled_worker_timeout=STALLED_AFTER_S,
        ),
        name=f"queue worker {name}",
    )
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({worker, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not worker.done():
            worker.cancel()  # Procrastinate's worker finishes the running pages on cancel, then returns
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait({worker})
    if worker.cancelled() or worker.exception() is None:
        return False
    failure = worker.exception()
    assert failure is not None
    if stop.is_set() or not lost_store(failure):
        raise failure
    log.debug("the queue worker stopped", exc_info=failure)
    return True
