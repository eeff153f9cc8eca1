"""Starting a crawl for an assistant (the ``start_crawl`` tool, off unless ``mcp_allow_crawl`` is set).

The crawl starts through ``app.crawls`` (services/crawls.py) and runs in this process's engine,
as ``quaero-desktop run ID`` runs one beside the window (docs/architecture.md, "Several
processes, one store"): the job records this process as its owner and heartbeats, so the
window shows it, can cancel it (``cancel_requested``) and never takes it for a dead crawl. What
is refused: a source that is already being crawled, by any process, since two crawls of one
definition would fetch every page twice.
"""

from __future__ import annotations

from quaero_desktop.app import App
from quaero_desktop.domain.errors import ConflictError
from quaero_desktop.domain.job import Job, JobStatus, JobTrigger

_SUBMIT_TIMEOUT_S = 60


def start_crawl_for(app: App, source: str) -> Job:
    definition = app.definitions.get(source.strip().lower())
    running = [
        job
        for job in app.jobs.list(statuses=(JobStatus.PENDING, JobStatus.RUNNING))
        if job.definition_id == definition.id and app.jobs.owner_alive(job.id)
    ]
    if running:
        raise ConflictError(
            f"'{definition.id}' is being crawled already (job {running[0].id}); follow it with crawl_status"
        )
    job_id = app.crawls.submit(definition, trigger=JobTrigger.ASSISTANT).result(_SUBMIT_TIMEOUT_S)
    return app.jobs.get(job_id)
