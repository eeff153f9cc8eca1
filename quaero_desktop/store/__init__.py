"""Persistence: one SQLite file (or, in team mode, a PostgreSQL database), migrated by Alembic;
repositories per table group.

Repositories are modules of functions that take an open connection, so the engine can
compose one transaction out of several (a page's document, count, links and status).
"""

from __future__ import annotations

from pathlib import Path

from quaero_desktop.store.database import Database, check_sqlite_features
from quaero_desktop.store.schema_version import MigrationProgress, is_current

DATABASE_FILENAME = "quaero.db"


def open_database(data_dir: Path, progress: MigrationProgress | None = None, *, url: str | None = None) -> Database:
    """Open (creating and upgrading as needed) the database in ``data_dir``, or the one ``url`` names (a
    PostgreSQL store: ``postgresql+psycopg://ROLE@HOST:PORT/DATABASE``); an upgrade that reads every
    document (minutes on a large store) tells ``progress`` how far it is."""
    if url:
        database = Database.from_url(url)
    else:
        check_sqlite_features()
        database = Database(Path(data_dir) / DATABASE_FILENAME)
    if not is_current(database):
        # Alembic loads only for a file that lacks a migration (store/schema_version.py says why).
        from quaero_desktop.store.migrate import upgrade_to_head

        upgrade_to_head(database, progress)
    return database


__all__ = ["DATABASE_FILENAME", "MigrationProgress", "open_database"]
