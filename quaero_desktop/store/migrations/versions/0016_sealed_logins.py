"""Sealed logins for team mode (issue 23, item 4): a login's cookies sealed with the team key (AES-GCM), so
workers on other machines can use it; the database holds the ciphertext and the key's id, never the key.
Plain create_table: the same on SQLite and PostgreSQL.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from quaero_desktop.store.schema import UtcDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sealed_logins",
        sa.Column("auth_id", sa.String(64), primary_key=True),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("sealed_blob", sa.LargeBinary, nullable=False),
        sa.Column("sealed_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sealed_logins")
