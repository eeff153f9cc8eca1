"""The team key: a random 256-bit AES key that seals logins for workers on other machines.

It is never stored in the database. It lives in this machine's OS keyring (an entry of its own) or in a
key file only its owner may read (headless workers), as one line of text::

    quaero-team-key-v1:<the key, base64url>

A key is named by its id, 16 hex digits of a SHA-256 over the key: it tells keys apart in messages and
in the database without saying anything about the key itself.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from quaero_desktop.vault.errors import TeamKeyFileError

KEY_BYTES = 32  # AES-256
KEY_ID_BYTES = 8
_PREFIX = "quaero-team-key-v1:"
_ID_CONTEXT = b"quaero team key id\x00"  # so the id is no plain hash another program would also publish
_PRIVATE_ONLY = "a team key file must be readable by its owner alone"
_MAX_FILE_BYTES = 4096  # a key file is one line and a comment


@dataclass(frozen=True)
class TeamKey:
    key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.key) != KEY_BYTES:
            raise ValueError(f"a team key is {KEY_BYTES} bytes, not {len(self.key)}")

    @property
    def key_id(self) -> str:
        return key_id_of(self.key)

    def to_text(self) -> str:
        return _PREFIX + base64.urlsafe_b64encode(self.key).decode("ascii")


def new_team_key() -> TeamKey:
    return TeamKey(secrets.token_bytes(KEY_BYTES))


def key_id_of(key: bytes) -> str:
    return hashlib.sha256(_ID_CONTEXT + key).digest()[:KEY_ID_BYTES].hex()


def parse_team_key(text: str, source: str) -> TeamKey:
    """The key in ``text`` (comment lines starting with # are skipped); TeamKeyFileError names ``source``."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if len(lines) != 1 or not lines[0].startswith(_PREFIX):
        raise TeamKeyFileError(source, "it holds no team key (expected one line starting with quaero-team-key-v1:)")
    try:
        key = base64.b64decode(lines[0].removeprefix(_PREFIX).encode("ascii"), altchars=b"-_", validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise TeamKeyFileError(source, "its team key is not base64 (the file was damaged or cut short)") from None
    if len(key) != KEY_BYTES:
        raise TeamKeyFileError(source, f"its team key is {len(key)} bytes, not {KEY_BYTES} (damaged or cut short)")
    return TeamKey(key)


def read_key_file(path: Path) -> TeamKey:
    """The key in ``path``, refused when group or others may read it (or the file is not a key).

    The rights are those of the file as opened (fstat), so a file swapped after a check is never read."""
    source = str(path)
    try:
        # O_NONBLOCK: a named pipe put where the key file should be is refused, not waited on.
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as file:
            mode = os.fstat(file.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise TeamKeyFileError(source, "it is not a file")
            if os.name == "posix" and mode & 0o077:
                raise TeamKeyFileError(
                    source,
                    f"group or others may read or change it (mode {stat.S_IMODE(mode):04o}); {_PRIVATE_ONLY}: "
                    f"run `chmod 600 {source}` (and check who has seen it)",
                )
            data = file.read(_MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise TeamKeyFileError(source, "no such file") from None
    except IsADirectoryError:
        raise TeamKeyFileError(source, "it is not a file") from None
    except OSError as exc:
        raise TeamKeyFileError(source, f"cannot read it: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise TeamKeyFileError(source, "it holds no team key (it is not text)") from None
    return parse_team_key(text, source)


def write_key_file(path: Path, key: TeamKey, *, replace: bool = False) -> None:
    """Write ``key`` to ``path`` readable by its owner only (0600 from the start: never a moment wider).

    An existing file is refused unless ``replace``; then it is replaced whole (a crash leaves the old one)."""
    source = str(path)
    text = f"# Quaero Desktop team key {key.key_id}: keep it secret (chmod 600)\n{key.to_text()}\n"
    try:
        if replace:  # mkstemp makes the file 0600 in the target's directory, so os.replace is atomic
            handle, temporary = tempfile.mkstemp(prefix=".team-key-", dir=path.absolute().parent)
        else:
            handle, temporary = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), ""
    except FileExistsError:
        raise TeamKeyFileError(source, "the file exists; give another file, or --replace to overwrite it") from None
    except OSError as exc:
        raise TeamKeyFileError(source, f"cannot write it: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        if temporary:
            os.replace(temporary, path)
    except OSError as exc:
        Path(temporary or path).unlink(missing_ok=True)
        raise TeamKeyFileError(source, f"cannot write it: {exc.strerror or exc}") from None
