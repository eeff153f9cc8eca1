"""CrawlsService: the one way front ends start, resume, retry and cancel crawls (services/crawls.py).

The cancels here need no engine (a crawl of another process, or of none), so none is started;
cancelling, resuming and retrying crawls of this process are covered with the real engine by
test_gui_jobs.py, test_cli.py, test_durability.py and test_engine_events.py.
"""

from __future__ import annotations

import ast
import os
from datetime import UTC, datetime, timedelta

import pytest

from quaero_desktop.domain.errors import ConflictError, NotFoundError
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.store import jobs_repo
from tests.conftest import ROOT


@pytest.fixture
def app(store_app):
    """Both stores: SQLite (the quick loop) and PostgreSQL (the ``postgres`` mark)."""
    return store_app


def _job(app, job_id: str, *, owner_pid: int, heartbeat: datetime, status: JobStatus = JobStatus.RUNNING) -> None:
    with app.database.write() as conn:
        jobs_repo.create_parent(
            conn,
            job_id=job_id,
            name="Team wiki",
            definition_id="wiki",
            config={},
            metadata={"job_definition_id": "wiki"},
            owner_pid=owner_pid,
            now=heartbeat,
        )
        jobs_repo.mark_parent_running(conn, job_id, owner_pid=owner_pid, now=heartbeat)
        if status.is_terminal or status == JobStatus.INTERRUPTED:
            jobs_repo.finish_parent(conn, job_id, status, error=None, now=heartbeat)


def _cancel_requested(app, job_id: str) -> bool:
    with app.database.write() as conn:
        return jobs_repo.heartbeat(conn, job_id, datetime.now(UTC))


def test_a_crawl_of_another_live_process_is_asked_to_stop(app):
    _job(app, "elsewhere", owner_pid=os.getppid(), heartbeat=datetime.now(UTC))
    outcome = app.crawls.cancel("elsewhere").result(10)
    assert outcome.requested_elsewhere
    assert outcome.message == (f"cancel requested: the crawl running in process {os.getppid()} stops within seconds")
    assert _cancel_requested(app, "elsewhere")
    assert app.jobs.get("elsewhere").status == JobStatus.RUNNING  # its owner stops it, at its next heartbeat


def test_a_crawl_nobody_runs_is_cancelled_in_the_store(app):
    _job(app, "dead-owner", owner_pid=os.getppid(), heartbeat=datetime.now(UTC) - timedelta(minutes=5))
    _job(app, "interrupted", owner_pid=1, heartbeat=datetime.now(UTC), status=JobStatus.INTERRUPTED)
    for job_id in ("dead-owner", "interrupted"):
        outcome = app.crawls.cancel(job_id).result(10)
        assert (outcome.message, outcome.requested_elsewhere) == (f"job {job_id} cancelled", False)
        job = app.jobs.get(job_id)
        assert (job.status, job.error) == (JobStatus.CANCELLED, "cancelled by the user")


def test_cancel_refuses_a_finished_job_and_an_unknown_one(app):
    _job(app, "done", owner_pid=1, heartbeat=datetime.now(UTC), status=JobStatus.COMPLETED)
    with pytest.raises(ConflictError, match="job done is already completed; nothing to cancel"):
        app.crawls.cancel("done").result(10)
    with pytest.raises(NotFoundError, match="no job with id 'nope'"):
        app.crawls.cancel("nope").result(10)


def test_without_a_crawl_here_no_engine_is_started(app):
    assert app.crawls.cancel_all().result(10) == 0
    assert app.crawls.active_job_ids() == [] and not app.crawls.runs_here("any")
    assert app.crawls.browser_location is None and not app.crawls.schedules_paused
    assert app._engine is None  # cancelling, listing and deleting never start one


def _engine_imports(package: str) -> dict[str, set[str]]:
    """Each module of ``package`` that imports from ``quaero_desktop.engine``, and what it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "quaero_desktop" / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                if name == "quaero_desktop.engine" or name.startswith("quaero_desktop.engine."):
                    found.setdefault(str(path.relative_to(ROOT)), set()).add(name)
    return found


def test_front_ends_reach_crawls_only_through_the_service():
    """The window imports nothing of the engine but its events; the CLI and the MCP server no engine
    either (the MCP server also its redactor): every crawl starts and stops through app.crawls."""
    allowed = {"gui": {"quaero_desktop.engine.events"}, "cli": {"quaero_desktop.engine.events"}}
    allowed["mcp_server"] = {"quaero_desktop.engine.redaction"}
    for package, modules in allowed.items():
        stray = {path: names - modules for path, names in _engine_imports(package).items() if names - modules}
        assert stray == {}, f"{package}/ imports the engine beyond {sorted(modules)}"
