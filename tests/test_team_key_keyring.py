"""The team key in the real OS keyring (issue 23, item 4), by the command line as people use it: create it,
seal a saved login into the store, carry the key to a "worker" (another keyring service stands for another
machine's keyring) by an exported 0600 file, open the login there; a machine without the key is told which
key the login needs and how to get it (another team's key: test_sealed_logins.py). No output, log or store
file holds the cookie or the key."""

from __future__ import annotations

import io
import json
import logging
import os
import stat
import subprocess
import sys
from contextlib import closing, redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from quaero_desktop.cli.main import main
from quaero_desktop.vault.keyring_backend import SERVICE_NAME
from quaero_desktop.vault.team_key import read_key_file
from quaero_desktop.vault.team_key_store import KEYRING_ENTRY
from tests.conftest import ROOT, child_env, secret_service_available
from tests.login_support import cookie_editor
from tests.sealing_support import files_bytes, found_in, key_forms, leak_forms

pytestmark = pytest.mark.keyring

WORKER_SERVICE = f"{SERVICE_NAME}-worker"


@pytest.fixture(autouse=True)
def _forget_keyring_entries():
    """Every entry this test's services saved is removed from the shared Secret Service afterwards."""
    yield
    if SERVICE_NAME == "quaero-desktop" or not secret_service_available():
        return  # never touch a developer's real logins
    import secretstorage

    with closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        for service in (SERVICE_NAME, WORKER_SERVICE):
            for item in collection.search_items({"service": service}):
                item.delete()


class Machine:
    """The command line with its own keyring service: the desktop (in this process, the suite's service),
    or a worker that shares the store (a child process with another service, standing for its keyring)."""

    def __init__(self, data_dir: Path, service: str, printed: list[str]) -> None:
        self.data_dir, self.service, self.printed = data_dir, service, printed

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        if self.service == SERVICE_NAME:
            out, err = io.StringIO(), io.StringIO()
            with redirect_stdout(out), redirect_stderr(err):
                code = main(["--data-dir", str(self.data_dir), *args])
            done = subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())
        else:
            done = subprocess.run(
                [sys.executable, "-m", "quaero_desktop", *args],
                capture_output=True,
                text=True,
                timeout=120,
                env=child_env(QUAERO_DATA_DIR=str(self.data_dir), QUAERO_KEYRING_SERVICE=self.service),
                cwd=ROOT,
            )
        self.printed.append(done.stdout + done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        return done


def test_a_login_sealed_on_the_desktop_opens_on_a_worker_holding_the_team_key(data_dir, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    printed: list[str] = []
    desktop = Machine(data_dir, SERVICE_NAME, printed)
    worker = Machine(data_dir, WORKER_SERVICE, printed)
    value = "team-session-" + os.urandom(40).hex()  # long and unique: grepped for below
    export = tmp_path / "cookies.json"
    export.write_text(cookie_editor(value))

    shown = desktop.run("team-key", "show")
    assert shown.returncode == 0 and "no team key in this machine's keyring (Secret Service" in shown.stdout
    created = desktop.run("team-key", "create", "--json")
    assert created.returncode == 0, created.stderr
    key_id = json.loads(created.stdout)["key_id"]
    assert json.loads(created.stdout)["where"].startswith("this machine's keyring (Secret Service")
    again = desktop.run("team-key", "create")
    assert again.returncode == 1 and f"already holds team key {key_id}: give --replace" in again.stderr

    assert desktop.run("auth", "import", "site-login", str(export)).returncode == 0
    sealed = desktop.run("auth", "seal", "site-login")
    assert sealed.returncode == 0, sealed.stderr
    assert sealed.stdout.startswith(f"sealed login 'site-login' (2 cookies for 127.0.0.1) with team key {key_id}")
    reimported = desktop.run("auth", "import", "site-login", str(export))  # logged in again: the seal is stale
    assert f"note: workers still get the cookies 'site-login' had when it was sealed (team key {key_id}): seal it " in (
        reimported.stderr
    )
    listed = json.loads(desktop.run("auth", "list", "--json").stdout)
    assert [(login["auth_id"], login["sealed_with"]) for login in listed] == [("site-login", key_id)]
    resealed = desktop.run("auth", "seal", "site-login", "--json")
    assert json.loads(resealed.stdout)["replaced"] is True and json.loads(resealed.stdout)["key_id"] == key_id

    needs_key = worker.run("auth", "unseal", "site-login")
    assert needs_key.returncode == 1
    assert needs_key.stderr.strip().endswith(
        f"the login 'site-login' is sealed with team key {key_id}, but this machine has no team key (this "
        "machine's keyring (Secret Service (GNOME Keyring))): import the team key with `quaero-desktop team-key "
        "import --file PATH` (write PATH on a machine that has it with `quaero-desktop team-key export --file PATH`)"
    )

    carried = tmp_path / "carry.key"
    assert desktop.run("team-key", "export", "--file", str(carried)).returncode == 0
    assert stat.S_IMODE(carried.stat().st_mode) == 0o600 and read_key_file(carried).key_id == key_id
    carried.chmod(0o644)  # copied with the wrong rights
    refused = worker.run("team-key", "import", "--file", str(carried))
    assert refused.returncode == 2 and f"run `chmod 600 {carried}`" in refused.stderr
    carried.chmod(0o600)
    imported = worker.run("team-key", "import", "--file", str(carried))
    assert imported.returncode == 0 and f"imported team key {key_id} in this machine's keyring" in imported.stdout
    opened = worker.run("auth", "unseal", "site-login", "--json")
    assert opened.returncode == 0, opened.stderr
    assert json.loads(opened.stdout) == {
        "auth_id": "site-login",
        "key_id": key_id,
        "cookies": 2,
        "domains": ["127.0.0.1"],
    }
    listed = desktop.run("team-key", "show")
    assert f"team key {key_id} in this machine's keyring" in listed.stdout
    assert "sealed login 'site-login': opens with this key" in listed.stdout

    key = read_key_file(carried)
    stored = files_bytes(data_dir)
    assert key_id.encode() in stored  # the sealed row is there
    assert found_in(stored, [*leak_forms(value.encode()), *key_forms(key)]) == []
    assert found_in("".join(printed).encode(), [*leak_forms(value.encode()), *key_forms(key)]) == []
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"login 'site-login' sealed into the store with team key {key_id}" in logged
    assert found_in(logged.encode(), [*leak_forms(value.encode()), *key_forms(key)]) == []

    assert desktop.run("auth", "delete", "site-login").returncode == 0  # the sealed copy goes with it
    gone = worker.run("auth", "unseal", "site-login")
    assert gone.returncode == 2 and "'site-login' is not sealed in the store" in gone.stderr


def test_the_team_key_is_its_own_keyring_entry_never_a_logins(data_dir, tmp_path):
    import keyring

    printed: list[str] = []
    desktop = Machine(data_dir, SERVICE_NAME, printed)
    assert desktop.run("team-key", "create").returncode == 0
    entry = keyring.get_password(SERVICE_NAME, KEYRING_ENTRY)
    assert entry is not None  # the manifest of the key's own entry ("@team-key": no login id starts with "@")
    listing = desktop.run("auth", "list", "--json")
    assert json.loads(listing.stdout) == []
