"""The HTTP fast path against the browser, for real (real Chromium, the test site, real SQLite)."""

from __future__ import annotations

import pytest

from quaero_desktop.app import build_app
from quaero_desktop.domain.job import JobStatus
from tests.conftest import crawl, make_definition
from tests.testsite import hydrate
from tests.testsite.apps import CRAWL_FROM_INDEX
from tests.testsite.hydrate import MIXED_STATIC

pytestmark = pytest.mark.browser


def test_static_pages_give_the_same_markdown_over_http_and_in_the_browser(tmp_path, fresh_site):
    site = fresh_site
    markdown: dict[str, dict[str, tuple[str, str]]] = {}
    for render in ("browser", "http"):
        app = build_app(tmp_path / render)
        try:
            definition = make_definition(
                [site.url("/"), site.url("/big/s1/")],
                max_depth=1,
                exclude_patterns=["/slow", "/flaky", "/error-500", "/calendar/"],
                render=render,
            )
            job = crawl(app, definition)
            assert job.status == JobStatus.COMPLETED, job.error
            markdown[render] = {
                d.url: (app.documents.get(d.id).title, app.documents.get(d.id).markdown)
                for d in app.documents.list(job_id=job.id)
            }
        finally:
            app.close(detach=False)
    static = set(markdown["browser"]) - {site.url("/js-page")}
    assert len(static) > 30 and set(markdown["http"]) == set(markdown["browser"])
    for url in sorted(static):
        assert markdown["http"][url] == markdown["browser"][url], url


def test_auto_renders_the_pages_that_need_javascript_and_loses_none(app, fresh_site):
    site = fresh_site
    job = crawl(app, make_definition([site.url("/app/")], max_depth=3, include_patterns=["/app/"], render="auto"))
    stored = {d.url: app.documents.get(d.id).markdown for d in app.documents.list(job_id=job.id)}
    assert set(stored) == {site.url(path) for path in CRAWL_FROM_INDEX}
    for path, phrases in CRAWL_FROM_INDEX.items():
        for phrase in phrases:
            assert phrase in stored[site.url(path)], (path, phrase)
    assert "smuggled marmalade" not in stored[site.url("/app/frame")]  # the cross-origin frame stays out
    assert site.hits("/app/timer") == 1  # rendered from the bytes the HTTP fetch got: not fetched twice


def test_pages_that_differ_in_the_browser_switch_their_kind_to_it(app, fresh_site):
    site = fresh_site
    job = crawl(app, make_definition([site.url("/hydrate/")], max_depth=2, include_patterns=["/hydrate/"]))
    urls = {d.url for d in app.documents.list(job_id=job.id)}
    extras = {site.url(f"/hydrate/extra-{name}") for name in ("index", *hydrate.NAMES)}
    assert extras <= urls  # every page only the rendered view links to
    switched = [e.message for e in app.jobs.logs(job.id) if "to the browser for the rest of the crawl" in e.message]
    assert len(switched) == 1 and "link(s) only the browser shows" in switched[0]
    assert switched[0].startswith(f"switched the pages under {site.url('/hydrate/')} to the browser")
    page = app.documents.get_by_url(site.url("/hydrate/a"))
    assert "orchard telescope" in page.markdown
    # Pages stored from their HTML while the first checks were open were read again, and counted once.
    assert job.document_count == job.progress.documents == job.progress.new == len(urls) == 10
    assert job.progress.completed == 10 and job.progress.changed == 0


def test_auto_sends_a_kind_of_page_to_the_browser_not_its_whole_host(app, fresh_site):
    """Issue 20: a host's script-built pages go to the browser; its static pages stay on HTTP, and a
    meta refresh stub is followed like a redirect, not taken for a page that needs the browser."""
    site = fresh_site
    definition = make_definition([site.url("/hydrate/mixed/")], max_depth=3, include_patterns=["/hydrate/mixed/"])
    job = crawl(app, definition)
    assert job.status == JobStatus.COMPLETED, job.error
    stored = {d.url: app.documents.get(d.id).markdown for d in app.documents.list(job_id=job.id)}
    for name in hydrate.NAMES:  # every page only the rendered app pages link to
        assert f"mixed-extra-{name}" in stored[site.url(f"/hydrate/mixed/app/extra-{name}")]
        assert "orchard telescope" in stored[site.url(f"/hydrate/mixed/app/{name}")]
    assert "Static-p9 words" in stored[site.url("/hydrate/mixed/static/p9")]  # only the stub sends there
    for name in MIXED_STATIC:
        assert f"Static-{name} words" in stored[site.url(f"/hydrate/mixed/static/{name}")]
    switched = [e.message for e in app.jobs.logs(job.id) if "to the browser for the rest of the crawl" in e.message]
    assert len(switched) == 1, switched
    assert switched[0].startswith(f"switched the pages under {site.url('/hydrate/mixed/app/')} to the browser")
    # Only a browser asks for a static page's stylesheet: they were read over HTTP, none rendered.
    rendered = [name for name in (*MIXED_STATIC, "p9") if site.hits(f"/hydrate/mixed/style-{name}.css")]
    assert rendered == []
