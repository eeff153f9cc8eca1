"""Search ranks what people mean (issue 21): documents get link_share, how much of their text is link
text (indexes rank below their pages), and the full-text index is rebuilt without the Porter stemmer,
which merged unrelated words (generator, generic, general: "gener"); search matches a word's
inflections itself (domain/inflections.py), one tier below the word as typed.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from quaero_desktop.domain.link_share import link_share
from quaero_desktop.store.migrate import migration_progress, on_sqlite

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_BATCH = 500


def _fts_table(tokenizer: str) -> str:
    return (
        "CREATE VIRTUAL TABLE documents_fts USING fts5("
        f"title, markdown, content='documents', content_rowid='id', tokenize='{tokenizer}', prefix='3')"
    )


def _rebuild_fts(tokenizer: str) -> None:
    if not on_sqlite():  # FTS5 is SQLite's: PostgreSQL's search index is a migration of its own
        return
    # The triggers stay: they name the table, which is dropped and made again.
    op.execute("DROP TABLE documents_fts")
    op.execute(_fts_table(tokenizer))
    op.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")


def upgrade() -> None:
    op.add_column("documents", sa.Column("link_share", sa.Float, nullable=False, server_default="0"))
    bind = op.get_bind()
    progress = migration_progress()  # ~1 ms a document: minutes on a large store, so say how far it is
    total = bind.execute(sa.text("SELECT count(*) FROM documents")).scalar_one()
    last = done = 0
    if total:  # a new store (or an empty one) upgrades at once: nothing to say
        progress("Measuring how much of each document is links", 0, total)
    while True:  # in batches by id: a large store's Markdown is never read whole into memory
        rows = bind.execute(
            sa.text("SELECT id, markdown FROM documents WHERE id > :last ORDER BY id LIMIT :batch"),
            {"last": last, "batch": _BATCH},
        ).all()
        if not rows:
            break
        bind.execute(
            sa.text("UPDATE documents SET link_share = :share WHERE id = :id"),
            [{"id": row.id, "share": link_share(row.markdown)} for row in rows],
        )
        last = rows[-1].id
        done += len(rows)
        progress("Measuring how much of each document is links", done, total)
    if total:
        progress("Rebuilding the search index", 0, 0)
    _rebuild_fts("unicode61 remove_diacritics 2")


def downgrade() -> None:
    _rebuild_fts("porter unicode61 remove_diacritics 2")
    op.drop_column("documents", "link_share")  # in place (SQLite 3.35+): batch mode would drop the FTS triggers
