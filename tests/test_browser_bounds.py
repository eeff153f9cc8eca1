"""The page-size bound in browser mode: a 60 MB page, a gzip bomb and a DOM its script makes huge
each fail with the HTTP path's message, and the crawl completes the other pages."""

from __future__ import annotations

import pytest

from quaero_desktop.crawler.fetched import page_too_large
from quaero_desktop.domain.job import JobStatus
from tests.conftest import crawl, make_definition

pytestmark = pytest.mark.browser

TOO_LARGE = "the page is larger than 50 MB"


def test_pages_over_the_size_bound_fail_alone_in_browser_mode(app, fresh_site):
    site = fresh_site
    job = crawl(app, make_definition([site.url("/huge/")], max_depth=1, concurrency=2, render="browser"))

    assert job.status == JobStatus.COMPLETED, job.error
    children = {c.url: c for c in app.jobs.children(job.id)}
    for path in ("/huge/page", "/huge/bomb", "/huge/built"):
        assert (children[site.url(path)].status, children[site.url(path)].error) == (JobStatus.FAILED, TOO_LARGE), path
        assert children[site.url(path)].attempts == 1  # the bound is final, not retried
    assert {d.url for d in app.documents.list(job_id=job.id)} == {site.url("/huge/"), site.url("/huge/fine")}
    assert job.progress.text == "0 pending, 0 running, 2 completed, 3 failed"


def test_the_message_is_the_http_paths():
    assert str(page_too_large()) == TOO_LARGE and not page_too_large().retryable
