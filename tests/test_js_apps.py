"""JavaScript applications crawled faithfully (real Chromium, the test site's /app/ pages).

Pages that render by timer, by animation frame, from a slow ``import()`` chunk, inside open shadow
roots, inside a same-origin frame, and by hash route are crawled again and again while the CPU is
busy: every run must store every page with its content and follow every rendered link. So must an
app that paints its frame first and loads its data afterwards (/app/ledger/), and one whose data
never comes is stored "rendered incomplete", after one more try.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from quaero_desktop.app import App
from quaero_desktop.domain.job import Job, JobStatus, PageResult
from quaero_desktop.engine.run.page_recorder import RENDERED_EMPTY, RENDERED_INCOMPLETE
from quaero_desktop.store import documents_repo
from tests.conftest import cli, crawl, make_definition, write_definition
from tests.testsite import TestSite
from tests.testsite.apps import CRAWL_FROM_INDEX
from tests.testsite.ledger import CRAWL_FROM_LEDGER

pytestmark = pytest.mark.browser

RUNS = 20
LEDGER_RUNS = 50
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


def lost_pages(
    app: App, job: Job, site: TestSite, expected: dict[str, tuple[str, ...]] = EXPECTED, base_url: str = ""
) -> list[str]:
    """The expected pages this crawl did not store with their rendered content ([] when none).
    ``base_url``: where the crawl ran (default: the site's own)."""
    base_url = base_url or site.base_url
    with app.database.read() as conn:
        stored = {path: documents_repo.get_by_url(conn, base_url + path) for path in expected}
    lost = []
    for path, phrases in expected.items():
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


def test_an_app_that_paints_its_frame_first_is_stored_with_its_data_in_every_run_under_cpu_load(
    app, fresh_site, cpu_hog
):
    """The ledger's views paint a frame (skip link, heading, an aria-busy "Loading…" skeleton) and get
    their data afterwards: after the first paint, with its body late, after a retry beyond the timers
    the crawler waits for, from a worker. Read as the frame, the start page would end the crawl."""
    # Four crawls at a time, each on its own origin (so each stores its own documents): sixteen tabs and
    # two CPU hogs on the machine's two cores. The 50 crawls took 68 s so, 164 s two at a time.
    with TestSite() as other:
        origins = (fresh_site.base_url, fresh_site.other_host_url(""), other.base_url, other.other_host_url(""))
        losses: dict[str, list[str]] = {}
        engine = app.engine()
        for run in range(1, -(-LEDGER_RUNS // len(origins)) + 1):
            lanes = origins[: LEDGER_RUNS - (run - 1) * len(origins)]
            job_ids = [
                engine.submit(
                    make_definition(
                        [origin + "/app/ledger/"],
                        id=f"ledger-{lane}",
                        max_depth=2,
                        concurrency=4,
                        include_patterns=["/app/ledger/"],
                    )
                ).result(120)
                for lane, origin in enumerate(lanes)
            ]
            for lane, (origin, job_id) in enumerate(zip(lanes, job_ids, strict=True)):
                engine.wait(job_id).result(120)
                job = app.jobs.get(job_id)
                assert job.status == JobStatus.COMPLETED, job.error
                if lost := lost_pages(app, job, fresh_site, CRAWL_FROM_LEDGER, origin):
                    losses[f"{run}{'abcd'[lane]}"] = lost
                    continue
                assert job.document_count == len(CRAWL_FROM_LEDGER) and job.progress.failed == 0, f"run {run}"
                assert job.progress.rendered_incomplete == 0 and job.progress.rendered_empty == 0, f"run {run}"
    lost_total = sum(len(lost) for lost in losses.values())
    total = LEDGER_RUNS * len(CRAWL_FROM_LEDGER)
    assert not losses, f"{len(losses)} of {LEDGER_RUNS} crawls lost {lost_total} of {total} pages: " + "; ".join(
        f"crawl {run}: {', '.join(lost)}" for run, lost in losses.items()
    )


def test_an_app_whose_data_never_comes_is_stored_rendered_incomplete_after_one_more_try(tmp_path, data_dir, fresh_site):
    site = fresh_site
    url = site.url("/app/ledger/stuck")
    definition = write_definition(
        tmp_path / "stuck.toml", f'id = "stuck"\nname = "Stuck"\nstart_urls = ["{url}"]\ntimeout = "2m"\n'
    )
    result = cli("run", str(definition), "--json", data_dir=data_dir, check_json=True)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["status"] == "completed" and summary["documents"] == 1
    assert (summary["pages_rendered_incomplete"], summary["pages_rendered_empty"]) == (1, 0)
    note = f"{RENDERED_INCOMPLETE} (the app was still loading its data: a region marked aria-busy still shown)"
    assert f"warning: stored {url} as it was: {note}" in result.stderr
    assert "1 documents, 1 rendered incomplete" in result.stderr  # the progress line
    assert site.hits("/app/ledger/stuck") == 2  # tried once more, no more

    shown = cli("jobs", "show", summary["job_id"], data_dir=data_dir)
    said = "1 page rendered incomplete (the app was still loading its data, also when tried again)"
    assert said in shown.stdout and RENDERED_INCOMPLETE in shown.stdout
    log = " ".join(shown.stdout.split())
    assert f"info retrying {url} once (rendered incomplete: a region marked aria-busy still shown)" in log
    assert f"warning {said}" in log  # the job log's summary line
    details = json.loads(cli("jobs", "show", summary["job_id"], "--json", data_dir=data_dir).stdout)
    assert details["progress"]["rendered_incomplete"] == 1
    [page] = details["children"]
    assert page["rendered_incomplete"] is True and page["rendered_empty"] is False and page["note"] == note


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
