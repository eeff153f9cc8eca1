"""The crawl's account: why a page stored no document of its own (skipped or duplicate).

jobs.reason: for children whose result is skipped or duplicate, a domain.job.SkipReason
(not_html, robots_txt, out_of_scope, redirect, canonical, noindex, login_form, not_found).
Pages stored before this revision keep NULL: their note still says why.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("reason", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("reason")
