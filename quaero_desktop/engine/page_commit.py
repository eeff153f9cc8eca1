"""The transactions that record a page's outcome.

A finished page is one transaction: its document (upsert + the parent's atomic count
increment), the links it adds to the frontier and its own status. A crash before the commit
leaves the page pending for resume; after it, nothing is fetched or counted again.
These functions run on the engine's single database thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict, Unpack

from sqlalchemy import Connection

from quaero_desktop.crawler.urls import UrlFilter
from quaero_desktop.domain.job import JobStatus, PageResult, StoppedBy
from quaero_desktop.engine.frontier import FrontierEntry
from quaero_desktop.engine.page_pipeline import PreparedPage
from quaero_desktop.store import documents_repo, frontier_repo, jobs_repo
from quaero_desktop.store.jobs_repo import ChildFinishFields


class ChildBudget:
    """How many more children a crawl may create (``max_pages``) and their sequence numbers.

    Only touched inside transactions on the database thread, so it never races.
    """

    def __init__(self, parent_id: str, *, max_pages: int, created: int, last_seq: int) -> None:
        self.parent_id = parent_id
        self.max_pages = max_pages
        self.created = created
        self.last_seq = last_seq

    @property
    def remaining(self) -> int:
        return max(0, self.max_pages - self.created)

    def plan(self, urls: list[str], depth: int) -> list[tuple[str, str, int, int]]:
        """(child_id, url, depth, seq) rows for ``urls``; call ``apply`` once they are written."""
        return [
            (f"{self.parent_id}-{self.last_seq + i:06d}", url, depth, self.last_seq + i)
            for i, url in enumerate(urls, start=1)
        ]

    def apply(self, rows: list[tuple[str, str, int, int]]) -> None:
        self.created += len(rows)
        if rows:
            self.last_seq = rows[-1][3]


class _FetchedPageFields(TypedDict):
    """What a child whose page was fetched as HTML records, whatever then becomes of the page."""

    http_status: int | None
    content_type: str
    title: str


@dataclass(frozen=True)
class PageCommit:
    status: JobStatus
    result: PageResult | None
    note: str | None = None
    document_id: int | None = None
    new_for_job: bool = False
    new_children: list[FrontierEntry] = field(default_factory=list)
    error: str | None = None
    auth_failed: bool = False
    rendered_empty: bool = False


def enqueue_urls(
    conn: Connection,
    budget: ChildBudget,
    urls: list[str],
    depth: int,
    now: datetime,
    *,
    found_on: str | None = None,
) -> list[FrontierEntry]:
    """Claim ``urls`` in the frontier (atomic insert-or-ignore) and create a child for each new one,
    found on the page ``found_on``; URLs the page budget (max_pages) has no room for are recorded as left."""
    limit = budget.remaining
    claimed = frontier_repo.claim_urls(conn, budget.parent_id, urls, limit)
    left = frontier_repo.over_budget(urls, claimed, limit)
    if left:
        frontier_repo.record_left(conn, budget.parent_id, left, StoppedBy.MAX_PAGES)
    rows = budget.plan(claimed, depth)
    jobs_repo.add_children(conn, budget.parent_id, rows, now, found_on=found_on)
    budget.apply(rows)
    return [FrontierEntry(child_id=child_id, url=url, depth=d) for child_id, url, d, _ in rows]


def commit_document_page(
    conn: Connection,
    *,
    entry: FrontierEntry,
    prepared: PreparedPage,
    budget: ChildBudget,
    url_filter: UrlFilter,
    definition_id: str | None,
    http_status: int | None,
    content_type: str,
    now: datetime,
    note: str | None = None,
    rendered_empty: bool = False,
) -> PageCommit:
    """Store an HTML page, enqueue its links and complete its child, all or nothing.

    ``note`` tells the user something about the stored page (rendered empty, frames left out)."""
    parent_id = budget.parent_id
    content = prepared.content
    fetched: _FetchedPageFields = {"http_status": http_status, "content_type": content_type, "title": content.title}
    if content.url != entry.url:
        reason = url_filter.rejection(content.url)
        if reason is not None:
            note = f"redirected to {content.url}, which is out of scope ({reason})"
            jobs_repo.finish_child(
                conn, entry.child_id, JobStatus.COMPLETED, now=now, result=PageResult.SKIPPED, note=note, **fetched
            )
            return PageCommit(JobStatus.COMPLETED, PageResult.SKIPPED, note)
        if not frontier_repo.claim_urls(conn, parent_id, [content.url], 1):
            note = f"redirected to {content.url}, which this crawl covers already"
            jobs_repo.finish_child(
                conn, entry.child_id, JobStatus.COMPLETED, now=now, result=PageResult.DUPLICATE, note=note, **fetched
            )
            return PageCommit(JobStatus.COMPLETED, PageResult.DUPLICATE, note)
    document_id, new_for_job = documents_repo.upsert(
        conn, content, job_id=parent_id, definition_id=definition_id, now=now
    )
    if new_for_job:
        jobs_repo.increment_document_count(conn, parent_id)
    children = enqueue_urls(conn, budget, prepared.links, entry.depth + 1, now, found_on=content.url)
    if prepared.links_beyond_depth:
        frontier_repo.record_left(conn, parent_id, prepared.links_beyond_depth, StoppedBy.MAX_DEPTH)
    jobs_repo.finish_child(
        conn,
        entry.child_id,
        JobStatus.COMPLETED,
        now=now,
        result=PageResult.DOCUMENT,
        note=note,
        rendered_empty=rendered_empty,
        **fetched,
    )
    return PageCommit(
        JobStatus.COMPLETED,
        PageResult.DOCUMENT,
        note,
        document_id,
        new_for_job,
        children,
        rendered_empty=rendered_empty,
    )


def commit_page_without_document(
    conn: Connection, /, *, entry: FrontierEntry, status: JobStatus, now: datetime, **fields: Unpack[ChildFinishFields]
) -> PageCommit:
    """A page that stored nothing: failed, or skipped (not HTML). ``fields`` as for ``jobs_repo.finish_child``.

    ``conn`` is positional-only: beside ``**fields`` that is what lets ``DbWorker.write`` check the call."""
    jobs_repo.finish_child(conn, entry.child_id, status, now=now, **fields)
    return PageCommit(
        status,
        fields.get("result"),
        fields.get("note"),
        error=fields.get("error"),
        auth_failed=fields.get("auth_failed", False),
    )
