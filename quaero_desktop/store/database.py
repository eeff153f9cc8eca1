"""The store's database: one SQLite file (the default) or a PostgreSQL database (team mode).

SQLite: every connection runs with WAL, a busy timeout and foreign keys on. Write transactions
start with ``BEGIN IMMEDIATE``: in WAL mode a deferred transaction that reads and then
writes fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT) whatever the busy
timeout, so writers take the lock up front and wait for it instead.

PostgreSQL (``Database.from_url``): plain READ COMMITTED write transactions, no PRAGMAs. Where the
immediate lock used to serialise a read-then-write, the statement says so itself: a document is
read ``FOR UPDATE`` before it is updated, URLs are claimed with ``ON CONFLICT DO NOTHING``, links and
aliases are upserts (``store/upsert.py``). Reads are REPEATABLE READ, READ ONLY: one snapshot, as in
SQLite. The URL's password is never shown: ``repr``, ``location`` and every error mask it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from quaero_desktop.store.storage_errors import ServerAddress, server_error, storage_error
from quaero_desktop.store.storage_errors import StoreError as StoreError  # its old home: callers import it from here

BUSY_TIMEOUT_MS = 15_000
CONNECT_TIMEOUT_S = 10  # a PostgreSQL server that does not answer: said after this long, not hung on
_BEGIN_MODE = "quaero_begin_mode"
POSTGRES_DRIVER = "postgresql+psycopg"


class Database:
    """The app's database. Thread-safe: each transaction takes its own connection."""

    path: Path | None  # the SQLite file; None on PostgreSQL
    url: URL
    engine: Engine
    server: ServerAddress | None  # PostgreSQL's host, port, database and role; None on SQLite

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.url = URL.create("sqlite", database=str(self.path))
        self.server = None
        self.engine = create_engine(
            self.url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            pool_size=8,
            max_overflow=8,
        )
        event.listen(self.engine, "connect", _configure_connection)
        event.listen(self.engine, "begin", _begin)

    @classmethod
    def from_url(cls, url: str | URL) -> Database:
        """The database a SQLAlchemy URL names: ``postgresql+psycopg://role@host:port/database`` (team mode)
        or ``sqlite:///path``. Connects lazily: the first transaction says whether the server answers."""
        parsed = parse_database_url(url)
        if parsed.get_backend_name() == "sqlite":
            return cls(Path(parsed.database or ""))
        database = cls.__new__(cls)
        database.path = None
        database.url = parsed
        database.server = server_address(parsed)
        database.engine = create_engine(
            parsed,
            # A desktop and its crawls: a few connections; pre-ping replaces those a server restart closed.
            pool_size=5,
            max_overflow=10,
            pool_timeout=30,
            pool_pre_ping=True,
            pool_recycle=1800,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "quaero-desktop"},
            hide_parameters=True,
        )
        event.listen(database.engine, "begin", _begin_postgres)
        return database

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @property
    def shared(self) -> bool:
        """Whether processes on other machines may use this store too (PostgreSQL): a pid then says nothing."""
        return self.path is None

    @property
    def location(self) -> str:
        """Where the store is, as messages name it: the file, or the URL with its password masked."""
        return str(self.path) if self.path is not None else masked_url(self.url)

    def __repr__(self) -> str:
        return f"Database({self.location})"

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
        if self.server is not None:
            failure = server_error(exc, self.server)
            if failure is not None and failure is not exc:
                raise failure from None  # the driver's own error may quote the connection string
            return
        assert self.path is not None
        local = storage_error(exc, self.path.parent)
        if local is not None and local is not exc:
            raise local from exc

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


def _begin_postgres(conn: Connection) -> None:
    # psycopg opens the transaction with the first statement: this one, so it may still set the level.
    if conn.get_execution_options().get(_BEGIN_MODE) == "DEFERRED":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def parse_database_url(url: str | URL) -> URL:
    """A database URL checked: SQLite or PostgreSQL through psycopg 3; StoreError (password masked) otherwise."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        shown = str(url).split("@")[-1] if "@" in str(url) else str(url)
        raise StoreError(
            f"'{shown}' is not a database URL; give postgresql+psycopg://ROLE@HOST:PORT/DATABASE"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed
    if backend != "postgresql":
        raise StoreError(
            f"{masked_url(parsed)}: Quaero stores in SQLite or PostgreSQL; give postgresql+psycopg://ROLE@HOST:PORT/DATABASE"
        )
    if parsed.drivername != POSTGRES_DRIVER:  # postgresql:// and postgresql+psycopg2:// mean the same server
        parsed = parsed.set(drivername=POSTGRES_DRIVER)
    if not parsed.database:
        raise StoreError(
            f"{masked_url(parsed)} names no database; add it: postgresql+psycopg://ROLE@HOST:PORT/DATABASE"
        )
    return parsed


def masked_url(url: URL) -> str:
    """The URL as it may be shown: password (in the URL or its query) replaced by ***."""
    if "password" in url.query:
        url = url.update_query_dict({"password": "***"})
    return url.render_as_string(hide_password=True)


def server_address(url: URL) -> ServerAddress:
    password = url.password or url.query.get("password") or ""
    return ServerAddress(
        host=url.host or str(url.query.get("host") or "localhost"),
        port=url.port or 5432,
        database=url.database or "",
        user=url.username or str(url.query.get("user") or ""),
        password=password if isinstance(password, str) else "",
    )


def check_sqlite_features() -> None:
    """Fail with a clear message when this build's SQLite lacks FTS5 (search needs it) or the JSON
    functions (a crawl's pages are read as one JSON array: store/page_listings_repo.py)."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(a)")
        probe.execute("SELECT json_group_array(json_array(1, 'a', NULL))")
    except sqlite3.OperationalError as exc:
        raise StoreError(
            f"this SQLite ({sqlite3.sqlite_version}) has no FTS5 full-text search or no JSON functions ({exc}); "
            "install a Python built with a standard SQLite 3.38 or newer"
        ) from exc
    finally:
        probe.close()
