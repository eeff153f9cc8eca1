"""Job logs: every line is redacted, published at once as an event and stored in batches."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from quaero_desktop.domain.long_urls import shorten_urls
from quaero_desktop.engine.db_worker import DbWorker
from quaero_desktop.engine.events import EventBus, JobLogged
from quaero_desktop.engine.redaction import Redactor
from quaero_desktop.store import logs_repo
from quaero_desktop.store.storage_errors import LocalStorageError

_py_log = logging.getLogger("quaero_desktop.jobs")


class JobLog:
    """The engine's job-log writer (one per engine, shared by its crawls)."""

    def __init__(self, db: DbWorker, events: EventBus, redactor: Redactor) -> None:
        self._db = db
        self._events = events
        self.redactor = redactor
        self._buffer: list[tuple[str, datetime, str, str]] = []

    def write(self, job_id: str, level: str, message: str) -> None:
        text = self.redactor.redact(shorten_urls(message))  # a hostile page's 100,000-character URL: cut
        now = datetime.now(UTC)
        self._buffer.append((job_id, now, level, text))
        self._events.publish(JobLogged(job_id=job_id, created_at=now, level=level, message=text))
        _py_log.debug("[%s] %s: %s", job_id, level, text)

    def debug(self, job_id: str, message: str) -> None:
        self.write(job_id, "debug", message)

    def info(self, job_id: str, message: str) -> None:
        self.write(job_id, "info", message)

    def warning(self, job_id: str, message: str) -> None:
        self.write(job_id, "warning", message)

    def error(self, job_id: str, message: str) -> None:
        self.write(job_id, "error", message)

    def for_job(self, job_id: str) -> RunLog:
        """The log of one job, as the pieces of its run write to it (no job id to pass along)."""
        return RunLog(self, job_id)

    async def flush(self) -> None:
        if not self._buffer:
            return
        batch, self._buffer = self._buffer, []
        try:
            await self._db.write(logs_repo.add_many, batch)
        except LocalStorageError:
            self._buffer[:0] = batch  # kept for the next flush: the disk may have room again
            raise

    async def flush_periodically(self, interval_s: float) -> None:
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self.flush()
            except LocalStorageError as exc:  # the crawls say so themselves, once, with what to do
                _py_log.debug("job log lines wait: %s", exc)
            except Exception:
                _py_log.exception("could not store job log lines")


class RunLog:
    """One job's log: what a run writes, bound to its job (``JobLog.for_job``)."""

    def __init__(self, job_log: JobLog, job_id: str) -> None:
        self._job_log = job_log
        self.job_id = job_id

    @property
    def redactor(self) -> Redactor:
        """The engine's redactor: a run registers its secrets (login, proxy password) with it."""
        return self._job_log.redactor

    def write(self, level: str, message: str) -> None:
        self._job_log.write(self.job_id, level, message)

    def debug(self, message: str) -> None:
        self._job_log.write(self.job_id, "debug", message)

    def info(self, message: str) -> None:
        self._job_log.write(self.job_id, "info", message)

    def warning(self, message: str) -> None:
        self._job_log.write(self.job_id, "warning", message)

    def error(self, message: str) -> None:
        self._job_log.write(self.job_id, "error", message)

    async def flush(self) -> None:
        """Store the lines written so far (the engine's buffer: every job's lines)."""
        await self._job_log.flush()
