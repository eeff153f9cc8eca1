"""A sealed login used by a worker (issue 23, items 4 and 5): an engine with no keyring, whose logins are the
store's sealed ones opened with its key file, crawls the test site's private pages logged in; a worker with
another team's key fails the crawl before fetching a page, saying which key the login needs. Over HTTP (the
private pages need no script), so no browser starts."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from quaero_desktop.app import App
from quaero_desktop.domain.job import Job, JobStatus
from quaero_desktop.engine.engine import Engine
from quaero_desktop.engine.settings import EngineSettings
from quaero_desktop.vault.sealed_logins import SealedLogins
from quaero_desktop.vault.team_key import read_key_file
from tests.conftest import make_definition
from tests.sealing_support import found_in, key_file_store, leak_forms, seal_site_login

PRIVATE_PAGES = ["/private/", "/private/report-1", "/private/report-2", "/private/report-3", "/private/admin/settings"]


@pytest.fixture
def worker_crawl(app: App) -> Iterator:
    """Crawl with a worker engine whose logins are the sealed ones, opened with ``key_file``."""
    engines: list[Engine] = []

    def run(key_file: Path, definition) -> Job:
        engine = Engine(app.database, EngineSettings(), logins=SealedLogins(app.database, key_file_store(key_file)))
        engines.append(engine)
        engine.start()
        job_id = engine.submit(definition).result(60)
        engine.wait(job_id).result(120)
        return app.jobs.get(job_id)

    yield run
    for engine in engines:
        engine.shutdown(detach=False)


def test_a_worker_crawls_with_the_sealed_login_and_one_with_another_key_is_told_which(
    app, fresh_site, tmp_path, worker_crawl
):
    session = fresh_site.create_session("alice")
    team_key, other_key, sealed = seal_site_login(app.database, session, tmp_path)
    definition = make_definition(
        [fresh_site.url("/private/")], auth_id="site-login", max_depth=1, render="http", id="private"
    )

    job = worker_crawl(team_key, definition)
    assert job.status == JobStatus.COMPLETED, job.error
    assert job.document_count == len(PRIVATE_PAGES)
    assert "secret-garden-2" in app.documents.get_by_url(fresh_site.url("/private/report-2")).markdown
    assert fresh_site.hits("/login") == 0  # never sent to the login form

    fresh_site.reset_hits()
    refused = worker_crawl(other_key, dataclasses.replace(definition, id="private-2"))
    assert refused.status == JobStatus.FAILED
    assert refused.error == (
        f"cannot use the login 'site-login': the login 'site-login' is sealed with team key {sealed.key_id}, "
        f"this machine has team key {read_key_file(other_key).key_id}: import team key {sealed.key_id} with "
        "`quaero-desktop team-key import --file PATH` (write PATH on a machine that has it with `quaero-desktop "
        "team-key export --file PATH`), or seal the login again with this machine's key (`quaero-desktop auth "
        "seal site-login` where it was saved)"
    )
    assert sum(fresh_site.hit_paths().values()) == 0  # not one page fetched logged out
    for path in app.data_dir.rglob("*"):  # the store, its logs: no session cookie in any form
        if path.is_file():
            assert found_in(path.read_bytes(), leak_forms(session.encode())) == [], path
