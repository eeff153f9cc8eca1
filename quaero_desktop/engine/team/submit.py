"""A team crawl started: its job, its start pages and their queue jobs, in one transaction on the team
store. From then on the workers run it (``quaero-desktop worker``); whoever started it watches it
through the store."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Connection

from quaero_desktop.crawler.scope import CrawlScope
from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import Job, JobMetadata, JobStatus, JobTrigger
from quaero_desktop.engine.ownership import TEAM_WORKERS
from quaero_desktop.engine.run.child_budget import enqueue_urls
from quaero_desktop.engine.run.run_end import limits_text
from quaero_desktop.engine.team.crawl_levels import queue_open_level
from quaero_desktop.engine.team.shared_budget import SharedChildBudget
from quaero_desktop.store import jobs_repo, logs_repo, team_crawls_repo


def submit_team_crawl(
    conn: Connection, definition: JobDefinition, *, now: datetime, trigger: JobTrigger = JobTrigger.MANUAL
) -> str:
    """Create the crawl's job, running, with its start URLs queued; its id. Nothing of it exists unless
    all of it does (the caller's transaction)."""
    job_id = secrets.token_hex(6)
    metadata: JobMetadata = {"job_definition_id": definition.id, "trigger": trigger}
    if definition.auth_id:
        metadata["auth_id"] = definition.auth_id
    jobs_repo.create_parent(
        conn,
        job_id=job_id,
        name=definition.name,
        definition_id=definition.id,
        config=definition.to_mapping(),
        metadata=metadata,
        owner_pid=TEAM_WORKERS,
        now=now,
    )
    jobs_repo.mark_parent_running(conn, job_id, owner_pid=TEAM_WORKERS, now=now)
    scope = CrawlScope.from_definition(definition)
    start_urls = list(dict.fromkeys(url for url in map(scope.normalise, definition.start_urls) if url))
    budget = SharedChildBudget(job_id, max_pages=definition.max_pages)
    entries = enqueue_urls(conn, budget, start_urls, 0, now)
    queue_open_level(conn, job_id, per_host=definition.concurrency)
    started = f"started on the team's workers: {len(entries)} start URL(s), {limits_text(definition)}"
    logs_repo.add_many(conn, [(job_id, now, "info", started)])
    return job_id


def resume_team_crawl(conn: Connection, job: Job, *, failed_pages: bool, now: datetime) -> None:
    """Put a stopped team crawl back on the queue where it stopped: its unfinished pages (and, with
    ``failed_pages``, its failed ones) pending again, its open level queued for the workers."""
    requeued = jobs_repo.requeue_children(conn, job.id, [JobStatus.RUNNING, JobStatus.CANCELLED])
    if failed_pages:
        requeued += jobs_repo.requeue_failed(conn, job.id)
    team_crawls_repo.forget_queued(conn, job.id)  # queued once before: the level is queued afresh
    jobs_repo.mark_parent_running(conn, job.id, owner_pid=TEAM_WORKERS, now=now)
    definition = JobDefinition.from_mapping(job.config, f"job {job.id} configuration")
    queue_open_level(conn, job.id, per_host=definition.concurrency)
    logs_repo.add_many(
        conn, [(job.id, now, "info", f"resuming on the team's workers: {requeued} page(s) back in the queue")]
    )
