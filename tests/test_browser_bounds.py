"""The page bounds in browser mode: a 60 MB page, gzip bombs (of a comment, of tiny paragraphs), a
page of a million elements and a page whose frame is 60 MB each fail with the HTTP path's message; a
DOM its script makes huge fails when its renderer passes its bound (renderer_guard.py), before it grew
by gigabytes; and the crawl completes the other pages, a long one included."""

from __future__ import annotations

import pytest

from quaero_desktop.crawler.browser.load_errors import page_too_heavy
from quaero_desktop.crawler.fetched import page_too_large, page_too_many_elements
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.store import documents_repo
from tests.conftest import crawl, make_definition

pytestmark = pytest.mark.browser

TOO_LARGE = "the page is larger than 50 MB"
TOO_MANY_ELEMENTS = "the page has more than 100,000 elements"
REFUSED = {
    "/huge/page": TOO_LARGE,
    "/huge/bomb": TOO_LARGE,
    "/huge/dense": TOO_MANY_ELEMENTS,
    "/huge/crowded": TOO_MANY_ELEMENTS,
    "/huge/framed": TOO_LARGE,
    "/huge/built": str(page_too_heavy()),  # "the page grew past 1,024 MB in the browser (…)"
    "/huge/built-elements": TOO_MANY_ELEMENTS,  # built by its script: the settle script counts them
}


def _outcomes(app, job) -> dict[str, tuple[JobStatus, str | None]]:
    return {c.url: (c.status, c.error) for c in app.jobs.children(job.id)}


def test_pages_over_the_bounds_fail_alone_in_browser_mode(app, fresh_site):
    site = fresh_site
    job = crawl(app, make_definition([site.url("/huge/")], max_depth=1, concurrency=2, render="browser"))

    assert job.status == JobStatus.COMPLETED, job.error
    outcomes = _outcomes(app, job)
    assert {path: outcomes[site.url(path)] for path in REFUSED} == {
        path: (JobStatus.FAILED, error) for path, error in REFUSED.items()
    }
    assert all(c.attempts == 1 for c in app.jobs.children(job.id))  # the bounds are final, not retried
    stored = {d.url: d for d in app.documents.list(job_id=job.id)}
    assert set(stored) == {site.url("/huge/"), site.url("/huge/fine"), site.url("/huge/long")}
    with app.database.read() as conn:
        long_page = documents_repo.get_by_url(conn, site.url("/huge/long"))
    assert "Paragraph 19999 of a long page." in long_page.markdown
    assert job.progress.text == "0 pending, 0 running, 3 completed, 7 failed"


def test_the_http_path_refuses_the_same_pages_with_the_same_messages(app, fresh_site):
    site = fresh_site
    job = crawl(app, make_definition([site.url("/huge/")], max_depth=1, concurrency=2, render="http"))

    outcomes = _outcomes(app, job)
    served_whole = ("/huge/framed", "/huge/built", "/huge/built-elements")  # HTTP reads neither frames nor scripts
    assert {path: outcomes[site.url(path)] for path in REFUSED if path not in served_whole} == {
        path: (JobStatus.FAILED, error) for path, error in REFUSED.items() if path not in served_whole
    }


def test_the_messages_are_final():
    assert str(page_too_large()) == TOO_LARGE and not page_too_large().retryable
    assert str(page_too_many_elements()) == TOO_MANY_ELEMENTS and not page_too_many_elements().retryable
