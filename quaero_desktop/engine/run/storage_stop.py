"""What a crawl says when the data directory's storage fails under it (a full disk, an I/O error).

The crawl stops at once and is left interrupted; the page it was storing was never committed,
so it goes back to pending and the resume fetches it. The message names the directory, the free
space, about how much the rest of the crawl needs, and the command that continues it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Connection

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.engine.db_worker import DbWorker
from quaero_desktop.engine.events import EventBus, JobStatusChanged
from quaero_desktop.engine.job_log import RunLog
from quaero_desktop.store import documents_repo, jobs_repo
from quaero_desktop.store.storage_errors import DatabaseServerError, LocalStorageError, size_text

log = logging.getLogger(__name__)

# Room for SQLite's write-ahead log (about 4 MB before it is folded back into the database) and
# the page being stored, beyond the pages themselves.
JOURNAL_ROOM_BYTES = 8_000_000
# A stored page with its search index, page row and links, measured on the test site's big crawl
# (1.6 MB for 251 pages); used until a store holds enough documents to measure its own.
TYPICAL_PAGE_BYTES = 16_000
_MEASURED_FROM = 50


def stored_bytes_per_document(conn: Connection, database_path: Path | None) -> float:
    """The database's size per stored document: what a page costs in this store (a PostgreSQL store,
    ``database_path`` None, is not measured here)."""
    documents = documents_repo.count(conn)
    if documents < _MEASURED_FROM or database_path is None:
        return TYPICAL_PAGE_BYTES
    return database_path.stat().st_size / documents


def storage_stop_message(
    failure: LocalStorageError, *, job_id: str, pages_left: int, bytes_per_page: float | None
) -> str:
    resume = f"then run `quaero-desktop jobs resume {job_id}` (the crawl continues where it stopped)"
    if isinstance(failure, DatabaseServerError):  # it names the server and what to do itself
        return f"stopped: {failure}; {resume}"
    if not failure.disk_full:
        return (
            f"stopped: cannot write to the database in {failure.place} ({failure.reason}); {failure.advice}, {resume}"
        )
    free = failure.free_bytes
    needed = JOURNAL_ROOM_BYTES + (bytes_per_page or 0.0) * max(1, pages_left)
    have = f" ({size_text(free)} free)" if free is not None else ""
    pages = f"{pages_left} page{'s' if pages_left != 1 else ''}"
    return (
        f"stopped: the disk is full: Quaero could not store pages in {failure.directory}{have}. "
        f"The {pages} still to crawl need about {size_text(needed)}: free space there, {resume}"
    )


async def report_storage_stop(
    db: DbWorker, run_log: RunLog, events: EventBus, failure: LocalStorageError, pages_left: int
) -> None:
    """One clear line in the job's log (stored later if the disk has no room for it now) and one event."""
    job_id = run_log.job_id
    try:
        per_page: float | None = await db.read(stored_bytes_per_document, db.database.path)
    except Exception:  # the estimate is a courtesy: the message stands without it
        per_page = None
    message = storage_stop_message(failure, job_id=job_id, pages_left=pages_left, bytes_per_page=per_page)
    run_log.error(message)
    try:
        await db.write(jobs_repo.record_stop_message, job_id, message)
        await run_log.flush()
    except LocalStorageError:
        log.debug("the stop message of %s waits for disk space", job_id)
    events.publish(JobStatusChanged(job_id, JobStatus.INTERRUPTED, message, storage_failed=True))
