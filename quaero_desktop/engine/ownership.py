"""Which process runs a job, and whether it is still alive (several processes share one store)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

# A heartbeat older than this means the owner stopped even if its pid was reused.
STALE_AFTER = timedelta(seconds=60)
# The owner of a team crawl (engine/team/): its workers, through the page queue. No one process runs it,
# so no start-up interrupts it; it goes on while any worker runs, and waits in the queue while none does.
TEAM_WORKERS = -1


def current_pid() -> int:
    return os.getpid()


def owner_is_alive(
    owner_pid: int | None, heartbeat_at: datetime | None, now: datetime | None = None, *, shared: bool = False
) -> bool:
    """Whether the job's owner still runs it. On a ``shared`` store (PostgreSQL: several machines) a pid names
    a process on one machine only, so the heartbeat alone decides."""
    if owner_pid == TEAM_WORKERS:
        return True
    if owner_pid is None or heartbeat_at is None:
        return False
    now = now or datetime.now(UTC)
    if now - heartbeat_at > STALE_AFTER:
        return False
    if shared:
        return True
    if owner_pid == os.getpid():
        return True
    import psutil  # only for another process's job: a start with nothing running never loads it

    return psutil.pid_exists(owner_pid)
