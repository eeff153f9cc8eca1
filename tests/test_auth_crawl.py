"""Authenticated crawling end to end: real keyring, real Chromium, the test site's login."""

from __future__ import annotations

import json
import os
import re
from contextlib import closing

import pytest

from quaero_desktop.domain.job import JobStatus, StoppedBy
from quaero_desktop.vault.keyring_backend import SERVICE_NAME
from tests.conftest import cli, crawl, make_definition, secret_service_available
from tests.login_support import COOKIE, cookie_editor, netscape_cookies
from tests.waiting import wait_until

PRIVATE_PAGES = ["/private/", "/private/report-1", "/private/report-2", "/private/report-3", "/private/admin/settings"]

pytestmark = pytest.mark.keyring


@pytest.fixture(autouse=True)
def _forget_saved_logins():
    """Every login a test saved is removed from the shared Secret Service afterwards, even when the
    test failed or never deletes it, so no later test (e.g. test_vault's) finds it."""
    yield
    if SERVICE_NAME == "quaero-desktop" or not secret_service_available():
        return  # never touch a developer's real logins
    import secretstorage

    with closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        for item in collection.search_items({"service": SERVICE_NAME}):
            item.delete()


def _storage_state(value: str) -> str:
    return json.dumps(
        {
            "cookies": [
                {
                    "name": COOKIE,
                    "value": value,
                    "domain": "127.0.0.1",
                    "path": "/",
                    "expires": -1,
                    "httpOnly": True,
                    "secure": False,
                    "sameSite": "Lax",
                }
            ],
            "origins": [],
        }
    )


def _extension(value: str) -> str:
    return json.dumps(
        {
            "cookies": [
                {
                    "domain": "127.0.0.1",
                    "hostOnly": True,
                    "httpOnly": True,
                    "name": COOKIE,
                    "path": "/",
                    "sameSite": "lax",
                    "secure": False,
                    "session": True,
                    "value": value,
                }
            ],
            "tokens": {"csrf": "tok-" + value[:8]},
            "userAgent": "Mozilla/5.0 QuaeroTest",
            "baseUrl": "http://127.0.0.1/",
        }
    )


FORMATS = {
    "cookie-editor.json": cookie_editor,
    "storage-state.json": _storage_state,
    "cookies.txt": netscape_cookies,
    "extension.json": _extension,
}


def _private_definition(site, auth_id: str, **fields):
    return make_definition([site.url("/private/")], auth_id=auth_id, max_depth=1, **fields)


@pytest.mark.browser
@pytest.mark.parametrize("filename", list(FORMATS))
def test_each_import_format_crawls_the_protected_pages(filename, tmp_path, data_dir, fresh_site):
    value = fresh_site.create_session("alice")
    export = tmp_path / filename
    export.write_text(FORMATS[filename](value))
    result = cli("auth", "import", "site-login", str(export), "--name", "Test site", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "saved login 'site-login'" in result.stdout and value not in result.stdout + result.stderr

    definition = tmp_path / "private.toml"
    definition.write_text(
        f'id = "private"\nname = "Private"\nstart_urls = ["{fresh_site.url("/private/")}"]\n'
        'max_depth = 1\nauth_id = "site-login"\n'
    )
    run = cli("run", str(definition), "--json", data_dir=data_dir)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["documents"] == len(PRIVATE_PAGES)
    documents = json.loads(cli("documents", "list", "--json", data_dir=data_dir).stdout)
    assert {d["url"] for d in documents} == {fresh_site.url(p) for p in PRIVATE_PAGES}
    report = next(d for d in documents if d["url"].endswith("report-2"))
    assert "secret-garden-2" in cli("documents", "show", str(report["id"]), data_dir=data_dir).stdout
    assert fresh_site.hits("/login") == 0 and fresh_site.hits("/account/logout") == 0  # never logged out
    # No secret anywhere the app writes.
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert value.encode() not in path.read_bytes(), path
    listing = cli("auth", "list", "--json", data_dir=data_dir).stdout
    assert value not in listing and json.loads(listing)[0]["cookie_count"] >= 1
    job_id = json.loads(run.stdout)["job_id"]
    shown = cli("jobs", "show", job_id, data_dir=data_dir).stdout
    # Over HTTP (a script-free site in auto mode starts no browser) or injected into the browser.
    assert re.search(r"login 'site-login': (injected )?[1-9]\d* cookie\(s\) for", shown) and value not in shown
    assert cli("auth", "delete", "site-login", data_dir=data_dir).returncode == 0


def test_missing_login_fails_at_once_without_fetching(app, fresh_site):
    job = crawl(app, _private_definition(fresh_site, "nobody-saved-this"))
    assert job.status == JobStatus.FAILED
    assert "nobody-saved-this" in job.error and "no saved credential" in job.error.lower()
    assert job.progress.completed == job.progress.failed == 0
    assert sum(fresh_site.hit_paths().values()) == 0  # not one page fetched logged-out


def test_unavailable_keyring_fails_with_what_to_do(tmp_path, data_dir, fresh_site):
    definition = tmp_path / "private.toml"
    definition.write_text(
        f'id = "private"\nname = "Private"\nstart_urls = ["{fresh_site.url("/private/")}"]\nauth_id = "site-login"\n'
    )
    # Save a login's metadata while the keyring works, then run where there is no D-Bus session.
    export = tmp_path / "cookies.txt"
    export.write_text(netscape_cookies(fresh_site.create_session()))
    assert cli("auth", "import", "site-login", str(export), data_dir=data_dir).returncode == 0
    env_without_bus = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    env_without_bus["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/bus"
    saved_env = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env_without_bus)
        run = cli("run", str(definition), "--json", data_dir=data_dir)
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
    assert run.returncode == 1
    assert json.loads(run.stdout)["status"] == "failed"
    assert "site-login" in run.stderr and "keyring" in run.stderr.lower()
    assert fresh_site.hits("/private/") == 0


@pytest.mark.browser
def test_host_only_cookies_go_only_to_their_host(app, fresh_site, tmp_path):
    export = tmp_path / "cookies.json"
    export.write_text(cookie_editor(fresh_site.create_session("alice")))
    app.logins.import_file("host-only", export)
    definition = make_definition(
        [fresh_site.url("/whoami"), fresh_site.other_host_url("/whoami")],
        auth_id="host-only",
        max_depth=0,
        same_domain=False,
    )
    job = crawl(app, definition)
    markdown = {d.url: app.documents.get(d.id).markdown for d in app.documents.list(job_id=job.id)}
    assert "Signed in as alice" in markdown[fresh_site.url("/whoami")]
    assert "Not signed in" in markdown[fresh_site.other_host_url("/whoami")]
    app.logins.delete("host-only")


@pytest.mark.browser
def test_a_resumed_crawl_in_a_new_process_keeps_the_login(app, fresh_site, tmp_path, data_dir):
    export = tmp_path / "cookies.txt"
    value = fresh_site.create_session("alice")
    export.write_text(netscape_cookies(value))
    app.logins.import_file("site-login", export)
    engine = app.engine()
    job_id = engine.submit(_private_definition(fresh_site, "site-login", concurrency=1)).result(30)
    wait_until(lambda: app.jobs.get(job_id).document_count >= 1, 30, "the first stored document")
    app.close(detach=True)  # the definition lived only in this process's memory

    result = cli("jobs", "resume", job_id, "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["status"] == "completed" and summary["documents"] == len(PRIVATE_PAGES)
    assert "Login" not in cli("documents", "search", "Invalid username", data_dir=data_dir).stdout
    assert fresh_site.hits("/login") == 0
    from quaero_desktop.app import build_app

    reopened = build_app(data_dir)
    try:
        assert reopened.jobs.get(job_id).metadata["auth_id"] == "site-login"
        reopened.logins.delete("site-login")
    finally:
        reopened.close()


@pytest.mark.browser
def test_capture_login_through_the_sites_form_then_crawl(app, fresh_site):
    async def log_in(page):
        await page.fill("input[name=username]", "alice")
        await page.fill("input[name=password]", "correct horse")
        await page.click("button[type=submit]")
        await page.wait_for_url("**/private/")
        await page.close()  # what the user does when done

    _capture, finished = app.logins.start_capture(
        fresh_site.url("/login?next=/private/"), headless=True, on_page=log_in
    )
    captured = finished.result(60)
    saved = app.logins.save_captured("captured", captured, url=fresh_site.url("/login"), name="Captured login")
    assert saved.summary.cookie_count == 1 and saved.summary.site_domain == "127.0.0.1"
    job = crawl(app, _private_definition(fresh_site, "captured"))
    assert job.status == JobStatus.COMPLETED and job.document_count == len(PRIVATE_PAGES)
    app.logins.delete("captured")


def test_render_http_crawls_behind_the_login_with_the_same_cookies_and_checks(app, fresh_site, tmp_path):
    """The fast path with a saved login: no browser (this test is not marked ``browser``: the guard
    would fail it), the same pages stored, host-only cookies kept on their host, and a stale
    session's pages marked authentication required as on the browser path."""
    site = fresh_site
    export = tmp_path / "cookies.json"
    export.write_text(cookie_editor(site.create_session("alice")))
    app.logins.import_file("http-login", export)
    job = crawl(app, _private_definition(site, "http-login", render="http"))
    assert job.status == JobStatus.COMPLETED and job.document_count == len(PRIVATE_PAGES)
    assert {d.url for d in app.documents.list(job_id=job.id)} == {site.url(p) for p in PRIVATE_PAGES}
    assert site.hits("/login") == 0 and site.hits("/account/logout") == 0

    whoami = crawl(
        app,
        make_definition(
            [site.url("/whoami"), site.other_host_url("/whoami")],
            auth_id="http-login",
            max_depth=0,
            same_domain=False,
            render="http",
        ),
    )
    markdown = {d.url: app.documents.get(d.id).markdown for d in app.documents.list(job_id=whoami.id)}
    assert "Signed in as alice" in markdown[site.url("/whoami")]
    assert "Not signed in" in markdown[site.other_host_url("/whoami")]  # host-only: not sent to localhost

    export.write_text(netscape_cookies("not-a-valid-session"))
    app.logins.import_file("stale-http", export)
    stale = crawl(
        app,
        make_definition(
            [site.url("/private/"), site.url("/private/api-forbidden")],
            auth_id="stale-http",
            max_depth=0,
            render="http",
        ),
    )
    # The first start URL is sent to the sign-in page: the login has expired (test_login_expiry.py).
    assert (stale.status, stale.stopped_by) == (JobStatus.FAILED, StoppedBy.LOGIN_EXPIRED)
    assert stale.document_count == 0 and stale.progress.pending >= 1
    for auth_id in ("http-login", "stale-http"):
        app.logins.delete(auth_id)
