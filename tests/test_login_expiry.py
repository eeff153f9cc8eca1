"""A wiki behind a login, crawled as a user would (the test site's DokuWiki imitation, tests/testsite/wiki.py):
every page stored once, no action page, a lost login noticed and never stored, an unchanged re-crawl
with nothing changed, a deleted page gone, and the noise a crawl that ignores the site's signals stores.

render = "http" (no browser: the guard fails these tests if one starts); the saved logins live in the
real Secret Service, as a user's do."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from urllib.parse import unquote

import pytest

from quaero_desktop.cli.main import main
from quaero_desktop.domain.job import JobStatus, PageResult, SkipReason, StoppedBy
from quaero_desktop.engine.run.page_recorder import AUTH_REQUIRED
from tests.conftest import crawl, make_definition
from tests.login_support import netscape_cookies
from tests.testsite.wiki import PAGES

pytestmark = pytest.mark.keyring


@pytest.fixture
def wiki_login(app, fresh_site, tmp_path):
    """Capture (import) a working login as "wiki"; call it again for a new capture."""

    def capture() -> None:
        export = tmp_path / "cookies.txt"
        export.write_text(netscape_cookies(fresh_site.create_session("alice")))
        app.logins.import_file("wiki", export)

    capture()
    yield capture
    app.logins.delete("wiki")


def _wiki(site, **fields):
    values = {"max_depth": 3, "include_patterns": ["/wiki/"], "render": "http", "auth_id": "wiki", **fields}
    return make_definition([site.wiki_url("start")], **values)


def _stored(app, job) -> dict[str, str]:
    return {d.url: app.documents.get(d.id).markdown for d in app.documents.list(job_id=job.id)}


def _cli_json(app, *args: str) -> tuple[int, dict]:
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        code = main(["--data-dir", str(app.data_dir), *args, "--json"])
    return code, json.loads(out.getvalue())


def test_a_wiki_is_stored_page_by_page_once_without_its_action_pages(app, fresh_site, wiki_login):
    site = fresh_site
    job = crawl(app, _wiki(site))
    assert job.status == JobStatus.COMPLETED, job.error
    stored = _stored(app, job)
    assert set(stored) == {site.wiki_url(page_id) for page_id in PAGES}
    for page_id, (_title, phrase, _links) in PAGES.items():
        assert phrase in stored[site.wiki_url(page_id)]
        assert "Trace" not in stored[site.wiki_url(page_id)]  # the session's breadcrumbs are chrome
    requested = [unquote(r.query) for r in site.requests("/wiki/")]
    # Every action link is rel="nofollow": none was requested, nor the missing page; one check of a made-up
    # page; and the start page's canonical URL, the wiki's root, which redirects back to it (stored there).
    pages = [f"id={page_id}" for page_id in PAGES]
    assert sorted(q for q in requested if "quaeroprobe" not in q) == sorted(["", "id=start", *pages])
    assert job.progress.total == len(PAGES) + 1
    assert job.progress.account_text == "duplicates: canonical URL crawled instead 1"

    again = crawl(app, _wiki(site))  # the trace differs on every page: the stored content does not
    assert (again.progress.new, again.progress.changed, again.progress.unchanged) == (0, 0, len(PAGES))

    site.remove_wiki_page("guide")  # it answers 200 "This page does not exist anymore" now
    third = crawl(app, _wiki(site))
    guide = {c.url: c for c in app.jobs.children(third.id)}[site.wiki_url("guide")]
    assert (guide.result, guide.change) == (PageResult.GONE, "gone") and "not found" in (guide.note or "")
    assert app.documents.get_by_url(site.wiki_url("guide")).gone
    assert third.progress.gone == 1 and third.document_count == len(PAGES) - 1


def test_an_expired_login_stops_the_crawl_stores_no_form_and_resumes_after_a_new_capture(
    app, fresh_site, wiki_login, tmp_path
):
    site = fresh_site
    first = crawl(app, _wiki(site))
    before = _stored(app, first)
    assert len(before) == len(PAGES)

    site.expire_sessions_after(2)  # the third wiki request finds the session gone
    definition = tmp_path / "wiki.toml"
    definition.write_text(
        f'id = "test-crawl"\nname = "Test crawl"\nstart_urls = ["{site.wiki_url("start")}"]\n'
        f'auth_id = "wiki"\nmax_depth = 3\ninclude_patterns = ["/wiki/"]\nrender = "http"\nconcurrency = 1\n',
        encoding="utf-8",
    )
    code, summary = _cli_json(app, "run", str(definition))
    assert code == 1 and (summary["status"], summary["stopped_by"]) == ("failed", "login_expired")
    assert summary["error"].startswith("the login 'wiki' has expired — capture it again, then resume the job (")
    assert summary["pages_pending"] >= 1 and summary["pages_cancelled"] == 0 and summary["documents"] <= 2
    after = {d.url: app.documents.get(d.id).markdown for d in app.documents.list()}
    assert after == before  # no login form stored, nothing good replaced
    assert not any("Permission Denied" in markdown for markdown in after.values())
    job = app.jobs.get(summary["job_id"])
    assert job.stopped_by_text.startswith("stopped: the login expired; ")

    wiki_login()  # a new capture of the same login
    code, resumed = _cli_json(app, "jobs", "resume", job.id)
    assert code == 0 and resumed["status"] == "completed" and resumed["stopped_by"] is None
    assert resumed["documents"] == len(PAGES) and resumed["pages_total"] == len(PAGES) + 1  # and the root
    assert (resumed["pages_cancelled"], resumed["pages_pending"]) == (0, 0)


def test_a_page_the_account_may_not_see_fails_alone_and_a_sign_in_page_is_not_stored(app, fresh_site, tmp_path):
    site = fresh_site
    export = tmp_path / "cookies.txt"
    export.write_text(netscape_cookies(site.create_session("alice")))
    app.logins.import_file("site", export)
    definition = make_definition(
        [site.url("/private/"), site.url("/private/staff-only"), site.url("/login")],
        auth_id="site",
        max_depth=0,
        render="http",
    )
    job = crawl(app, definition)
    assert job.status == JobStatus.COMPLETED and job.stopped_by != StoppedBy.LOGIN_EXPIRED  # the login works
    children = {c.url: c for c in app.jobs.children(job.id)}
    assert children[site.url("/private/staff-only")].error == AUTH_REQUIRED  # 403 for this account only
    sign_in = children[site.url("/login")]
    assert (sign_in.result, sign_in.reason) == (PageResult.SKIPPED, SkipReason.LOGIN_FORM)
    assert {d.url for d in app.documents.list(job_id=job.id)} == {site.url("/private/")}
    app.logins.delete("site")


def test_without_a_login_a_wiki_stores_no_login_form(app, fresh_site):
    site = fresh_site
    job = crawl(app, _wiki(site, auth_id=""))
    assert job.status == JobStatus.COMPLETED and job.document_count == 0
    (start,) = app.jobs.children(job.id)
    assert (start.result, start.reason, start.status) == (
        PageResult.SKIPPED,
        SkipReason.LOGIN_FORM,
        JobStatus.COMPLETED,
    )
    assert job.progress.account_text == "skipped: login form 1"


def test_a_crawl_that_ignores_the_signals_stores_noise_and_is_told_how_to_leave_it_out(app, fresh_site, wiki_login):
    site = fresh_site
    job = crawl(app, _wiki(site, obey_nofollow=False, obey_noindex=False, max_pages=500))
    assert job.status == JobStatus.COMPLETED, job.error
    (noise, *_rest) = app.jobs.noise(job.id)
    assert noise.label == "do=" and noise.exclude_pattern == "[?&]do="
    assert noise.documents > len(PAGES) and noise.text.endswith("documents come from URLs with do=")
    roadmap = {c.url: c for c in app.jobs.children(job.id)}[site.wiki_url("roadmap")]
    assert (roadmap.result, roadmap.reason) == (PageResult.SKIPPED, SkipReason.NOT_FOUND)  # a soft 404, learned
    code, shown = _cli_json(app, "jobs", "show", job.id)
    assert code == 0 and shown["noise"][0]["exclude_pattern"] == "[?&]do="
    excluded = crawl(app, _wiki(site, obey_nofollow=False, obey_noindex=False, exclude_patterns=["[?&]do="]))
    assert {d.url for d in app.documents.list(job_id=excluded.id)} == {site.wiki_url(page_id) for page_id in PAGES}
    assert app.jobs.noise(excluded.id) == []


def test_the_definitions_markers_decide_when_it_has_them(app, fresh_site, wiki_login):
    """With a logged-in marker, a page without it means the login is gone: no probe needed."""
    site = fresh_site
    job = crawl(app, _wiki(site, logged_in_selector="#dokuwiki__usertools .user", max_depth=1))
    assert job.status == JobStatus.COMPLETED and job.stopped_by != StoppedBy.LOGIN_EXPIRED
    site.end_sessions()
    lost = crawl(app, _wiki(site, logged_in_selector="#dokuwiki__usertools .user", max_depth=1))
    assert (lost.status, lost.stopped_by) == (JobStatus.FAILED, StoppedBy.LOGIN_EXPIRED)
    assert "shows the definition's logged-out marker" in (lost.error or "")
