"""Shared fixtures: the local test website, a fresh app per test, and helpers to crawl it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before the app's modules are imported: they read these once.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # window tests run without a screen
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    # ...on a virtual one the size of the commonest laptop screen (1366×768), not the offscreen
    # platform's default of 800×800: window sizes are fitted to the screen.
    os.environ["QT_QPA_PLATFORM"] = (
        f"offscreen:configfile={Path(__file__).parent / 'fixtures' / 'offscreen-screen.json'}"
    )
# Never touch a developer's real logins; under pytest-xdist each worker files its entries under
# its own service, so two workers never see (or delete) each other's.
os.environ.setdefault("QUAERO_KEYRING_SERVICE", f"quaero-desktop-tests{os.environ.get('PYTEST_XDIST_WORKER', '')}")

from quaero_desktop.app import App, build_app
from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import Job
from quaero_desktop.store import open_database
from quaero_desktop.store.database import Database
from tests import guards
from tests.postgres_cluster import ClusterUnavailable, PostgresCluster
from tests.testsite import TestSite

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def site() -> Iterator[TestSite]:
    with TestSite(big_pages=240) as test_site:
        yield test_site


@pytest.fixture
def fresh_site(site: TestSite) -> TestSite:
    """The shared site with its hit counters (and the /flaky sequence) reset."""
    site.reset_hits()
    return site


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    directory.mkdir()
    return directory


@pytest.fixture
def app(data_dir: Path) -> Iterator[App]:
    application = build_app(data_dir)
    yield application
    application.close(detach=False)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """A fresh store (its SQLite file in ``tmp_path``), closed afterwards."""
    db = open_database(tmp_path)
    yield db
    db.dispose()


def make_definition(start_urls: list[str], **fields) -> JobDefinition:
    values = {"id": "test-crawl", "name": "Test crawl", "start_urls": start_urls, "timeout": "2m", **fields}
    return JobDefinition.from_mapping(values, "test")


def crawl(app: App, definition: JobDefinition, timeout: float = 120) -> Job:
    """Run ``definition`` in the app's engine to the end and return the finished job."""
    engine = app.engine()
    job_id = engine.submit(definition).result(timeout)
    engine.wait(job_id).result(timeout)
    return app.jobs.get(job_id)


def child_env(**variables: str) -> dict[str, str]:
    """The environment for a child process running the app: this checkout on its path, and the
    guards of tests/guards.py for what the running test is not marked to use."""
    path = [str(ROOT)]
    if os.environ.get(guards.FORBIDDEN_ENV):
        path.insert(0, str(guards.CHILD_GUARD_DIR))
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path), **variables}


def cli(*args: str, data_dir: Path, timeout: float = 180, check_json: bool = False) -> subprocess.CompletedProcess:
    """Run the real command line in a child process."""
    result = subprocess.run(
        [sys.executable, "-m", "quaero_desktop", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=child_env(QUAERO_DATA_DIR=str(data_dir)),
        cwd=ROOT,
    )
    if check_json:
        json.loads(result.stdout)
    return result


def write_definition(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def qloop(qapp):
    """One qasync event loop over pytest-qt's QApplication for every window test."""
    import qasync

    from quaero_desktop.gui.main import create_qt_app

    create_qt_app([])
    loop = qasync.QEventLoop(qapp, already_running=False)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def desktop(app, qloop):
    """The desktop program over a fresh app (real engine, store and browser), scripted dialogs, no tray,
    notices recorded (tests/gui_support.py); not started: no schedules, no window until one is shown."""
    from quaero_desktop.gui.desktop_app import DesktopApp
    from tests.gui_support import RecordingNotifier, ScriptedDialogs, run

    asyncio.set_event_loop(qloop)
    program = DesktopApp(app, dialogs=ScriptedDialogs(), notifier=RecordingNotifier(), tray=False)
    yield program
    program.stop_timers()  # a timer left running fired in a later test, with no loop to run it
    run(qloop, program.tasks.wait_all())
    program.bridge.close()
    if program.has_window():
        program.window.hide()
        program.window.deleteLater()
    if program.tray is not None:
        program.tray.close()


@pytest.fixture
def gui(desktop, qloop):
    """The real main window (shown and loaded) and its context."""
    from tests.gui_support import run

    window = desktop.show_window()
    run(qloop, desktop.tasks.wait_all())  # the window's first load
    yield window, desktop.context


def secret_service_available() -> bool:
    from quaero_desktop.vault.secret_store import SecretStore

    return SecretStore().status().state == "available"


@pytest.fixture(autouse=True)
def _needs_keyring(request):
    """Tests marked ``keyring`` use the real Secret Service: .ci/test runs one (QUAERO_REQUIRE_KEYRING=1
    there turns a missing one into a failure); a plain local pytest run skips them."""
    if request.node.get_closest_marker("keyring") is None or secret_service_available():
        return
    if os.environ.get("QUAERO_REQUIRE_KEYRING") == "1":
        pytest.fail("the Secret Service is not available, but QUAERO_REQUIRE_KEYRING=1")
    pytest.skip("needs an unlocked Secret Service (run the suite with bash .ci/test)")


# ----- team mode: a throw-away PostgreSQL cluster (tests/postgres_cluster.py) -----


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One cluster for the session. .ci/test sets QUAERO_REQUIRE_POSTGRES=1: there a server that
    cannot start fails the test; a plain local run without Debian's postgresql skips it."""
    try:
        cluster = PostgresCluster().start()
    except ClusterUnavailable as exc:
        if os.environ.get("QUAERO_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is not available, but QUAERO_REQUIRE_POSTGRES=1: {exc}")
        pytest.skip(f"needs PostgreSQL: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(request, postgres_cluster: PostgresCluster) -> str:
    """The URL of a fresh, empty database for this test (tests using it are marked ``postgres``)."""
    if request.node.get_closest_marker("postgres") is None:
        pytest.fail("this test uses PostgreSQL: mark it @pytest.mark.postgres (the quick loop leaves those out)")
    return postgres_cluster.create_database(f"t_{uuid.uuid4().hex[:16]}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request) -> str | None:
    """A test taking this runs on both stores: None (SQLite in the data directory, the quick loop's half)
    and a fresh PostgreSQL database's URL (marked ``postgres``)."""
    return request.getfixturevalue("postgres_url") if request.param == "postgres" else None


@pytest.fixture
def store_database(tmp_path: Path, store_url: str | None) -> Iterator[Database]:
    """A fresh store on SQLite and on PostgreSQL (``store_url``), closed afterwards."""
    db = open_database(tmp_path, url=store_url)
    yield db
    db.dispose()


@pytest.fixture
def store_app(data_dir: Path, store_url: str | None) -> Iterator[App]:
    """A fresh app on SQLite and on PostgreSQL (``store_url``), closed afterwards."""
    application = build_app(data_dir, database_url=store_url)
    yield application
    application.close(detach=False)


# ----- the markers, checked at run time (see tests/guards.py) -----


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """.ci/test runs the suite on both cores (``-n 2 --dist loadfile``): a file's tests run on one
    worker, so a module's fixtures (a crawled manual, a built package) are made once. The files with
    tests that use the one Secret Service (some lock its collection) or build the package (into the
    checkout's dist/) all run on one worker, one after another. (pytest-xdist's own ``xdist_group``
    marks are not read under pytest 9: it renames the items' node ids, which pytest 9 computes.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    serial = {
        f"tests/{path.name}"
        for path in Path(__file__).parent.glob("test_*.py")
        if _SERIAL_MARKS.search(path.read_text(encoding="utf-8"))
    }

    class SerialFilesScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            file = super()._split_scope(nodeid)
            return "the Secret Service and packaging tests" if file in serial else file

    return SerialFilesScheduling(config, log)  # type: ignore[arg-type]


_SERIAL_MARKS = re.compile(r"pytest\.mark\.(keyring|packaging)\b")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test that uses the Qt or screen fixtures must say so: fail it before they build anything.

    Failing, rather than adding the mark in pytest_collection_modifyitems, keeps the marks where a
    reader looks (the test's own file, which ``grep mark.gui`` finds), and works the same way as
    the browser and keyring checks, which can only catch a test in the act."""
    used = sorted(guards.GUI_FIXTURES.intersection(item.fixturenames))
    if used and item.get_closest_marker("gui") is None:
        pytest.fail(f"this test uses the fixture(s) {', '.join(used)}: {guards.GUI_MESSAGE}", pytrace=False)


@pytest.fixture(scope="session")
def _stopped_logs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("stopped")


@pytest.fixture(autouse=True)
def _marks_are_true(request, monkeypatch, _stopped_logs):
    """Outside a ``browser`` test Chromium cannot start, outside a ``keyring`` test the Secret Service
    cannot be reached (in child processes too: ``child_env``), and outside a ``gui`` test no
    QApplication may be created. Whatever the code under test does with the error, the test fails."""
    marked = {mark.name for mark in request.node.iter_markers()}
    forbidden = [name for name in ("browser", "keyring") if name not in marked]
    stopped: list[str] = []
    stopped_log = _stopped_logs / f"{uuid.uuid4().hex}.log"
    if forbidden:
        monkeypatch.setenv(guards.FORBIDDEN_ENV, ",".join(forbidden))
        monkeypatch.setenv(guards.STOPPED_LOG_ENV, str(stopped_log))
    else:
        monkeypatch.delenv(guards.FORBIDDEN_ENV, raising=False)
    if "browser" in forbidden:
        for owner, name, value in guards.browser_patches(stopped.append):
            monkeypatch.setattr(owner, name, value)
    application_before = guards.qt_application()
    with contextlib.ExitStack() as keyring_guard:
        if "keyring" in forbidden:
            keyring_guard.enter_context(guards.keyring_choice_forgotten())
            for owner, name, value in guards.keyring_patches(os.environ.get("DBUS_SESSION_BUS_ADDRESS")):
                monkeypatch.setattr(owner, name, value)
        yield
    if stopped_log.exists():
        stopped += stopped_log.read_text(encoding="utf-8").splitlines()
    if stopped:
        pytest.fail("\n".join(dict.fromkeys(stopped)), pytrace=False)
    if "gui" not in marked and application_before is None and guards.qt_application() is not None:
        pytest.fail(f"this test creates a QApplication: {guards.GUI_MESSAGE}", pytrace=False)
