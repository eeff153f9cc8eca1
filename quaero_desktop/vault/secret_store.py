"""Byte payloads of any size in the OS keyring, keyed by auth_id.

Some keyrings hold little per entry (Windows: 2,560 bytes of UTF-16) and keyring does not
split, so a payload is compressed (zlib), base64-encoded and split into chunks sized for the
backend. Keyring layout, all under the service name (``quaero-desktop``):

* ``{auth_id}``: the manifest, small JSON: format version, the committed generation id, its
  chunk count, the sha256 of its base64 text, and ``stale`` generations whose chunks may be
  left over from an interrupted or replaced save.
* ``{auth_id}:{generation}:{index}``: chunk ``index`` (0-based) of a generation.

An auth_id cannot contain ":", so chunk names never collide with another credential's manifest.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import secrets
import threading
import zlib
from dataclasses import dataclass, replace

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from quaero_desktop.vault.errors import (
    CredentialCorruptError,
    VaultError,
    VaultLockedError,
    VaultUnavailableError,
)
from quaero_desktop.vault.keyring_backend import (
    SERVICE_NAME,
    check_unlocked,
    chunk_chars,
    describe_backend,
    keyring_errors,
    system_backend,
    usable_backend,
)
from quaero_desktop.vault.vault_status import VaultStatus

log = logging.getLogger(__name__)

MANIFEST_VERSION = 1
Generation = tuple[str, int]  # (generation id, chunk count)


@dataclass(frozen=True)
class Manifest:
    """The keyring entry named after the auth_id; it holds no secret."""

    generation: str | None  # None: nothing committed yet (an interrupted first save)
    chunks: int = 0
    sha256: str = ""
    stale: tuple[Generation, ...] = ()

    def generations(self) -> list[Generation]:
        """Every generation whose chunks may exist: the committed one and the stale ones."""
        committed = [(self.generation, self.chunks)] if self.generation else []
        return committed + list(self.stale)

    def to_text(self) -> str:
        return json.dumps(
            {
                "v": MANIFEST_VERSION,
                "gen": self.generation,
                "chunks": self.chunks,
                "sha256": self.sha256,
                "stale": [list(item) for item in self.stale],
            },
            separators=(",", ":"),
        )

    @classmethod
    def parse(cls, text: str) -> Manifest:
        """Read a manifest; ValueError when ``text`` is not one this version wrote."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != MANIFEST_VERSION:
            raise ValueError("not a version 1 manifest")
        generation, chunks, digest, stale = data.get("gen"), data.get("chunks"), data.get("sha256"), data.get("stale")
        if not (
            isinstance(generation, str | None)
            and isinstance(chunks, int)
            and isinstance(digest, str)
            and isinstance(stale, list)
        ):
            raise ValueError("manifest fields have the wrong types")
        if not all(
            isinstance(i, list) and len(i) == 2 and isinstance(i[0], str) and isinstance(i[1], int) for i in stale
        ):
            raise ValueError("manifest 'stale' is malformed")
        return cls(generation, chunks, digest, tuple((gen, count) for gen, count in stale))


@dataclass(frozen=True)
class _BackendChoice:
    backend: KeyringBackend | None  # None: refused or missing (``refusal`` says why)
    refusal: str
    name: str  # what the user is told the secrets are kept in


class SecretStore:
    """Payloads in one keyring backend, checked against the acceptable backends on first use.

    A refused or missing backend does not fail anything but the store's own operations (metadata can
    still be listed); each of them then raises VaultUnavailableError. The backend is looked up the
    first time it is needed, not when the store is made: an app builds its vault for every crawl, and
    asking the OS keyring (its plugins, a D-Bus round trip) is wasted on a crawl without a login.
    Another store (e.g. an encrypted file the user chooses) would offer the same
    ``put``/``get``/``delete``/``status``/``backend_name``.
    """

    def __init__(self, backend: KeyringBackend | None = None, *, service: str = SERVICE_NAME) -> None:
        self.service = service
        self._given = backend
        self._choice: _BackendChoice | None = None
        self._choosing = threading.Lock()  # the window's thread and the engine's may ask first together

    @property
    def backend_name(self) -> str:
        return self._chosen().name

    def _chosen(self) -> _BackendChoice:
        with self._choosing:
            if self._choice is None:
                backend, refusal, candidate = None, "", self._given
                try:
                    if candidate is None:
                        candidate = system_backend()
                    backend = usable_backend(candidate)
                except VaultUnavailableError as exc:
                    refusal = exc.reason
                shown = backend or candidate
                name = describe_backend(shown) if shown is not None else "no keyring"
                self._choice = _BackendChoice(backend, refusal, name)
            return self._choice

    def status(self) -> VaultStatus:
        """available / locked / unavailable now, with the backend's name and what to do."""
        try:
            check_unlocked(self._require(), self.service)
        except VaultLockedError as exc:
            return VaultStatus("locked", self.backend_name, str(exc))
        except VaultError as exc:
            return VaultStatus("unavailable", self.backend_name, str(exc))
        return VaultStatus("available", self.backend_name, "")

    def put(self, auth_id: str, payload: bytes) -> int:
        """Store ``payload``, replacing any previous one; returns how many chunks it took.

        The manifest first names the new generation as stale (so its chunks can be found if we
        stop half-way), then the chunks are written, then the manifest commits to them, and only
        then are the previous generation's chunks deleted. Whenever it stops, the previous
        payload (or none) stays readable; never a mix.
        """
        size = chunk_chars(self._require())
        text = base64.b64encode(zlib.compress(payload, 9)).decode("ascii")
        chunks = [text[start : start + size] for start in range(0, len(text), size)]
        old = self._manifest_or_none(auth_id)
        leftovers = self._tidy(auth_id, old.stale) if old else []
        generation = _new_generation(old)
        previous = [(old.generation, old.chunks)] if old and old.generation else []
        intent = replace(old or Manifest(None), stale=(*leftovers, (generation, len(chunks))))
        self._write(auth_id, intent.to_text())
        try:
            for index, chunk in enumerate(chunks):
                self._write(_chunk_name(auth_id, generation, index), chunk)
            committed = Manifest(generation, len(chunks), _digest(text), tuple(leftovers + previous))
            self._write(auth_id, committed.to_text())
        except VaultError:
            self._tidy(auth_id, [(generation, len(chunks))])
            raise
        self._tidy(auth_id, previous)
        return len(chunks)

    def get(self, auth_id: str) -> bytes | None:
        """The payload saved under ``auth_id``, None if there is none; CredentialCorruptError if damaged."""
        manifest = self._manifest(auth_id)
        if manifest is None or manifest.generation is None:
            return None
        parts = []
        for index in range(manifest.chunks):
            part = self._read(_chunk_name(auth_id, manifest.generation, index))
            if part is None:
                raise CredentialCorruptError(auth_id, f"part {index + 1} of {manifest.chunks} is missing")
            parts.append(part)
        text = "".join(parts)
        if _digest(text) != manifest.sha256:
            raise CredentialCorruptError(auth_id, "its checksum does not match: a part was changed or cut short")
        try:
            return zlib.decompress(base64.b64decode(text, validate=True))
        except (binascii.Error, zlib.error) as exc:
            raise CredentialCorruptError(auth_id, f"it does not decompress ({type(exc).__name__})") from None

    def delete(self, auth_id: str) -> bool:
        """Remove every entry of ``auth_id`` (chunks of all known generations, then the manifest).

        Returns False when there was no manifest. Chunks go first, so a failure leaves the
        manifest in place to find them again.
        """
        manifest = self._manifest_or_none(auth_id, keep_unreadable=True)
        if manifest is None:
            return False
        for generation, count in manifest.generations():
            self._remove_chunks(auth_id, generation, count)
        self._remove(auth_id)
        return True

    def _require(self) -> KeyringBackend:
        choice = self._chosen()
        if choice.backend is None:
            raise VaultUnavailableError(choice.refusal)
        return choice.backend

    def _manifest(self, auth_id: str) -> Manifest | None:
        text = self._read(auth_id)
        if text is None:
            return None
        try:
            return Manifest.parse(text)
        except ValueError:
            raise CredentialCorruptError(auth_id, "its keyring index entry is unreadable") from None

    def _manifest_or_none(self, auth_id: str, *, keep_unreadable: bool = False) -> Manifest | None:
        """The manifest; an unreadable one counts as none (to overwrite) or as empty (to delete)."""
        try:
            return self._manifest(auth_id)
        except CredentialCorruptError:
            log.warning("credential '%s': unreadable keyring index entry replaced or removed", auth_id)
            return Manifest(None) if keep_unreadable else None

    def _tidy(self, auth_id: str, generations: list[Generation] | tuple[Generation, ...]) -> list[Generation]:
        """Best-effort removal of chunks; returns the generations that could not be removed."""
        remaining = []
        for generation, count in generations:
            try:
                self._remove_chunks(auth_id, generation, count)
            except VaultError as exc:
                log.warning("credential '%s': old keyring entries not removed yet (%s)", auth_id, exc)
                remaining.append((generation, count))
        return remaining

    def _remove_chunks(self, auth_id: str, generation: str, count: int) -> None:
        for index in range(count):
            self._remove(_chunk_name(auth_id, generation, index))

    def _read(self, username: str) -> str | None:
        backend = self._require()
        with keyring_errors("read an entry"):
            return backend.get_password(self.service, username)

    def _write(self, username: str, text: str) -> None:
        backend = self._require()
        with keyring_errors("save an entry", hide=text):
            backend.set_password(self.service, username, text)

    def _remove(self, username: str) -> None:
        """Delete one entry; an entry that is already gone is fine."""
        backend = self._require()
        with keyring_errors("delete an entry"):
            try:
                backend.delete_password(self.service, username)
            except PasswordDeleteError:
                # "no such entry" and real failures share this error on some backends (macOS)
                if backend.get_password(self.service, username) is not None:
                    raise


def _chunk_name(auth_id: str, generation: str, index: int) -> str:
    return f"{auth_id}:{generation}:{index}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _new_generation(old: Manifest | None) -> str:
    taken = {generation for generation, _ in old.generations()} if old else set()
    while (generation := secrets.token_hex(6)) in taken:
        pass
    return generation
