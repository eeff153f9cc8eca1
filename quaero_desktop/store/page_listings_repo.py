"""A crawl's pages as a list of them shows them (the job window's Pages table), read in one row.

The database builds one JSON array per column, all in one row, so the driver steps to one row,
not one per page, and Python makes 13 lists, not a list or tuple per page:

* Python's sqlite3 lets go of the GIL around every step. While a crawl runs in the same process,
  its threads take the GIL at each of those hand-overs and may keep it for the whole switch
  interval (5 ms). Read row by row, 10,000 pages took ~30 ms of CPU and 0.3-0.7 s beside two
  busy threads; as one row, ~26 ms and 0.2-0.3 s (``benchmarks/pages_read.py``).
* Every list or tuple made counts towards the cyclic garbage collector's next pass, which runs on
  the thread that happens to allocate: the driver's row and a ``PageListing`` per page, besides
  the window's own row per page, made 28 passes per read of 10,000 pages (now 14), and now and
  then a full pass over the whole process (0.1-0.4 s of CPU with a crawl's objects in it).

The columns' values are converted with C-level maps where they need converting (statuses, results),
times with ``datetime.fromisoformat``; the window makes its rows straight from the columns
(``map(ChildRow, *columns)``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, func, select

from quaero_desktop.domain.job import JobStatus, PageResult
from quaero_desktop.store.schema import jobs


class PageListing(NamedTuple):
    """A page as a list of a crawl's pages shows it: what a ChildJob says of its progress, without
    building one (a ChildJob, a frozen dataclass of 20 fields, costs ~4 µs)."""

    id: str
    seq: int
    url: str
    depth: int
    status: JobStatus
    http_status: int | None
    title: str | None
    result: PageResult | None
    error: str | None
    note: str | None
    started_at: datetime | None
    finished_at: datetime | None
    found_on: str | None


class PageColumns(NamedTuple):
    """The same pages column by column, in discovery order: ``PageListing``'s fields, in its order."""

    id: list[str]
    seq: list[int]
    url: list[str]
    depth: list[int]
    status: list[JobStatus]
    http_status: list[int | None]
    title: list[str | None]
    result: list[PageResult | None]
    error: list[str | None]
    note: list[str | None]
    started_at: list[datetime | None]
    finished_at: list[datetime | None]
    found_on: list[str | None]


if PageColumns._fields != PageListing._fields:  # list_page_listings zips one into the other by position
    raise TypeError("PageColumns and PageListing must list the same fields in the same order")

_LISTING_COLUMNS = tuple(jobs.c[name] for name in PageListing._fields)
_STATUSES = {str(status): status for status in JobStatus}  # a dict lookup instead of an enum call per page
_RESULTS: dict[str | None, PageResult | None] = {None: None} | {str(result): result for result in PageResult}


def read_page_columns(conn: Connection, parent_id: str, *, limit: int | None = None, offset: int = 0) -> PageColumns:
    """Children in discovery order (from the ``offset``-th, at most ``limit``), column by column."""
    pages = select(*_LISTING_COLUMNS).where(jobs.c.parent_id == parent_id).order_by(jobs.c.seq).offset(offset)
    if limit is not None:
        pages = pages.limit(limit)
    listed = pages.subquery()
    if conn.dialect.name == "postgresql":
        arrays = func.json_build_array(*(func.json_agg(column) for column in listed.c))
    else:
        arrays = func.json_array(*(func.json_group_array(column) for column in listed.c))
    value = conn.execute(select(arrays)).scalar_one()  # SQLite: JSON text; psycopg: already parsed
    # PostgreSQL's json_agg of no rows is null
    columns: list[list[Any]] = [column or [] for column in (json.loads(value) if isinstance(value, str) else value)]
    columns = _in_seq_order(columns)
    ids, seqs, urls, depths, statuses, http, titles, results, errors, notes, started, finished, found_on = columns
    return PageColumns(
        ids,
        seqs,
        urls,
        depths,
        list(map(_STATUSES.__getitem__, statuses)),
        http,
        titles,
        list(map(_RESULTS.__getitem__, results)),
        errors,
        notes,
        [None if at is None else _utc(at) for at in started],
        [None if at is None else _utc(at) for at in finished],
        found_on,
    )


def list_page_listings(
    conn: Connection, parent_id: str, *, limit: int | None = None, offset: int = 0
) -> list[PageListing]:
    """Children in discovery order, as ``PageListing``s."""
    return list(map(PageListing, *read_page_columns(conn, parent_id, limit=limit, offset=offset)))


def _in_seq_order(columns: list[list[Any]]) -> list[list[Any]]:
    """The columns in discovery order. The aggregates read the ordered pages in one pass, so their
    positions agree; their order is the pages' in practice, but neither SQLite before 3.44 nor
    PostgreSQL without ORDER BY in the call promises it: checked in C, put in order if need be."""
    seqs = columns[1]
    ordered = sorted(seqs)  # nearly free on a list already in order
    if seqs == ordered:
        return columns
    positions = sorted(range(len(seqs)), key=seqs.__getitem__)
    return [list(map(column.__getitem__, positions)) for column in columns]


def _utc(stored: str) -> datetime:
    """A stored time (``UtcDateTime``'s ISO text: the JSON array carries it unparsed)."""
    parsed = datetime.fromisoformat(stored)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
