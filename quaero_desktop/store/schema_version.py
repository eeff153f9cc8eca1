"""Which migration a database file has, read without Alembic (issue 20, item 4: quick to start).

Alembic takes longer to import than most commands take to run, and on nearly every start the file is
already current. ``open_database`` therefore reads the revision Alembic wrote into ``alembic_version``
with one query and loads Alembic (``store/migrate.py``) only when it differs from ``HEAD_REVISION``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from quaero_desktop.store.database import Database

MigrationProgress = Callable[[str, int, int], None]
"""Told how a long migration goes: (what it does, done, total); total 0 while it cannot count (an index
rebuilt in one statement). Called on the migrating thread."""

# The newest migration's revision (store/migrations/versions/). tests/test_store.py keeps it equal to
# Alembic's head; were it ever stale, every start would merely run Alembic's (idle) upgrade again.
HEAD_REVISION: Final = "0018"


# Whether alembic_version exists: SQLite's catalogue, or PostgreSQL's (in the search path's schema).
_TABLE_EXISTS: Final = {
    "sqlite": "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'",
    "postgresql": "SELECT 1 WHERE to_regclass('alembic_version') IS NOT NULL",
}


def stored_revision(database: Database) -> str | None:
    """The revision the file records; None for a new file (or, never written by this program, several)."""
    with database.read() as conn:
        exists = conn.exec_driver_sql(_TABLE_EXISTS[database.dialect]).first()
        if exists is None:
            return None
        revisions = [str(row[0]) for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    return revisions[0] if len(revisions) == 1 else None


def is_current(database: Database) -> bool:
    return stored_revision(database) == HEAD_REVISION
