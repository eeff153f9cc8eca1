"""Fetching a page with retries: timeouts, transient network faults, 429 and 5xx are tried again,
after a back-off or the pause the site asked for (Retry-After); a page rendered incomplete once more."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from http import HTTPStatus

from quaero_desktop.crawler.fetched import FetchedPage, FetchError, NotModified, Validators
from quaero_desktop.crawler.sources import PageSource
from quaero_desktop.engine.run.page_verdicts import FetchOutcome
from quaero_desktop.engine.run.politeness import MAX_RETRY_AFTER_S, HostPacer
from quaero_desktop.engine.settings import EngineSettings

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


async def fetch_with_retries(
    url: str,
    source: PageSource,
    settings: EngineSettings,
    on_retry: Callable[[str], None],
    validators: Validators | None = None,
    pacer: HostPacer | None = None,
) -> FetchOutcome:
    """Fetch ``url``, retrying timeouts, transient network errors, 429 and 5xx with back-off, or after the
    pause the site asked for (Retry-After, for every worker: ``pacer``). A page rendered incomplete (its app
    still loading its data when the wait ended) is fetched once more, at once. Each attempt waits its turn
    at the host."""
    attempts = settings.retries + 1
    attempt = 1
    tried_incomplete = False  # a page rendered incomplete is fetched once more, besides the attempts for errors
    while True:
        try:
            turn = None if pacer is None else functools.partial(pacer.wait_turn, url)
            outcome: FetchOutcome = await source.fetch(url, validators, turn)
        except FetchError as exc:
            outcome = exc
        if isinstance(outcome, FetchedPage) and outcome.rendered_incomplete and not tried_incomplete:
            tried_incomplete = True
            on_retry(f"retrying {url} once (rendered incomplete: {outcome.rendered_incomplete})")
            continue
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
        else:
            delay = settings.retry_backoff_s * 2 ** (attempt - 1)
            on_retry(f"retrying {url} in {delay:g}s ({reason}; attempt {attempt} of {attempts})")
            await asyncio.sleep(delay)
        attempt += 1


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


def describe_unexpected(exc: BaseException) -> str:
    """An exception nobody planned for, in one line a person can report: its type and first line."""
    text = (str(exc) or "").strip()
    first = text.splitlines()[0] if text else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__
