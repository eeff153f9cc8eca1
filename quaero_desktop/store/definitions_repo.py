"""Stored job definitions (the validated mapping as JSON, plus columns for listing)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.store.schema import ResultRow, job_definitions


@dataclass(frozen=True)
class DefinitionRecord:
    definition: JobDefinition
    created_at: datetime
    updated_at: datetime


def save(conn: Connection, definition: JobDefinition, now: datetime) -> bool:
    """Insert or replace a definition; True when it was new."""
    values = {
        "name": definition.name,
        "definition_json": json.dumps(definition.to_mapping()),
        "enabled": definition.enabled,
        "schedule": definition.schedule,
        "updated_at": now,
    }
    changed = conn.execute(
        update(job_definitions).where(job_definitions.c.id == definition.id).values(**values)
    ).rowcount
    if changed:
        return False
    conn.execute(insert(job_definitions).values(id=definition.id, created_at=now, **values))
    return True


def get(conn: Connection, definition_id: str) -> DefinitionRecord | None:
    row = conn.execute(select(job_definitions).where(job_definitions.c.id == definition_id)).first()
    return _record(row) if row else None


def list_all(conn: Connection) -> list[DefinitionRecord]:
    rows = conn.execute(select(job_definitions).order_by(job_definitions.c.name, job_definitions.c.id))
    return [_record(row) for row in rows]


def delete_one(conn: Connection, definition_id: str) -> bool:
    return bool(conn.execute(delete(job_definitions).where(job_definitions.c.id == definition_id)).rowcount)


def _record(row: ResultRow) -> DefinitionRecord:
    definition = JobDefinition.from_mapping(json.loads(row.definition_json), f"stored definition '{row.id}'")
    return DefinitionRecord(definition=definition, created_at=row.created_at, updated_at=row.updated_at)
