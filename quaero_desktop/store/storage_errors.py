"""Local storage failures (a full disk, an I/O error, a read-only or vanished database) told apart
from everything else a database call can raise.

A crawl must stop at once on one of these, leave the page it was storing to be fetched again,
and say what to do; any other error is the page's own problem. SQLite reports them by result
code (``sqlite3.Error.sqlite_errorcode``, primary code in the low byte); ``OSError`` covers the
same conditions outside SQLite.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from quaero_desktop.domain.errors import QuaeroError

# Primary SQLite result codes that mean "the storage under the database failed", not "this statement".
_SQLITE_STORAGE_CODES = {
    5: "SQLITE_BUSY",  # another program held the database locked past the busy timeout
    6: "SQLITE_LOCKED",
    8: "SQLITE_READONLY",
    10: "SQLITE_IOERR",
    11: "SQLITE_CORRUPT",
    13: "SQLITE_FULL",
    14: "SQLITE_CANTOPEN",
    26: "SQLITE_NOTADB",
}
_SQLITE_FULL = 13
_OS_STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS}


class LocalStorageError(QuaeroError):
    """The data directory's storage failed; ``disk_full`` when it ran out of space."""

    def __init__(self, directory: Path, reason: str, *, disk_full: bool) -> None:
        self.directory = directory
        self.reason = reason
        self.disk_full = disk_full
        super().__init__(
            f"the disk holding {directory} is full" if disk_full else f"cannot write to {directory}: {reason}"
        )

    @property
    def free_bytes(self) -> int | None:
        """Free space on the directory's file system now (None when it cannot be asked)."""
        try:
            return shutil.disk_usage(self.directory).free
        except OSError:
            return None


def storage_error(exc: BaseException, directory: Path) -> LocalStorageError | None:
    """``exc`` as a LocalStorageError when it is a local storage failure, else None."""
    if isinstance(exc, LocalStorageError):
        return exc
    cause: BaseException | None = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(cause, sqlite3.Error):
        code = getattr(cause, "sqlite_errorcode", None)
        if code is None:  # older builds: only the message tells
            text = str(cause).lower()
            full = "database or disk is full" in text
            if full or "disk i/o error" in text or "readonly database" in text:
                return LocalStorageError(directory, str(cause), disk_full=full)
            return None
        primary = code & 0xFF
        if primary not in _SQLITE_STORAGE_CODES:
            return None
        name = getattr(cause, "sqlite_errorname", _SQLITE_STORAGE_CODES[primary])
        return LocalStorageError(directory, f"{cause} ({name})", disk_full=primary == _SQLITE_FULL)
    if isinstance(cause, OSError) and cause.errno in _OS_STORAGE_ERRNOS:
        full = cause.errno in (errno.ENOSPC, errno.EDQUOT)
        return LocalStorageError(directory, cause.strerror or str(cause), disk_full=full)
    return None


def size_text(size: float) -> str:
    """Bytes as people read them: "820 KB", "12 MB", "1.4 GB"."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= scale:
            value = size / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{int(size)} bytes"
