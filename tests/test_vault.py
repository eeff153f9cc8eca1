"""The credential vault: secrets in the OS keyring (chunked, crash-safe), metadata in SQLite.

Tests marked ``keyring`` use the real Secret Service; CI runs the suite inside dbus-run-session
with an unlocked gnome-keyring (.ci/test), elsewhere they skip.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import keyring.core
import pytest
from alembic import command
from alembic.config import Config
from keyring.backends import SecretService, fail, null
from keyring.errors import InitError, KeyringLocked, NoKeyringError, PasswordSetError
from sqlalchemy import inspect

from quaero_desktop.domain.credential import Cookie, Credential, CredentialSecret
from quaero_desktop.store import open_database
from quaero_desktop.store.migrate import MIGRATIONS_DIR
from quaero_desktop.vault.codec import encode_secret
from quaero_desktop.vault.credential_vault import CredentialVault
from quaero_desktop.vault.errors import (
    CredentialCorruptError,
    CredentialNotFoundError,
    VaultError,
    VaultLockedError,
    VaultUnavailableError,
)
from quaero_desktop.vault.keyring_backend import SERVICE_NAME
from quaero_desktop.vault.secret_store import Manifest, SecretStore
from tests.guards import KEYRING_MESSAGE
from tests.keyring_backends import (
    CappedKeyring,
    FlakyKeyring,
    MemoryKeyring,
    PlaintextKeyring,
    RaisingKeyring,
    SimulatedCrash,
    WindowsCredentialError,
    WinVaultKeyring,
    chainer_of,
)

ROOT = Path(__file__).resolve().parents[1]
TEST_SERVICE = "quaero-desktop-tests"  # never the user's real "quaero-desktop" entries
LOCKED_MESSAGE = "the keyring is locked: unlock it"


@pytest.fixture
def database(tmp_path):
    db = open_database(tmp_path)
    yield db
    db.dispose()


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


def realistic_credential(auth_id: str = "wiki-sso") -> Credential:
    cookies = (
        Cookie(
            "SESSION",
            "s3ss10n-" + secrets.token_hex(24),
            "wiki.example.com",
            "/",
            2_000_000_000.0,
            secure=True,
            http_only=True,
            same_site="Lax",
        ),
        Cookie("__Host-csrf", "csrf-" + secrets.token_hex(16), "wiki.example.com", secure=True, same_site="Strict"),
        Cookie(
            "sso_token",
            "sso-" + secrets.token_urlsafe(48),
            "example.com",
            "/auth",
            1_900_000_000.5,
            secure=True,
            same_site="None",
            host_only=False,
        ),
        Cookie("prefs", "théme=dark;lang=fr", "wiki.example.com"),
    )
    return Credential(
        auth_id=auth_id,
        name="Team wiki",
        site_domain="wiki.example.com",
        base_url="https://wiki.example.com/",
        secret=CredentialSecret(
            cookies=cookies,
            local_storage={"https://wiki.example.com": {"access": "ls-" + secrets.token_hex(20), "ui": '{"a":1}'}},
            tokens={"bearer": "tok-" + secrets.token_urlsafe(40)},
            user_agent="Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0",
        ),
    )


def big_credential(auth_id: str = "big-sso", size: int = 64 * 1024) -> Credential:
    """A credential whose secret is at least ``size`` bytes of JSON, of random (incompressible) values."""
    cookies: list[Cookie] = []
    while len(encode_secret(CredentialSecret(cookies=tuple(cookies)))) < size:
        cookies.append(Cookie(f"c{len(cookies)}", secrets.token_urlsafe(300), "big.example.com", expires=2e9))
    return Credential(auth_id, "Big", "big.example.com", "https://big.example.com/", CredentialSecret(tuple(cookies)))


def vault_on(database, backend, service: str = SERVICE_NAME) -> CredentialVault:
    return CredentialVault(database, SecretStore(backend, service=service))


def assert_no_secret_in(text: str, credential: Credential) -> None:
    assert [value for value in credential.secret.secret_values() if value in text] == []


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


@pytest.mark.parametrize("backend_class", [CappedKeyring, WinVaultKeyring])
def test_64kb_credential_round_trips_in_many_chunks_where_one_entry_holds_2560_bytes(database, backend_class):
    backend = backend_class()
    credential = big_credential()
    with pytest.raises(WindowsCredentialError, match="stub received bad data"):  # the cap is real
        backend.set_password(SERVICE_NAME, "whole", encode_secret(credential.secret).decode())
    vault = vault_on(database, backend)
    vault.save(credential)
    assert len(backend.usernames(SERVICE_NAME)) > 40  # manifest + chunks of at most 1,000 characters
    assert vault.load(credential.auth_id) == credential
    vault.delete(credential.auth_id)
    assert backend.entries == {}


def test_saving_again_replaces_and_leaves_no_stale_chunks(database):
    backend = CappedKeyring()
    vault = vault_on(database, backend)
    vault.save(big_credential("wiki-sso"))
    created_at = vault.summary("wiki-sso").created_at
    second = realistic_credential("wiki-sso")
    assert vault.save(second) is True
    manifest = Manifest.parse(backend.entries[(SERVICE_NAME, "wiki-sso")])
    expected = ["wiki-sso"] + [f"wiki-sso:{manifest.generation}:{i}" for i in range(manifest.chunks)]
    assert backend.usernames(SERVICE_NAME) == sorted(expected)
    assert vault.load("wiki-sso") == second
    summary = vault.summary("wiki-sso")
    assert (summary.cookie_count, summary.created_at, summary.updated_at > created_at) == (4, created_at, True)


@pytest.mark.parametrize("failure", ["crash", "error"])
def test_a_save_stopped_half_way_keeps_the_previous_credential(database, caplog, failure):
    backend = FlakyKeyring()
    backend.max_secret_chars = 1_000  # several chunks, so the write can stop between them
    vault = vault_on(database, backend)
    old = realistic_credential()
    vault.save(old)
    new = big_credential(old.auth_id)
    backend.fail_after = backend.writes + 5  # the intent and 4 chunks, then stop
    if failure == "crash":
        with pytest.raises(SimulatedCrash):
            vault.save(new)
        assert len(backend.entries) > 1 + Manifest.parse(backend.entries[(SERVICE_NAME, old.auth_id)]).chunks
    else:
        backend.failure = lambda password: WindowsCredentialError(1783, "CredWrite", f"bad data: {password}")
        caplog.set_level("DEBUG")
        with pytest.raises(VaultError, match="could not save an entry: WindowsCredentialError") as raised:
            vault.save(new)
        assert "bad data: <secret>" in str(raised.value) and len(str(raised.value)) < 300  # the echo is blanked
        assert raised.value.__cause__ is None and raised.value.__suppress_context__
        assert_no_secret_in(str(raised.value) + caplog.text, new)
    backend.fail_after = None
    assert vault.load(old.auth_id) == old
    assert vault.summary(old.auth_id).cookie_count == 4  # the row was not touched either
    vault.delete(old.auth_id)
    assert backend.entries == {}  # the interrupted generation's chunks were found from the manifest


def test_an_interrupted_first_save_leaves_nothing_readable_and_is_cleaned_up(database):
    backend = FlakyKeyring()
    backend.max_secret_chars, backend.fail_after = 1_000, 3
    vault = vault_on(database, backend)
    with pytest.raises(SimulatedCrash):
        vault.save(big_credential("first"))
    assert vault.secret_store.get("first") is None
    with pytest.raises(CredentialNotFoundError):
        vault.load("first")
    backend.fail_after = None
    vault.save(realistic_credential("first"))  # a new save tidies the leftovers too
    assert len(backend.entries) == 1 + Manifest.parse(backend.entries[(SERVICE_NAME, "first")]).chunks


def _change_a_chunk(vault: CredentialVault, entries: dict) -> None:
    key = next(k for k in entries if k[1].endswith(":1"))
    entries[key] = entries[key][:10] + ("A" if entries[key][10] != "A" else "B") + entries[key][11:]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_change_a_chunk, "checksum does not match"),
        (lambda vault, entries: entries.pop(next(k for k in entries if k[1].endswith(":2"))), "part 3 of"),
        (lambda vault, entries: entries.update({(SERVICE_NAME, "wiki-sso"): "{not json"}), "index entry is unreadable"),
        (lambda vault, entries: vault.secret_store.put("wiki-sso", b'{"version": 99}'), "unknown format version 99"),
    ],
    ids=["changed", "missing", "manifest", "format"],
)
def test_a_damaged_secret_raises_credential_corrupt(database, damage, reason):
    backend = CappedKeyring()
    vault = vault_on(database, backend)
    credential = big_credential("wiki-sso")
    vault.save(credential)
    damage(vault, backend.entries)
    with pytest.raises(CredentialCorruptError, match=reason) as raised:
        vault.load("wiki-sso")
    assert "'wiki-sso'" in str(raised.value) and "auth delete wiki-sso" in str(raised.value)
    assert_no_secret_in(str(raised.value), credential)
    vault.delete("wiki-sso")  # a damaged credential can still be removed
    assert vault.summaries() == []


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


def test_sqlite_and_logs_never_hold_a_secret(tmp_path, caplog):
    caplog.set_level("DEBUG")
    database = open_database(tmp_path)
    vault = vault_on(database, MemoryKeyring())
    credentials = [realistic_credential(), big_credential()]
    for credential in credentials:
        vault.save(credential)
        assert vault.load(credential.auth_id) == credential
        assert_no_secret_in(repr(credential) + repr(vault.summary(credential.auth_id)), credential)
    files = {f.name: f.read_bytes() for f in tmp_path.glob("quaero.db*")}
    assert files.keys() >= {"quaero.db", "quaero.db-wal"}
    stored = b"".join(files.values())
    assert b"wiki.example.com" in stored  # the metadata really is in there
    for credential in credentials:
        values = [*credential.secret.secret_values(), credential.secret.user_agent]
        assert [v for v in values if v and v.encode() in stored] == []
        assert_no_secret_in(caplog.text, credential)
    database.dispose()


def test_unknown_and_half_missing_credentials_are_not_found(database):
    backend = MemoryKeyring()
    vault = vault_on(database, backend)
    with pytest.raises(CredentialNotFoundError, match=r"no saved credential 'nope'.*quaero-desktop auth list"):
        vault.load("nope")
    with pytest.raises(CredentialNotFoundError):
        vault.delete("nope")
    vault.save(realistic_credential())
    backend.entries.clear()  # e.g. the keyring was reset
    with pytest.raises(CredentialNotFoundError, match="missing from the keyring \\(in-memory test keyring\\)"):
        vault.load("wiki-sso")
    vault.delete("wiki-sso")
    assert vault.summaries() == []


def test_credentials_migration_downgrades_and_upgrades(database):
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    for target, present in (("0001", False), ("head", True)):
        with database.write() as conn:
            config.attributes["connection"] = conn
            (command.downgrade if target == "0001" else command.upgrade)(config, target)
        with database.read() as conn:
            assert inspect(conn).has_table("credentials") is present
