"""What a stored news page holds: its story, under its own headline, and none of the page's boilerplate —
for each way real pages placed the story that once lost it or kept the wrong text (tests/testsite/articles.py).
A real crawl over HTTP; the conversion of each page on its own as well, so a failure names its case."""

from __future__ import annotations

import pytest

from quaero_desktop.crawler.markdown import html_to_markdown
from quaero_desktop.domain.job import JobStatus
from tests.conftest import crawl, make_definition
from tests.testsite import articles


def _missed(markdown: str, slug: str) -> tuple[list[str], list[str]]:
    """(story paragraphs not stored, boilerplate stored) for one page's Markdown."""
    flat = " ".join(markdown.split())
    missing = [paragraph[:40] for paragraph in articles.STORIES[slug][1] if paragraph not in flat]
    kept = [text for text in articles.BOILERPLATE if text in flat]
    return missing, kept


@pytest.mark.parametrize("slug", list(articles.STORIES))
def test_a_news_page_converts_to_its_story_alone(slug: str) -> None:
    page = html_to_markdown(articles.article_html(slug), f"http://127.0.0.1/articles/{slug}")
    assert page.title == articles.STORIES[slug][0]
    assert page.markdown.startswith(f"# {page.title}\n")
    assert _missed(page.markdown, slug) == ([], [])


def test_a_crawl_of_news_pages_stores_each_story_and_no_boilerplate(app, fresh_site):
    site = fresh_site
    definition = make_definition([site.url("/articles/")], max_depth=1, include_patterns=["/articles/"], render="http")
    job = crawl(app, definition)
    assert job.status == JobStatus.COMPLETED, job.error
    stored = {
        document.url.removeprefix(site.url("/articles/")): document
        for document in (app.documents.get(summary.id) for summary in app.documents.list())
    }
    assert set(stored) >= set(articles.STORIES)
    shortfalls = {
        slug: (stored[slug].title, *_missed(stored[slug].markdown, slug))
        for slug in articles.STORIES
        if (stored[slug].title, *_missed(stored[slug].markdown, slug)) != (articles.STORIES[slug][0], [], [])
    }
    assert not shortfalls, shortfalls
