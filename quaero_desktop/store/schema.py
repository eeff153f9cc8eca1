"""The database schema as SQLAlchemy Core tables.

Migrations (``store/migrations``) create and upgrade the real schema; these table objects
are what the repositories query with. A test checks that both agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeAlias

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Row,
    String,
    Table,
    Text,
    TypeDecorator,
    false,
    text,
)
from sqlalchemy.engine import Dialect

# A result row that the repositories read by column name (``row.url``); SQLAlchemy types its values as Any.
ResultRow: TypeAlias = Row[*tuple[Any, ...]]


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes stored as ISO 8601 text (sortable, readable)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use datetime.now(UTC)")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


metadata = MetaData()

HOST_KEY_TYPE = Text().with_variant(Text(collation="C"), "postgresql")

job_definitions = Table(
    "job_definitions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("definition_json", Text, nullable=False),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("schedule", Text, nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("parent_id", String(32), ForeignKey("jobs.id", ondelete="CASCADE"), nullable=True),
    Column("type", String(16), nullable=False),
    Column("definition_id", String(64), nullable=True),
    Column("name", Text, nullable=False, default=""),
    Column("url", Text, nullable=True),
    Column("depth", Integer, nullable=True),
    Column("seq", Integer, nullable=True),
    Column("status", String(16), nullable=False),
    Column("config_json", Text, nullable=False, default="{}"),
    Column("metadata_json", Text, nullable=False, default="{}"),
    Column("error", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime, nullable=True),
    Column("finished_at", UtcDateTime, nullable=True),
    Column("document_count", Integer, nullable=False, default=0),
    Column("attempts", Integer, nullable=False, default=0),
    Column("http_status", Integer, nullable=True),
    Column("content_type", Text, nullable=True),
    Column("title", Text, nullable=True),
    Column("result", String(16), nullable=True),
    Column("note", Text, nullable=True),
    Column("auth_failed", Boolean, nullable=False, default=False),
    Column("owner_pid", Integer, nullable=True),
    Column("heartbeat_at", UtcDateTime, nullable=True),
    Column("cancel_requested", Boolean, nullable=False, default=False),
    Column("resume_on_start", Boolean, nullable=False, default=False, server_default=false()),
    Column("crawl_seconds", Float, nullable=False, default=0.0, server_default="0"),
    Column("rendered_empty", Boolean, nullable=False, default=False, server_default=false()),
    # A page stored while its app still loaded its data (crawler/half_loaded.py; migration 0013).
    Column("rendered_incomplete", Boolean, nullable=False, default=False, server_default=false()),
    Column("found_on", Text, nullable=True),  # the page a child was found on (None: a start URL)
    Column("stopped_by", String(16), nullable=True),  # parents: max_pages, max_depth or timeout cut it short
    # What a page did to its document: new, changed, unchanged or gone (domain.job.PageChange).
    Column("change", String(16), nullable=True),
    # Why a skipped or duplicate page stored no document (domain.job.SkipReason; migration 0010).
    Column("reason", String(16), nullable=True),
    Index("ix_jobs_parent_status", "parent_id", "status"),
    Index("ix_jobs_parent_seq", "parent_id", "seq"),
    Index("ix_jobs_type_created", "type", "created_at"),
)

job_seen_urls = Table(
    "job_seen_urls",
    metadata,
    Column("job_id", String(32), ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),
    PrimaryKeyConstraint("job_id", "url"),
    sqlite_with_rowid=False,
)

# URLs a crawl found in scope but left: beyond max_pages or max_depth (``reason``). One row per URL.
job_left_urls = Table(
    "job_left_urls",
    metadata,
    Column("job_id", String(32), ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),
    Column("reason", String(16), nullable=False),
    PrimaryKeyConstraint("job_id", "url"),
    sqlite_with_rowid=False,
)

job_logs = Table(
    "job_logs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", String(32), ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("level", String(8), nullable=False),
    Column("message", Text, nullable=False),
    Index("ix_job_logs_job", "job_id", "id"),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False, unique=True),
    Column("title", Text, nullable=False, default=""),
    Column("markdown", Text, nullable=False, default=""),
    Column("description", Text, nullable=False, default=""),
    Column("canonical_url", Text, nullable=False, default=""),
    Column("language", Text, nullable=False, default=""),
    Column("final_url", Text, nullable=False, default=""),
    Column("http_status", Integer, nullable=True),
    Column("content_hash", String(64), nullable=False, default=""),
    Column("job_id", String(32), ForeignKey("jobs.id", ondelete="SET NULL"), nullable=True),
    Column("definition_id", String(64), nullable=True),
    Column("first_crawled_at", UtcDateTime, nullable=False),
    Column("last_crawled_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # The URL's host, labels reversed (com.example.wiki): site: filters are one index range, which needs
    # "." < "/" byte order: PostgreSQL compares it in the "C" collation whatever the database's locale.
    Column("host_key", HOST_KEY_TYPE, nullable=False, default="", server_default=""),
    # Incremental re-crawls (migration 0008): the validators the server sent, a hash of the page as
    # fetched, its links (JSON array), and since when it answers 404/410 (NULL while it exists).
    Column("etag", Text, nullable=False, default="", server_default=""),
    Column("last_modified", Text, nullable=False, default="", server_default=""),
    Column("source_hash", String(64), nullable=False, default="", server_default=""),
    Column("links_json", Text, nullable=False, default="[]", server_default="[]"),
    Column("gone_at", UtcDateTime, nullable=True),
    # How much of the text is link text (domain/link_share.py, migration 0014): indexes rank lower.
    Column("link_share", Float, nullable=False, default=0.0, server_default="0"),
    # Its title and headings, hashed (crawler/page_likeness.py; migration 0012): a crawl finds the pages
    # near-identical to a stored one among those of its outline.
    Column("outline_key", String(16), nullable=False, default="", server_default=""),
    Index("ix_documents_job", "job_id"),
    Index("ix_documents_host_key", "host_key"),
    Index("ix_documents_definition", "definition_id"),
    # Few documents are gone: search leaves them out through this small index, not a scan of all.
    # PostgreSQL's is partial too (migration 0008 makes it so); naming ``postgresql_where`` here would
    # load SQLAlchemy's whole PostgreSQL dialect (to check the argument) in every command on SQLite.
    Index("ix_documents_gone", "gone_at", sqlite_where=text("gone_at IS NOT NULL")),
)

# Every source a document belongs to (migration 0011): one row per crawl definition that stored or
# kept it, with that source's job that last did and when. documents.definition_id and job_id name only
# the last crawl's; per-source counts, filters and deletions read this table. source: filters read the
# narrow (definition_id, document_id) index alone (the rows, with their times, are three times wider).
document_sources = Table(
    "document_sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("definition_id", String(64), nullable=False),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("job_id", String(32), ForeignKey("jobs.id", ondelete="SET NULL"), nullable=True),
    Column("first_crawled_at", UtcDateTime, nullable=False),
    Column("last_crawled_at", UtcDateTime, nullable=False),
    Index("ix_document_sources_definition", "definition_id", "document_id", unique=True),
    Index("ix_document_sources_document", "document_id"),
    Index("ix_document_sources_job", "job_id"),
)

# Other URLs of a document (migration 0012): pages that showed its text (identical, or near-identical:
# ``similarity`` below 1.0), stored once under the document's URL. One row per URL; the crawl that met it last.
document_aliases = Table(
    "document_aliases",
    metadata,
    Column("url", Text, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("job_id", String(32), ForeignKey("jobs.id", ondelete="SET NULL"), nullable=True),
    Column("similarity", Float, nullable=False, default=1.0),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Index("ix_document_aliases_document", "document_id"),
    Index("ix_document_aliases_job", "job_id"),
)

credentials = Table(
    "credentials",
    metadata,
    Column("auth_id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("site_domain", Text, nullable=False),
    Column("base_url", Text, nullable=False),
    Column("cookie_count", Integer, nullable=False),
    Column("earliest_expiry", UtcDateTime, nullable=True),
    Column("secret_backend", Text, nullable=False),  # where the secret lives, e.g. "Secret Service (GNOME Keyring)"
    Column("secret_chunks", Integer, nullable=False),  # keyring entries its payload took (besides the manifest)
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Logins sealed for team mode's workers (vault/sealed_blob.py): AES-GCM ciphertext only; the team key that
# opens it (named by key_id) is never in the database. One row per login, replaced when it is sealed again.
sealed_logins = Table(
    "sealed_logins",
    metadata,
    Column("auth_id", String(64), primary_key=True),
    Column("key_id", String(16), nullable=False),
    Column("sealed_blob", LargeBinary, nullable=False),
    Column("sealed_at", UtcDateTime, nullable=False),
)

# The scheduler's memory (engine/schedule_policy.py): per scheduled definition, the last cron slot
# it handled and the expression that slot belonged to. Missed slots run once at the next start.
schedule_slots = Table(
    "schedule_slots",
    metadata,
    Column("definition_id", String(64), ForeignKey("job_definitions.id", ondelete="CASCADE"), primary_key=True),
    Column("schedule", Text, nullable=False),
    Column("last_slot", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Team mode (engine/team/): when the next request of a crawl may go to a host, shared by every worker
# of the crawl. ``next_at`` is the database's clock (seconds since the epoch), so workers on machines
# whose clocks differ still space their requests.
team_host_turns = Table(
    "team_host_turns",
    metadata,
    Column("job_id", String(32), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("origin", Text, primary_key=True),
    Column("next_at", Float, nullable=False),
)

# Team mode: the pages of a crawl put on the page queue (engine/team/crawl_levels.py): a page is
# queued once, whichever worker opens its level.
team_queued_pages = Table(
    "team_queued_pages",
    metadata,
    Column("child_id", String(32), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
)
