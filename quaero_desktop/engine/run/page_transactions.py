"""The transactions that record a page's outcome.

A finished page is one transaction: its document (upsert + the parent's atomic count
increment), the links it adds to the frontier and its own status. A crash before the commit
leaves the page pending for resume; after it, nothing is fetched or counted again.
These functions run on the engine's single database thread.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypedDict, Unpack

from sqlalchemy import Connection

from quaero_desktop.crawler.urls import UrlFilter
from quaero_desktop.domain.document import FetchRecord, KnownPage
from quaero_desktop.domain.job import JobStatus, PageChange, PageResult, SkipReason, StoppedBy
from quaero_desktop.engine.run.child_budget import ChildBudget, enqueue_urls
from quaero_desktop.engine.run.frontier import FrontierEntry
from quaero_desktop.engine.run.prepared_page import PreparedPage
from quaero_desktop.store import documents_repo, frontier_repo, jobs_repo, pages_repo
from quaero_desktop.store.pages_repo import ChildFinishFields

UNCHANGED_NOTE = "unchanged since the last crawl: the stored document was kept"


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
    rendered_incomplete: bool = False
    change: PageChange | None = None
    reason: SkipReason | None = None


class StoreOnce(Protocol):
    """Whether a page is stored, or is a stored document's alias (engine/run/same_content.py)."""

    def instead(self, conn: Connection) -> PageCommit | None: ...

    def stored(self, conn: Connection, document_id: int, *, new: bool) -> None: ...


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
    rendered_incomplete: bool = False,
    again_as: PageChange | None = None,
    canonical_skips: CanonicalSkips | None = None,
    once: StoreOnce | None = None,
) -> PageCommit:
    """Store an HTML page, enqueue its links and complete its child, all or nothing.

    ``note`` tells the user something about the stored page (rendered empty or incomplete, frames left out).
    ``again_as``: the page was stored by this job a moment ago and is stored again, read in the
    browser (auto mode, its host switched): its scope was checked then, and it keeps that change.
    ``once``: asked last, before the page is stored (a page that shows a stored document's text is not
    stored: its commit is the page's), and told of the stored document (engine/run/same_content.py)."""
    parent_id = budget.parent_id
    content = prepared.content
    fetched: _FetchedPageFields = {"http_status": http_status, "content_type": content_type, "title": content.title}
    if content.url != entry.url and again_as is None:
        reason = url_filter.rejection(content.url)
        if reason is not None:
            note = f"redirected to {content.url}, which is out of scope ({reason})"
            return _finish_without_document(
                conn, entry, PageResult.SKIPPED, SkipReason.OUT_OF_SCOPE, note, now=now, **fetched
            )
        skipped_for_canonical = canonical_skips is not None and content.url in canonical_skips.urls
        if skipped_for_canonical:
            # The page named this URL as its canonical one, and this URL leads back to it (a site's
            # canonical "/" that redirects to "/start"): stored here, or neither would be.
            assert canonical_skips is not None
            canonical_skips.urls.discard(content.url)
        elif not frontier_repo.claim_urls(conn, parent_id, [content.url], 1):
            note = f"redirected to {content.url}, which this crawl covers already"
            return _finish_without_document(
                conn, entry, PageResult.DUPLICATE, SkipReason.REDIRECT, note, now=now, **fetched
            )
    if once is not None and (commit := once.instead(conn)) is not None:
        return commit
    stored = documents_repo.store_page(
        conn, content, job_id=parent_id, definition_id=definition_id, now=now, record=prepared.record
    )
    if once is not None:
        once.stored(conn, stored.document_id, new=stored.change == PageChange.NEW)
    document_id, new_for_job = stored.document_id, stored.new_for_job
    if new_for_job:
        jobs_repo.increment_document_count(conn, parent_id)
    children = enqueue_urls(conn, budget, prepared.links, entry.depth + 1, now, found_on=content.url)
    if prepared.links_beyond_depth:
        frontier_repo.record_left(conn, parent_id, prepared.links_beyond_depth, StoppedBy.MAX_DEPTH)
    pages_repo.finish_child(
        conn,
        entry.child_id,
        JobStatus.COMPLETED,
        now=now,
        started=entry.started_at,
        result=PageResult.DOCUMENT,
        note=note,
        rendered_empty=rendered_empty,
        rendered_incomplete=rendered_incomplete,
        change=again_as or stored.change,
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
        rendered_incomplete=rendered_incomplete,
        change=again_as or stored.change,
    )


def commit_skipped_page(
    conn: Connection,
    *,
    entry: FrontierEntry,
    reason: SkipReason,
    note: str,
    links: list[str],
    max_depth: int,
    budget: ChildBudget,
    found_on: str,
    http_status: int | None,
    content_type: str,
    title: str,
    now: datetime,
) -> PageCommit:
    """A page fetched but not stored (noindex, a login form, the site's "not found" page), with the
    links it leads to (in scope, already filtered): a noindex page's links are still followed."""
    children: list[FrontierEntry] = []
    if entry.depth < max_depth:
        children = enqueue_urls(conn, budget, links, entry.depth + 1, now, found_on=found_on)
    elif links:
        frontier_repo.record_left(conn, budget.parent_id, links, StoppedBy.MAX_DEPTH)
    commit = _finish_without_document(
        conn,
        entry,
        PageResult.SKIPPED,
        reason,
        note,
        now=now,
        http_status=http_status,
        content_type=content_type,
        title=title,
    )
    return dataclasses.replace(commit, new_children=children)


class CanonicalSkips:
    """URLs of this crawl skipped because their rel="canonical" named another page (only touched in
    transactions on the database thread, like ``ChildBudget``). A page whose canonical URL is one of
    them is stored after all: two pages naming each other would otherwise store neither."""

    def __init__(self, urls: set[str] | None = None) -> None:
        self.urls = urls or set()


def commit_canonical_duplicate(
    conn: Connection,
    *,
    entry: FrontierEntry,
    page_url: str,
    canonical_url: str,
    budget: ChildBudget,
    skips: CanonicalSkips,
    http_status: int | None,
    content_type: str,
    title: str,
    now: datetime,
) -> PageCommit | None:
    """The page names another page of the scope as its canonical URL: one document per canonical URL.

    The canonical page is claimed (at this page's depth: it stands for it) unless the crawl has it
    already, and this page completes as its duplicate. None: store this page after all (its canonical
    URL was itself skipped for naming another, or the page budget has no room for it)."""
    if canonical_url in skips.urls:
        return None
    budget.sync(conn)
    claimed = frontier_repo.claim_urls(conn, budget.parent_id, [canonical_url], budget.remaining)
    if not claimed and not frontier_repo.is_claimed(conn, budget.parent_id, canonical_url):
        return None  # no room for it (max_pages)
    children: list[FrontierEntry] = []
    if claimed:
        rows = budget.plan(claimed, entry.depth)
        pages_repo.add_children(conn, budget.parent_id, rows, now, found_on=page_url)
        budget.apply(rows)
        children = [FrontierEntry(child_id=child_id, url=url, depth=d) for child_id, url, d, _ in rows]
    skips.urls.add(page_url)
    note = f"its canonical URL is {canonical_url}: stored there, once"
    commit = _finish_without_document(
        conn,
        entry,
        PageResult.DUPLICATE,
        SkipReason.CANONICAL,
        note,
        now=now,
        http_status=http_status,
        content_type=content_type,
        title=title,
    )
    return dataclasses.replace(commit, new_children=children)


def _finish_without_document(
    conn: Connection,
    entry: FrontierEntry,
    result: PageResult,
    reason: SkipReason,
    note: str,
    *,
    now: datetime,
    http_status: int | None,
    content_type: str,
    title: str,
) -> PageCommit:
    pages_repo.finish_child(
        conn,
        entry.child_id,
        JobStatus.COMPLETED,
        now=now,
        started=entry.started_at,
        result=result,
        reason=reason,
        note=note,
        http_status=http_status,
        content_type=content_type,
        title=title,
    )
    return PageCommit(JobStatus.COMPLETED, result, note, reason=reason)


def commit_unchanged_page(
    conn: Connection,
    *,
    entry: FrontierEntry,
    known: KnownPage,
    links_in_scope: Callable[[tuple[str, ...], str], list[str]],
    max_depth: int,
    budget: ChildBudget,
    definition_id: str | None,
    http_status: int | None,
    content_type: str,
    now: datetime,
    record: FetchRecord | None = None,
) -> PageCommit:
    """The page has not changed since it was stored (a 304, or the same bytes): keep its document as
    it is (no conversion, no index write), count it for this job like a stored one (lesson 3:
    ``document_count`` counts the documents the job stored *or kept*), and go on from its stored links."""
    parent_id = budget.parent_id
    new_for_job, stored_links = documents_repo.keep_unchanged(
        conn, known.document_id, job_id=parent_id, definition_id=definition_id, now=now, record=record
    )
    if new_for_job:
        jobs_repo.increment_document_count(conn, parent_id)
    links = links_in_scope(known.links or stored_links, known.url)
    children = []
    if entry.depth < max_depth:
        children = enqueue_urls(conn, budget, links, entry.depth + 1, now, found_on=known.url)
    elif links:
        frontier_repo.record_left(conn, parent_id, links, StoppedBy.MAX_DEPTH)
    pages_repo.finish_child(
        conn,
        entry.child_id,
        JobStatus.COMPLETED,
        now=now,
        started=entry.started_at,
        http_status=http_status,
        content_type=content_type,
        title=known.title,
        result=PageResult.DOCUMENT,
        note=UNCHANGED_NOTE,
        change=PageChange.UNCHANGED,
    )
    return PageCommit(
        JobStatus.COMPLETED,
        PageResult.DOCUMENT,
        UNCHANGED_NOTE,
        known.document_id,
        new_for_job,
        children,
        change=PageChange.UNCHANGED,
    )


def commit_gone_page(
    conn: Connection,
    *,
    entry: FrontierEntry,
    known: KnownPage,
    http_status: int,
    content_type: str,
    now: datetime,
    soft: bool = False,
) -> PageCommit:
    """The page answers 404/410 (or, ``soft``, 200 with the site's "not found" page) where a document was
    stored: the document stays, marked gone (left out of search), and does not count among the job's documents."""
    documents_repo.mark_gone(conn, known.document_id, now)
    if soft:
        note = 'gone (the site\'s "not found" page, answered 200): its stored document is kept, marked gone'
    else:
        note = f"gone (HTTP {http_status}): its stored document is kept, marked gone"
    pages_repo.finish_child(
        conn,
        entry.child_id,
        JobStatus.COMPLETED,
        now=now,
        started=entry.started_at,
        http_status=http_status,
        content_type=content_type,
        title=known.title,
        result=PageResult.GONE,
        note=note,
        change=PageChange.GONE,
    )
    return PageCommit(JobStatus.COMPLETED, PageResult.GONE, note, known.document_id, change=PageChange.GONE)


def commit_page_without_document(
    conn: Connection, /, *, entry: FrontierEntry, status: JobStatus, now: datetime, **fields: Unpack[ChildFinishFields]
) -> PageCommit:
    """A page that stored nothing: failed, or skipped (not HTML). ``fields`` as for ``pages_repo.finish_child``.

    ``conn`` is positional-only: beside ``**fields`` that is what lets ``DbWorker.write`` check the call."""
    pages_repo.finish_child(conn, entry.child_id, status, now=now, started=entry.started_at, **fields)
    return PageCommit(
        status,
        fields.get("result"),
        fields.get("note"),
        error=fields.get("error"),
        auth_failed=fields.get("auth_failed", False),
        reason=fields.get("reason"),
    )
