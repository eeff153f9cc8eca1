"""Logins sealed into the store for team mode: the desktop seals a saved login with the team key, a worker
on another machine opens it with its copy of the key. The store holds ciphertext and the key's id only."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from quaero_desktop.domain.credential import Credential
from quaero_desktop.store import sealed_logins_repo
from quaero_desktop.store.database import Database
from quaero_desktop.store.schema import utc_now
from quaero_desktop.vault.errors import SealedLoginNotFoundError, TeamKeyMissingError
from quaero_desktop.vault.sealed_blob import open_sealed, seal
from quaero_desktop.vault.team_key import TeamKey
from quaero_desktop.vault.team_key_store import TeamKeyStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SealedLogin:
    auth_id: str
    key_id: str
    sealed_at: datetime
    replaced: bool  # an earlier sealed copy was replaced


def open_sealed_login(conn: Connection, auth_id: str, key: TeamKey) -> Credential:
    """The login ``auth_id`` as sealed in the store (its ``secret``: cookies, localStorage, tokens, user agent).

    SealedLoginNotFoundError, WrongTeamKeyError or SealedLoginCorruptError, each naming the login and what to do."""
    row = sealed_logins_repo.get(conn, auth_id)
    if row is None:
        raise SealedLoginNotFoundError(auth_id)
    return open_sealed(auth_id, row.sealed_blob, key)


class SealedLogins:
    """Seal logins into the store and open them again; ``load`` is what a worker's engine takes as its logins."""

    def __init__(self, database: Database, team_keys: TeamKeyStore) -> None:
        self.database = database
        self.team_keys = team_keys

    def seal(self, credential: Credential) -> SealedLogin:
        """Seal ``credential`` with this machine's team key, replacing its earlier sealed copy."""
        key = self.team_keys.load()
        blob = seal(credential, key)
        now = utc_now()
        with self.database.write() as conn:
            replaced = sealed_logins_repo.save(conn, credential.auth_id, key.key_id, blob, now)
        log.info("login '%s' sealed into the store with team key %s", credential.auth_id, key.key_id)
        return SealedLogin(credential.auth_id, key.key_id, now, replaced)

    def load(self, auth_id: str) -> Credential:
        """The sealed login opened with this machine's team key; the errors of ``open_sealed_login``, and
        TeamKeyMissingError naming the key the login needs."""
        with self.database.read() as conn:
            row = sealed_logins_repo.get(conn, auth_id)
        if row is None:
            raise SealedLoginNotFoundError(auth_id)
        try:
            key = self.team_keys.load()
        except TeamKeyMissingError as exc:
            raise TeamKeyMissingError(exc.where, auth_id=auth_id, needed_key_id=row.key_id) from None
        return open_sealed(auth_id, row.sealed_blob, key)

    def key_ids(self) -> dict[str, str]:
        """auth_id -> the id of the team key each sealed login needs."""
        with self.database.read() as conn:
            return sealed_logins_repo.key_ids(conn)

    def sealed_with(self, auth_id: str) -> str | None:
        return self.key_ids().get(auth_id)

    def delete(self, auth_id: str) -> bool:
        with self.database.write() as conn:
            return sealed_logins_repo.delete_one(conn, auth_id)
