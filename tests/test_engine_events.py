"""Lesson 2: progress is event-driven; and cancel / shutdown leave the store consistent."""

from __future__ import annotations

import threading
import time

import pytest

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.engine.events import ChildStatusChanged, DocumentSaved, JobProgress, JobStatusChanged
from tests.conftest import crawl, make_definition
from tests.waiting import wait_until

pytestmark = pytest.mark.browser  # every test crawls the test site


class Recorder:
    def __init__(self) -> None:
        self.events: list = []
        self.lock = threading.Lock()

    def __call__(self, event) -> None:
        with self.lock:
            self.events.append(event)

    def of(self, kind, job_id=None):
        with self.lock:
            return [e for e in self.events if isinstance(e, kind) and (job_id is None or _job(e) == job_id)]


def _job(event):
    return getattr(event, "job_id", None) or getattr(event, "parent_id", None)


def test_every_child_status_change_publishes_parent_progress(app, fresh_site):
    recorder = Recorder()
    app.engine().events.subscribe(recorder)
    job = crawl(app, make_definition([fresh_site.url("/")], max_depth=1, concurrency=4))

    changes = recorder.of(ChildStatusChanged, job.id)
    progress = recorder.of(JobProgress, job.id)
    # Each child goes pending -> running -> final: two changes per child, each with a progress event.
    assert len(changes) == 2 * job.progress.total
    assert len(progress) >= len(changes)
    final = progress[-1].progress
    assert final == job.progress  # the last event agrees with the store exactly
    assert progress[-1].text == "0 pending, 0 running, 12 completed, 2 failed"
    assert set(progress[-1].as_dict()) >= {
        "pending",
        "running",
        "completed",
        "failed",
        "cancelled",
        "total",
        "documents",
    }
    # Counts never go backwards or negative while the crawl runs.
    finished = [e.progress.finished for e in progress]
    assert finished == sorted(finished)
    assert all(min(e.progress.as_dict().values()) >= 0 for e in progress)
    saved = [e for e in recorder.of(DocumentSaved, job.id) if e.new_for_job]
    assert len(saved) == job.document_count
    statuses = [e.status for e in recorder.of(JobStatusChanged, job.id)]
    assert statuses == [JobStatus.RUNNING, JobStatus.COMPLETED]


def test_cancel_stops_running_and_pending_pages_promptly(app, fresh_site):
    site = fresh_site
    # Pages far slower than the bound below, so a cancel that waited for them cannot pass on a
    # slow, loaded machine either (a prompt cancel takes well under a second).
    starts = [site.url(f"/slow?ms=12000&n={i}") for i in range(8)]
    recorder = Recorder()
    engine = app.engine()
    engine.events.subscribe(recorder)
    job_id = engine.submit(make_definition(starts, max_depth=0, concurrency=2)).result(30)
    wait_until(
        lambda: any(e.status == JobStatus.RUNNING for e in recorder.of(ChildStatusChanged, job_id)),
        60,
        "a page to be running",
    )
    started = time.monotonic()
    assert engine.cancel(job_id).result(10) is True
    assert engine.wait(job_id).result(30) == JobStatus.CANCELLED
    assert time.monotonic() - started < 6.0  # did not wait for the 12 s pages

    job = app.jobs.get(job_id)
    assert job.status == JobStatus.CANCELLED and job.finished_at is not None
    assert (job.progress.pending, job.progress.running) == (0, 0)
    assert job.progress.cancelled == 8 and job.progress.completed == 0
    assert recorder.of(JobProgress, job_id)[-1].progress == job.progress


def test_quitting_detaches_a_crawl_and_it_resumes_to_an_exact_finish(app, fresh_site, data_dir):
    site = fresh_site
    engine = app.engine()
    definition = make_definition(
        [site.url("/big/")], max_depth=2, max_pages=60, concurrency=4, include_patterns=["/big/"]
    )
    job_id = engine.submit(definition).result(30)
    wait_until(lambda: app.jobs.get(job_id).document_count >= 10, 60, "10 stored documents")
    app.close(detach=True)

    from quaero_desktop.app import build_app

    reopened = build_app(data_dir)
    try:
        job = reopened.jobs.get(job_id)
        assert job.status == JobStatus.INTERRUPTED
        assert job.progress.running == 0
        stored_before = {d.url for d in reopened.documents.list(job_id=job_id)}
        hits_before = {url: site.hits(url.split(str(site.port), 1)[1]) for url in stored_before}
        reopened.crawls.resume(job_id).result(30)
        assert reopened.crawls.wait(job_id).result(120) == JobStatus.COMPLETED
        job = reopened.jobs.get(job_id)
        documents = reopened.documents.list(job_id=job_id)
        assert job.progress.total == 60 and job.progress.completed == 60
        assert job.document_count == len(documents) == 60
        # Nothing stored before the stop was fetched again.
        assert all(site.hits(url.split(str(site.port), 1)[1]) == hits_before[url] for url in stored_before)
    finally:
        reopened.close(detach=False)


def test_a_resumed_crawl_gets_what_is_left_of_its_timeout_not_a_fresh_one(app, fresh_site, data_dir):
    site = fresh_site
    engine = app.engine()
    starts = [site.url(f"/slow?ms=1500&n={i}") for i in range(12)]  # 18 s of pages, one at a time
    submitted = time.monotonic()
    job_id = engine.submit(make_definition(starts, max_depth=0, concurrency=1, timeout="8s")).result(30)
    wait_until(lambda: app.jobs.get(job_id).document_count >= 2, 60, "2 stored documents")
    app.close(detach=True)
    first_run_wall = time.monotonic() - submitted

    from quaero_desktop.app import build_app

    reopened = build_app(data_dir)
    try:
        first = reopened.jobs.get(job_id)
        spent = first.crawl_seconds
        assert first.status == JobStatus.INTERRUPTED  # stopped by the quit, not by its timeout
        # Two 1.5 s pages were crawled before the stop, and no more time was counted than passed.
        assert 2.5 <= spent <= first_run_wall
        reopened.crawls.resume(job_id).result(30)
        assert reopened.crawls.wait(job_id).result(60) == JobStatus.FAILED
        job = reopened.jobs.get(job_id)
        assert "timed out after 8s of crawling" in job.error and "resumed" in job.error
        assert job.crawl_seconds >= 8
        # The resumed run got the rest of the 8 s (plus the time to stop), not 8 s again: a fresh
        # budget would make this run alone last at least 8 s.
        assert job.crawl_seconds - spent < 8
        assert job.progress.pending == job.progress.running == 0
    finally:
        reopened.close(detach=False)
