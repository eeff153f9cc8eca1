"""The crawl controls end to end, real Chromium against the test site: robots.txt, the user agent and
headers, the delay between requests, Retry-After, and a proxy whose login lives in the keyring.

Each holds on both ways a crawl fetches: ``auto`` (the HTTP client, the browser for samples) and
``browser`` (every request from Chromium)."""

from __future__ import annotations

import itertools

import pytest

from quaero_desktop.domain.crawl_defaults import ProxyLogin
from quaero_desktop.domain.job import JobStatus, PageResult
from tests.conftest import crawl, make_definition
from tests.testsite.polite import RETRY_AFTER_S, ROBOTS_AGENT
from tests.testsite.proxy import TestProxy

pytestmark = pytest.mark.browser

DELAY_S = 0.2
SLACK_S = 0.05  # the site sees a request a little after the browser starts it


@pytest.mark.parametrize("render", ["auto", "browser"])
def test_robots_agent_headers_delay_and_retry_after(app, fresh_site, render):
    site = fresh_site
    definition = make_definition(
        [site.url("/polite/")],
        render=render,
        include_patterns=["/polite/", "/limited/"],
        max_depth=1,
        concurrency=3,
        request_delay=f"{DELAY_S * 1000:g}ms",
        user_agent=f"{ROBOTS_AGENT}/1.0 (+https://example.com/bot)",
        headers={"X-Team": "docs", "Accept-Language": "fr"},
    )
    job = crawl(app, definition)

    assert job.status == JobStatus.COMPLETED
    pages = {c.url.removeprefix(site.base_url): c for c in app.jobs.children(job.id)}
    for path in ("/polite/hidden/secret", "/polite/agent-only"):  # the * group and the agent's own group
        assert pages[path].result == PageResult.SKIPPED and site.hits(path) == 0
        assert pages[path].note == f"not crawled: disallowed by {site.url('/robots.txt')}"
    assert pages["/polite/open"].result == PageResult.DOCUMENT
    log = [entry.message for entry in app.jobs.logs(job.id)]
    assert f"skipped {site.url('/polite/agent-only')}: not crawled: disallowed by {site.url('/robots.txt')}" in log

    seen = site.requests("/")
    assert seen[0].path == "/robots.txt"  # read first, the way pages are read
    assert {r.headers.get("user-agent") for r in seen} == {definition.user_agent}
    assert {(r.headers.get("x-team"), r.headers.get("accept-language")) for r in seen} == {("docs", "fr")}
    # One host: requests spaced across the 3 workers. The spacing is kept where the browser starts each
    # request; its arrival here drifts by the browser's latency on a busy machine, so the typical gap is
    # held to the delay and a near-simultaneous pair allowed once (without the delay, three workers
    # send their requests together: most gaps would be near zero).
    gaps = sorted(b.at - a.at for a, b in itertools.pairwise(seen))
    assert gaps[len(gaps) // 2] >= DELAY_S * 0.75 and sum(gap < DELAY_S / 4 for gap in gaps) <= 1, gaps

    for number in (1, 2, 3):  # the first answer was 429 with Retry-After: 1
        first, second = site.requests(f"/limited/{number}")
        assert second.at - first.at >= RETRY_AFTER_S - SLACK_S
        assert pages[f"/limited/{number}"].result == PageResult.DOCUMENT
    assert job.progress.failed == 0


def test_robots_txt_can_be_ignored(app, fresh_site):
    job = crawl(app, make_definition([fresh_site.url("/polite/hidden/secret")], max_depth=0, obey_robots_txt=False))
    assert job.document_count == 1 and fresh_site.hits("/polite/hidden/secret") == 1
    assert fresh_site.hits("/robots.txt") == 0


@pytest.mark.keyring
@pytest.mark.parametrize("render", ["auto", "browser"])
def test_a_proxy_carries_every_request_with_its_login_from_the_keyring(app, fresh_site, render):
    password = "pr0xy-s3cret-pass"
    with TestProxy(login=("ada", password)) as proxy:
        app.proxy_logins.save(proxy.url, ProxyLogin("ada", password))
        try:
            definition = make_definition([fresh_site.url("/polite/open")], max_depth=0, proxy=proxy.url, render=render)
            job = crawl(app, definition)
        finally:
            app.proxy_logins.delete(proxy.url)
        seen, proxy_url = proxy.seen(), proxy.url
    assert job.status == JobStatus.COMPLETED and job.document_count == 1
    assert ("GET", fresh_site.url("/robots.txt"), "ada") in seen  # robots.txt goes the pages' way
    assert ("GET", fresh_site.url("/polite/open"), "ada") in seen
    stored = (app.data_dir / "quaero.db").read_bytes() + b"".join(
        p.read_bytes() for p in app.data_dir.glob("quaero.db-wal")
    )
    assert password.encode() not in stored  # the login never reaches the database
    assert any(f"proxy {proxy_url} as ada" in e.message for e in app.jobs.logs(job.id))
