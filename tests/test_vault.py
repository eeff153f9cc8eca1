"""The credential vault's storage: secrets in the OS keyring (chunked, crash-safe), metadata in
SQLite: chunked round trips, replacing a credential, interrupted saves, damaged secrets, missing
credentials, no secret in SQLite or the logs, and the credentials table's migration. Which keyring
the vault uses and how it reports one it cannot use: test_vault_keyrings.py."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from quaero_desktop.domain.credential import Credential
from quaero_desktop.store import open_database
from quaero_desktop.store.migrate import MIGRATIONS_DIR
from quaero_desktop.vault.codec import encode_secret
from quaero_desktop.vault.credential_vault import CredentialVault
from quaero_desktop.vault.errors import CredentialCorruptError, CredentialNotFoundError, VaultError
from quaero_desktop.vault.keyring_backend import SERVICE_NAME
from quaero_desktop.vault.secret_store import Manifest
from tests.keyring_backends import (
    CappedKeyring,
    FlakyKeyring,
    MemoryKeyring,
    SimulatedCrash,
    WindowsCredentialError,
    WinVaultKeyring,
)
from tests.vault_support import big_credential, realistic_credential, vault_on


@pytest.fixture
def database(store_database):
    """The credentials' metadata on both stores: SQLite, and PostgreSQL (the ``postgres`` mark)."""
    return store_database


def assert_no_secret_in(text: str, credential: Credential) -> None:
    assert [value for value in credential.secret.secret_values() if value in text] == []


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
