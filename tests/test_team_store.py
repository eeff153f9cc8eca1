"""Team mode (issue 23): the program on a PostgreSQL store chosen by --database-url, QUAERO_DATABASE_URL
or settings.toml's database_url; a crawl, the listings and the command line work on it as on SQLite."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from quaero_desktop.app import build_app
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.settings import AppSettings, save_settings
from quaero_desktop.store import jobs_repo
from quaero_desktop.store.schema import utc_now
from tests.conftest import cli, crawl, make_definition, write_definition
from tests.team_workers import workers

# The home page's links, crawled over HTTP one level deep: what the store must hold, and a phrase of each.
HOME_TEXTS = {
    "/": "copper kettle orchestra",
    "/docs/guide": "marzipan lighthouse",
    "/docs/reference": "quartz tortoise almanac",
}


def test_a_crawl_over_http_stores_the_same_documents_on_either_store(store_app, fresh_site):
    site = fresh_site
    job = crawl(store_app, make_definition([site.url("/")], max_depth=1, concurrency=4, render="http"))
    assert job.status == JobStatus.COMPLETED, job.error
    documents = store_app.documents.list(job_id=job.id, limit=100)
    assert job.document_count == len(documents) == job.progress.documents == 10
    for path, phrase in HOME_TEXTS.items():
        assert phrase in store_app.documents.get_by_url(site.url(path)).markdown, path
    assert (job.progress.completed, job.progress.failed) == (12, 2)


@pytest.mark.postgres
def test_the_store_is_chosen_by_option_then_environment_then_settings(postgres_cluster, data_dir, monkeypatch):
    urls = {name: postgres_cluster.create_database(f"choice_{name}") for name in ("option", "env", "settings")}
    save_settings(data_dir, AppSettings(database_url=urls["settings"]))
    monkeypatch.setenv("QUAERO_DATABASE_URL", urls["env"])
    chosen = []
    for explicit in (urls["option"], None):
        app = build_app(data_dir, database_url=explicit)
        chosen.append(app.database.url.database)
        app.close()
    monkeypatch.delenv("QUAERO_DATABASE_URL")
    app = build_app(data_dir)
    chosen.append(app.database.url.database)
    app.close()
    (data_dir / "settings.toml").unlink()
    app = build_app(data_dir)
    assert app.database.dialect == "sqlite" and app.database.path == data_dir / "quaero.db"
    app.close()
    assert chosen == ["choice_option", "choice_env", "choice_settings"]


DEFINITION = """
id = "docs"
name = "Test site docs"
start_urls = ["{start}"]
include_patterns = ["/docs/"]
max_depth = 1
render = "http"
"""


@pytest.mark.postgres
def test_the_command_line_runs_and_lists_on_a_team_store(postgres_url, data_dir, tmp_path: Path, fresh_site):
    (tmp_path / "workers").mkdir()
    definition = write_definition(tmp_path / "docs.toml", DEFINITION.format(start=fresh_site.url("/docs/guide")))
    team = ("--database-url", postgres_url)
    imported = cli(*team, "definitions", "import", str(definition), data_dir=data_dir)
    assert imported.returncode == 0, imported.stderr
    with workers(postgres_url, tmp_path / "workers", 1):  # run submits to the team's workers and follows the crawl
        ran = cli("run", "docs", "--json", *team, data_dir=data_dir)  # the option after the command too
    assert ran.returncode == 0, ran.stderr
    summary = json.loads(ran.stdout)
    assert summary["status"] == "completed" and summary["documents"] == 3
    jobs = json.loads(cli(*team, "jobs", "list", "--json", data_dir=data_dir).stdout)
    assert [j["job_id"] for j in jobs] == [summary["job_id"]] and jobs[0]["documents"] == 3
    listed = json.loads(cli(*team, "documents", "list", "--json", data_dir=data_dir).stdout)
    assert len(listed) == 3 and {d["job_id"] for d in listed} == {summary["job_id"]}
    definitions = json.loads(cli(*team, "definitions", "list", "--json", data_dir=data_dir).stdout)
    assert [d["id"] for d in definitions] == ["docs"]
    # The data directory's own SQLite store saw none of it.
    assert json.loads(cli("jobs", "list", "--json", data_dir=data_dir).stdout) == []


def test_a_crawl_heartbeating_from_another_machine_is_left_running_on_a_team_store(data_dir, store_url):
    # The pid is no process here: on SQLite (one machine) that crawl died; on a shared store it may run
    # on another machine, and only a heartbeat older than a minute says it stopped.
    app = build_app(data_dir, database_url=store_url)
    with app.database.write() as conn:
        for job_id, beat in (("elsewhere", utc_now()), ("stale", utc_now() - timedelta(minutes=5))):
            jobs_repo.create_parent(
                conn, job_id=job_id, name="J", definition_id=None, config={}, metadata={}, owner_pid=4_000_001, now=beat
            )
            jobs_repo.mark_parent_running(conn, job_id, owner_pid=4_000_001, now=beat)
    app.close()
    again = build_app(data_dir, database_url=store_url)
    statuses = {job_id: again.jobs.get(job_id).status for job_id in ("elsewhere", "stale")}
    again.close()
    running_elsewhere = JobStatus.RUNNING if store_url else JobStatus.INTERRUPTED
    assert statuses == {"elsewhere": running_elsewhere, "stale": JobStatus.INTERRUPTED}
