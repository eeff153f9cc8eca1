"""Nothing stored twice: documents.outline_key (the title and headings, hashed) and document_aliases, the
other URLs of a document (pages that showed its text, stored once).

Plain ADD COLUMN and CREATE TABLE: batch mode on documents would drop the full-text triggers.
Documents stored before keep an empty outline_key until a crawl stores them again: until then only
identical pages (the same content_hash) are found to be theirs.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-09
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("outline_key", sa.String(16), nullable=False, server_default=""))
    op.create_table(
        "document_aliases",
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="SET NULL"), nullable=True),
        sa.Column("similarity", sa.Float, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("last_seen_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_document_aliases_document", "document_aliases", ["document_id"])
    op.create_index("ix_document_aliases_job", "document_aliases", ["job_id"])


def downgrade() -> None:
    op.drop_table("document_aliases")
    op.execute("ALTER TABLE documents DROP COLUMN outline_key")  # in place (SQLite 3.35+): the triggers stay
