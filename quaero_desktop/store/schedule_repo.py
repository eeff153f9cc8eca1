"""The scheduler's memory: the last cron slot handled per scheduled definition."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, select

from quaero_desktop.domain.schedule import SlotRecord
from quaero_desktop.store.schema import job_definitions, schedule_slots
from quaero_desktop.store.upsert import dialect_insert


def load_all(conn: Connection) -> dict[str, SlotRecord]:
    rows = conn.execute(select(schedule_slots))
    return {row.definition_id: SlotRecord(row.schedule, row.last_slot) for row in rows}


def record(conn: Connection, records: Iterable[tuple[str, SlotRecord]], now: datetime) -> None:
    """Insert or replace each definition's record; a definition deleted meanwhile is left out."""
    existing = set(conn.execute(select(job_definitions.c.id)).scalars())
    for definition_id, slot in records:
        if definition_id not in existing:
            continue
        statement = dialect_insert(schedule_slots, conn.dialect.name).values(
            definition_id=definition_id, schedule=slot.schedule, last_slot=slot.last_slot, updated_at=now
        )
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[schedule_slots.c.definition_id],
                set_={"schedule": slot.schedule, "last_slot": slot.last_slot, "updated_at": now},
            )
        )
