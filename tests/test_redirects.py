"""Redirects a crawl must end, tell apart and keep on its site (issue 21, item 5), crawled from the test
site's /redirects/ pages over HTTP and in the browser: each page ends stored, failed with an error a
person can read, or skipped with the reason, in both modes alike."""

from __future__ import annotations

import pytest

from quaero_desktop.crawler.connection_errors import keeps_navigating, too_many_redirects
from quaero_desktop.domain.job import JobStatus, PageResult, SkipReason
from quaero_desktop.domain.long_urls import short_url
from tests.conftest import crawl, make_definition
from tests.login_support import netscape_cookies
from tests.testsite.redirects import FAR_QUERY_CHARS, OTHER_PORT_URL

_MODES = ["http", pytest.param("browser", marks=pytest.mark.browser)]


def _pages(app, job) -> dict[str, object]:
    return {child.url.split("/redirects/", 1)[-1]: child for child in app.jobs.children(job.id)}


@pytest.mark.parametrize("render", _MODES)
def test_a_redirect_loop_is_told_from_a_long_chain(app, fresh_site, render):
    site = fresh_site
    start = [site.url(f"/redirects/{path}") for path in ("loop/a", "chain/0", "chain/31", "landed")]
    job = crawl(app, make_definition(start, render=render, follow_links=False))
    assert job.status == JobStatus.COMPLETED, job.error
    pages = _pages(app, job)
    loop = pages["loop/a"]
    assert loop.status == JobStatus.FAILED
    a, b = site.url("/redirects/loop/a"), site.url("/redirects/loop/b")
    assert loop.error == f"the site redirects in a loop: {a} → {b} → {a}"
    chain = pages["chain/0"]
    assert chain.status == JobStatus.FAILED
    first, last = site.url("/redirects/chain/0"), site.url("/redirects/chain/19")
    assert chain.error == f"too many redirects: 20 without reaching a page ({first} → … → {last})"
    assert site.hits("/redirects/chain/20") == 0  # the 20th redirect is not followed, as in the browser
    # 19 redirects are followed: the page is stored where it landed.
    assert pages["chain/31"].status == JobStatus.COMPLETED and pages["chain/31"].result == PageResult.DOCUMENT
    stored = {document.url for document in app.documents.list()}
    assert stored == {site.url("/redirects/chain/50"), site.url("/redirects/landed")}


@pytest.mark.parametrize("render", _MODES)
def test_a_redirect_off_the_site_is_noted_and_not_stored(app, fresh_site, render):
    site = fresh_site
    include = ["/redirects/(off-site|off-address|landed|other-port)", "/docs/$"]
    start = [site.url("/redirects/"), site.url("/redirects/other-port")]
    job = crawl(app, make_definition(start, render=render, max_depth=1, include_patterns=include))
    assert job.status == JobStatus.COMPLETED, job.error
    pages = _pages(app, job)
    # A link to the same host on another port: another site, not crawled.
    assert OTHER_PORT_URL not in {child.url for child in app.jobs.children(job.id)}
    # Another host name (the same server: it would answer) and another address (where nothing answers).
    for page, other_site in (
        ("off-site", site.other_host_url("")),
        ("off-address", site.url("").replace(".1:", ".2:")),
    ):
        target = f"{other_site}/redirects/landed"
        assert (pages[page].status, pages[page].result) == (JobStatus.COMPLETED, PageResult.SKIPPED), pages[page].error
        assert pages[page].note == f"redirected to {target}, which is out of scope (other site: {other_site})"
    stored = {document.url for document in app.documents.list()}
    assert stored == {site.url(f"/redirects/{path}") for path in ("", "other-port", "landed")}
    assert site.hits("/redirects/landed", host="localhost") == 0  # the off-site hop is not even asked for


@pytest.mark.parametrize("render", _MODES)
def test_a_long_url_a_redirect_leads_to_is_cut_in_its_note(app, fresh_site, render):
    site = fresh_site
    job = crawl(app, make_definition([site.url("/redirects/off-site-far")], render=render, follow_links=False))
    (page,) = app.jobs.children(job.id)
    assert page.result == PageResult.SKIPPED
    target = site.other_host_url("/redirects/landed?q=" + "a" * FAR_QUERY_CHARS)
    assert (
        page.note == f"redirected to {short_url(target)}, which is out of scope (other site: {site.other_host_url('')})"
    )
    assert len(page.note) < 500


@pytest.mark.parametrize("render", _MODES)
def test_a_redirect_to_no_web_page_fails_its_page_in_words(app, fresh_site, render):
    site = fresh_site
    start = [site.url(f"/redirects/{path}") for path in ("mailto", "no-url", "landed")]
    job = crawl(app, make_definition(start, render=render, follow_links=False))
    assert job.status == JobStatus.COMPLETED, job.error
    pages = _pages(app, job)
    assert pages["mailto"].status == JobStatus.FAILED
    assert pages["mailto"].error == (
        "the site redirects to an address that is not a web page: mailto:someone@example.com"
    )
    assert pages["no-url"].status == JobStatus.FAILED  # not stored as the redirect's own few words
    assert pages["no-url"].error.startswith("the site redirects to an address that is not valid")
    assert {document.url for document in app.documents.list()} == {site.url("/redirects/landed")}


@pytest.mark.keyring
def test_a_logged_in_crawl_follows_a_redirect_off_the_site_to_where_it_ends(app, fresh_site, tmp_path):
    site = fresh_site
    export = tmp_path / "cookies.txt"
    export.write_text(netscape_cookies(site.create_session("alice")))
    app.logins.import_file("site", export)
    start = [site.url("/private/"), site.url("/redirects/sso")]
    job = crawl(app, make_definition(start, auth_id="site", render="http", follow_links=False))
    sso = _pages(app, job)["sso"]
    # Followed to the sign-in page, as a browser would: the login watch tells it apart (not "out of scope").
    assert (sso.result, sso.reason) == (PageResult.SKIPPED, SkipReason.LOGIN_FORM), sso.note
    assert site.url("/redirects/landed") not in {document.url for document in app.documents.list()}
    app.logins.delete("site")


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["refresh", "script"])
def test_a_page_that_keeps_sending_the_browser_on_fails_with_the_loop(app, fresh_site, kind):
    site = fresh_site
    start = site.url(f"/redirects/{kind}/a")
    job = crawl(app, make_definition([start, site.url("/redirects/landed")], render="browser", follow_links=False))
    assert job.status == JobStatus.COMPLETED, job.error
    pages = _pages(app, job)
    looping = pages[f"{kind}/a"]
    assert looping.status == JobStatus.FAILED
    a, b = start, site.url(f"/redirects/{kind}/b")
    assert looping.error == f"the page keeps sending the browser on (meta refresh or script): {a} → {b} → {a}"
    assert site.hits(f"/redirects/{kind}/a") + site.hits(f"/redirects/{kind}/b") <= 6  # a few loads, not hundreds
    assert pages["landed"].status == JobStatus.COMPLETED  # the tab goes on with the next page
    assert {document.url for document in app.documents.list()} == {site.url("/redirects/landed")}


def test_the_words_for_redirects_and_navigations():
    hops = [f"https://example.com/{n}" for n in range(20)]
    assert too_many_redirects(hops) == (
        "too many redirects: 20 without reaching a page (https://example.com/0 → … → https://example.com/19)"
    )
    looped = ["https://example.com/start", "https://example.com/a", "https://example.com/b", "https://example.com/a"]
    assert too_many_redirects(looped) == (
        "the site redirects in a loop: https://example.com/a → https://example.com/b → https://example.com/a"
    )
    long = "https://example.com/?q=" + "x" * 5000
    assert too_many_redirects([long, long]) == f"the site redirects in a loop: {short_url(long)} → {short_url(long)}"
    assert keeps_navigating(["https://example.com/a", "https://example.com/b", "https://example.com/c"]) == (
        "the page keeps sending the browser on (meta refresh or script): "
        "https://example.com/a → https://example.com/b → https://example.com/c"
    )
