"""The dialect's own INSERT, for upserts (``ON CONFLICT ... DO UPDATE / DO NOTHING``).

SQLite and PostgreSQL spell an upsert alike, but SQLAlchemy builds it from each dialect's ``insert``.
Repositories build their statements once per dialect (``functools.cache`` on the dialect's name);
PostgreSQL's module is imported only for a PostgreSQL store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy import Connection, Table

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert

UpsertInsert: TypeAlias = "SqliteInsert | PostgresInsert"


def dialect_insert(table: Table, dialect: str) -> UpsertInsert:
    """``INSERT INTO table`` as ``dialect`` (``sqlite`` or ``postgresql``) builds it, with ``on_conflict_*``."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgres_insert

        return postgres_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def placeholder(conn: Connection) -> str:
    """The driver's parameter marker for raw SQL: ``?`` (sqlite3) or ``%s`` (psycopg)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"
