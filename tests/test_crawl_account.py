"""What a crawl tells: what cut it short and the URLs it left, where each page was found, retrying
only the failed pages, connection errors in words, and "starting browser…" (issue 11)."""

from __future__ import annotations

import io
import json
import socket
from contextlib import redirect_stderr, redirect_stdout

import pytest

from quaero_desktop.cli.main import main
from quaero_desktop.domain.job import JobStatus, StoppedBy
from quaero_desktop.engine.events import CrawlPhase, JobProgress, Phase
from tests.conftest import crawl, make_definition

pytestmark = pytest.mark.browser  # every test crawls the test site with Chromium


def test_max_pages_and_max_depth_say_they_stopped_the_crawl_and_count_the_urls_left(app, fresh_site):
    phases: list = []
    app.engine().events.subscribe(lambda e: phases.append(e) if isinstance(e, (CrawlPhase, JobProgress)) else None)
    # render = "browser": the browser starts before any page ("auto" starts it only if a page needs it).
    by_pages = crawl(
        app, make_definition([fresh_site.url("/big/")], include_patterns=["/big/"], max_pages=5, render="browser")
    )
    assert by_pages.status == JobStatus.COMPLETED and by_pages.progress.completed == 5
    # /big/ and 4 of its 10 sections fit; 6 sections and the 4 sections' 100 leaves were left.
    assert (by_pages.stopped_by, by_pages.urls_left) == (StoppedBy.MAX_PAGES, 106)
    assert isinstance(phases[0], CrawlPhase) and phases[0].phase == Phase.STARTING_BROWSER  # before any count

    calendar = make_definition([fresh_site.url("/calendar/2026/01")], include_patterns=["/calendar/"], max_depth=1)
    by_depth = crawl(app, calendar)
    assert (by_depth.stopped_by, by_depth.urls_left) == (StoppedBy.MAX_DEPTH, 2)  # 2025/11 and 2026/03
    children = {c.url: c for c in app.jobs.children(by_depth.id)}
    assert children[fresh_site.url("/calendar/2025/12")].found_on == fresh_site.url("/calendar/2026/01")
    assert children[fresh_site.url("/calendar/2026/01")].found_on is None  # the start URL

    whole = crawl(app, make_definition([fresh_site.url("/docs/reference")], max_depth=0, follow_links=False))
    assert (whole.stopped_by, whole.urls_left) == (None, 0)

    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        assert main(["--data-dir", str(app.data_dir), "jobs", "show", by_depth.id, "--json"]) == 0
    shown = json.loads(out.getvalue())
    assert (shown["stopped_by"], shown["urls_left"]) == ("max_depth", 2)
    assert {c["url"]: c["found_on"] for c in shown["children"]}[fresh_site.url("/calendar/2026/02")] == (
        fresh_site.url("/calendar/2026/01")
    )


def test_retry_failed_pages_fetches_only_the_failed_ones(app, fresh_site):
    site = fresh_site
    site.start_outage("north")
    site.start_outage("south")
    starts = [site.url("/outage/north"), site.url("/docs/guide"), site.url("/outage/south")]
    job = crawl(app, make_definition(starts, max_depth=0))
    assert (job.progress.completed, job.progress.failed) == (1, 2)
    failed = {c.url: c.error for c in app.jobs.children(job.id) if c.status == JobStatus.FAILED}
    assert set(failed) == {starts[0], starts[2]} and all("503" in e for e in failed.values())
    guide_hits = site.hits("/docs/guide")
    site.end_outage("north")
    site.end_outage("south")

    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        code = main(["--data-dir", str(app.data_dir), "jobs", "retry-failed", job.id[:6], "--json"])
    assert code == 0
    summary = json.loads(out.getvalue())
    assert (summary["status"], summary["pages_completed"], summary["pages_failed"]) == ("completed", 3, 0)
    assert summary["documents"] == 3 and summary["stopped_by"] == "max_depth"  # their links lead further
    assert site.hits("/docs/guide") == guide_hits  # the page that worked was not fetched again
    assert site.hits("/outage/north") == 3 + 1 and site.hits("/outage/south") == 3 + 1  # 3 tries, then the retry

    with redirect_stdout(io.StringIO()), redirect_stderr(err := io.StringIO()):
        assert main(["--data-dir", str(app.data_dir), "jobs", "retry-failed", job.id]) == 1
    assert "has no failed pages: nothing to retry" in err.getvalue()


def test_a_refused_connection_reads_as_people_say_it_with_the_browser_code_kept(app):
    with socket.socket() as probe:  # a port nothing listens on (any more)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    job = crawl(app, make_definition([f"http://127.0.0.1:{port}/"], max_depth=0))
    (page,) = app.jobs.children(job.id)
    assert page.error == (
        f"the site refused the connection — is it running? (net::ERR_CONNECTION_REFUSED at http://127.0.0.1:{port}/)"
    )
    assert "the site refused the connection — is it running?" in job.error
