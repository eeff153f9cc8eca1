"""One page of a crawl as the Pages table shows it: columns, texts and sort keys.

``ChildRow`` is mutable on purpose: a live crawl changes thousands of rows a second and the
model updates them in place instead of allocating a new object per change.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from quaero_desktop.domain.job import JobStatus, PageResult
from quaero_desktop.engine.events import ChildStatusChanged
from quaero_desktop.gui.format import duration_text
from quaero_desktop.services.jobs import PageListing


class ChildColumn(enum.IntEnum):
    URL = 0
    STATUS = 1
    DEPTH = 2
    HTTP = 3
    TITLE = 4
    TIME = 5
    FOUND_ON = 6
    NOTE = 7


HEADERS = {
    ChildColumn.URL: "URL",
    ChildColumn.STATUS: "Status",
    ChildColumn.DEPTH: "Depth",
    ChildColumn.HTTP: "HTTP",
    ChildColumn.TITLE: "Title",
    ChildColumn.TIME: "Time",
    ChildColumn.FOUND_ON: "Found on",
    ChildColumn.NOTE: "Error / Note",
}

# How far a page got: a store read or an event never moves a row back to an earlier stage.
_STAGE = {JobStatus.PENDING: 0, JobStatus.INTERRUPTED: 0, JobStatus.RUNNING: 1}
_STATUS_ORDER = {status: position for position, status in enumerate(JobStatus)}


def stage(status: JobStatus) -> int:
    """0 waiting, 1 running, 2 finished (completed, failed or cancelled)."""
    return _STAGE.get(status, 2)


@dataclass(slots=True, eq=False)
class ChildRow:
    id: str
    seq: int
    url: str
    depth: int
    status: JobStatus
    http_status: int | None = None
    title: str | None = None
    result: PageResult | None = None
    error: str | None = None
    note: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    found_on: str | None = None  # the page whose link led here (never changes)

    @classmethod
    def from_listing(cls, listing: PageListing) -> ChildRow:
        """The store's listing of a page: the same fields in the same order (checked below)."""
        return cls(*listing)

    def copy_from(self, other: ChildRow) -> bool:
        """Take ``other``'s values (the store's view of this page); True when anything changed."""
        changed = False
        for name in _STORED_FIELDS:
            value = getattr(other, name)
            if getattr(self, name) != value:
                setattr(self, name, value)
                changed = True
        return changed

    def same_as(self, other: ChildRow | PageListing) -> bool:
        """Equal in everything the store records about the page's progress."""
        return (
            self.status == other.status
            and self.http_status == other.http_status
            and self.title == other.title
            and self.result == other.result
            and self.error == other.error
            and self.note == other.note
            and self.started_at == other.started_at
            and self.finished_at == other.finished_at
        )

    def apply(self, event: ChildStatusChanged, now: datetime) -> None:
        """An engine event: the new status and, once finished, what the page gave."""
        self.status = event.status
        if event.status == JobStatus.RUNNING:
            self.started_at, self.finished_at = now, None
            self.error = self.note = None
            return
        if stage(event.status) == 2:
            self.finished_at = now
            self.started_at = self.started_at or now
            self.result = event.result
            self.error = event.error
            self.note = event.note
            if event.http_status is not None:
                self.http_status = event.http_status
            if event.title is not None:
                self.title = event.title

    @property
    def duration_s(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at or datetime.now(UTC)
        return max(0.0, (end - self.started_at).total_seconds())

    @property
    def remark(self) -> str:
        """The Error/Note cell: why it failed, why a completed page stored nothing, or what to know
        about a stored one ("rendered empty (the app did not finish rendering)", frames left out)."""
        if self.error:
            return self.error
        if self.note:
            return self.note
        if self.result is not None and self.result != PageResult.DOCUMENT:
            return str(self.result)
        return ""


if tuple(field.name for field in fields(ChildRow)) != PageListing._fields:  # made from either by position
    raise TypeError("ChildRow and PageListing (and PageColumns) must list the same fields in the same order")

_STORED_FIELDS = ("status", "http_status", "title", "result", "error", "note", "started_at", "finished_at")


def page_time_text(seconds: float | None) -> str:
    """A page's time: "0.42s" under ten seconds, else like "1m05s"."""
    if seconds is None:
        return ""
    if seconds < 10:
        return f"{seconds:.2f}s"
    return duration_text(seconds)


def display_text(row: ChildRow, column: ChildColumn) -> str | int:
    match column:
        case ChildColumn.URL:
            return row.url
        case ChildColumn.STATUS:
            return str(row.status).capitalize()
        case ChildColumn.DEPTH:
            return row.depth
        case ChildColumn.HTTP:
            return "" if row.http_status is None else row.http_status
        case ChildColumn.TITLE:
            return row.title or ""
        case ChildColumn.TIME:
            return page_time_text(row.duration_s)
        case ChildColumn.FOUND_ON:
            return found_on_text(row.found_on)
        case ChildColumn.NOTE:
            return row.remark
    return ""


def found_on_text(found_on: str | None) -> str:
    """The referring page, or "start URL" for the pages the crawl began with."""
    return found_on or "start URL"


def partial_display(column: ChildColumn) -> Callable[[ChildRow], str | int]:
    """A fast display function for one column (the model calls it for every painted cell)."""
    simple: dict[ChildColumn, Callable[[ChildRow], str | int]] = {
        ChildColumn.URL: lambda row: row.url,
        ChildColumn.DEPTH: lambda row: row.depth,
        ChildColumn.TITLE: lambda row: row.title or "",
        ChildColumn.FOUND_ON: lambda row: found_on_text(row.found_on),
        ChildColumn.NOTE: lambda row: row.remark,
    }
    return simple.get(column) or (lambda row: display_text(row, column))


SortValue = str | float  # text or a number, never both in one column
SortKey = Callable[[ChildRow], SortValue]


def _time_key(row: ChildRow) -> float:
    duration = row.duration_s  # None when the page never started
    return -1.0 if row.finished_at is None or duration is None else duration


# Per column, a key that never mixes types (None sorts first as -1 or "").
SORT_KEYS: dict[ChildColumn, SortKey] = {
    ChildColumn.URL: lambda row: row.url,
    ChildColumn.STATUS: lambda row: _STATUS_ORDER[row.status],
    ChildColumn.DEPTH: lambda row: row.depth,
    ChildColumn.HTTP: lambda row: -1 if row.http_status is None else row.http_status,
    ChildColumn.TITLE: lambda row: (row.title or "").casefold(),
    ChildColumn.TIME: _time_key,
    ChildColumn.FOUND_ON: lambda row: row.found_on or "",
    ChildColumn.NOTE: lambda row: row.remark.casefold(),
}

# Columns whose value never changes after a row exists: sorting by them is not disturbed by events.
STABLE_COLUMNS = frozenset({ChildColumn.URL, ChildColumn.DEPTH, ChildColumn.FOUND_ON})
