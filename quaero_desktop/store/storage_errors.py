"""Storage failures (a full disk, an I/O error, a read-only or vanished database, a PostgreSQL server
that cannot be reached or refuses us) told apart from everything else a database call can raise.

A crawl must stop at once on one of these, leave the page it was storing to be fetched again,
and say what to do; any other error is the page's own problem. SQLite reports them by result
code (``sqlite3.Error.sqlite_errorcode``, primary code in the low byte); ``OSError`` covers the
same conditions outside SQLite. psycopg (PostgreSQL) gives a SQLSTATE once connected and only a
libpq message while connecting; it is recognised by its module name, so SQLite users never import it.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from dataclasses import dataclass, field
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


class StoreError(QuaeroError):
    """The database cannot be opened or used."""


class LocalStorageError(StoreError):
    """The data directory's storage failed; ``disk_full`` when it ran out of space."""

    def __init__(self, directory: Path, reason: str, *, disk_full: bool) -> None:
        self.directory = directory
        self.reason = reason
        self.disk_full = disk_full
        super().__init__(
            f"the disk holding {directory} is full" if disk_full else f"cannot write to {directory}: {reason}"
        )

    @property
    def place(self) -> str:
        """Where the database is, as a message names it."""
        return str(self.directory)

    @property
    def advice(self) -> str:
        return "check the disk"

    @property
    def free_bytes(self) -> int | None:
        """Free space on the directory's file system now (None when it cannot be asked)."""
        try:
            return shutil.disk_usage(self.directory).free
        except OSError:
            return None


class DatabaseServerError(LocalStorageError):
    """The PostgreSQL server cannot be used: down, unreachable, refusing the role, password or database,
    out of space. A crawl stops on it as on a full disk (resumable); the message names the server and
    what to do, never the password."""

    def __init__(self, server: str, message: str, *, advice: str) -> None:
        self.server = server
        self.directory = Path()
        self.reason = message
        self.disk_full = False
        self._advice = advice
        QuaeroError.__init__(self, f"{message}; {advice}")

    @property
    def place(self) -> str:
        return self.server

    @property
    def advice(self) -> str:
        return self._advice

    @property
    def free_bytes(self) -> int | None:
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


@dataclass(frozen=True)
class ServerAddress:
    """What a message may say of a PostgreSQL store: host, port, database and role, never the password."""

    host: str
    port: int
    database: str
    user: str
    password: str = field(default="", repr=False)

    def __str__(self) -> str:
        return f"{self.host}:{self.port}, database {self.database}"

    def scrub(self, text: str) -> str:
        """``text`` with the password masked wherever it appears (a libpq message may quote a DSN)."""
        return text.replace(self.password, "***") if self.password else text


_SERVER_UNREACHABLE = (
    "connection refused",
    "could not connect",
    "timeout expired",
    "failed to resolve host",
    "could not translate host name",
    "no route to host",
    "network is unreachable",
    "server closed the connection",
    "connection is lost",
    "terminating connection",
    "the database system is",
    "connection to server",
    "consuming input failed",
    "connection timed out",
    "the connection is closed",
)
# SQLSTATE classes and codes that say the server, not the statement, failed.
_SERVER_SQLSTATE_CLASSES = ("08", "53", "57", "58", "28")
_DISK_FULL = "53100"


def server_error(exc: BaseException, server: ServerAddress) -> DatabaseServerError | None:
    """``exc`` as a DatabaseServerError when the PostgreSQL server could not be used, else None."""
    if isinstance(exc, DatabaseServerError):
        return exc
    cause: BaseException | None = exc.orig if isinstance(exc, DBAPIError) else exc
    if cause is None or not type(cause).__module__.startswith("psycopg"):
        return None
    text = server.scrub(" ".join(str(cause).split()))
    lower = text.lower()
    sqlstate = str(getattr(cause, "sqlstate", None) or "")
    url_hint = "or give another --database-url (or QUAERO_DATABASE_URL, or database_url in settings.toml)"
    if "password authentication failed" in lower or sqlstate == "28P01" or "no password supplied" in lower:
        return DatabaseServerError(
            str(server),
            f"the PostgreSQL server at {server} refused the password of role {server.user!r}",
            advice=f"check the password (PGPASSWORD or ~/.pgpass keep it out of the URL), {url_hint}",
        )
    if "role" in lower and "does not exist" in lower:
        return DatabaseServerError(
            str(server),
            f"the PostgreSQL server at {server} has no role {server.user!r}",
            advice=f"create it (createuser {server.user}) {url_hint}",
        )
    if ("database" in lower and "does not exist" in lower) or sqlstate == "3D000":
        return DatabaseServerError(
            str(server),
            f"the PostgreSQL server at {server.host}:{server.port} has no database {server.database!r}",
            advice=f"create it (createdb -O {server.user} {server.database}) {url_hint}",
        )
    if "pg_hba.conf" in lower or sqlstate.startswith("28"):
        return DatabaseServerError(
            str(server),
            f"the PostgreSQL server at {server} refused role {server.user!r}: {text}",
            advice=f"allow it in the server's pg_hba.conf {url_hint}",
        )
    if sqlstate == _DISK_FULL:
        return DatabaseServerError(
            str(server), f"the PostgreSQL server at {server} is out of disk space", advice="free space on the server"
        )
    if sqlstate[:2] in _SERVER_SQLSTATE_CLASSES or any(words in lower for words in _SERVER_UNREACHABLE):
        return DatabaseServerError(
            str(server),
            f"cannot reach the PostgreSQL server at {server} ({text})",
            advice=f"check that it runs and accepts connections from this machine (listen_addresses, "
            f"pg_hba.conf, a firewall), {url_hint}",
        )
    return None
