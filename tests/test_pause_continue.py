"""Pausing a crawl and continuing it, with the real engine over HTTP on the test site's large area.

Pause lets the pages being fetched finish and keeps the others pending; Continue (a resume) carries
on from there, so every page is fetched exactly once. A paused job is not a failure, nor a crawl
left at quit: the next start does not continue it by itself.
"""

from __future__ import annotations

import pytest

from quaero_desktop.domain.errors import ConflictError
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.store import jobs_repo
from tests.conftest import make_definition
from tests.testsite.big import big_paths
from tests.waiting import wait_until

SECTION = "/big/s1/"  # the section page and its 25 leaves (stay_under_start_path keeps the crawl there)
SECTION_PATHS = sorted(path for path in big_paths(240) if path.startswith(SECTION))


# SQLite only: on a team store (PostgreSQL) crawls run on the team's workers, which do not pause
# (tests/test_team_crawl.py: a pause is refused in words; cancel and resume go on where it stopped).


def big_section_crawl(site):
    """26 pages, paced (request_delay) so that a pause lands mid-crawl."""
    return make_definition(
        [site.url(SECTION)],
        id="big-section",
        name="Big section",
        stay_under_start_path=True,
        request_delay="150ms",
        concurrency=2,
        render="http",
    )


def test_pause_keeps_the_pages_and_continue_finishes_fetching_none_twice(app, fresh_site):
    """Slow pages (1 s each, two at a time): the pause comes while pages are being fetched."""
    queries = [f"ms=1000&n={n}" for n in range(10)]
    definition = make_definition([fresh_site.url(f"/slow?{q}") for q in queries], max_depth=0, concurrency=2)
    crawls = app.crawls
    job_id = crawls.submit(definition).result(30)
    wait_until(lambda: app.jobs.get(job_id).progress.completed >= 1, what="a page stored")
    assert crawls.pause(job_id).result(30) is None
    assert crawls.wait(job_id).result(60) == JobStatus.PAUSED

    paused = app.jobs.get(job_id)
    progress = paused.progress
    assert paused.status == JobStatus.PAUSED and not paused.resume_on_start  # not continued at the next start
    assert paused.error is not None and paused.error.startswith("paused by the user")
    assert progress.completed >= 2 and progress.pending > 0  # the pages being fetched were stored; the rest wait
    assert progress.running == progress.cancelled == progress.failed == 0
    assert app.documents.count() == paused.document_count == progress.completed
    with app.database.read() as conn:
        assert jobs_repo.owner_of(conn, job_id)[0] is None  # nobody runs it: Continue may start it anywhere

    assert crawls.resume(job_id).result(30) == job_id  # what Continue does
    assert crawls.wait(job_id).result(120) == JobStatus.COMPLETED
    done = app.jobs.get(job_id)
    assert (done.progress.completed, done.progress.failed, done.progress.cancelled) == (10, 0, 0)
    assert app.documents.count() == done.document_count == 10
    pages = [request.query for request in fresh_site.requests("/slow") if "quaeroprobe" not in request.query]
    fetched = sorted(pages)  # not the site's not-found check each run makes (a made-up URL)
    assert fetched == sorted(queries)  # each page fetched once: none again after the pause


def test_only_a_crawl_running_here_can_be_paused(app):
    with pytest.raises(ConflictError, match="not running in this program"):
        app.crawls.pause("nope").result(10)
