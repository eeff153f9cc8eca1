"""schedule_slots: the last cron slot each scheduled definition handled (missed slots run once at start).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schedule_slots",
        sa.Column(
            "definition_id",
            sa.String(64),
            sa.ForeignKey("job_definitions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("schedule", sa.Text, nullable=False),
        sa.Column("last_slot", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("schedule_slots")
