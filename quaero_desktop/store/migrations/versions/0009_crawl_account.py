"""What a crawl tells: where each page was found, what stopped a crawl short, the URLs it left.

jobs.found_on: the page a child was found on (None for start URLs).
jobs.stopped_by: max_pages, max_depth or timeout when one of them cut a finished crawl short.
job_left_urls: URLs a crawl found in scope but did not take on (beyond max_pages or max_depth),
one row per URL, so a link found on many pages counts once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("found_on", sa.Text, nullable=True))
        batch.add_column(sa.Column("stopped_by", sa.String(16), nullable=True))
    op.create_table(
        "job_left_urls",
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "url"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("job_left_urls")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("stopped_by")
        batch.drop_column("found_on")
