"""The credential vault's keyring: round trips on the real Secret Service, which backends count as
an OS keyring, and how a missing, unreachable, failing or locked keyring is reported.

Tests marked ``keyring`` use the real Secret Service; CI runs the suite inside dbus-run-session
with an unlocked gnome-keyring (.ci/test), elsewhere they skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import keyring.core
import pytest
from keyring.backends import SecretService, fail, null
from keyring.errors import InitError, KeyringLocked, NoKeyringError, PasswordSetError

from quaero_desktop.vault.credential_vault import CredentialVault
from quaero_desktop.vault.errors import VaultError, VaultLockedError, VaultUnavailableError
from quaero_desktop.vault.secret_store import Manifest
from tests.guards import KEYRING_MESSAGE
from tests.keyring_backends import MemoryKeyring, PlaintextKeyring, RaisingKeyring, chainer_of
from tests.vault_support import big_credential, realistic_credential, vault_on

ROOT = Path(__file__).resolve().parents[1]
TEST_SERVICE = "quaero-desktop-tests"  # never the user's real "quaero-desktop" entries
LOCKED_MESSAGE = "the keyring is locked: unlock it"


@pytest.fixture
def secret_service(request):
    """The real Secret Service's default collection, emptied of this test service's items before and
    afterwards (other tests' logins, e.g. one left by a failed crawl test, share the service).

    Only for tests marked ``keyring``: conftest's _needs_keyring skips them where there is no Secret
    Service (and fails them in .ci/test), and refuses it to every other test."""
    if request.node.get_closest_marker("keyring") is None:
        pytest.fail(KEYRING_MESSAGE, pytrace=False)
    import secretstorage

    with closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        if collection.is_locked():
            pytest.skip("the Secret Service's default collection is locked")
        for item in collection.search_items({"service": TEST_SERVICE}):
            item.delete()
        yield collection
        for item in collection.search_items({"service": TEST_SERVICE}):
            item.delete()


@pytest.mark.keyring
@pytest.mark.parametrize("make", [realistic_credential, big_credential], ids=["realistic", "64KB"])
def test_round_trip_on_the_real_secret_service(secret_service, database, make):
    vault = vault_on(database, SecretService.Keyring(), TEST_SERVICE)
    credential = make()
    assert vault.save(credential) is False
    assert vault.load(credential.auth_id) == credential
    names = {item.get_attributes()["username"] for item in secret_service.search_items({"service": TEST_SERVICE})}
    manifest = Manifest.parse(SecretService.Keyring().get_password(TEST_SERVICE, credential.auth_id))
    assert names == {credential.auth_id} | {
        f"{credential.auth_id}:{manifest.generation}:{i}" for i in range(manifest.chunks)
    }
    vault.delete(credential.auth_id)
    assert (list(secret_service.search_items({"service": TEST_SERVICE})), vault.summaries()) == ([], [])


@pytest.mark.keyring
def test_default_store_is_the_checked_system_keyring(secret_service, database):
    status = CredentialVault(database).status()
    assert (status.state, status.message) == ("available", "")
    assert status.backend.startswith("Secret Service")  # "(GNOME Keyring)" in CI


@pytest.mark.parametrize(
    ("backend", "reason"),
    [
        (fail.Keyring(), "no usable keyring: "),
        (null.Keyring(), "keyring is disabled"),
        (PlaintextKeyring(), "PlaintextKeyring (tests.keyring_backends), which is not an OS keyring"),
        (chainer_of(PlaintextKeyring()), "none of keyring's backends is an OS keyring"),
    ],
    ids=["fail", "null", "plaintext", "chainer"],
)
def test_backends_that_are_not_an_os_keyring_are_refused(database, backend, reason):
    vault = vault_on(database, backend)
    status = vault.status()
    assert status.state == "unavailable"
    assert status.message.startswith("no usable keyring: ") and reason in status.message
    with pytest.raises(VaultUnavailableError, match="no usable keyring"):
        vault.save(realistic_credential())
    assert vault.summaries() == []
    assert getattr(backend, "entries", {}) == {}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Secret Service hint is for Linux")
def test_no_secret_service_says_what_to_do(database, monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())
    status = CredentialVault(database).status()
    assert (status.state, status.backend) == ("unavailable", "no keyring")
    assert "no usable keyring: no Secret Service is running (" in status.message
    assert "DBUS_SESSION_BUS_ADDRESS is unset" in status.message and "dbus-run-session" in status.message


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Secret Service is for Linux")
def test_a_secret_service_that_is_gone_is_unavailable(database, monkeypatch):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/quaero-test-bus")
    vault = vault_on(database, SecretService.Keyring(), TEST_SERVICE)
    status = vault.status()
    assert (status.state, status.backend) == ("unavailable", "Secret Service")
    assert status.message.startswith("no usable keyring: no Secret Service is reachable on the D-Bus session bus (")
    with pytest.raises(VaultUnavailableError, match="dbus-run-session"):
        vault.save(realistic_credential())
    assert vault.summaries() == []


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (KeyringLocked("x"), VaultLockedError),
        (NoKeyringError("x"), VaultUnavailableError),
        (InitError("x"), VaultUnavailableError),
        (PasswordSetError("x"), VaultError),
    ],
)
def test_keyring_errors_become_vault_errors(database, error, expected):
    with pytest.raises(VaultError) as raised:
        vault_on(database, RaisingKeyring(error)).save(realistic_credential())
    assert type(raised.value) is expected


def test_a_chainer_is_used_through_its_os_keyring_member_only(database):
    plaintext, memory = PlaintextKeyring(), MemoryKeyring()
    vault = vault_on(database, chainer_of(plaintext, memory))
    assert vault.status().backend == "in-memory test keyring"
    vault.save(realistic_credential())
    assert plaintext.entries == {} and memory.entries


def test_locked_keyring_is_reported_and_listing_still_works(database):
    vault_on(database, MemoryKeyring()).save(realistic_credential())
    locked = vault_on(database, RaisingKeyring())
    status = locked.status()
    assert status.state == "locked" and status.message.startswith(LOCKED_MESSAGE)
    assert [s.auth_id for s in locked.summaries()] == ["wiki-sso"]
    assert locked.summary("wiki-sso").cookie_count == 4
    for action in (
        lambda: locked.load("wiki-sso"),
        lambda: locked.save(realistic_credential("other")),
        lambda: locked.delete("wiki-sso"),
    ):
        with pytest.raises(VaultLockedError, match=LOCKED_MESSAGE):
            action()
    assert [s.auth_id for s in locked.summaries()] == ["wiki-sso"]


_LOCK_SCRIPT = """
import json, secretstorage
from contextlib import closing
from quaero_desktop.vault.errors import VaultLockedError
from quaero_desktop.vault.secret_store import SecretStore
store = SecretStore(service="quaero-desktop-tests")
store.put("locked-check", b"payload")
with closing(secretstorage.dbus_init()) as connection:
    secretstorage.get_default_collection(connection).lock()
status = store.status()
try:
    outcome = store.get("locked-check").decode()
except VaultLockedError as exc:
    outcome = str(exc)
print(json.dumps({"state": status.state, "backend": status.backend, "outcome": outcome}))
"""


@pytest.mark.keyring
def test_a_locked_gnome_keyring_is_reported_as_locked(tmp_path):
    """Runs in its own D-Bus session and gnome-keyring, so locking it disturbs nothing else."""
    if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
        pytest.skip("needs dbus-run-session and gnome-keyring-daemon")
    dirs = {name: tmp_path / name for name in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR")}
    for directory in dirs.values():
        directory.mkdir(mode=0o700)
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update({key: str(value) for key, value in dirs.items()}, PYTHONPATH=str(ROOT))
    shell = (
        'eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets --daemonize | sed "s/^/export /")"; '
        'exec "$0" -c "$1"'
    )
    try:
        result = subprocess.run(
            ["dbus-run-session", "--", "sh", "-c", shell, sys.executable, _LOCK_SCRIPT],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("locking gnome-keyring hung (waiting for an unlock prompter?)")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["backend"] == "Secret Service (GNOME Keyring)"
    assert report["state"] == "locked"
    assert report["outcome"].startswith(LOCKED_MESSAGE)  # the unlock prompt could not be shown
