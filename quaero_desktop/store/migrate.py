"""Bring a database up to the newest schema with Alembic (from the first release on)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from quaero_desktop.store.database import Database
from quaero_desktop.store.schema_version import MigrationProgress

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(database: Database) -> str | None:
    with database.read() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(database: Database, progress: MigrationProgress | None = None) -> None:
    """Apply every migration the file lacks, in one write transaction (nothing half-done); a migration
    that reads every document tells ``progress`` how far it is (see ``migration_progress``)."""
    if current_revision(database) == head_revision():
        return
    config = _alembic_config()
    with database.write() as conn:
        config.attributes["connection"] = conn
        config.attributes["progress"] = progress
        command.upgrade(config, "head")


def on_sqlite() -> bool:
    """For a migration's ``upgrade()``: whether it runs on SQLite (its full-text index, FTS5, is SQLite's
    alone; PostgreSQL's search structures are migrations of their own)."""
    from alembic import op

    return bool(op.get_bind().dialect.name == "sqlite")


def migration_progress() -> MigrationProgress:
    """For a migration's ``upgrade()``: where to say how far it is (a no-op when no one listens)."""
    from alembic import context

    progress: MigrationProgress | None = context.config.attributes.get("progress")
    return progress or (lambda _what, _done, _total: None)
