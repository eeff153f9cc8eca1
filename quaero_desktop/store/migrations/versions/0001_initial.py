"""Initial schema: definitions, jobs, the crawl frontier, job logs, documents and their FTS5 index.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from quaero_desktop.store.migrate import on_sqlite
from quaero_desktop.store.schema import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_definitions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("definition_json", sa.Text, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("schedule", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("parent_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("definition_id", sa.String(64), nullable=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=True),
        sa.Column("depth", sa.Integer, nullable=True),
        sa.Column("seq", sa.Integer, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("config_json", sa.Text, nullable=False),
        sa.Column("metadata_json", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("started_at", UtcDateTime, nullable=True),
        sa.Column("finished_at", UtcDateTime, nullable=True),
        sa.Column("document_count", sa.Integer, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("http_status", sa.Integer, nullable=True),
        sa.Column("content_type", sa.Text, nullable=True),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("result", sa.String(16), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("auth_failed", sa.Boolean, nullable=False),
        sa.Column("owner_pid", sa.Integer, nullable=True),
        sa.Column("heartbeat_at", UtcDateTime, nullable=True),
        sa.Column("cancel_requested", sa.Boolean, nullable=False),
    )
    op.create_index("ix_jobs_parent_status", "jobs", ["parent_id", "status"])
    op.create_index("ix_jobs_parent_seq", "jobs", ["parent_id", "seq"])
    op.create_index("ix_jobs_type_created", "jobs", ["type", "created_at"])
    op.create_table(
        "job_seen_urls",
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("job_id", "url"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "job_logs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
    )
    op.create_index("ix_job_logs_job", "job_logs", ["job_id", "id"])
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("markdown", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("canonical_url", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("final_url", sa.Text, nullable=False),
        sa.Column("http_status", sa.Integer, nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="SET NULL"), nullable=True),
        sa.Column("definition_id", sa.String(64), nullable=True),
        sa.Column("first_crawled_at", UtcDateTime, nullable=False),
        sa.Column("last_crawled_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_documents_job", "documents", ["job_id"])
    if not on_sqlite():  # FTS5 is SQLite's: PostgreSQL's search index is a migration of its own
        return
    # Full-text index over title and body, kept in step with `documents` by triggers.
    op.execute(
        "CREATE VIRTUAL TABLE documents_fts USING fts5("
        "title, markdown, content='documents', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN "
        "INSERT INTO documents_fts(rowid, title, markdown) VALUES (new.id, new.title, new.markdown); END"
    )
    op.execute(
        "CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN "
        "INSERT INTO documents_fts(documents_fts, rowid, title, markdown) "
        "VALUES ('delete', old.id, old.title, old.markdown); END"
    )
    op.execute(
        "CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, markdown ON documents BEGIN "
        "INSERT INTO documents_fts(documents_fts, rowid, title, markdown) "
        "VALUES ('delete', old.id, old.title, old.markdown); "
        "INSERT INTO documents_fts(rowid, title, markdown) VALUES (new.id, new.title, new.markdown); END"
    )


def downgrade() -> None:
    if on_sqlite():
        for trigger in ("documents_fts_update", "documents_fts_delete", "documents_fts_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS documents_fts")
    op.drop_table("documents")
    op.drop_table("job_logs")
    op.drop_table("job_seen_urls")
    op.drop_table("jobs")
    op.drop_table("job_definitions")
