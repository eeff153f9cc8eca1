"""What a fetched page means for the crawl: fail it, skip it (with its reason) or store it.

``PageRecorder.record`` turns each outcome into the page's one transaction (page_transactions.py). The
order of the questions is the crawl's account (docs/architecture.md, "Every page accounted for"):
refused by robots.txt, failed, not modified, refused by the login, gone, an HTTP error, not HTML,
unchanged bytes, then what the page says of itself (noindex, a canonical URL elsewhere), and last,
once converted, whether it is the site's "not found" page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypedDict, Unpack

from quaero_desktop.crawler.conversion_pool import Conversions, InThreadConversions
from quaero_desktop.crawler.converted_page import ContentRules
from quaero_desktop.crawler.fetched import FetchedPage, FetchError, NonHtmlResponse, NotModified
from quaero_desktop.crawler.scope import CrawlScope
from quaero_desktop.domain.definition import RenderMode
from quaero_desktop.domain.document import FetchRecord, KnownPage
from quaero_desktop.domain.job import JobStatus, PageChange, PageResult, SkipReason
from quaero_desktop.engine.db_worker import DbWorker
from quaero_desktop.engine.run.child_budget import ChildBudget
from quaero_desktop.engine.run.frontier import FrontierEntry
from quaero_desktop.engine.run.login_watch import looks_like_login
from quaero_desktop.engine.run.not_found_pages import NotFoundPages
from quaero_desktop.engine.run.page_transactions import (
    CanonicalSkips,
    PageCommit,
    commit_canonical_duplicate,
    commit_document_page,
    commit_gone_page,
    commit_page_without_document,
    commit_skipped_page,
    commit_unchanged_page,
)
from quaero_desktop.engine.run.page_verdicts import Disallowed, FetchOutcome, NotStored
from quaero_desktop.engine.run.prepared_page import PreparedPage, prepare_page, stored_source_hash
from quaero_desktop.engine.run.retries import http_error
from quaero_desktop.engine.run.same_content import PageOnce, SameContent
from quaero_desktop.store import documents_repo
from quaero_desktop.store.pages_repo import ChildFinishFields

GONE_STATUSES = frozenset({404, 410})
AUTH_REQUIRED = "authentication required (session expired?)"
RENDERED_EMPTY = "rendered empty (the app did not finish rendering)"
RENDERED_INCOMPLETE = "rendered incomplete"
NOINDEX_NOTE = "not stored: the page asks not to be indexed (noindex)"
NOT_FOUND_NOTE = 'not stored: the site\'s "not found" page, though it answered 200 (a soft 404)'


def page_note(page: FetchedPage) -> str | None:
    """What the user should know about a stored page: it rendered empty or incomplete, frames were left out."""
    notes = []
    if page.needs_javascript:
        notes.append(f'needs JavaScript ({page.needs_javascript}): read without it, as render = "http" asks')
    elif page.rendered_empty:
        notes.append(RENDERED_EMPTY)
    elif page.rendered_incomplete:
        notes.append(f"{RENDERED_INCOMPLETE} (the app was still loading its data: {page.rendered_incomplete})")
    if page.left_out_frames:
        count = len(page.left_out_frames)
        shown = ", ".join(page.left_out_frames[:2]) + (f" and {count - 2} more" if count > 2 else "")
        notes.append(f"left out {count} cross-origin frame{'s' if count != 1 else ''}: {shown}")
    return "; ".join(notes) or None


def needs_login(entry_url: str, outcome: FetchedPage | NonHtmlResponse, final_url: str) -> bool:
    """An authenticated fetch that was refused (401/403) or sent to a sign-in URL (``final_url``, normalised).
    A login form shown in place is the login watch's (login_watch.py): it never reaches the store."""
    if outcome.status in (401, 403):
        return True
    return final_url != entry_url and looks_like_login(final_url) and not looks_like_login(entry_url)


class _ResponseFields(TypedDict):
    """What a child records about the response its page got."""

    http_status: int | None
    content_type: str


class PageRecorder:
    """Turns one fetch outcome into the page's transaction."""

    def __init__(
        self,
        db: DbWorker,
        scope: CrawlScope,
        budget: ChildBudget,
        *,
        definition_id: str | None,
        authenticated: bool,
        rules: ContentRules,
        not_found: NotFoundPages | None = None,
        canonical_skips: CanonicalSkips | None = None,
        same_content: SameContent | None = None,
        conversions: Conversions | None = None,
    ) -> None:
        self._db = db
        self._scope = scope
        self._budget = budget
        self._definition_id = definition_id
        self.authenticated = authenticated
        self._rules = rules  # the definition's content rules: what of each page is stored
        self._not_found = not_found
        self._canonical_skips = canonical_skips or CanonicalSkips()
        self._same_content = same_content  # the documents a page may show the text of (stored once)
        self._conversions = conversions or InThreadConversions()  # HTML -> Markdown: the engine's processes

    async def record(
        self, entry: FrontierEntry, outcome: FetchOutcome | Disallowed | NotStored, known: KnownPage | None = None
    ) -> PageCommit:
        """``known``: what the store held for the page's URL before this fetch (an incremental re-crawl)."""
        now = datetime.now(UTC)
        if isinstance(outcome, Disallowed):
            return await self._without_document(
                entry, JobStatus.COMPLETED, result=PageResult.SKIPPED, reason=SkipReason.ROBOTS_TXT, note=outcome.reason
            )
        if isinstance(outcome, FetchError):
            return await self._without_document(entry, JobStatus.FAILED, error=str(outcome))
        if isinstance(outcome, NotStored):
            return await self._not_stored(entry, outcome, now)
        if isinstance(outcome, NotModified) and known is not None:
            record = FetchRecord(etag=outcome.etag, last_modified=outcome.last_modified)
            return await self._unchanged(entry, known, 304, "text/html", now, record)
        if isinstance(outcome, NotModified):  # a 304 the crawl did not ask for: nothing to keep
            return await self._without_document(entry, JobStatus.FAILED, error=http_error(304), http_status=304)
        details: _ResponseFields = {"http_status": outcome.status, "content_type": outcome.content_type}
        final_url = self._scope.normalise(outcome.final_url) or entry.url
        if self.authenticated and needs_login(entry.url, outcome, final_url):
            return await self._without_document(
                entry, JobStatus.FAILED, error=AUTH_REQUIRED, auth_failed=True, **details
            )
        if known is not None and outcome.status in GONE_STATUSES:
            return await self._gone(entry, known, outcome.status, outcome.content_type, now)
        if outcome.status is not None and outcome.status >= 400:
            return await self._without_document(entry, JobStatus.FAILED, error=http_error(outcome.status), **details)
        if isinstance(outcome, NonHtmlResponse):
            note = f"not HTML ({outcome.content_type}): not stored"
            return await self._without_document(
                entry, JobStatus.COMPLETED, result=PageResult.SKIPPED, reason=SkipReason.NOT_HTML, note=note, **details
            )
        if (
            known is not None
            and not known.gone
            and known.source_hash
            and outcome.rendered_by == RenderMode.HTTP
            and stored_source_hash(outcome.source_hash, self._rules) == known.source_hash
            and final_url == known.url
        ):  # the same bytes as last time: no conversion, no index write
            record = FetchRecord(etag=outcome.etag, last_modified=outcome.last_modified)
            return await self._unchanged(entry, known, outcome.status, outcome.content_type, now, record)
        if self._scope.noindex(outcome):
            if known is not None and not known.gone:  # a stored page that now says noindex: removed since?
                prepared = await self._prepare(outcome, final_url, entry.depth)
                if await self._is_not_found(entry, prepared, known):
                    return await self._gone(entry, known, outcome.status or 200, outcome.content_type, now, soft=True)
            follow = NotStored(outcome, SkipReason.NOINDEX, NOINDEX_NOTE, follow_links=True)
            return await self._not_stored(entry, follow, now)
        canonical = self._scope.canonical_elsewhere(outcome, final_url)
        if canonical is not None and canonical != entry.url:  # (asked for the canonical URL, sent here: store it)
            duplicate = await self._db.write(
                commit_canonical_duplicate,
                entry=entry,
                page_url=final_url,
                canonical_url=canonical,
                budget=self._budget,
                skips=self._canonical_skips,
                http_status=outcome.status,
                content_type=outcome.content_type,
                title=outcome.title,
                now=now,
            )
            if duplicate is not None:
                return duplicate
        return await self._store(entry, outcome, final_url, now, known=known)

    async def record_again(
        self, entry: FrontierEntry, page: FetchedPage, change: PageChange | None, *, alias: bool = False
    ) -> PageCommit:
        """Store ``entry``'s page again as the browser rendered it (its host switched to the browser after
        the page was stored from its HTML): the document is rewritten and its new links enqueued. ``alias``:
        its HTML showed a stored document's text; rendered, it is compared again (stored, or an alias still)."""
        final_url = self._scope.normalise(page.final_url) or entry.url
        if alias:
            return await self._store(entry, page, final_url, datetime.now(UTC))
        return await self._store(entry, page, final_url, datetime.now(UTC), again_as=change or PageChange.NEW)

    async def _store(
        self,
        entry: FrontierEntry,
        page: FetchedPage,
        final_url: str,
        now: datetime,
        *,
        known: KnownPage | None = None,
        again_as: PageChange | None = None,
    ) -> PageCommit:
        """Convert the page (off the loop) and store it with its links, all in one transaction."""
        prepared = await self._prepare(page, final_url, entry.depth)
        if again_as is None and await self._is_not_found(entry, prepared, known):
            if known is not None:
                return await self._gone(entry, known, page.status or 200, page.content_type, now, soft=True)
            return await self._not_stored(entry, NotStored(page, SkipReason.NOT_FOUND, NOT_FOUND_NOTE), now)
        return await self._db.write(
            commit_document_page,
            entry=entry,
            prepared=prepared,
            budget=self._budget,
            url_filter=self._scope.url_filter,
            definition_id=self._definition_id,
            now=now,
            note=page_note(page),
            rendered_empty=page.rendered_empty,
            rendered_incomplete=page.rendered_incomplete is not None and not page.rendered_empty,
            http_status=page.status,
            content_type=page.content_type,
            again_as=again_as,
            canonical_skips=self._canonical_skips,
            once=self._once(entry, page, prepared, now, known) if again_as is None else None,
        )

    async def _prepare(self, page: FetchedPage, final_url: str, depth: int) -> PreparedPage:
        """The page converted off the loop (in the engine's worker processes), its links picked."""
        return await prepare_page(self._conversions, page, final_url, self._scope, depth, self._rules)

    def _once(
        self, entry: FrontierEntry, page: FetchedPage, prepared: PreparedPage, now: datetime, known: KnownPage | None
    ) -> PageOnce | None:
        """The comparison with the stored documents (none for a page that rendered empty: its text is not its own)."""
        if self._same_content is None or page.rendered_empty:
            return None
        own = known.document_id if known is not None and known.url == prepared.content.url else None
        return PageOnce(self._same_content, entry, prepared, self._budget, now, own, page.status, page.content_type)

    async def _is_not_found(self, entry: FrontierEntry, prepared: PreparedPage, known: KnownPage | None) -> bool:
        if self._not_found is None or prepared.content.url != entry.url:
            return False  # a redirected page keeps its own rules (out of scope, covered already)
        stored = None
        if known is not None and not known.gone:
            document_id = known.document_id

            async def stored_text() -> str:
                return await self._db.read(documents_repo.markdown_of, document_id)

            stored = stored_text
        return await self._not_found.matches(entry.url, prepared.content.markdown, stored)

    async def _not_stored(self, entry: FrontierEntry, outcome: NotStored, now: datetime) -> PageCommit:
        """A page fetched but not kept: a login form, noindex, a soft 404. A stored document of its URL
        stays as it was (a login form never replaces one)."""
        page = outcome.page
        links = self._scope.links_in_scope(self._scope.followed_links(page), page.final_url)
        return await self._db.write(
            commit_skipped_page,
            entry=entry,
            reason=outcome.reason,
            note=outcome.note,
            links=links if outcome.follow_links else [],
            max_depth=self._scope.max_depth,
            budget=self._budget,
            found_on=self._scope.normalise(page.final_url) or entry.url,
            http_status=page.status,
            content_type=page.content_type,
            title=page.title,
            now=now,
        )

    async def _gone(
        self,
        entry: FrontierEntry,
        known: KnownPage,
        status: int,
        content_type: str,
        now: datetime,
        *,
        soft: bool = False,
    ) -> PageCommit:
        return await self._db.write(
            commit_gone_page,
            entry=entry,
            known=known,
            http_status=status,
            content_type=content_type,
            now=now,
            soft=soft,
        )

    async def _unchanged(
        self,
        entry: FrontierEntry,
        known: KnownPage,
        http_status: int | None,
        content_type: str,
        now: datetime,
        record: FetchRecord,
    ) -> PageCommit:
        if self._not_found is not None:
            self._not_found.saw_page(entry.url)  # a stored page that did not change: a real page of its kind
        return await self._db.write(
            commit_unchanged_page,
            entry=entry,
            known=known,
            links_in_scope=self._scope.links_in_scope,
            max_depth=self._scope.max_depth,
            budget=self._budget,
            definition_id=self._definition_id,
            http_status=http_status,
            content_type=content_type,
            now=now,
            record=record,
        )

    async def record_failure(self, entry: FrontierEntry, error: str) -> PageCommit:
        return await self._without_document(entry, JobStatus.FAILED, error=error)

    async def _without_document(
        self, entry: FrontierEntry, status: JobStatus, **fields: Unpack[ChildFinishFields]
    ) -> PageCommit:
        return await self._db.write(
            commit_page_without_document, entry=entry, status=status, now=datetime.now(UTC), **fields
        )
