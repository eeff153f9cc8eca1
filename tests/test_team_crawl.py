"""Team mode end to end (issue 23, items 2, 3 and 5): crawls submitted to a PostgreSQL store's queue and
run by real ``quaero-desktop worker`` processes, each with its own data directory as on its own machine.

The site is the test site's latency-bound intranet (/team/: 43 pages, each answering after 0.2 s).
"""

from __future__ import annotations

import dataclasses
import itertools
import signal
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from quaero_desktop.app import build_app
from quaero_desktop.domain.errors import ConflictError
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.engine.events import JobCreated, JobProgress, JobStatusChanged
from quaero_desktop.services.team_crawls import TeamCrawls
from quaero_desktop.vault.team_key import read_key_file
from tests.conftest import crawl, make_definition
from tests.sealing_support import seal_site_login
from tests.team_workers import workers
from tests.testsite import team_pages

pytestmark = pytest.mark.postgres

PAGES = team_pages.PAGES


@pytest.fixture
def team_app(tmp_path, postgres_url):
    application = build_app(tmp_path / "desk", database_url=postgres_url)
    yield application
    application.close(detach=False)


def run_on_team(app, definition, timeout_s: float = 120) -> str:
    job_id = app.crawls.submit(definition).result(timeout=30)
    assert app.crawls.wait(job_id).result(timeout=timeout_s) == JobStatus.COMPLETED
    return job_id


def team_hits(site) -> dict[str, int]:
    """The /team/ pages asked for, and how often (each worker's own check of the site's "not found" page
    aside: engine/run/not_found_pages.py)."""
    return {
        path: hits for path, hits in site.hit_paths().items() if path.startswith("/team/") and "quaeroprobe" not in path
    }


def test_three_workers_crawl_a_site_to_exact_counts(fresh_site, team_app, postgres_url, tmp_path, app):
    definition = make_definition([fresh_site.url("/team/0")], render="http", concurrency=6)
    seen: list[object] = []
    unsubscribe = team_app.crawls.events.subscribe(seen.append)  # what the window and run are told
    with workers(postgres_url, tmp_path, 3) as processes:
        job_id = run_on_team(team_app, definition)
    unsubscribe()
    completed = [event.progress.completed for event in seen if isinstance(event, JobProgress)]
    assert isinstance(seen[0], JobCreated) and seen[0].job_id == job_id
    assert len(set(completed)) > 3 and completed == sorted(completed), completed  # live, as it went
    assert any(isinstance(event, JobStatusChanged) and event.status == JobStatus.COMPLETED for event in seen)
    job = team_app.jobs.get(job_id)
    assert (job.document_count, job.progress.completed, job.progress.failed) == (PAGES, PAGES, 0)
    hits = team_hits(fresh_site)
    assert hits == {f"/team/{n}": 1 for n in range(PAGES)}  # every page fetched once, by one worker
    handled = [worker.pages_handled() for worker in processes]
    assert sum(handled) == PAGES and all(handled), handled  # all three took pages
    alone = crawl(app, definition)  # the same crawl in one process, on SQLite
    assert (alone.document_count, alone.progress.completed) == (job.document_count, job.progress.completed)


def test_politeness_holds_across_workers(fresh_site, team_app, postgres_url, tmp_path):
    team_pages.reset()
    definition = make_definition(
        [fresh_site.url("/team/0")], render="http", concurrency=2, request_delay="0.1s", max_depth=1
    )
    since = time.monotonic()
    with workers(postgres_url, tmp_path, 3):
        run_on_team(team_app, definition)
    arrivals = sorted(
        seen.at for seen in fresh_site.requests("/team/") if seen.at >= since and "quaeroprobe" not in seen.path
    )
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert len(arrivals) == 7
    assert min(gaps) >= 0.1 - 0.02, f"two requests {min(gaps):.3f} s apart (request_delay 0.1 s)"
    assert team_pages.peak_in_flight() <= 2  # the crawl's concurrency per host, across 3 workers of 4


def test_a_worker_killed_mid_crawl_loses_nothing(fresh_site, team_app, postgres_url, tmp_path):
    definition = make_definition([fresh_site.url("/team/0")], render="http", concurrency=8)
    with workers(postgres_url, tmp_path, 3) as processes:
        job_id = team_app.crawls.submit(definition).result(timeout=30)
        deadline = time.monotonic() + 60
        while sum(team_hits(fresh_site).values()) < 12:  # mid-crawl: depth 2 under way
            assert time.monotonic() < deadline
            time.sleep(0.02)
        processes[0].process.send_signal(signal.SIGKILL)
        assert team_app.crawls.wait(job_id).result(timeout=120) == JobStatus.COMPLETED
    job = team_app.jobs.get(job_id)
    assert (job.document_count, job.progress.completed, job.progress.failed) == (PAGES, PAGES, 0)
    with team_app.database.read() as conn:
        stored = conn.execute(
            text("SELECT count(*) FROM documents WHERE url LIKE :team"), {"team": "%/team/%"}
        ).scalar()
    assert stored == PAGES  # nothing stored twice
    hits = team_hits(fresh_site)
    assert set(hits) == {f"/team/{n}" for n in range(PAGES)}
    taken_over = sum(hits.values()) - PAGES
    print(f"killed one of 3 workers after 12 pages: {taken_over} page(s) fetched again by the others")


def _resumed_in_a_moment(team_app, job_id: str) -> str:
    """Resume as a person would: the worker whose page found the cancel may still hold it a moment
    (its queue job ends after the crawl's status is written), and resume says so; try again."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return team_app.crawls.resume(job_id).result(timeout=30)
        except ConflictError as exc:
            if "resume it in a moment" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_team_crawl_is_cancelled_and_resumed_but_not_paused(fresh_site, team_app, postgres_url, tmp_path):
    definition = make_definition([fresh_site.url("/team/0")], render="http", concurrency=2)
    job_id = team_app.crawls.submit(definition).result(timeout=30)  # no worker yet: it waits in the queue
    with pytest.raises(ConflictError, match="runs on the team's workers, which do not pause a crawl"):
        team_app.crawls.pause(job_id).result(timeout=10)
    outcome = team_app.crawls.cancel(job_id).result(timeout=10)
    assert outcome.message == "cancel requested: the team's workers stop the crawl at their next page"
    with workers(postgres_url, tmp_path, 1):
        assert team_app.crawls.wait(job_id).result(timeout=60) == JobStatus.CANCELLED
        assert team_hits(fresh_site) == {}  # the first page found the cancel: nothing fetched
        assert _resumed_in_a_moment(team_app, job_id) == job_id
        assert team_app.crawls.wait(job_id).result(timeout=120) == JobStatus.COMPLETED
    job = team_app.jobs.get(job_id)
    assert (job.document_count, job.progress.completed) == (PAGES, PAGES)
    assert set(team_hits(fresh_site).values()) == {1}


def test_a_worker_crawls_behind_a_sealed_login_and_one_without_the_key_says_which(
    fresh_site, team_app, postgres_url, tmp_path
):
    session = fresh_site.create_session("alice")
    team_key, other_key, sealed = seal_site_login(team_app.database, session, tmp_path)
    definition = make_definition([fresh_site.url("/private/")], auth_id="site-login", max_depth=1, render="http")
    with workers(postgres_url, tmp_path, 2, QUAERO_TEAM_KEY_FILE=str(team_key)):
        job_id = run_on_team(team_app, definition)
    assert team_app.jobs.get(job_id).document_count == 5  # the private pages, read logged in
    assert fresh_site.hits("/login") == 0
    with workers(postgres_url, tmp_path, 1, QUAERO_TEAM_KEY_FILE=str(other_key)):
        refused = team_app.crawls.submit(dataclasses.replace(definition, id="again")).result(timeout=30)
        assert team_app.crawls.wait(refused).result(timeout=60) == JobStatus.FAILED
    error = team_app.jobs.get(refused).error
    assert f"the login 'site-login' is sealed with team key {sealed.key_id}" in error
    assert f"this machine has team key {read_key_file(other_key).key_id}" in error


def test_workers_that_lose_the_store_take_up_the_crawl_when_it_is_back(
    fresh_site, team_app, postgres_url, postgres_cluster, tmp_path
):
    definition = make_definition([fresh_site.url("/team/0")], render="http", concurrency=4)
    with workers(postgres_url, tmp_path, 2):
        job_id = team_app.crawls.submit(definition).result(timeout=30)
        deadline = time.monotonic() + 60
        while sum(team_hits(fresh_site).values()) < 8:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        postgres_cluster.stop_server()  # as a restart or a network loss looks to the workers
        time.sleep(3)
        postgres_cluster.start_server()
        assert team_app.crawls.wait(job_id).result(timeout=120) == JobStatus.COMPLETED
    job = team_app.jobs.get(job_id)
    assert (job.document_count, job.progress.completed, job.progress.failed) == (PAGES, PAGES, 0)
    assert set(team_hits(fresh_site)) == {f"/team/{n}" for n in range(PAGES)}


def test_a_schedule_on_a_team_store_starts_its_run_on_the_workers(fresh_site, team_app, postgres_url, tmp_path):
    definition = make_definition(
        [fresh_site.url("/team/0")], id="team-hourly", name="Team hourly", schedule="* * * * *", render="http"
    )
    team_app.definitions.save(definition)
    now = datetime.now(UTC)
    ahead = timedelta(seconds=58 - now.second, microseconds=-now.microsecond)  # the next slot comes in ~2 s
    engine = team_app.engine()
    queued = TeamCrawls(team_app.database)
    try:
        engine.start_scheduler(clock=lambda: datetime.now(UTC) + ahead, elsewhere=queued)
        deadline = time.monotonic() + 60
        while not (runs := [job for job in team_app.jobs.list() if job.definition_id == "team-hourly"]):
            assert time.monotonic() < deadline, "the schedule started no run"
            time.sleep(0.1)
        assert engine.active_job_ids() == []  # not in this process: on the queue
        with workers(postgres_url, tmp_path, 1):
            assert team_app.crawls.wait(runs[0].id).result(timeout=120) == JobStatus.COMPLETED
    finally:
        engine.pause_schedules(True)
        queued.close()  # its watch of the run, which the scheduler's submit started
    assert team_app.jobs.get(runs[0].id).document_count == PAGES
