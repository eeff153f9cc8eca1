"""A page is marked running in the store only when its load takes a while (engine/run/running_mark.py):
a quick page is written once, with its start and its attempt; a slow one shows as running meanwhile.
Real crawls of the test site over HTTP, on both stores; and the finishing statement on its own."""

from __future__ import annotations

import time
from datetime import timedelta

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.engine.run.running_mark import MARK_AFTER_S
from quaero_desktop.store import jobs_repo, pages_repo
from quaero_desktop.store.schema import utc_now
from tests.conftest import crawl, make_definition


def test_a_quick_page_is_stored_with_its_start_and_one_attempt(store_app, fresh_site):
    site = fresh_site
    job = crawl(
        store_app,
        make_definition([site.url("/")], max_depth=1, exclude_patterns=["/slow"], render="http", concurrency=4),
    )
    assert job.status == JobStatus.COMPLETED, job.error
    children = store_app.jobs.children(job.id)
    assert len(children) > 10
    for child in children:  # what `jobs show --json` and the job window's Time column show
        assert child.status in (JobStatus.COMPLETED, JobStatus.FAILED), child
        assert child.attempts == 1, child
        assert child.started_at is not None and child.finished_at is not None, child
        assert job.started_at is not None and job.started_at <= child.started_at <= child.finished_at, child
        assert child.duration_s is not None and child.duration_s < 5, child


def test_a_slow_page_shows_as_running_while_it_loads_and_counts_one_attempt(store_app, fresh_site):
    site = fresh_site
    slow = site.url("/slow?ms=2000")
    engine = store_app.engine()
    job_id = engine.submit(make_definition([slow], max_depth=0, render="http")).result(30)
    seen: list[JobStatus] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and JobStatus.RUNNING not in seen:
        seen += [child.status for child in store_app.jobs.children(job_id) if child.url == slow]
        time.sleep(0.05)
    engine.wait(job_id).result(60)
    assert JobStatus.RUNNING in seen  # marked once it had loaded for MARK_AFTER_S
    (child,) = store_app.jobs.children(job_id)
    assert (child.status, child.attempts) == (JobStatus.COMPLETED, 1)
    assert child.duration_s is not None and child.duration_s >= 1.9  # its start is the load's, not the mark's


def test_a_page_abandoned_by_a_cancelled_crawl_is_not_marked_running_after_it(store_app, fresh_site):
    site = fresh_site
    slow = site.url("/slow?ms=4000")
    engine = store_app.engine()
    job_id = engine.submit(make_definition([slow], max_depth=0, render="http")).result(30)
    deadline = time.monotonic() + 10
    while not site.hits("/slow") and time.monotonic() < deadline:  # a worker is loading it
        time.sleep(0.01)
    assert engine.cancel(job_id).result(10)
    engine.wait(job_id).result(30)
    time.sleep(MARK_AFTER_S * 3)  # past the moment its mark was due
    (child,) = store_app.jobs.children(job_id)
    assert store_app.jobs.get(job_id).status == JobStatus.CANCELLED
    assert child.status == JobStatus.CANCELLED


def test_finishing_a_page_counts_its_attempt_once(store_database):
    """The one statement, on both stores: a pending page starts and ends; a running one keeps its start;
    a page that ends again (read again in the browser) neither starts again nor counts another attempt."""
    database = store_database
    began = utc_now().replace(microsecond=0)
    with database.write() as conn:
        jobs_repo.create_parent(
            conn, job_id="p", name="p", definition_id=None, config={}, metadata={}, owner_pid=1, now=began
        )
        pages_repo.add_children(
            conn, "p", [("c1", "http://example.test/a", 0, 1), ("c2", "http://example.test/b", 0, 2)], began
        )
    quick_start, slow_start = began + timedelta(seconds=1), began + timedelta(seconds=2)
    with database.write() as conn:
        pages_repo.finish_child(conn, "c1", JobStatus.COMPLETED, now=began + timedelta(seconds=3), started=quick_start)
        pages_repo.mark_child_running(conn, "c2", slow_start)
        later = slow_start + timedelta(seconds=MARK_AFTER_S * 10)
        pages_repo.finish_child(conn, "c2", JobStatus.COMPLETED, now=later, started=slow_start + timedelta(seconds=1))
        pages_repo.finish_child(conn, "c1", JobStatus.COMPLETED, now=began + timedelta(seconds=9), started=later)
    with database.read() as conn:
        children = {child.id: child for child in pages_repo.list_children(conn, "p")}
    assert (children["c1"].attempts, children["c1"].started_at) == (1, quick_start)
    assert (children["c2"].attempts, children["c2"].started_at) == (1, slow_start)
