"""Saved logins by auth_id: the secret in the OS keyring, non-secret metadata in SQLite.

Used by the engine (load before crawling), the ``auth`` commands and the window. Listing reads
SQLite only, so it works while the keyring is locked or missing.
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import TYPE_CHECKING

from quaero_desktop.domain.credential import Credential, CredentialSummary
from quaero_desktop.store import credentials_repo, sealed_logins_repo
from quaero_desktop.store.database import Database
from quaero_desktop.store.schema import utc_now
from quaero_desktop.vault.codec import SecretFormatError, decode_secret, encode_secret
from quaero_desktop.vault.errors import CredentialCorruptError, CredentialNotFoundError
from quaero_desktop.vault.vault_status import VaultStatus

if TYPE_CHECKING:
    from quaero_desktop.vault.secret_store import SecretStore

log = logging.getLogger(__name__)


class CredentialVault:
    """Save, load, list and delete credentials."""

    def __init__(self, database: Database, secret_store: SecretStore | None = None) -> None:
        self.database = database
        if secret_store is not None:
            self.secret_store = secret_store

    @cached_property
    def secret_store(self) -> SecretStore:
        """The OS keyring's store, made (``keyring`` imported) on first use: a crawl without a login
        never needs it."""
        from quaero_desktop.vault.secret_store import SecretStore

        return SecretStore()

    def save(self, credential: Credential) -> bool:
        """Save ``credential``, replacing one with the same auth_id; True if it replaced one.

        The secret goes to the keyring first; only if that worked is the metadata row written
        (one transaction). A failed keyring write raises and stores nothing.
        """
        chunks = self.secret_store.put(credential.auth_id, encode_secret(credential.secret))
        now = utc_now()
        with self.database.write() as conn:
            created = credentials_repo.save(
                conn,
                credential.summary(created_at=now, updated_at=now),
                secret_backend=self.secret_store.backend_name,
                secret_chunks=chunks,
            )
        log.info(
            "credential '%s' saved (%d cookies, %s)",
            credential.auth_id,
            len(credential.secret.cookies),
            self.secret_store.backend_name,
        )
        return not created

    def load(self, auth_id: str) -> Credential:
        """The credential with its secret; CredentialNotFoundError, VaultLockedError,
        VaultUnavailableError or CredentialCorruptError when it cannot be had."""
        summary = self.summary(auth_id)
        if summary is None:
            raise CredentialNotFoundError(auth_id)
        payload = self.secret_store.get(auth_id)
        if payload is None:
            raise CredentialNotFoundError(auth_id, secret_missing_from=self.secret_store.backend_name)
        try:
            secret = decode_secret(payload)
        except SecretFormatError as exc:
            raise CredentialCorruptError(auth_id, str(exc)) from None
        return Credential(
            auth_id=auth_id,
            name=summary.name,
            site_domain=summary.site_domain,
            base_url=summary.base_url,
            secret=secret,
        )

    def summaries(self) -> list[CredentialSummary]:
        """Every saved credential's metadata, from SQLite only (never touches the keyring)."""
        with self.database.read() as conn:
            return credentials_repo.list_all(conn)

    def summary(self, auth_id: str) -> CredentialSummary | None:
        with self.database.read() as conn:
            return credentials_repo.get(conn, auth_id)

    def delete(self, auth_id: str) -> None:
        """Remove the keyring entries, then the row and the login's sealed copy for team mode (if any);
        CredentialNotFoundError if none existed."""
        removed_secret = self.secret_store.delete(auth_id)
        with self.database.write() as conn:
            removed_row = credentials_repo.delete_one(conn, auth_id)
            removed_sealed = sealed_logins_repo.delete_one(conn, auth_id)
        if not (removed_secret or removed_row or removed_sealed):
            raise CredentialNotFoundError(auth_id)
        log.info("credential '%s' deleted", auth_id)

    def status(self) -> VaultStatus:
        """Whether the keyring can be used now: available, locked or unavailable (with what to do)."""
        return self.secret_store.status()
