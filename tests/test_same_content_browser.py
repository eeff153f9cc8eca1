"""A hash-routed documentation app (the test site's /docsapp/, as docsify renders one) stores each page once:
the routes to a page's own headings are anchors of it, never fetched; the routes that render a stored
page again (another page's heading, an API reference's tag) are its aliases."""

from __future__ import annotations

import pytest

from quaero_desktop.domain.job import JobStatus, PageResult, SkipReason
from tests.conftest import crawl, make_definition
from tests.testsite.duplicates import DOC_PAGES, DOCSAPP_DOCUMENTS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("render", ["browser", "auto"])
def test_a_docs_app_stores_each_page_once_with_its_other_routes_as_aliases(app, fresh_site, render):
    site = fresh_site
    definition = make_definition([site.url("/docsapp/")], include_patterns=["/docsapp/"], max_depth=2, render=render)
    for run in ("first", "again"):
        job = crawl(app, definition)
        assert job.status == JobStatus.COMPLETED, job.error
        documents = {d.url.removeprefix(site.base_url): d for d in app.documents.list()}
        assert {url: tuple(a.removeprefix(site.base_url) for a in d.aliases) for url, d in documents.items()} == (
            DOCSAPP_DOCUMENTS
        ), run
        for name, (title, phrase, _sections) in DOC_PAGES.items():
            document = app.documents.get(documents["/docsapp/" + (f"#/{name}" if name else "")].id)
            assert document.title == title and phrase in document.markdown

        children = {c.url.removeprefix(site.base_url): c for c in app.jobs.children(job.id)}
        aliases = {alias for found in DOCSAPP_DOCUMENTS.values() for alias in found}
        assert set(children) == set(DOCSAPP_DOCUMENTS) | aliases, run  # nothing else fetched
        for alias in aliases:
            assert (children[alias].result, children[alias].reason) == (PageResult.DUPLICATE, SkipReason.SAME_CONTENT)
            assert (children[alias].note or "").startswith("same as "), alias
        assert (job.document_count, job.progress.duplicates, job.progress.failed) == (4, len(aliases), 0), run
        assert dict(job.progress.skipped_by) == {"same_content": len(aliases)}
