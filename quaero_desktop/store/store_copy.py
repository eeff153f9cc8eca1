"""Copy a whole store into another, empty one: the local SQLite file into a team's PostgreSQL database
(``quaero-desktop store copy --to URL``).

Every table the schema names, row for row with its ids, in one transaction on the target: a failure
(or a check that does not add up) leaves the target as empty as it was. Values are copied as stored
(times stay the exact ISO text they were), read from one snapshot of the source. Then PostgreSQL's id
sequences are moved past the copied ids, and each table's row count and checksum are compared between
source and target. Logins' secrets are not in the store (they live in each machine's keyring): only
their names and dates are copied.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, Integer, MetaData, Table, TypeDecorator, func, insert, select

from quaero_desktop.domain.errors import ValidationError
from quaero_desktop.store.database import Database
from quaero_desktop.store.schema import metadata
from quaero_desktop.store.storage_errors import StoreError

CopyProgress = Callable[[str, int, int], None]
"""Told how the copy goes: (table, rows copied, rows of the table). Called on the copying thread."""

_BATCH = 1000


@dataclass(frozen=True)
class TableCopy:
    table: str
    rows: int
    checksum: str  # of every row's values, whatever their order (the stores sort text differently)


@dataclass(frozen=True)
class CopyReport:
    tables: tuple[TableCopy, ...]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)


class CopyMismatch(StoreError):
    """The target does not hold what was copied: nothing was kept."""


def copy_store(source: Database, target: Database, progress: CopyProgress | None = None) -> CopyReport:
    """Copy ``source`` into ``target`` (migrated to the newest schema, and empty: ValidationError otherwise)."""
    told = progress or (lambda _table, _done, _total: None)
    started = time.perf_counter()
    tables = _raw_tables()
    with target.read() as conn:
        held = {table.name: n for table in tables if (n := _count(conn, table))}
    if held:
        counts = ", ".join(f"{n:,} {name}" for name, n in held.items())
        raise ValidationError(
            f"--to {target.location}",
            "",
            None,
            f"this store already holds data ({counts}); copy into an empty database (a new one: createdb), "
            "nothing was written",
        )
    copied: list[TableCopy] = []
    with source.read() as reading, target.write() as writing:
        for table in tables:
            copied.append(_copy_table(reading, writing, table, told))
        if writing.dialect.name == "postgresql":
            _move_sequences_past_copied_ids(writing, tables)
        for table, expected in zip(tables, copied, strict=True):
            found = _summary(writing, table)
            if found != expected:  # raising rolls the whole copy back
                raise CopyMismatch(
                    f"the copy of table {table.name} does not match its source ({expected.rows:,} rows, checksum "
                    f"{expected.checksum}; the target read back {found.rows:,}, {found.checksum}); nothing was kept"
                )
    return CopyReport(tuple(copied), time.perf_counter() - started)


def _raw_tables() -> list[Table]:
    """The schema's tables, parents before children, with each column's stored type (UtcDateTime as its
    text): values go across as they are stored, never parsed and written again."""
    raw = MetaData()
    tables = []
    for table in metadata.sorted_tables:
        columns = [
            Column(
                column.name,
                column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type,
                primary_key=column.primary_key,
                autoincrement=False,
            )
            for column in table.columns
        ]
        tables.append(Table(table.name, raw, *columns))
    return tables


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _rows(conn: Connection, table: Table) -> Iterator[Sequence[Any]]:
    result = conn.execution_options(stream_results=True, yield_per=_BATCH).execute(select(table))
    yield from result


def _copy_table(reading: Connection, writing: Connection, table: Table, told: CopyProgress) -> TableCopy:
    total = _count(reading, table)
    names = [column.name for column in table.columns]
    statement = insert(table)
    checksum = _Checksum()
    batch: list[dict[str, Any]] = []
    done = 0
    told(table.name, 0, total)
    for row in _rows(reading, table):
        checksum.add(row)
        batch.append(dict(zip(names, row, strict=True)))
        if len(batch) >= _BATCH:
            writing.execute(statement, batch)
            done += len(batch)
            batch = []
            told(table.name, done, total)
    if batch:
        writing.execute(statement, batch)
        done += len(batch)
    told(table.name, done, total)
    return TableCopy(table.name, checksum.rows, checksum.hexdigest())


def _summary(conn: Connection, table: Table) -> TableCopy:
    checksum = _Checksum()
    for row in _rows(conn, table):
        checksum.add(row)
    return TableCopy(table.name, checksum.rows, checksum.hexdigest())


def _move_sequences_past_copied_ids(conn: Connection, tables: Sequence[Table]) -> None:
    """Rows inserted with their ids leave PostgreSQL's sequences at 1: the next document would collide."""
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, Integer):
                continue
            name = f"{table.name}.{column.name}"
            sequence = conn.execute(select(func.pg_get_serial_sequence(table.name, column.name))).scalar()
            if sequence is None:
                raise StoreError(f"{name} has no id sequence on the target; was it made by this version's migrations?")
            conn.execute(
                select(func.setval(sequence, func.coalesce(func.max(column), 1), func.max(column).is_not(None)))
            )


class _Checksum:
    """SHA-256 of each row's values, added up modulo 2**256: the same rows in any order give the same sum."""

    def __init__(self) -> None:
        self.rows = 0
        self._sum = 0

    def add(self, row: Sequence[Any]) -> None:
        text = "\x1f".join("\x00" if value is None else repr(_comparable(value)) for value in row)
        self._sum = (self._sum + int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")) % (1 << 256)
        self.rows += 1

    def hexdigest(self) -> str:
        return f"{self._sum:064x}"[:32]


def _comparable(value: object) -> object:
    # SQLite hands booleans back as 0/1 where PostgreSQL has true/false; numbers as the same floats.
    return int(value) if isinstance(value, bool) else value
