"""Credentials: non-secret metadata of saved logins (the secrets live in the OS keyring).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from quaero_desktop.store.schema import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credentials",
        sa.Column("auth_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("site_domain", sa.Text, nullable=False),
        sa.Column("base_url", sa.Text, nullable=False),
        sa.Column("cookie_count", sa.Integer, nullable=False),
        sa.Column("earliest_expiry", UtcDateTime, nullable=True),
        sa.Column("secret_backend", sa.Text, nullable=False),
        sa.Column("secret_chunks", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("credentials")
