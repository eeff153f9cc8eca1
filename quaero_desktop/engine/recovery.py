"""At start-up: jobs whose process died mid-crawl become ``interrupted`` (resumable)."""

from __future__ import annotations

import logging

from quaero_desktop.engine.ownership import owner_is_alive
from quaero_desktop.store import jobs_repo, logs_repo
from quaero_desktop.store.database import Database
from quaero_desktop.store.schema import utc_now

log = logging.getLogger(__name__)

INTERRUPTED_MESSAGE = "the process running this crawl stopped before it finished; resume to continue"


def recover_interrupted_jobs(database: Database) -> list[str]:
    """Mark every active parent without a live owner as interrupted; returns their ids."""
    recovered: list[str] = []
    with database.write() as conn:
        for job_id, owner_pid, heartbeat_at in jobs_repo.active_parents(conn):
            if owner_is_alive(owner_pid, heartbeat_at, shared=database.shared):
                continue
            jobs_repo.mark_interrupted(conn, job_id, error=INTERRUPTED_MESSAGE)
            logs_repo.add_many(conn, [(job_id, utc_now(), "warning", f"interrupted: {INTERRUPTED_MESSAGE}")])
            recovered.append(job_id)
    for job_id in recovered:
        log.info("job %s was interrupted; it can be resumed", job_id)
    return recovered
