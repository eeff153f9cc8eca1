"""A document belongs to every source that crawled it: document_sources links each document to each
crawl definition that stored or kept it (that source's last job, first and last crawl).

Until now documents.definition_id held one source, so a second definition crawling the same pages
took them from the first. Each document's definition_id becomes its first link. A new table, no
batch mode on documents (that would drop the full-text triggers). source: filters read the
(definition_id, document_id) index alone.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_sources",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("definition_id", sa.String(64), nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="SET NULL"), nullable=True),
        sa.Column("first_crawled_at", sa.String(32), nullable=False),
        sa.Column("last_crawled_at", sa.String(32), nullable=False),
    )
    op.execute(
        "INSERT INTO document_sources (definition_id, document_id, job_id, first_crawled_at, last_crawled_at)"
        " SELECT definition_id, id, job_id, first_crawled_at, last_crawled_at FROM documents"
        " WHERE definition_id IS NOT NULL"
    )
    op.create_index("ix_document_sources_definition", "document_sources", ["definition_id", "document_id"], unique=True)
    op.create_index("ix_document_sources_document", "document_sources", ["document_id"])
    op.create_index("ix_document_sources_job", "document_sources", ["job_id"])


def downgrade() -> None:
    op.drop_table("document_sources")
