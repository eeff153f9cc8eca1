"""Full-text search on a PostgreSQL store (issue 23): a tsvector of each document's title (weight A)
and body, kept by a trigger, a GIN index, the word count bm25 needs (store/search_pg_schema.py).
SQLite's FTS5 table (0001, 0006, 0014) already does this: there the migration does nothing.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from alembic import op

from quaero_desktop.store import search_pg_schema

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        search_pg_schema.create(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        search_pg_schema.drop(op.get_bind())
