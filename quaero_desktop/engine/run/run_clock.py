"""A run's crawling time and what is left of its job's timeout.

The timeout counts crawling time, not wall time: a run resumed after a stop (or a crash) gets what
the earlier runs left of it; retrying failed pages is a new effort and gets the whole timeout.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.engine.db_worker import DbWorker
from quaero_desktop.store import jobs_repo
from quaero_desktop.store.storage_errors import LocalStorageError

log = logging.getLogger(__name__)


class RunClock:
    def __init__(self, definition: JobDefinition, *, earlier_seconds: float, retry_failed: bool) -> None:
        self._timeout_text = definition.timeout
        self._earlier_seconds = earlier_seconds  # crawling time of earlier runs (a resumed job)
        self._retry_failed = retry_failed
        self.timeout_s = definition.timeout_seconds - (0.0 if retry_failed else earlier_seconds)
        self._started = time.monotonic()

    def start(self) -> None:
        """The crawl (and its timeout) starts now: the browser or client is ready, the first pages load."""
        self._started = time.monotonic()

    def crawl_seconds(self) -> float:
        """Crawling time over every run of this job, this one included."""
        return self._earlier_seconds + time.monotonic() - self._started

    def timeout_message(self) -> str:
        if self._earlier_seconds and not self._retry_failed:
            return (
                f"timed out after {self._timeout_text} of crawling "
                "(the job's timeout; time spent before the crawl was resumed counts)"
            )
        return f"timed out after {self._timeout_text} (the job's timeout)"


async def keep_heartbeat(
    db: DbWorker,
    job_id: str,
    clock: RunClock,
    interval_s: float,
    on_storage_failure: Callable[[LocalStorageError], None],
    on_cancel_requested: Callable[[], None],
) -> None:
    """Until cancelled: every ``interval_s`` record the crawling time and that this process still runs
    the job, and learn whether another process asked to cancel it."""

    def beat(conn: Connection) -> bool:
        jobs_repo.record_crawl_seconds(conn, job_id, clock.crawl_seconds())
        return jobs_repo.heartbeat(conn, job_id, datetime.now(UTC))

    while True:
        await asyncio.sleep(interval_s)
        try:
            cancel_requested = await db.write(beat)
        except LocalStorageError as exc:
            on_storage_failure(exc)
            return
        except Exception:
            log.exception("heartbeat for %s failed", job_id)
            continue
        if cancel_requested:
            on_cancel_requested()
