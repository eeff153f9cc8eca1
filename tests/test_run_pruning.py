"""A definition's older runs are removed beyond the newest N (settings: keep_runs_per_definition, 50 by
default), never a run still going and never their documents (issue 22, item 2)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.errors import ValidationError
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.settings import AppSettings, settings_from_mapping
from quaero_desktop.store import jobs_repo
from tests.conftest import crawl, make_definition

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _run(conn, job_id: str, definition_id: str, minutes: int, status: JobStatus) -> None:
    config = {"id": definition_id, "name": definition_id, "start_urls": ["https://example.com/"]}
    jobs_repo.create_parent(
        conn,
        job_id=job_id,
        name=definition_id,
        definition_id=definition_id,
        config=JobDefinition.from_mapping(config, "test").to_mapping(),
        metadata={"job_definition_id": definition_id},
        owner_pid=0,
        now=NOW + timedelta(minutes=minutes),
    )
    jobs_repo.mark_parent_running(conn, job_id, owner_pid=0, now=NOW + timedelta(minutes=minutes))
    if status != JobStatus.RUNNING:
        jobs_repo.finish_parent(conn, job_id, status, error=None, now=NOW + timedelta(minutes=minutes, seconds=30))


def test_pruning_keeps_the_newest_runs_and_any_run_still_going(store_database) -> None:
    database = store_database
    with database.write() as conn:
        _run(conn, "a1", "docs", 1, JobStatus.COMPLETED)
        _run(conn, "a2", "docs", 2, JobStatus.RUNNING)  # old, but still going (another process)
        _run(conn, "a3", "docs", 3, JobStatus.FAILED)
        _run(conn, "a4", "docs", 4, JobStatus.COMPLETED)
        _run(conn, "a5", "docs", 5, JobStatus.CANCELLED)
        _run(conn, "b1", "other", 0, JobStatus.COMPLETED)  # another definition's: never counted here
        assert sorted(jobs_repo.prune_runs(conn, "docs", keep=2)) == ["a1", "a3"]
        assert jobs_repo.prune_runs(conn, "docs", keep=0) == []  # 0: keep every run
    with database.read() as conn:
        left = sorted(job.id for job in jobs_repo.list_parents(conn))
    assert left == ["a2", "a4", "a5", "b1"]


def test_a_new_run_removes_the_oldest_but_its_documents_stay(store_app, site) -> None:
    app = store_app
    app.settings = dataclasses.replace(app.settings, keep_runs_per_definition=2)
    definition = make_definition([site.url("/big/s1/")], include_patterns=["/big/s1/"], max_pages=3, render="http")
    runs = [crawl(app, definition) for _ in range(3)]
    assert all(run.status == JobStatus.COMPLETED for run in runs)
    left = [job.id for job in app.jobs.list()]
    assert sorted(left) == sorted(run.id for run in runs[1:])  # the first run is gone
    documents = app.documents.list(limit=100)
    assert len(documents) == 3  # the first run's documents too: re-crawled, not removed
    log = [entry.message for entry in app.jobs.logs(runs[2].id)]
    assert any("removed 1 older run(s) of this definition" in line and "keep its last 2" in line for line in log)


def test_the_setting_is_checked_with_its_range() -> None:
    assert AppSettings().keep_runs_per_definition == 50
    assert settings_from_mapping({"keep_runs_per_definition": 0}, "settings.toml").keep_runs_per_definition == 0
    with pytest.raises(ValidationError, match=r"keep_runs_per_definition.*from 0 to 100000"):
        settings_from_mapping({"keep_runs_per_definition": -1}, "settings.toml")
