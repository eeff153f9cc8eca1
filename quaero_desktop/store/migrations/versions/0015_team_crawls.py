"""Team mode (engine/team/): a crawl's next request to each host, shared by its workers
(store/host_turns_repo.py), and which of its pages are on the page queue (engine/team/crawl_levels.py).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_host_turns",
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("next_at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("job_id", "origin"),
    )
    op.create_table(
        "team_queued_pages",
        sa.Column("child_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("team_queued_pages")
    op.drop_table("team_host_turns")
