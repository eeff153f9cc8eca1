"""What hostile or broken servers send (issue 21, item 5), crawled from the test site (over HTTP, and in the
browser where it reads the page itself): each page ends stored, or failed with an error a person can read,
and the crawl goes on. Redirects and pages that send the browser on: test_redirects.py."""

from __future__ import annotations

import pytest

from quaero_desktop.crawler.browser.load_errors import navigation_error, read_error
from quaero_desktop.crawler.fetched import looks_binary
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.domain.long_urls import short_url, shorten_urls
from tests.conftest import crawl, make_definition
from tests.testsite.hostile import LONG_URL_CHARS


@pytest.mark.parametrize("render", ["http", pytest.param("browser", marks=pytest.mark.browser)])
def test_binary_served_as_html_fails_its_page_with_a_clear_error(app, fresh_site, render):
    start = fresh_site.url("/hostile/")
    job = crawl(app, make_definition([start], render=render, max_depth=1, include_patterns=["/hostile/"]))
    assert job.status == JobStatus.COMPLETED, job.error
    pages = {child.url.rsplit("/", 1)[-1]: child for child in app.jobs.children(job.id)}
    binary = pages["binary"]
    assert binary.status == JobStatus.FAILED
    assert binary.error == "the page is not text: the server calls it text/html but sends binary data"
    assert pages["fine"].status == JobStatus.COMPLETED  # the crawl went on
    assert {document.url.rsplit("/", 1)[-1] for document in app.documents.list()} == {"", "fine"}


def test_text_of_any_encoding_is_not_binary():
    page = "<html><body><p>Grüße — 東京</p></body></html>"
    for encoding in ("utf-8", "latin-1", "utf-16", "cp1252"):
        assert not looks_binary(page.encode(encoding, errors="replace")), encoding
    assert looks_binary(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 10)
    assert looks_binary(bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 100)  # control characters, no NUL


def test_a_hostile_long_url_is_cut_wherever_it_is_said(app, fresh_site):
    start = fresh_site.url("/hostile/long-url")
    job = crawl(app, make_definition([start], render="http", max_depth=1, include_patterns=["/hostile/"]))
    (far,) = [child for child in app.jobs.children(job.id) if "/far?" in child.url]
    assert len(far.url) > LONG_URL_CHARS  # the page is crawled under its own URL: only what is said about it is cut
    assert far.status == JobStatus.FAILED and far.error
    assert len(far.error) < 1000 and "characters)" in far.error
    lines = [entry.message for entry in app.jobs.logs(job.id)]
    assert any("/far?" in line for line in lines)
    assert max(len(line) for line in lines) < 1000


def test_short_urls_and_the_text_around_them_are_kept():
    long = "https://example.com/a?q=" + "x" * 5000
    assert shorten_urls(f"failed {long}: refused") == f"failed {short_url(long)}: refused"
    assert short_url(long).endswith("… (5,024 characters)") and len(short_url(long)) < 300
    text = "see https://example.com/page, then " + "words " * 100
    assert shorten_urls(text) == text


def test_the_browsers_failures_are_said_in_words_not_playwrights():
    url = "http://127.0.0.1:9/page"
    refused = navigation_error(f"page.goto: net::ERR_CONNECTION_REFUSED at {url}\nCall log:\n  - navigating to", url)
    assert str(refused) == f"the site refused the connection — is it running? (net::ERR_CONNECTION_REFUSED at {url})"
    assert not refused.retryable
    closed = navigation_error("page.goto: Target page, context or browser has been closed", url)
    assert str(closed) == "the browser tab closed or crashed while the page loaded" and closed.retryable
    assert (
        str(read_error("page.evaluate: Target crashed")) == "the browser tab closed or crashed while the page was read"
    )
    invalid = navigation_error("page.goto: Protocol error (Page.navigate): Cannot navigate to invalid URL", url)
    assert str(invalid) == f"the browser cannot load this address: {url}"
    error_page = (
        f'page.goto: Navigation to "{url}" is interrupted by another navigation to "chrome-error://chromewebdata/"'
    )
    assert str(navigation_error(error_page, url)) == "the browser could not load the page (another load took its place)"
    long = "http://example.com/?q=" + "x" * 5000
    unknown = read_error(f"page.evaluate: Something new at {long}\nCall log:\n  - waiting")
    assert str(unknown) == f"could not read the page in the browser (Something new at {short_url(long)})"
