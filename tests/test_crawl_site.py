"""Real crawls of the local test website with real Chromium and a real SQLite file."""

from __future__ import annotations

import pytest

from quaero_desktop.domain.job import JobStatus, PageResult
from quaero_desktop.store import documents_repo
from tests.conftest import crawl, make_definition

pytestmark = pytest.mark.browser  # every test crawls the test site

HOME_DOCUMENT_PATHS = {
    "/",
    "/docs/getting-started",
    "/docs/guide",
    "/docs/reference",
    "/js-page",
    "/docs/moved-target",  # /redirect-old lands here
    "/flaky",  # after two 503s
    "/slow",
    "/calendar/2026/01",
    "/search?q=kept",
}


def test_crawl_from_home_stores_exactly_the_reachable_html_pages(app, fresh_site):
    site = fresh_site
    job = crawl(app, make_definition([site.url("/")], max_depth=1, concurrency=4))

    assert job.status == JobStatus.COMPLETED, job.error
    documents = app.documents.list(job_id=job.id)
    assert {d.url for d in documents} == {site.url(p) for p in HOME_DOCUMENT_PATHS}
    # Lesson 3: the parent's atomic count, the rows and the progress agree exactly.
    assert job.document_count == len(documents) == job.progress.documents == 10
    assert (job.progress.completed, job.progress.failed, job.progress.pending, job.progress.running) == (12, 2, 0, 0)
    assert job.progress.text == "0 pending, 0 running, 12 completed, 2 failed"

    children = {c.url: c for c in app.jobs.children(job.id)}
    assert len(children) == 14
    assert children[site.url("/missing")].status == JobStatus.FAILED
    assert children[site.url("/missing")].error == "HTTP 404 Not Found"
    assert children[site.url("/error-500")].error == "HTTP 500 Internal Server Error"
    assert children[site.url("/error-500")].attempts == 1  # retries happen inside one attempt at the page
    pdf = children[site.url("/files/manual.pdf")]
    assert (pdf.status, pdf.result, pdf.content_type) == (JobStatus.COMPLETED, PageResult.SKIPPED, "application/pdf")
    png = children[site.url("/files/diagram.png")]
    assert (png.result, png.content_type) == (PageResult.SKIPPED, "image/png")
    assert children[site.url("/flaky")].status == JobStatus.COMPLETED
    assert all(c.depth == (0 if c.url == site.url("/") else 1) for c in children.values())

    # Traps never fetched: logout links, other hosts, and no URL was fetched twice by accident.
    assert site.hits("/account/logout") == 0
    assert site.hits("/elsewhere", host="localhost") == 0
    assert site.hits("/missing") == 1  # a 404 is final
    assert site.hits("/error-500") == 3  # 500 is retried twice
    assert site.hits("/flaky") == 3
    assert site.hits("/docs/guide") == 1
    # Resource blocking: the guide's image is never requested as a sub-resource (only the one page visit).
    assert site.hits("/files/diagram.png") == 1


def test_documents_hold_clean_markdown_and_metadata(app, fresh_site):
    site = fresh_site
    crawl(app, make_definition([site.url("/")], max_depth=1, concurrency=4))
    with app.database.read() as conn:
        guide = documents_repo.get_by_url(conn, site.url("/docs/guide"))
        js_page = documents_repo.get_by_url(conn, site.url("/js-page"))
        moved = documents_repo.get_by_url(conn, site.url("/docs/moved-target"))
    assert guide.markdown.startswith("# The Guide\n")
    assert "marzipan lighthouse" in guide.markdown
    assert "biscuit consent" not in guide.markdown  # the cookie banner is dropped
    assert "```python" in guide.markdown
    assert "| " in guide.markdown  # the table survives as a Markdown table
    assert guide.description and guide.canonical_url == site.url("/docs/guide")
    assert guide.language == "en" and guide.http_status == 200 and len(guide.content_hash) == 64
    # JavaScript-rendered content is captured.
    assert js_page.markdown.startswith("# Rendered By JavaScript")
    assert "velvet hummingbird" in js_page.markdown
    # The redirect's document is keyed by where it landed.
    assert moved.final_url == site.url("/docs/moved-target") and "relocated walrus" in moved.markdown


def test_breadth_first_depth_limit_on_an_endless_calendar(app, fresh_site):
    site = fresh_site
    job = crawl(
        app,
        make_definition([site.url("/calendar/2026/01")], max_depth=3, concurrency=4, include_patterns=["/calendar/"]),
    )
    months = ["2025/10", "2025/11", "2025/12", "2026/01", "2026/02", "2026/03", "2026/04"]
    assert {d.url for d in app.documents.list(job_id=job.id)} == {site.url(f"/calendar/{m}") for m in months}
    depths = {c.url.rsplit("/calendar/", 1)[1]: c.depth for c in app.jobs.children(job.id)}
    assert depths == {"2026/01": 0, "2025/12": 1, "2026/02": 1, "2025/11": 2, "2026/03": 2, "2025/10": 3, "2026/04": 3}


def test_max_pages_caps_the_whole_crawl(app, fresh_site):
    site = fresh_site
    job = crawl(
        app,
        make_definition(
            [site.url("/calendar/2026/01")], max_depth=100, max_pages=5, concurrency=3, include_patterns=["/calendar/"]
        ),
    )
    assert job.status == JobStatus.COMPLETED
    assert job.progress.total == 5 and job.document_count == 5
    expected = {"2026/01", "2025/12", "2026/02", "2025/11", "2026/03"}
    assert {d.url.rsplit("/calendar/", 1)[1] for d in app.documents.list(job_id=job.id)} == expected


def test_include_and_exclude_patterns(app, fresh_site):
    site = fresh_site
    definition = make_definition(
        [site.url("/")], max_depth=1, include_patterns=["/docs/"], exclude_patterns=["guide$"], concurrency=2
    )
    job = crawl(app, definition)
    urls = {d.url for d in app.documents.list(job_id=job.id)}
    assert urls == {site.url("/"), site.url("/docs/getting-started"), site.url("/docs/reference")}
    assert site.hits("/docs/guide") == 0


def test_same_domain_off_follows_other_hosts_and_default_excludes_can_be_disabled(app, fresh_site):
    site = fresh_site
    definition = make_definition(
        [site.url("/")],
        max_depth=1,
        same_domain=False,
        use_default_excludes=False,
        include_patterns=["elsewhere", "logout", r"127\.0\.0\.1:\d+/$"],
    )
    job = crawl(app, definition)
    assert site.hits("/elsewhere", host="localhost") == 1
    assert site.hits("/account/logout") == 1
    urls = {d.url for d in app.documents.list(job_id=job.id)}
    assert site.other_host_url("/elsewhere") in urls


def test_a_recrawl_updates_documents_and_never_duplicates_them(app, fresh_site):
    site = fresh_site
    definition = make_definition([site.url("/docs/guide")], max_depth=1, concurrency=2)
    first = crawl(app, definition)
    before = {d.url: d for d in app.documents.list()}
    second = crawl(app, definition)
    after = {d.url: d for d in app.documents.list()}
    assert before.keys() == after.keys()
    assert second.document_count == first.document_count == len(after)
    assert {d.job_id for d in after.values()} == {second.id}
    with app.database.read() as conn:
        guide = documents_repo.get_by_url(conn, site.url("/docs/guide"))
    assert guide.first_crawled_at < guide.last_crawled_at


def test_start_url_unreachable_fails_the_crawl_with_the_reason(app):
    job = crawl(app, make_definition(["http://127.0.0.1:9/"], max_depth=1))
    assert job.status == JobStatus.FAILED
    assert "start URL unreachable" in job.error and "127.0.0.1:9" in job.error


def test_one_failing_page_does_not_fail_the_crawl(app, fresh_site):
    job = crawl(app, make_definition([fresh_site.url("/docs/reference"), fresh_site.url("/missing")], max_depth=0))
    assert job.status == JobStatus.COMPLETED
    assert (job.progress.completed, job.progress.failed) == (1, 1)


def test_whole_job_timeout_fails_the_crawl_and_cancels_what_is_left(app, fresh_site):
    site = fresh_site
    definition = make_definition([site.url("/slow?ms=8000")], timeout="1s", max_depth=0)
    job = crawl(app, definition)
    assert job.status == JobStatus.FAILED
    assert "timed out after 1s" in job.error
    assert job.progress.cancelled == 1 and job.progress.running == 0 and job.progress.pending == 0
