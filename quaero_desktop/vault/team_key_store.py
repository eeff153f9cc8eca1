"""Where this machine keeps the team key: a key file (QUAERO_TEAM_KEY_FILE, else the ``team_key_file``
setting) when one is configured, for headless workers; else its own entry in the OS keyring. Never the
database."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from quaero_desktop.vault.errors import (
    TeamKeyExistsError,
    TeamKeyFileError,
    TeamKeyMissingError,
    VaultError,
    VaultUnavailableError,
)
from quaero_desktop.vault.secret_store import SecretStore
from quaero_desktop.vault.team_key import TeamKey, parse_team_key, read_key_file, write_key_file

TEAM_KEY_FILE_ENV = "QUAERO_TEAM_KEY_FILE"
# No auth_id (letters, digits, ".", "_", "-") and no proxy login ("proxy@host:port") starts with "@".
KEYRING_ENTRY = "@team-key"


@dataclass(frozen=True)
class KeyPlace:
    """A key file, or (file None) the keyring; ``description`` is how messages name it."""

    file: Path | None
    description: str


class TeamKeyStore:
    def __init__(self, secret_store: Callable[[], SecretStore], *, key_file_setting: str = "") -> None:
        self._secret_store = secret_store  # the keyring is looked up only when the key is kept there
        self._key_file_setting = key_file_setting

    def configured_place(self) -> KeyPlace:
        """Where ``load`` looks: the configured key file, else the keyring."""
        return self.configured_file() or self.keyring_place()

    def configured_file(self) -> KeyPlace | None:
        """The key file this machine is told to use (QUAERO_TEAM_KEY_FILE, else the setting), or None."""
        if path := os.environ.get(TEAM_KEY_FILE_ENV, "").strip():
            return file_place(Path(path).expanduser(), f"set by {TEAM_KEY_FILE_ENV}")
        if self._key_file_setting.strip():
            return file_place(
                Path(self._key_file_setting.strip()).expanduser(), "set by team_key_file in settings.toml"
            )
        return None

    def keyring_place(self) -> KeyPlace:
        return KeyPlace(None, f"this machine's keyring ({self._secret_store().backend_name})")

    def load(self) -> TeamKey:
        """The team key; TeamKeyMissingError, TeamKeyFileError, VaultLockedError or VaultUnavailableError."""
        place = self.configured_place()
        key = self.find(place)
        if key is None:
            raise TeamKeyMissingError(place.description)
        return key

    def find(self, place: KeyPlace) -> TeamKey | None:
        """The key kept at ``place``, None when there is none."""
        if place.file is not None:
            if not place.file.exists():
                return None
            return read_key_file(place.file)
        try:
            payload = self._secret_store().get(KEYRING_ENTRY)
        except VaultUnavailableError as exc:
            raise VaultUnavailableError(
                f"{exc.reason}; a machine without a keyring (a headless worker) can keep the team key in a file "
                f"instead: set {TEAM_KEY_FILE_ENV}=PATH, and write PATH with `quaero-desktop team-key export "
                "--file PATH` where the key is"
            ) from None
        if payload is None:
            return None
        try:
            return parse_team_key(payload.decode("utf-8"), "")
        except (TeamKeyFileError, UnicodeDecodeError):
            raise VaultError(
                f"the team key in {place.description} is damaged: import it again with "
                "`quaero-desktop team-key import --file PATH --replace`"
            ) from None

    def save(self, key: TeamKey, place: KeyPlace, *, replace: bool = False) -> bool:
        """Keep ``key`` at ``place``; False when that key was there already. TeamKeyExistsError when a
        different key is there and not ``replace``."""
        if not replace:
            existing = self._existing(place)
            if existing is not None and existing.key_id != key.key_id:
                raise TeamKeyExistsError(existing.key_id, place.description)
            if existing is not None:
                return False
        if place.file is not None:
            write_key_file(place.file, key, replace=replace)
        else:
            self._secret_store().put(KEYRING_ENTRY, key.to_text().encode("ascii"))
        return True

    def _existing(self, place: KeyPlace) -> TeamKey | None:
        if place.file is None or not place.file.exists():
            return self.find(place) if place.file is None else None
        try:
            return read_key_file(place.file)
        except TeamKeyFileError:
            raise TeamKeyFileError(
                str(place.file), "the file exists; give another file, or --replace to overwrite it"
            ) from None


def file_place(path: Path, how: str = "") -> KeyPlace:
    return KeyPlace(path, f"the key file {path}" + (f" ({how})" if how else ""))
