"""JavaScript applications crawled faithfully (real Chromium, the test site's /app/ pages).

Pages that render by timer, by animation frame, from a slow ``import()`` chunk, inside open shadow
roots, inside a same-origin frame, and by hash route are crawled again and again while the CPU is
busy: every run must store every page with its content and follow every rendered link.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from quaero_desktop.app import App
from quaero_desktop.domain.job import Job, JobStatus, PageResult
from quaero_desktop.engine.run.page_recorder import RENDERED_EMPTY
from quaero_desktop.store import documents_repo
from tests.conftest import cli, crawl, make_definition, write_definition
from tests.testsite import TestSite
from tests.testsite.apps import CRAWL_FROM_INDEX

pytestmark = pytest.mark.browser

RUNS = 20
CPU_HOGS = 2  # busy processes beside the crawl: as many as the CI machine has cores

EXPECTED = CRAWL_FROM_INDEX


@pytest.fixture
def cpu_hog() -> Iterator[None]:
    """Busy-loop processes competing with the browser for the CPU, killed afterwards."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(CPU_HOGS)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def app_definition(site: TestSite, **fields: object):
    return make_definition(
        [site.url("/app/")], id="js-apps", max_depth=3, concurrency=4, include_patterns=["/app/"], **fields
    )


def lost_pages(app: App, job: Job, site: TestSite) -> list[str]:
    """The expected pages this crawl did not store with their rendered content ([] when none)."""
    with app.database.read() as conn:
        stored = {path: documents_repo.get_by_url(conn, site.url(path)) for path in EXPECTED}
    lost = []
    for path, phrases in EXPECTED.items():
        document = stored[path]
        if document is None or document.job_id != job.id:
            lost.append(f"{path} (not stored)")
        elif missing := [phrase for phrase in phrases if phrase not in document.markdown]:
            lost.append(f"{path} (without {', '.join(missing)})")
    return lost


def test_js_apps_render_completely_in_every_run_under_cpu_load(app, fresh_site, cpu_hog):
    site = fresh_site
    losses: dict[int, list[str]] = {}
    for run in range(1, RUNS + 1):
        job = crawl(app, app_definition(site))
        assert job.status == JobStatus.COMPLETED, job.error
        if lost := lost_pages(app, job, site):
            losses[run] = lost
            continue
        documents = {d.url for d in app.documents.list(job_id=job.id)}
        assert documents == {site.url(path) for path in EXPECTED}, f"run {run}"
        assert job.document_count == len(EXPECTED) and job.progress.failed == 0
        assert job.progress.rendered_empty == 0, f"run {run}"
    lost_total = sum(len(lost) for lost in losses.values())
    assert not losses, f"{len(losses)} of {RUNS} runs lost {lost_total} of {RUNS * len(EXPECTED)} pages: " + "; ".join(
        f"run {run}: {', '.join(lost)}" for run, lost in losses.items()
    )


def test_frames_from_other_sites_are_left_out_and_noted(app, fresh_site):
    site = fresh_site
    job = crawl(app, make_definition([site.url("/app/frame")], max_depth=1, include_patterns=["/app/"]))
    children = {c.url: c for c in app.jobs.children(job.id)}
    page = children[site.url("/app/frame")]
    assert page.result == PageResult.DOCUMENT
    assert page.note == f"left out 1 cross-origin frame: {site.other_host_url('/app/frame-foreign')}"
    with app.database.read() as conn:
        markdown = documents_repo.get_by_url(conn, site.url("/app/frame")).markdown
    assert "framed nightingale" in markdown and "Smuggled marmalade" not in markdown
    # The same-origin frame's link was followed; the cross-origin frame's never was.
    assert set(children) == {site.url("/app/frame"), site.url("/app/leaf/frame")}
    assert site.hits("/app/leaf/foreign", host="localhost") == 0


def test_hash_routes_can_be_turned_off(app, fresh_site):
    site = fresh_site
    job = crawl(app, make_definition([site.url("/app/hash/")], max_depth=2, keep_hash_routes=False))
    assert [d.url for d in app.documents.list(job_id=job.id)] == [site.url("/app/hash/")]


def test_an_app_that_never_renders_is_stored_with_a_note_and_the_crawl_says_so(tmp_path, data_dir, fresh_site):
    site = fresh_site
    definition = write_definition(
        tmp_path / "never.toml",
        f'id = "never"\nname = "Never"\nstart_urls = ["{site.url("/app/never")}"]\ntimeout = "2m"\n',
    )
    result = cli("run", str(definition), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    said = "1 page rendered empty (the app did not finish rendering)"
    assert said in result.stdout
    assert f"warning: stored {site.url('/app/never')} as it was: {RENDERED_EMPTY}" in result.stderr
    assert "1 documents, 1 rendered empty" in result.stderr  # the progress line

    job_id = result.stdout.split()[1]
    shown = cli("jobs", "show", job_id, data_dir=data_dir)
    assert said in shown.stdout and RENDERED_EMPTY in shown.stdout
    assert f"warning {said}" in " ".join(shown.stdout.split())  # the job log's summary line
    details = cli("jobs", "show", job_id, "--json", data_dir=data_dir, check_json=True).stdout
    assert '"rendered_empty": 1' in details and '"rendered_empty": true' in details
