"""Alembic environment: always run programmatically by ``store.migrate`` on an open connection."""

from __future__ import annotations

from alembic import context

from quaero_desktop.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite can only ALTER by copying tables; batch mode does that
)
with context.begin_transaction():
    context.run_migrations()
