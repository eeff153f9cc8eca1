"""The crawl's account in auto and browser mode: XML-declared pages read, images skipped as not HTML, a
session's changing breadcrumbs never sending a site to the browser, and a lost login stopping the crawl."""

from __future__ import annotations

import pytest

from quaero_desktop.domain.job import JobStatus, PageResult, SkipReason, StoppedBy
from tests.conftest import crawl, make_definition
from tests.login_support import netscape_cookies
from tests.testsite.manual import CHAPTERS
from tests.testsite.wiki import PAGES

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("render", ["auto", "browser"])
def test_a_manual_of_xml_declared_pages_and_an_image_are_each_accounted_for(app, fresh_site, render):
    site = fresh_site
    starts = [site.url("/manual/index.html"), site.url("/files/diagram.png")]
    job = crawl(app, make_definition(starts, include_patterns=["/manual/", "/files/"], render=render))
    assert job.status == JobStatus.COMPLETED, job.error
    assert (job.progress.cancelled, job.progress.pending, job.progress.failed) == (0, 0, 0)
    stored = {d.url.rsplit("/", 1)[1]: app.documents.get(d.id) for d in app.documents.list(job_id=job.id)}
    assert set(stored) == set(CHAPTERS)
    assert all(phrase in stored[name].markdown for name, (_t, phrase, _l) in CHAPTERS.items())
    image = {c.url: c for c in app.jobs.children(job.id)}[site.url("/files/diagram.png")]
    assert (image.result, image.reason, image.error) == (PageResult.SKIPPED, SkipReason.NOT_HTML, None)
    assert dict(job.progress.skipped_by) == {"not_html": 1}


@pytest.mark.keyring
def test_a_wikis_changing_trace_sends_nothing_to_the_browser_and_a_lost_login_stops_auto_mode(
    app, fresh_site, tmp_path
):
    site = fresh_site
    export = tmp_path / "cookies.txt"
    export.write_text(netscape_cookies(site.create_session("alice")))
    app.logins.import_file("wiki-auto", export)
    definition = make_definition(
        [site.wiki_url("start")], auth_id="wiki-auto", include_patterns=["/wiki/"], max_depth=3, render="auto"
    )
    job = crawl(app, definition)
    assert job.status == JobStatus.COMPLETED, job.error
    assert {d.url for d in app.documents.list(job_id=job.id)} == {site.wiki_url(page_id) for page_id in PAGES}
    logs = [entry.message for entry in app.jobs.logs(job.id)]
    assert not any("to the browser for the rest of the crawl" in message for message in logs), logs

    site.expire_sessions_after(3)
    lost = crawl(app, definition)
    assert (lost.status, lost.stopped_by) == (JobStatus.FAILED, StoppedBy.LOGIN_EXPIRED)
    assert "the login 'wiki-auto' has expired" in (lost.error or "")
    assert not any("Permission Denied" in app.documents.get(d.id).markdown for d in app.documents.list())
    app.logins.delete("wiki-auto")
