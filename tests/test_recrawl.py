"""Incremental re-crawls and render = "http", for real: the test site, a real SQLite file, the real
engine and HTTP client. Not marked ``browser``: the guard (tests/guards.py) fails these tests if a
crawl with render = "http" ever launched Chromium."""

from __future__ import annotations

import json

from quaero_desktop.domain.document import DocumentFilter
from quaero_desktop.domain.job import JobStatus, PageChange, PageResult
from tests.conftest import crawl, make_definition

# What a crawl from / at depth 1 stores over HTTP (/slow left out: it takes 2.5 s).
HOME_PAGES = {
    "/",
    "/docs/getting-started",
    "/docs/guide",
    "/docs/reference",
    "/js-page",
    "/docs/moved-target",
    "/flaky",
    "/calendar/2026/01",
    "/search?q=kept",
}


def _home(site, **fields):
    return make_definition([site.url("/")], max_depth=1, exclude_patterns=["/slow"], render="http", **fields)


def test_http_crawl_never_starts_a_browser_and_behaves_as_the_browser_path(store_app, fresh_site):
    app = store_app  # both stores
    site = fresh_site
    job = crawl(app, _home(site))
    assert job.status == JobStatus.COMPLETED, job.error
    assert {d.url for d in app.documents.list(job_id=job.id)} == {site.url(p) for p in HOME_PAGES}
    assert job.document_count == job.progress.documents == len(HOME_PAGES) == job.progress.new
    children = {c.url: c for c in app.jobs.children(job.id)}
    assert children[site.url("/missing")].error == "HTTP 404 Not Found"
    assert children[site.url("/error-500")].error == "HTTP 500 Internal Server Error"
    pdf = children[site.url("/files/manual.pdf")]
    assert (pdf.result, pdf.content_type, pdf.note) == (
        PageResult.SKIPPED,
        "application/pdf",
        "not HTML (application/pdf): not stored",
    )
    assert children[site.url("/flaky")].status == JobStatus.COMPLETED  # after two 503s, retried
    assert (site.hits("/error-500"), site.hits("/flaky"), site.hits("/docs/guide")) == (3, 3, 1)
    assert site.hits("/account/logout") == 0 and site.hits("/elsewhere", host="localhost") == 0
    js_page = children[site.url("/js-page")]
    assert js_page.rendered_empty and "needs JavaScript (an empty app shell" in (js_page.note or "")
    assert job.progress.rendered_empty == 1
    logs = [entry.message for entry in app.jobs.logs(job.id)]
    assert any("the browser is never started" in message for message in logs)


def test_set_cookie_answers_update_the_cookies_later_requests_carry(store_app, fresh_site):
    app = store_app  # both stores
    site = fresh_site
    job = crawl(
        app, make_definition([site.url("/cookies/set")], max_depth=1, include_patterns=["/cookies/"], render="http")
    )
    shown = app.documents.get_by_url(site.url("/cookies/show"))
    assert job.document_count == 2 and "Cookies received: crumb=oat." in shown.markdown


def test_a_recrawl_asks_conditionally_keeps_unchanged_pages_and_marks_gone_ones(app, fresh_site):
    site = fresh_site
    definition = _home(site).with_changes(exclude_patterns=("/slow", "/flaky", "/error-500"))  # no retry waits
    pages = HOME_PAGES - {"/flaky"}
    first = crawl(app, definition)
    before = {d.url: app.documents.get(d.id) for d in app.documents.list()}

    second = crawl(app, definition)  # nothing changed: every page answers 304
    progress = second.progress
    assert (progress.new, progress.changed, progress.unchanged, progress.gone) == (0, 0, len(pages), 0)
    # Lesson 3: document_count counts the documents the job stored or kept, exactly once each.
    assert second.document_count == first.document_count == len(pages)
    after = {d.url: app.documents.get(d.id) for d in app.documents.list()}
    assert {url: (d.markdown, d.updated_at) for url, d in after.items()} == {
        url: (d.markdown, d.updated_at) for url, d in before.items()
    }  # nothing rewritten, nothing re-indexed
    assert {d.job_id for d in after.values()} == {second.id}
    # Discovery went on from the stored links: the same pages were reached.
    assert len(app.jobs.children(second.id)) == len(app.jobs.children(first.id))

    site.change_page("/docs/guide")
    site.remove_page("/docs/reference")
    third = crawl(app, definition)
    progress = third.progress
    assert (progress.new, progress.changed, progress.unchanged, progress.gone) == (0, 1, len(pages) - 2, 1)
    assert third.document_count == len(pages) - 1  # the gone page is not one of the job's documents
    children = {c.url: c for c in app.jobs.children(third.id)}
    assert children[site.url("/docs/guide")].change == PageChange.CHANGED
    gone_child = children[site.url("/docs/reference")]
    assert (gone_child.status, gone_child.result, gone_child.http_status) == (JobStatus.COMPLETED, PageResult.GONE, 410)
    assert "Revision 1 of this page" in app.documents.get_by_url(site.url("/docs/guide")).markdown

    # Gone: kept, shown as gone, left out of search by default.
    reference = app.documents.get_by_url(site.url("/docs/reference"))
    assert reference.gone and "quartz tortoise almanac" in reference.markdown
    assert app.documents.search("quartz tortoise almanac") == []
    found = app.documents.search("quartz tortoise almanac", where=DocumentFilter(gone=True))
    assert [hit.id for hit in found] == [reference.id] and found[0].gone
    listed = {d.url: d for d in app.documents.list()}
    assert listed[site.url("/docs/reference")].as_json()["gone"] is True
    assert listed[site.url("/docs/guide")].as_json()["gone"] is False


def test_a_page_without_validators_is_kept_when_its_bytes_are_the_same(store_app, fresh_site):
    app = store_app  # both stores
    site = fresh_site
    definition = make_definition([site.url("/docs/getting-started")], max_depth=1, render="http")
    crawl(app, definition)
    with app.database.write() as conn:  # as from a server that sends no ETag or Last-Modified
        conn.exec_driver_sql("UPDATE documents SET etag = '', last_modified = ''")
    hits_before = site.hits("/docs/guide")
    again = crawl(app, definition)
    assert (again.progress.unchanged, again.progress.changed, again.progress.new) == (4, 0, 0)
    assert site.hits("/docs/guide") == hits_before + 1  # fetched in full (no validators), then compared


def test_run_json_and_the_listings_show_the_changes(app, fresh_site, tmp_path, capsys):
    from quaero_desktop.cli.main import main

    site = fresh_site
    path = tmp_path / "docs.toml"
    path.write_text(
        f'id = "docs"\nname = "Docs"\nstart_urls = ["{site.url("/docs/guide")}"]\n'
        'include_patterns = ["/docs/"]\nmax_depth = 1\nrender = "http"\n'
    )
    where = ["--data-dir", str(app.data_dir)]
    app.close(detach=False)  # the command line opens the data directory itself
    assert main(["run", str(path), "--json", *where]) == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["pages_new"], first["pages_unchanged"], first["documents"]) == (3, 0, 3)
    site.remove_page("/docs/reference")
    assert main(["run", str(path), *where]) == 0
    out = capsys.readouterr().out
    assert "pages: 2 unchanged, 1 gone" in out
    assert main(["documents", "list", *where]) == 0
    assert "1 document(s) gone" in capsys.readouterr().out
    assert main(["documents", "list", "--json", *where]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {d["url"]: d["gone"] for d in listed}[site.url("/docs/reference")] is True
