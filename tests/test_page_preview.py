"""The definition editor's preview service (services/page_preview.py) against the test site: the
Markdown a crawl would store with the definition's content rules, its login's cookies, and clear
refusals. The window's side: tests/test_gui_page_preview.py."""

from __future__ import annotations

import socket

import pytest

from quaero_desktop.crawler.converted_page import ContentRules
from quaero_desktop.crawler.markdown import html_to_markdown
from quaero_desktop.domain.credential import Cookie, Credential, CredentialSecret
from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.services.page_preview import PagePreviews, PreviewError, PreviewRequest
from quaero_desktop.settings import AppSettings
from tests.conftest import make_definition
from tests.testsite import TestSite
from tests.testsite_support import fetch


class _Logins:
    def __init__(self, site: TestSite) -> None:
        self.site = site
        self.loaded: list[str] = []

    def load(self, auth_id: str) -> Credential:
        self.loaded.append(auth_id)
        if auth_id != "testsite":
            raise QuaeroError(f"no saved login '{auth_id}'")
        cookie = Cookie(name=TestSite.SESSION_COOKIE, value=self.site.create_session("alice"), domain="127.0.0.1")
        return Credential("testsite", "Test site", "127.0.0.1", self.site.base_url, CredentialSecret(cookies=(cookie,)))


def _previews(site: TestSite) -> tuple[PagePreviews, _Logins]:
    logins = _Logins(site)
    return PagePreviews(lambda: logins, lambda: None, lambda: AppSettings(page_timeout_s=10)), logins  # type: ignore[arg-type,return-value]


def _request(url: str, **fields: object) -> PreviewRequest:
    return PreviewRequest.of(url, make_definition([url], **fields))


def test_the_preview_is_the_markdown_a_crawl_stores_and_new_rules_reuse_the_page(fresh_site):
    site = fresh_site
    previews, _logins = _previews(site)
    url = site.url("/docs/guide")
    rules = {"content_selector": "main > ol", "exclude_selectors": ["ul ul"]}
    preview = previews.preview(_request(url, **rules))
    expected = html_to_markdown(fetch(url)[2], url, ContentRules("main > ol", ("ul ul",))).markdown
    assert preview.markdown == expected and "Choose the start page" in expected and "Depth first" not in expected
    assert preview.url == url and preview.notes == ()

    plain = previews.preview(_request(url))  # other rules, the same page: converted again, not fetched again
    assert "marzipan lighthouse" in plain.markdown and "Depth first" in plain.markdown
    assert site.hits("/docs/guide") == 2  # the preview's one GET, and this test's own

    odd = previews.preview(
        _request(url, content_selector="article.post", exclude_selectors=[".comments", "ol", "#nope"])
    )
    assert odd.notes == (
        "Content root “article.post” matches nothing here: the page's own choice is shown.",
        "Leave out: “.comments”, “#nope” match nothing here.",
    )


def test_the_preview_says_what_it_cannot_show(fresh_site):
    site = fresh_site
    previews, _logins = _previews(site)
    with pytest.raises(PreviewError, match=r"^the site answered HTTP 404 Not Found: a crawl stores nothing for http"):
        previews.preview(_request(site.url("/missing")))
    with pytest.raises(PreviewError, match=r"^not HTML \(application/pdf\): a crawl records it as skipped"):
        previews.preview(_request(site.url("/files/manual.pdf")))
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(PreviewError, match=r"^cannot read http://127\.0\.0\.1:\d+/: the site refused the connection"):
        previews.preview(_request(f"http://127.0.0.1:{port}/"))

    js = previews.preview(_request(site.url("/js-page")))
    assert js.notes[0].startswith("This page needs JavaScript (an empty app shell in its HTML): a crawl renders it")
    http_only = previews.preview(_request(site.url("/js-page"), render="http"))
    assert 'with render = "http" it is stored as its HTML reads' in http_only.notes[0]


def test_the_preview_reads_the_page_with_the_definitions_login(fresh_site):
    site = fresh_site
    previews, logins = _previews(site)
    signed_in = previews.preview(_request(site.url("/whoami"), auth_id="testsite"))
    assert "Signed in as alice" in signed_in.markdown and logins.loaded == ["testsite"]

    logged_out = previews.preview(_request(site.url("/private/")))
    assert logged_out.url.startswith(site.url("/login")) and logged_out.notes[0].startswith("Redirected to ")
    with pytest.raises(PreviewError, match=r"^cannot use the login 'gone': no saved login 'gone'$"):
        previews.preview(_request(site.url("/private/"), auth_id="gone"))
