"""Shared by the sealed-login tests (team mode, issue 23 item 4): a login with a long, unique cookie value,
and every form in which a cookie value or a team key could leak into a file, a dump or a log."""

from __future__ import annotations

import base64
import dataclasses
import secrets
from pathlib import Path

from quaero_desktop.domain.credential import Cookie, Credential
from quaero_desktop.vault.sealed_logins import SealedLogin, SealedLogins
from quaero_desktop.vault.secret_store import SecretStore
from quaero_desktop.vault.team_key import TeamKey, new_team_key, write_key_file
from quaero_desktop.vault.team_key_store import TeamKeyStore
from tests.login_support import site_login
from tests.vault_support import realistic_credential


def team_credential(auth_id: str = "team-wiki") -> tuple[Credential, str]:
    """A realistic login plus a 90-character cookie no other test uses; (credential, that value)."""
    value = f"sealed-cookie-{secrets.token_hex(32)}-{secrets.token_hex(6)}"
    base = realistic_credential(auth_id)
    cookie = Cookie("team_session", value, "wiki.example.com", secure=True, http_only=True, same_site="Lax")
    secret = dataclasses.replace(base.secret, cookies=(*base.secret.cookies, cookie))
    return dataclasses.replace(base, secret=secret), value


def leak_forms(secret: bytes) -> list[bytes]:
    """``secret`` as bytes, hex (PostgreSQL's bytea text), base64 and base64url: any of them is a leak."""
    return [
        secret,
        secret.hex().encode(),
        base64.b64encode(secret).rstrip(b"="),
        base64.urlsafe_b64encode(secret).rstrip(b"="),
    ]


def key_forms(key: TeamKey) -> list[bytes]:
    return [*leak_forms(key.key), key.to_text().encode()]


def cookie_forms(credential: Credential) -> list[bytes]:
    """The forms of every secret value long enough not to turn up by chance (cookies, localStorage, tokens)."""
    values = [value for value in credential.secret.secret_values() if len(value) >= 16]
    return [form for value in values for form in leak_forms(value.encode())]


def found_in(haystack: bytes, needles: list[bytes]) -> list[bytes]:
    return [needle for needle in needles if needle in haystack]


def files_bytes(directory: Path) -> bytes:
    """Every file under ``directory`` (the SQLite file, its -wal and -shm), concatenated."""
    return b"".join(path.read_bytes() for path in sorted(directory.rglob("*")) if path.is_file())


def key_file_store(path: Path) -> TeamKeyStore:
    """The team key as a headless worker keeps it: a key file named in the settings (no keyring)."""

    def no_keyring() -> SecretStore:
        raise AssertionError("a machine with a key file never asks its keyring for the team key")

    return TeamKeyStore(no_keyring, key_file_setting=str(path))


def seal_site_login(database, session: str, folder: Path) -> tuple[Path, Path, SealedLogin]:
    """The test site's login for ``session`` sealed in ``database`` with a team key written to
    ``folder``/team.key, beside another team's key (other.key); (team key file, other key file, sealed)."""
    team_key, other_key = folder / "team.key", folder / "other.key"
    write_key_file(team_key, new_team_key())
    write_key_file(other_key, new_team_key())
    sealed = SealedLogins(database, key_file_store(team_key)).seal(site_login(session))
    return team_key, other_key, sealed
