"""Sealed logins (team mode): ciphertext rows keyed by auth_id; opening them is the vault's job."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from quaero_desktop.store.schema import sealed_logins


@dataclass(frozen=True)
class SealedLoginRow:
    auth_id: str
    key_id: str
    sealed_blob: bytes = field(repr=False)
    sealed_at: datetime


def save(conn: Connection, auth_id: str, key_id: str, sealed_blob: bytes, sealed_at: datetime) -> bool:
    """Insert or replace the login's sealed copy; True when it replaced one."""
    values = {"key_id": key_id, "sealed_blob": sealed_blob, "sealed_at": sealed_at}
    if conn.execute(update(sealed_logins).where(sealed_logins.c.auth_id == auth_id).values(**values)).rowcount:
        return True
    conn.execute(insert(sealed_logins).values(auth_id=auth_id, **values))
    return False


def get(conn: Connection, auth_id: str) -> SealedLoginRow | None:
    row = conn.execute(select(sealed_logins).where(sealed_logins.c.auth_id == auth_id)).first()
    if row is None:
        return None
    return SealedLoginRow(row.auth_id, row.key_id, bytes(row.sealed_blob), row.sealed_at)


def key_ids(conn: Connection) -> dict[str, str]:
    """Every sealed login's auth_id and the id of the team key that sealed it."""
    return {row.auth_id: row.key_id for row in conn.execute(select(sealed_logins.c.auth_id, sealed_logins.c.key_id))}


def delete_one(conn: Connection, auth_id: str) -> bool:
    return bool(conn.execute(delete(sealed_logins).where(sealed_logins.c.auth_id == auth_id)).rowcount)
