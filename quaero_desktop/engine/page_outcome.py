"""What a fetched page means for the crawl: retry it, fail it, skip it or store it."""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import TypedDict, Unpack

from quaero_desktop.crawler.fetched import FetchedPage, FetchError, NonHtmlResponse, NotModified, Validators
from quaero_desktop.crawler.page_sources import PageSource
from quaero_desktop.domain.document import FetchRecord, KnownPage
from quaero_desktop.domain.job import JobStatus, PageChange, PageResult
from quaero_desktop.engine.db_worker import DbWorker
from quaero_desktop.engine.frontier import FrontierEntry
from quaero_desktop.engine.page_commit import (
    ChildBudget,
    PageCommit,
    commit_document_page,
    commit_gone_page,
    commit_page_without_document,
    commit_unchanged_page,
)
from quaero_desktop.engine.page_pipeline import CrawlScope, prepare_page
from quaero_desktop.engine.politeness import MAX_RETRY_AFTER_S, HostPacer
from quaero_desktop.engine.settings import EngineSettings
from quaero_desktop.store.pages_repo import ChildFinishFields

FetchOutcome = FetchedPage | NonHtmlResponse | NotModified | FetchError


@dataclass(frozen=True)
class Disallowed:
    """Not fetched: robots.txt disallows the page (``reason`` is the page's note)."""

    reason: str


RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
GONE_STATUSES = frozenset({404, 410})
AUTH_REQUIRED = "authentication required (session expired?)"
RENDERED_EMPTY = "rendered empty (the app did not finish rendering)"
_LOGIN_PATH = re.compile(
    r"/(?:log-?in|sign-?in|sign_in|log-?on|auth(?:enticate)?|sso|oauth2?|authorize|session/new|users/sign_in)"
    r"(?:[/.?]|$)",
    re.IGNORECASE,
)


async def fetch_with_retries(
    url: str,
    source: PageSource,
    settings: EngineSettings,
    on_retry: Callable[[str], None],
    validators: Validators | None = None,
    pacer: HostPacer | None = None,
) -> FetchOutcome:
    """Fetch ``url``, retrying timeouts, transient network errors, 429 and 5xx with back-off, or after the
    pause the site asked for (Retry-After, for every worker: ``pacer``). Each attempt waits its turn at the host."""
    attempts = settings.retries + 1
    for attempt in range(1, attempts + 1):
        try:
            turn = None if pacer is None else functools.partial(pacer.wait_turn, url)
            outcome: FetchOutcome = await source.fetch(url, validators, turn)
        except FetchError as exc:
            outcome = exc
        reason = retry_reason(outcome)
        if reason is None or attempt == attempts:
            return outcome
        retry_after = None if isinstance(outcome, (FetchError, NotModified)) else outcome.retry_after_s
        if retry_after is not None and pacer is not None:
            if retry_after > MAX_RETRY_AFTER_S:
                return outcome
            pacer.hold(url, retry_after)
            on_retry(
                f"retrying {url} in {retry_after:g}s ({reason}: the site asked to wait (Retry-After); "
                f"attempt {attempt} of {attempts})"
            )
            continue
        delay = settings.retry_backoff_s * 2 ** (attempt - 1)
        on_retry(f"retrying {url} in {delay:g}s ({reason}; attempt {attempt} of {attempts})")
        await asyncio.sleep(delay)
    raise AssertionError("unreachable")


def page_note(page: FetchedPage) -> str | None:
    """What the user should know about a stored page: it rendered empty, frames were left out."""
    notes = []
    if page.needs_javascript:
        notes.append(f'needs JavaScript ({page.needs_javascript}): read without it, as render = "http" asks')
    elif page.rendered_empty:
        notes.append(RENDERED_EMPTY)
    if page.left_out_frames:
        count = len(page.left_out_frames)
        shown = ", ".join(page.left_out_frames[:2]) + (f" and {count - 2} more" if count > 2 else "")
        notes.append(f"left out {count} cross-origin frame{'s' if count != 1 else ''}: {shown}")
    return "; ".join(notes) or None


def retry_reason(outcome: FetchOutcome) -> str | None:
    if isinstance(outcome, FetchError):
        return str(outcome) if outcome.retryable else None
    if isinstance(outcome, NotModified):
        return None
    if outcome.status in RETRY_STATUSES:
        return http_error(outcome.status)
    return None


def http_error(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def describe_error(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return text.strip().splitlines()[0]


def looks_like_login(url: str) -> bool:
    """Does the URL's path look like a sign-in page (/login, /signin, /sso, /oauth ...)?"""
    path = url.split("://", 1)[-1].partition("/")[2]
    return bool(_LOGIN_PATH.search("/" + path))


def needs_login(entry_url: str, outcome: FetchedPage | NonHtmlResponse, final_url: str) -> bool:
    """An authenticated fetch that was refused (401/403) or sent to a login page (``final_url``, normalised)."""
    if outcome.status in (401, 403):
        return True
    if not isinstance(outcome, FetchedPage):
        return False
    final = final_url
    if final == entry_url or looks_like_login(entry_url):
        return False
    return looks_like_login(final) or outcome.has_password_field


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
    ) -> None:
        self._db = db
        self._scope = scope
        self._budget = budget
        self._definition_id = definition_id
        self.authenticated = authenticated

    async def record(
        self, entry: FrontierEntry, outcome: FetchOutcome | Disallowed, known: KnownPage | None = None
    ) -> PageCommit:
        """``known``: what the store held for the page's URL before this fetch (an incremental re-crawl)."""
        now = datetime.now(UTC)
        if isinstance(outcome, Disallowed):
            return await self._without_document(
                entry, JobStatus.COMPLETED, result=PageResult.SKIPPED, note=outcome.reason
            )
        if isinstance(outcome, FetchError):
            return await self._without_document(entry, JobStatus.FAILED, error=str(outcome))
        if isinstance(outcome, NotModified) and known is not None:
            record = FetchRecord(etag=outcome.etag, last_modified=outcome.last_modified)
            return await self._unchanged(entry, known, 304, "text/html", now, record)
        if isinstance(outcome, NotModified):  # a 304 the crawl did not ask for: nothing to keep
            return await self._without_document(entry, JobStatus.FAILED, error=http_error(304), http_status=304)
        details: _ResponseFields = {"http_status": outcome.status, "content_type": outcome.content_type}
        final_url = self._scope.normalise(outcome.final_url)
        if self.authenticated and needs_login(entry.url, outcome, final_url or outcome.final_url):
            return await self._without_document(
                entry, JobStatus.FAILED, error=AUTH_REQUIRED, auth_failed=True, **details
            )
        if known is not None and outcome.status in GONE_STATUSES:
            return await self._db.write(
                commit_gone_page,
                entry=entry,
                known=known,
                http_status=outcome.status,
                content_type=outcome.content_type,
                now=now,
            )
        if outcome.status is not None and outcome.status >= 400:
            return await self._without_document(entry, JobStatus.FAILED, error=http_error(outcome.status), **details)
        if isinstance(outcome, NonHtmlResponse):
            note = f"not HTML ({outcome.content_type}): not stored"
            return await self._without_document(
                entry, JobStatus.COMPLETED, result=PageResult.SKIPPED, note=note, **details
            )
        if (
            known is not None
            and not known.gone
            and known.source_hash
            and outcome.rendered_by == "http"
            and outcome.source_hash == known.source_hash
            and (final_url or entry.url) == known.url
        ):  # the same bytes as last time: no conversion, no index write
            record = FetchRecord(etag=outcome.etag, last_modified=outcome.last_modified)
            return await self._unchanged(entry, known, outcome.status, outcome.content_type, now, record)
        return await self._store(entry, outcome, final_url or entry.url, now)

    async def record_again(self, entry: FrontierEntry, page: FetchedPage, change: PageChange | None) -> PageCommit:
        """Store ``entry``'s page again as the browser rendered it (its host switched to the browser after
        the page was stored from its HTML): the document is rewritten and its new links enqueued."""
        final_url = self._scope.normalise(page.final_url) or entry.url
        return await self._store(entry, page, final_url, datetime.now(UTC), again_as=change or PageChange.NEW)

    async def _store(
        self, entry: FrontierEntry, page: FetchedPage, final_url: str, now: datetime, again_as: PageChange | None = None
    ) -> PageCommit:
        """Convert the page (off the loop) and store it with its links, all in one transaction."""
        prepared = await asyncio.to_thread(prepare_page, page, final_url, self._scope, entry.depth)
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
            http_status=page.status,
            content_type=page.content_type,
            again_as=again_as,
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
