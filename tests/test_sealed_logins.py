"""Logins across machines, never in clear (issue 23, item 4): a login sealed with the team key (AES-256-GCM)
into the store opens again only with that key, for that login; a changed byte, a blob moved to another
login's row and another team's key each fail in words that say what to do; a key file others may read is
refused; the SQLite files and the logs hold neither the cookie nor the key. Real SQLite files and key files;
the keyring is the in-memory one (the real Secret Service: test_team_key_keyring.py; PostgreSQL:
test_sealed_logins_postgres.py)."""

from __future__ import annotations

import io
import json
import logging
import os
import stat
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from sqlalchemy import update

from quaero_desktop.cli.main import main
from quaero_desktop.store.schema import sealed_logins
from quaero_desktop.vault.errors import (
    SealedLoginCorruptError,
    SealedLoginNotFoundError,
    TeamKeyFileError,
    TeamKeyMissingError,
    WrongTeamKeyError,
)
from quaero_desktop.vault.sealed_blob import HEADER_BYTES, open_sealed, seal
from quaero_desktop.vault.sealed_logins import SealedLogins, open_sealed_login
from quaero_desktop.vault.secret_store import SecretStore
from quaero_desktop.vault.team_key import new_team_key, read_key_file, write_key_file
from quaero_desktop.vault.team_key_store import TEAM_KEY_FILE_ENV, TeamKeyStore
from tests.keyring_backends import MemoryKeyring
from tests.sealing_support import cookie_forms, files_bytes, found_in, key_file_store, key_forms, team_credential
from tests.vault_support import vault_on

IMPORT_ADVICE = "import the team key with `quaero-desktop team-key import --file PATH`"


@pytest.fixture
def key_file(tmp_path) -> Path:
    path = tmp_path / "keys" / "team.key"
    path.parent.mkdir()
    write_key_file(path, new_team_key())
    return path


def test_a_sealed_login_opens_again_as_it_was_and_every_seal_is_new(database, key_file):
    credential, _ = team_credential()
    sealing = SealedLogins(database, key_file_store(key_file))
    first = sealing.seal(credential)
    assert first.replaced is False and first.key_id == read_key_file(key_file).key_id
    with database.read() as conn:
        assert open_sealed_login(conn, "team-wiki", read_key_file(key_file)) == credential
        blob_before = conn.execute(sealed_logins.select()).one().sealed_blob
    again = sealing.seal(credential)  # re-sealed after logging in again: the row is replaced
    assert again.replaced is True
    with database.read() as conn:
        rows = conn.execute(sealed_logins.select()).all()
    assert len(rows) == 1 and rows[0].sealed_blob != blob_before  # a new nonce every time
    assert rows[0].sealed_blob[:1] == b"\x01" and rows[0].sealed_blob[1:9].hex() == first.key_id
    assert sealing.load("team-wiki") == credential  # as a worker gets it


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (0, SealedLoginCorruptError),  # the version byte
        (HEADER_BYTES - 1, SealedLoginCorruptError),  # the nonce
        (HEADER_BYTES + 10, SealedLoginCorruptError),  # the ciphertext
        (-1, SealedLoginCorruptError),  # the tag
        (3, WrongTeamKeyError),  # the key id: it now names a key this machine does not have
    ],
    ids=["version", "nonce", "ciphertext", "tag", "key-id"],
)
def test_a_changed_byte_anywhere_fails_in_words(where, expected):
    credential, value = team_credential()
    key = new_team_key()
    blob = bytearray(seal(credential, key))
    blob[where] ^= 0x01
    with pytest.raises(expected) as failure:
        open_sealed("team-wiki", bytes(blob), key)
    message = str(failure.value)
    assert "'team-wiki'" in message and "quaero-desktop auth seal team-wiki" in message
    assert value not in message and key.to_text() not in message


def test_a_blob_cut_short_fails_in_words():
    key = new_team_key()
    blob = seal(team_credential()[0], key)
    for cut in (blob[:-1], blob[:20], b""):
        with pytest.raises(SealedLoginCorruptError, match="'team-wiki' does not open"):
            open_sealed("team-wiki", cut, key)


def test_a_blob_moved_onto_another_logins_row_does_not_open(database, key_file):
    sealing = SealedLogins(database, key_file_store(key_file))
    wiki, _ = team_credential("team-wiki")
    tracker, _ = team_credential("tracker")
    sealing.seal(wiki)
    sealing.seal(tracker)
    with database.write() as conn:  # someone with database access swaps the wiki's cookies onto the tracker
        wiki_blob = conn.execute(sealed_logins.select().where(sealed_logins.c.auth_id == "team-wiki")).one()
        conn.execute(
            update(sealed_logins).where(sealed_logins.c.auth_id == "tracker").values(sealed_blob=wiki_blob.sealed_blob)
        )
    with pytest.raises(SealedLoginCorruptError) as failure:
        sealing.load("tracker")
    assert str(failure.value).startswith(
        f"the sealed login 'tracker' does not open with team key {read_key_file(key_file).key_id} "
        "(its authentication tag does not match): it was changed, cut short or copied from another login's row"
    )
    assert sealing.load("team-wiki") == wiki  # its own row still opens


def test_another_teams_key_names_both_keys_and_what_to_do(database, key_file, tmp_path):
    credential, value = team_credential()
    sealed = SealedLogins(database, key_file_store(key_file)).seal(credential)
    other_file = tmp_path / "other.key"
    write_key_file(other_file, other := new_team_key())
    with pytest.raises(WrongTeamKeyError) as failure:
        SealedLogins(database, key_file_store(other_file)).load("team-wiki")
    assert str(failure.value) == (
        f"the login 'team-wiki' is sealed with team key {sealed.key_id}, this machine has team key {other.key_id}: "
        f"import team key {sealed.key_id} with `quaero-desktop team-key import --file PATH` (write PATH on a machine "
        "that has it with `quaero-desktop team-key export --file PATH`), or seal the login again with this "
        "machine's key (`quaero-desktop auth seal team-wiki` where it was saved)"
    )
    assert value not in str(failure.value)


def test_a_worker_without_a_key_is_told_which_key_the_login_needs(database, key_file, tmp_path):
    sealed = SealedLogins(database, key_file_store(key_file)).seal(team_credential()[0])
    missing = tmp_path / "nowhere" / "team.key"
    with pytest.raises(TeamKeyMissingError) as failure:
        SealedLogins(database, key_file_store(missing)).load("team-wiki")
    assert str(failure.value) == (
        f"the login 'team-wiki' is sealed with team key {sealed.key_id}, but this machine has no team key "
        f"(the key file {missing} (set by team_key_file in settings.toml)): {IMPORT_ADVICE} (write PATH on a machine "
        "that has it with `quaero-desktop team-key export --file PATH`)"
    )
    with pytest.raises(SealedLoginNotFoundError, match="'never-sealed' is not sealed in the store: seal it with"):
        SealedLogins(database, key_file_store(key_file)).load("never-sealed")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_key_file_others_may_read_is_refused_with_the_chmod_fix(key_file, mode):
    key_text = read_key_file(key_file).to_text()
    key_file.chmod(mode)
    with pytest.raises(TeamKeyFileError) as failure:
        read_key_file(key_file)
    assert str(failure.value) == (
        f"team key file {key_file}: group or others may read or change it (mode {mode:04o}); a team key file must "
        f"be readable by its owner alone: run `chmod 600 {key_file}` (and check who has seen it)"
    )
    assert key_text not in str(failure.value)
    with pytest.raises(TeamKeyFileError, match="chmod 600"):
        key_file_store(key_file).load()
    key_file.chmod(0o600)
    assert read_key_file(key_file).to_text() == key_text


def test_key_files_are_written_for_their_owner_alone_and_never_overwritten_unasked(tmp_path):
    path = tmp_path / "team.key"
    first = new_team_key()
    write_key_file(path, first)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(TeamKeyFileError, match="the file exists; give another file, or --replace"):
        write_key_file(path, new_team_key())
    assert read_key_file(path) == first
    write_key_file(path, second := new_team_key(), replace=True)
    assert read_key_file(path) == second and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["team.key"]  # no temporary file left


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "it holds no team key"),
        ("hello\n", "it holds no team key"),
        ("quaero-team-key-v1:!!!!\n", "not base64"),
        ("quaero-team-key-v1:AAAA\n", "3 bytes, not 32"),
    ],
)
def test_a_file_that_is_no_key_is_refused_in_words(tmp_path, text, problem):
    path = tmp_path / "team.key"
    path.write_text(text)
    path.chmod(0o600)
    with pytest.raises(TeamKeyFileError, match=problem):
        read_key_file(path)


def test_the_database_files_and_the_logs_hold_neither_the_cookie_nor_the_key(tmp_path, key_file, caplog):
    from quaero_desktop.store import open_database

    caplog.set_level(logging.DEBUG)
    data = tmp_path / "data"
    database = open_database(data)
    try:
        credential, value = team_credential()
        vault = vault_on(database, MemoryKeyring())
        vault.save(credential)
        sealing = SealedLogins(database, key_file_store(key_file))
        sealed = sealing.seal(vault.load("team-wiki"))
        assert sealing.load("team-wiki").secret == credential.secret
    finally:
        database.dispose()
    stored = files_bytes(data)
    key = read_key_file(key_file)
    assert sealed.key_id.encode() in stored  # the row is there: the grep below looks at it
    assert found_in(stored, [value.encode(), *cookie_forms(credential)]) == []
    assert found_in(stored, key_forms(key)) == []
    logged = "\n".join(record.getMessage() for record in caplog.records).encode()
    assert f"login 'team-wiki' sealed into the store with team key {key.key_id}".encode() in logged
    assert found_in(logged, [*cookie_forms(credential), *key_forms(key)]) == []


def _cli(data_dir: Path, *args: str, printed: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--data-dir", str(data_dir), *args])
    printed.append(out.getvalue() + err.getvalue())
    return code, printed[-1]


def test_team_key_commands_with_a_key_file_print_the_id_never_the_key(data_dir, tmp_path, monkeypatch):
    configured = tmp_path / "worker.key"
    monkeypatch.setenv(TEAM_KEY_FILE_ENV, str(configured))
    printed: list[str] = []
    code, shown = _cli(data_dir, "team-key", "show", printed=printed)
    assert code == 0 and f"no team key in the key file {configured} (set by {TEAM_KEY_FILE_ENV})" in shown
    code, shown = _cli(data_dir, "team-key", "create", printed=printed)
    key = read_key_file(configured)
    assert code == 0 and f"created team key {key.key_id} in the key file {configured}" in shown
    assert stat.S_IMODE(configured.stat().st_mode) == 0o600
    code, shown = _cli(data_dir, "team-key", "create", printed=printed)
    assert code == 1 and f"already holds team key {key.key_id}: give --replace" in shown
    assert read_key_file(configured) == key  # kept
    code, shown = _cli(data_dir, "team-key", "show", "--json", printed=printed)
    assert code == 0 and json.loads(shown) == {
        "key_id": key.key_id,
        "where": f"the key file {configured} (set by {TEAM_KEY_FILE_ENV})",
        "file": str(configured),
        "sealed_logins": {},
    }
    carried = tmp_path / "carry.key"
    code, shown = _cli(data_dir, "team-key", "export", "--file", str(carried), printed=printed)
    assert code == 0 and f"wrote team key {key.key_id} to {carried} (readable by you alone)" in shown
    assert read_key_file(carried) == key and stat.S_IMODE(carried.stat().st_mode) == 0o600
    code, shown = _cli(data_dir, "team-key", "export", "--file", str(carried), printed=printed)
    assert code == 2 and "the file exists" in shown
    code, shown = _cli(data_dir, "team-key", "create", "--replace", printed=printed)
    replaced = read_key_file(configured)
    assert code == 0 and replaced != key and f"created team key {replaced.key_id}" in shown
    os.chmod(configured, 0o644)
    code, shown = _cli(data_dir, "team-key", "show", printed=printed)
    assert code == 2 and f"run `chmod 600 {configured}`" in shown and "Traceback" not in shown
    assert found_in("".join(printed).encode(), [*key_forms(key), *key_forms(replaced)]) == []


def test_no_key_a_locked_keyring_another_key_and_a_damaged_blob_are_told_apart(database, key_file, tmp_path):
    from quaero_desktop.vault.errors import VaultLockedError
    from tests.keyring_backends import RaisingKeyring

    SealedLogins(database, key_file_store(key_file)).seal(team_credential()[0])
    other = tmp_path / "other.key"
    write_key_file(other, new_team_key())
    with database.write() as conn:
        row = conn.execute(sealed_logins.select()).one()
        damaged = row.sealed_blob[:-1] + bytes([row.sealed_blob[-1] ^ 0x80])
        conn.execute(
            sealed_logins.insert().values(
                auth_id="damaged", key_id=row.key_id, sealed_blob=damaged, sealed_at=row.sealed_at
            )
        )
    workers = {
        "no key": SealedLogins(database, TeamKeyStore(lambda: SecretStore(MemoryKeyring()))),
        "locked": SealedLogins(database, TeamKeyStore(lambda: SecretStore(RaisingKeyring()))),
        "another key": SealedLogins(database, key_file_store(other)),
    }
    failures = {}
    for name, worker in workers.items():
        with pytest.raises(Exception) as failure:
            worker.load("team-wiki")
        failures[name] = failure.value
    with pytest.raises(Exception) as failure:
        SealedLogins(database, key_file_store(key_file)).load("damaged")
    failures["damaged"] = failure.value
    assert {name: type(error) for name, error in failures.items()} == {
        "no key": TeamKeyMissingError,
        "locked": VaultLockedError,
        "another key": WrongTeamKeyError,
        "damaged": SealedLoginCorruptError,
    }
    assert "but this machine has no team key (this machine's keyring (in-memory test keyring))" in str(
        failures["no key"]
    )
    assert str(failures["locked"]).startswith("the keyring is locked: unlock it")


def test_a_worker_without_a_usable_keyring_is_told_it_can_use_a_key_file(database):
    from quaero_desktop.vault.errors import VaultUnavailableError
    from tests.keyring_backends import PlaintextKeyring

    with pytest.raises(VaultUnavailableError) as failure:
        TeamKeyStore(lambda: SecretStore(PlaintextKeyring())).load()
    assert f"can keep the team key in a file instead: set {TEAM_KEY_FILE_ENV}=PATH" in str(failure.value)
