"""A definition's content rules (content_selector, exclude_selectors) in every conversion of a crawl: the
stored page (a real crawl of the test site over HTTP: no browser, the guard fails the test if one
starts), a re-crawl after the rules changed, auto mode's comparison of a page's HTML and its rendering,
and the soft-404 template. The editor's preview: tests/test_page_preview.py."""

from __future__ import annotations

import asyncio

from quaero_desktop.crawler.converted_page import NO_RULES, ContentRules
from quaero_desktop.crawler.fetched import FetchedPage
from quaero_desktop.crawler.sources import AutoSource
from quaero_desktop.domain.definition import RenderMode
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.engine.run.not_found_pages import NotFoundPages
from quaero_desktop.engine.run.prepared_page import converted_with, stored_source_hash
from tests.conftest import crawl, make_definition

RULES = {
    "content_selector": "main > ol, main > dl",  # the guide's steps, the reference's terms; getting-started has neither
    "exclude_selectors": ["ul ul", 'a[href$="/docs/guide"]'],
}


def _docs(site, **fields):
    return make_definition([site.url("/docs/guide")], max_depth=1, include_patterns=["/docs/"], render="http", **fields)


def _stored(app, site) -> dict[str, str]:
    documents = (app.documents.get(summary.id) for summary in app.documents.list())
    return {document.url.removeprefix(site.base_url): document.markdown for document in documents}


def test_a_crawl_stores_what_the_content_rules_keep_and_converts_again_when_they_change(app, fresh_site):
    site = fresh_site
    job = crawl(app, _docs(site, **RULES))
    assert job.status == JobStatus.COMPLETED, job.error
    stored = _stored(app, site)
    assert set(stored) == {"/docs/guide", "/docs/reference", "/docs/getting-started"}
    guide = stored["/docs/guide"]
    assert guide.startswith("# The Guide\n")  # the page's title still heads its document
    assert "Choose the start page" in guide and "Search the results" in guide  # the root: the list of steps
    assert "marzipan lighthouse" not in guide and "workers" not in guide  # outside the root
    assert "Depth first" not in guide  # left out: ul ul
    reference = stored["/docs/reference"]
    assert "Frontier" in reference and "quartz tortoise almanac" not in reference
    started = stored["/docs/getting-started"]  # no match for the root: the page's own choice, less what is left out
    assert "zebra-striped flamingo" in started and "[reference](" in started and "[guide](" not in started

    again = crawl(app, _docs(site, **RULES))  # the same rules: nothing converted again
    assert (again.progress.unchanged, again.progress.changed) == (3, 0)
    assert _stored(app, site) == stored

    plain = crawl(app, _docs(site))  # the same bytes (a 304 would say so), other rules: converted again
    assert (plain.progress.unchanged, plain.progress.changed) == (0, 3)
    assert "marzipan lighthouse" in _stored(app, site)["/docs/guide"]
    assert "[guide](" in _stored(app, site)["/docs/getting-started"]


def test_the_stored_source_hash_says_which_rules_converted_the_page():
    rules = ContentRules("article", (".ad",))
    assert stored_source_hash("abc", NO_RULES) == "abc"  # as before rules existed
    marked = stored_source_hash("abc", rules)
    assert marked.startswith("abc+") and marked != stored_source_hash("abc", ContentRules("article"))
    assert converted_with(marked, rules) and not converted_with(marked, NO_RULES)
    assert converted_with("abc", NO_RULES) and not converted_with("abc", rules)
    assert stored_source_hash("", rules) == ""  # a page the browser rendered keeps no hash


def _page(url: str, html: str, rendered_by: RenderMode = RenderMode.HTTP) -> FetchedPage:
    return FetchedPage(url, url, 200, "text/html", "", "", "", "", False, [], html, rendered_by=rendered_by)


COMMENTS = " ".join(f"reader{number} says thanks" for number in range(20))


def test_auto_mode_compares_the_html_and_the_rendering_as_they_would_be_stored():
    url = "http://docs.example.com/page"
    article = "<main><h1>Page</h1><p>" + "The page's own words. " * 30 + "</p></main>"
    http_page = _page(url, f"<html><body>{article}</body></html>")
    rendered = _page(url, f"<html><body>{article}<div class='comments'>{COMMENTS}</div></body></html>")

    def source(rules: ContentRules) -> AutoSource:
        return AutoSource(
            None,  # type: ignore[arg-type]  # the comparison fetches nothing
            None,  # type: ignore[arg-type]
            None,  # type: ignore[arg-type]
            checking_tab=None,  # type: ignore[arg-type]
            scope_links=lambda links, _base: links,
            on_switch=lambda _reason: None,
            rules=rules,
        )

    more_words = asyncio.run(source(ContentRules(content_selector="body"))._difference(http_page, rendered))
    assert more_words is not None
    comments_left_out = asyncio.run(source(ContentRules("body", (".comments",)))._difference(http_page, rendered))
    assert comments_left_out is None  # left out anyway


def test_the_soft_404_template_is_read_with_the_crawls_rules():
    wiki = "http://wiki.example.com/wiki/"
    chrome = "<div class='promo'>" + " ".join(f"offer{number}" for number in range(30)) + "</div>"
    not_found = f"<html><body><div id='content'><h1>No such page</h1><p>Nothing here.</p></div>{chrome}</body></html>"

    async def probe(url: str) -> object:
        return _page(url, not_found)

    async def gone_page_matches(rules: ContentRules) -> bool:
        pages = NotFoundPages(probe, [wiki + "start"], normalise=lambda url: url, rules=rules)
        await pages.matches(wiki + "boats", "# Boats\n\nA page about the harbour's boats.\n")  # a real page
        return await pages.matches(wiki + "gone", "# No such page\n\nNothing here.\n")  # stored with the rules

    assert asyncio.run(gone_page_matches(ContentRules(content_selector="#content")))
    assert not asyncio.run(gone_page_matches(NO_RULES))  # a template with the page's chrome is not this page
