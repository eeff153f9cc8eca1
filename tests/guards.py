"""The markers checked at run time, so they cannot silently rot (tests/conftest.py applies them).

* Not marked ``browser``: launching Chromium raises and fails the test, in the test's own
  process and in child processes started with ``child_env`` (the CLI, the window).
* Not marked ``keyring``: the session's Secret Service cannot be reached, here and in child
  processes, so a test that needs it fails, in CI too. A test that only shows the keyring's
  state (every window test does) sees "unavailable", as on a machine without one.
* Not marked ``gui``: using the Qt or virtual-screen fixtures, or creating a QApplication,
  fails the test.

No pytest here: ``child_guard/sitecustomize.py`` imports this module into child processes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

BROWSER_MESSAGE = "this test launches Chromium: mark it @pytest.mark.browser"
KEYRING_MESSAGE = "this test uses the Secret Service: mark it @pytest.mark.keyring"
GUI_MESSAGE = "mark it @pytest.mark.gui"

# What the running test may not use ("browser", "keyring"), for its child processes.
FORBIDDEN_ENV = "QUAERO_TESTS_FORBIDDEN"
# The file a child process appends to when it was stopped from launching Chromium.
STOPPED_LOG_ENV = "QUAERO_TESTS_STOPPED_LOG"
# Put first on a child's PYTHONPATH: its sitecustomize.py installs these guards there.
CHILD_GUARD_DIR = Path(__file__).resolve().parent / "child_guard"

# The fixtures that build Qt objects or a screen (item.fixturenames lists every fixture a test
# uses, directly or through another fixture, so "qapp" alone would do; the rest name the cause).
GUI_FIXTURES = frozenset({"qapp", "qtbot", "qloop", "gui", "display"})

Patch = tuple[object, str, object]
_MISSING = object()


class ChromiumLaunchBlocked(RuntimeError):
    pass


def browser_patches(record: Callable[[str], None]) -> list[Patch]:
    """Playwright's launchers, which BrowserService (crawls) and LoginCapture (logins) call, raising."""
    from playwright.async_api import BrowserType

    async def launch(*_args, **_kwargs):
        record(BROWSER_MESSAGE)
        raise ChromiumLaunchBlocked(BROWSER_MESSAGE)

    return [(BrowserType, "launch", launch), (BrowserType, "launch_persistent_context", launch)]


def keyring_patches(session_bus: str | None) -> list[Patch]:
    """secretstorage's connection to the Secret Service (keyring's backend and the vault use it)
    refusing ``session_bus``. A bus address a test set itself (e.g. one that does not exist, to see
    how the vault reports that) is connected to as usual."""
    import secretstorage
    from secretstorage.exceptions import SecretServiceNotAvailableException

    connect = secretstorage.dbus_init

    def dbus_init(*args, **kwargs):
        if session_bus and os.environ.get("DBUS_SESSION_BUS_ADDRESS") == session_bus:
            raise SecretServiceNotAvailableException(KEYRING_MESSAGE)
        return connect(*args, **kwargs)

    return [(secretstorage, "dbus_init", dbus_init)]


@contextmanager
def keyring_choice_forgotten() -> Iterator[None]:
    """keyring decides once which backends work and which one to use: what it decided while the
    Secret Service was refused is forgotten afterwards, so a later ``keyring`` test finds it."""
    import keyring.backend
    import keyring.core

    places = [(vars(keyring.core), "_keyring_backend"), (vars(keyring.backend.get_all_keyring), "saved_result")]
    saved = [(namespace, name, namespace.get(name, _MISSING)) for namespace, name in places]
    try:
        yield
    finally:
        for namespace, name, value in saved:
            if value is _MISSING:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def qt_application():
    """The QApplication (or QCoreApplication) of this process, None if none; never imports Qt."""
    core = sys.modules.get("PySide6.QtCore")
    return None if core is None else core.QCoreApplication.instance()


def install_in_child() -> None:
    """Called by child_guard/sitecustomize.py at the start of a child process."""
    forbidden = set(filter(None, os.environ.get(FORBIDDEN_ENV, "").split(",")))
    log = os.environ.get(STOPPED_LOG_ENV)

    def record(message: str) -> None:
        if log:
            with open(log, "a", encoding="utf-8") as file:
                file.write(f"{message} (in its child process {' '.join(sys.argv)})\n")

    patches: list[Patch] = []
    if "browser" in forbidden:
        patches += browser_patches(record)
    if "keyring" in forbidden:
        patches += keyring_patches(os.environ.get("DBUS_SESSION_BUS_ADDRESS"))
    for owner, name, value in patches:
        setattr(owner, name, value)
