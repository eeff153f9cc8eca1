"""Auto mode: pages stored from their HTML while their host's first checks in the browser were open
are read again in the browser if a check finds the host's pages differ there (render_check.py has
the rule). The crawl is not over while such a page may still add links (the frontier is held).
So are pages whose HTML showed a stored document's text (its aliases): rendered, they may not."""

from __future__ import annotations

import asyncio
import logging

from quaero_desktop.crawler.fetched import FetchedPage, FetchError
from quaero_desktop.crawler.render_check import HostChecks
from quaero_desktop.domain.job import JobStatus, PageResult, SkipReason
from quaero_desktop.domain.long_urls import short_url
from quaero_desktop.engine.job_log import RunLog
from quaero_desktop.engine.run.fetching import CrawlFetching
from quaero_desktop.engine.run.frontier import Frontier, FrontierEntry
from quaero_desktop.engine.run.page_recorder import PageRecorder
from quaero_desktop.engine.run.page_transactions import PageCommit
from quaero_desktop.engine.run.run_progress import RunProgress

log = logging.getLogger(__name__)


class HostRereads:
    """The pages of one run waiting for their host's checks (background tasks on the engine loop)."""

    def __init__(self, fetching: CrawlFetching, frontier: Frontier, progress: RunProgress, run_log: RunLog) -> None:
        self._fetching = fetching
        self._frontier = frontier
        self._progress = progress
        self._log = run_log
        self._tasks: set[asyncio.Task[None]] = set()

    def watch(self, recorder: PageRecorder, entry: FrontierEntry, checks: HostChecks, commit: PageCommit) -> None:
        """``entry`` was stored (``commit``) while ``checks`` were open: read it again if they say so."""
        self._frontier.hold()  # released when the checks came back (and the page was read again)
        task = asyncio.create_task(self._after_checks(recorder, entry, checks, commit))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def cancel(self) -> None:
        for task in self._tasks:
            task.cancel()

    async def close(self) -> None:
        self.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _after_checks(
        self, recorder: PageRecorder, entry: FrontierEntry, checks: HostChecks, commit: PageCommit
    ) -> None:
        try:
            again = await read_again_if_host_differs(
                entry,
                checks,
                commit,
                recorder=recorder,
                fetching=self._fetching,
                run_log=self._log,
            )
            if again is None:
                return
            stored, rendered = again
            if commit.reason == SkipReason.SAME_CONTENT:
                _recount(self._progress, commit, stored)
            if stored.rendered_incomplete:  # counted and said as RunProgress.page_done does for any page
                self._progress.counts["rendered_incomplete"] += 1
                self._log.warning(f"stored {entry.url} as it was: {stored.note}")
            if stored.new_children:
                self._progress.counts["pending"] += len(stored.new_children)
                self._frontier.add(stored.new_children)
                self._progress.added(len(stored.new_children))
                self._progress.publish()
            self._progress.child_event(
                entry,
                JobStatus.COMPLETED,
                http_status=rendered.status,
                title=rendered.title,
                result=stored.result,
                note=stored.note,
            )
        finally:
            self._frontier.release()


async def read_again_if_host_differs(
    entry: FrontierEntry,
    checks: HostChecks,
    commit: PageCommit,
    *,
    recorder: PageRecorder,
    fetching: CrawlFetching,
    run_log: RunLog,
) -> tuple[PageCommit, FetchedPage] | None:
    """Auto mode: ``entry`` was stored from its HTML while its host's first checks in the browser were
    open. If one of them found the host's pages differ there, read the page again in the browser (or
    take its own check's rendering) and store it again: its text and links are then the browser's.
    Returns that second commit and the rendered page; None when nothing had to be read again."""
    try:
        differs, rendered = await checks.rendered_instead()
        if not differs:
            return None
        if rendered is None:
            try:
                again = await fetching.read_in_browser(entry.url)
            except FetchError as exc:
                run_log.warning(f"could not read {entry.url} again in the browser ({exc})")
                return None
            if not isinstance(again, FetchedPage):
                return None
            rendered = again
        if rendered.rendered_incomplete:
            rendered = await _once_more(entry.url, rendered, fetching, run_log)
        if not fetching.keeps_to_scope(rendered.final_url):  # the server sent the browser elsewhere this time
            run_log.warning(
                f"{short_url(entry.url)} stays as read over HTTP: in the browser it ended at "
                f"{short_url(rendered.final_url)}, which the crawl does not store"
            )
            return None
        stored = await recorder.record_again(
            entry, rendered, commit.change, alias=commit.reason == SkipReason.SAME_CONTENT
        )
    except Exception:  # the page stays as read over HTTP
        log.exception("reading %s again in the browser failed", entry.url)
        return None
    run_log.info(f"read {entry.url} again in the browser (its kind switched): {len(stored.new_children)} new link(s)")
    return stored, rendered


async def _once_more(url: str, rendered: FetchedPage, fetching: CrawlFetching, run_log: RunLog) -> FetchedPage:
    """A rendering still loading its data is read once more, as ``fetch_with_retries`` does for any page."""
    run_log.info(f"retrying {url} once (rendered incomplete: {rendered.rendered_incomplete})")
    try:
        again = await fetching.read_in_browser(url)
    except FetchError as exc:
        run_log.warning(f"could not read {url} again in the browser ({exc})")
        return rendered
    return again if isinstance(again, FetchedPage) else rendered


def _recount(progress: RunProgress, before: PageCommit, after: PageCommit) -> None:
    """A page counted as an alias, read again in the browser: its counts move to what it is now."""
    for commit, step in ((before, -1), (after, 1)):
        if commit.result == PageResult.DUPLICATE:
            progress.counts["duplicates"] += step
        if commit.reason is not None:
            progress.skipped_by[str(commit.reason)] += step
        if commit.new_for_job:
            progress.counts["documents"] += step
        if commit.change is not None:
            progress.counts[str(commit.change)] += step
