"""One SQLite file: connection set-up, transactions and schema upgrades.

Every connection runs with WAL, a busy timeout and foreign keys on. Write transactions
start with ``BEGIN IMMEDIATE``: in WAL mode a deferred transaction that reads and then
writes fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT) whatever the busy
timeout, so writers take the lock up front and wait for it instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import ConnectionPoolEntry

from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.store.storage_errors import storage_error

BUSY_TIMEOUT_MS = 15_000
_BEGIN_MODE = "quaero_begin_mode"


class StoreError(QuaeroError):
    """The database cannot be opened or used."""


class Database:
    """The app's SQLite database. Thread-safe: each transaction takes its own connection."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(
            f"sqlite:///{self.path}",
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            pool_size=8,
            max_overflow=8,
        )
        event.listen(self.engine, "connect", _configure_connection)
        event.listen(self.engine, "begin", _begin)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (``BEGIN IMMEDIATE``), committed on success, rolled back on error.

        A failure of the storage itself (disk full, I/O error...) is raised as LocalStorageError."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(**{_BEGIN_MODE: "IMMEDIATE"})
                with conn.begin():
                    yield conn
        except Exception as exc:
            self._raise_storage_error(exc)
            raise

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only snapshot (deferred transaction); never blocks writers in WAL mode."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(**{_BEGIN_MODE: "DEFERRED"})
                with conn.begin():
                    yield conn
        except Exception as exc:
            self._raise_storage_error(exc)
            raise

    def _raise_storage_error(self, exc: Exception) -> None:
        failure = storage_error(exc, self.path.parent)
        if failure is not None and failure is not exc:
            raise failure from exc

    def dispose(self) -> None:
        self.engine.dispose()


def _configure_connection(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy's "begin" hook issue BEGIN itself instead of pysqlite's implicit one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get(_BEGIN_MODE, "IMMEDIATE")
    conn.exec_driver_sql(f"BEGIN {mode}")


def check_fts5() -> None:
    """Fail with a clear message when this build's SQLite lacks FTS5 (search needs it)."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(a)")
    except sqlite3.OperationalError as exc:
        raise StoreError(
            f"this SQLite ({sqlite3.sqlite_version}) has no FTS5 full-text search ({exc}); "
            "install a Python built with a standard SQLite 3.35 or newer"
        ) from exc
    finally:
        probe.close()
