"""Stores as an older version of the program left them, for the upgrade tests."""

from __future__ import annotations

from alembic import command

from quaero_desktop.store import migrate
from quaero_desktop.store.database import Database


def downgrade_to(database: Database, revision: str) -> None:
    """Take ``database`` back to migration ``revision`` with the migrations' own downgrades (whatever
    later migrations added goes, so the test stays true when one more is written)."""
    config = migrate._alembic_config()
    with database.write() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
