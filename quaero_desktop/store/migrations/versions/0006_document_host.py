"""Documents: a host key for ``site:`` filters, an index per source, and prefix indexes for search.

``host_key`` is the URL's host with its labels reversed (``wiki.example.com`` ->
``com.example.wiki``), so "this host and its subdomains" is one index range
(``com.example`` and ``com.example.*``). The full-text table is rebuilt with a 3-character
prefix index: a word being typed (``sig``) is then one lookup, not a merge of every word that
starts with it (docs/architecture.md, "Search", has the measurements).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

from quaero_desktop.store.migrate import on_sqlite
from quaero_desktop.store.schema import HOST_KEY_TYPE

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TRIGGERS = ("documents_fts_insert", "documents_fts_delete", "documents_fts_update")


def _fts_table(prefix: str) -> str:
    return (
        "CREATE VIRTUAL TABLE documents_fts USING fts5("
        "title, markdown, content='documents', content_rowid='id', "
        f"tokenize='porter unicode61 remove_diacritics 2'{prefix})"
    )


def upgrade() -> None:
    # A plain ADD COLUMN: recreating the table (batch mode) would drop the full-text triggers.
    op.add_column("documents", sa.Column("host_key", HOST_KEY_TYPE, nullable=False, server_default=""))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, url FROM documents")).all()
    if rows:
        conn.execute(
            sa.text("UPDATE documents SET host_key = :key WHERE id = :id"),
            [{"id": row.id, "key": ".".join(reversed((urlsplit(row.url).hostname or "").split(".")))} for row in rows],
        )
    op.create_index("ix_documents_host_key", "documents", ["host_key"])
    op.create_index("ix_documents_definition", "documents", ["definition_id"])
    if not on_sqlite():
        return
    # The triggers stay: they name the table, which is dropped and made again with a prefix index.
    op.execute("DROP TABLE documents_fts")
    op.execute(_fts_table(", prefix='3'"))
    op.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if on_sqlite():
        op.execute("DROP TABLE documents_fts")
        op.execute(_fts_table(""))
        op.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
    op.drop_index("ix_documents_definition", "documents")
    op.drop_index("ix_documents_host_key", "documents")
    op.drop_column("documents", "host_key")  # SQLite 3.35+ drops a column in place
