"""Auto mode starts no browser for pages nothing could change once loaded (issue 20, item 2).

Not marked ``browser``: launching Chromium fails these tests (tests/guards.py), in this process and
its children."""

from __future__ import annotations

from quaero_desktop.domain.job import JobStatus
from tests.conftest import crawl, make_definition


def test_an_auto_crawl_of_pages_without_scripts_never_starts_the_browser(app, fresh_site):
    """A browser shows a script-free page's HTML as it is: auto mode has no sample of it to compare,
    and a static site costs no Chromium (its samples held ~1 GB)."""
    site = fresh_site
    definition = make_definition([site.url("/big/s1/")], max_depth=1, include_patterns=["/big/s1/"], render="auto")
    job = crawl(app, definition)
    assert job.status == JobStatus.COMPLETED, job.error
    assert job.document_count > 5
    assert "bigtoken-1-2" in app.documents.get_by_url(site.url("/big/s1/p2")).markdown
