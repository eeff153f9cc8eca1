"""Saved credentials' non-secret metadata (the secrets themselves live in the OS keyring)."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update

from quaero_desktop.domain.credential import CredentialSummary
from quaero_desktop.store.schema import ResultRow, credentials


def save(conn: Connection, summary: CredentialSummary, *, secret_backend: str, secret_chunks: int) -> bool:
    """Insert or replace a credential's metadata (keeping its created_at); True when it was new."""
    values = {
        "name": summary.name,
        "site_domain": summary.site_domain,
        "base_url": summary.base_url,
        "cookie_count": summary.cookie_count,
        "earliest_expiry": summary.earliest_expiry,
        "secret_backend": secret_backend,
        "secret_chunks": secret_chunks,
        "updated_at": summary.updated_at,
    }
    changed = conn.execute(
        update(credentials).where(credentials.c.auth_id == summary.auth_id).values(**values)
    ).rowcount
    if changed:
        return False
    conn.execute(insert(credentials).values(auth_id=summary.auth_id, created_at=summary.created_at, **values))
    return True


def get(conn: Connection, auth_id: str) -> CredentialSummary | None:
    row = conn.execute(select(credentials).where(credentials.c.auth_id == auth_id)).first()
    return _summary(row) if row else None


def list_all(conn: Connection) -> list[CredentialSummary]:
    rows = conn.execute(select(credentials).order_by(credentials.c.name, credentials.c.auth_id))
    return [_summary(row) for row in rows]


def delete_one(conn: Connection, auth_id: str) -> bool:
    return bool(conn.execute(delete(credentials).where(credentials.c.auth_id == auth_id)).rowcount)


def _summary(row: ResultRow) -> CredentialSummary:
    return CredentialSummary(
        auth_id=row.auth_id,
        name=row.name,
        site_domain=row.site_domain,
        base_url=row.base_url,
        cookie_count=row.cookie_count,
        earliest_expiry=row.earliest_expiry,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
