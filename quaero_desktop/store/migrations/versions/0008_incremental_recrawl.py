"""Incremental re-crawls: documents keep their validators, a hash of the fetched page, their links
and whether the page is gone; each page records what it did to its document.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_GONE = sa.text("gone_at IS NOT NULL")
_DOCUMENT_COLUMNS = ("etag", "last_modified", "source_hash", "links_json", "gone_at")


def upgrade() -> None:
    # Plain ADD COLUMNs on documents: recreating the table (batch mode) would drop the full-text triggers.
    op.add_column("documents", sa.Column("etag", sa.Text, nullable=False, server_default=""))
    op.add_column("documents", sa.Column("last_modified", sa.Text, nullable=False, server_default=""))
    op.add_column("documents", sa.Column("source_hash", sa.String(64), nullable=False, server_default=""))
    op.add_column("documents", sa.Column("links_json", sa.Text, nullable=False, server_default="[]"))
    op.add_column("documents", sa.Column("gone_at", sa.String(32), nullable=True))
    op.create_index("ix_documents_gone", "documents", ["gone_at"], sqlite_where=_GONE, postgresql_where=_GONE)
    op.add_column("jobs", sa.Column("change", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("change")
    op.drop_index("ix_documents_gone", "documents")
    for column in _DOCUMENT_COLUMNS:  # SQLite 3.35+ drops a column in place (the triggers stay)
        op.execute(f"ALTER TABLE documents DROP COLUMN {column}")
