"""``run``, ``jobs resume`` and ``jobs retry-failed``: crawl to the end in this process, progress on stderr.

The crawl is started through ``app.crawls`` (services/crawls.py) and this command blocks on its futures."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import queue
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING

from quaero_desktop.cli.exit_codes import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from quaero_desktop.cli.output import crawl_duration_text, print_json
from quaero_desktop.cli.progress_view import ProgressView
from quaero_desktop.crawler.http.tls import prepare_tls_context
from quaero_desktop.domain.definition import JobDefinition, RenderMode
from quaero_desktop.domain.job import Job, JobStatus, SkipReason, rendered_empty_text, rendered_incomplete_text
from quaero_desktop.domain.secret_urls import mask_url_text, masked_values
from quaero_desktop.domain.url_noise import NoiseGroup
from quaero_desktop.engine.events import CrawlPhase, EngineEvent, JobLogged, JobProgress, JobStatusChanged, Phase

if TYPE_CHECKING:  # App is built by cli/main.py; only its type is needed here
    from quaero_desktop.app import App
    from quaero_desktop.services.crawls import CrawlsService

_EXIT_BY_STATUS = {
    JobStatus.COMPLETED: EXIT_OK,
    JobStatus.FAILED: EXIT_FAILED,
    JobStatus.CANCELLED: EXIT_INTERRUPTED,
    JobStatus.INTERRUPTED: EXIT_INTERRUPTED,
    JobStatus.PAUSED: EXIT_INTERRUPTED,  # only a window pauses a crawl it runs; listed so every stop is here
}


def run_definition(app: App, definition: JobDefinition, *, as_json: bool) -> int:
    if definition.render != RenderMode.BROWSER:  # its HTTP client's TLS context, while the engine loads
        prepare_tls_context()
    return _run_to_end(app, lambda: app.crawls.submit(definition), as_json=as_json)


def resume_job(app: App, reference: str, *, as_json: bool) -> int:
    job_id = app.jobs.resolve_id(reference)
    return _run_to_end(app, lambda: app.crawls.resume(job_id), as_json=as_json)


def retry_failed_pages(app: App, reference: str, *, as_json: bool) -> int:
    job_id = app.jobs.resolve_id(reference)
    return _run_to_end(app, lambda: app.crawls.retry_failed(job_id), as_json=as_json)


def summary_json(job: Job, noise: list[NoiseGroup] | None = None) -> dict[str, object]:
    """The stable ``--json`` summary of a finished run (fields are added, never renamed or removed)."""
    return {
        "job_id": job.id,
        "status": str(job.status),
        "error": job.error,
        "pages_completed": job.progress.completed,
        "pages_failed": job.progress.failed,
        # Every page the crawl met: completed (documents, skipped, duplicates, gone) + failed + cancelled + pending.
        "pages_total": job.progress.total,
        "pages_skipped": job.progress.skipped,
        "pages_duplicate": job.progress.duplicates,
        "pages_cancelled": job.progress.cancelled,
        "pages_pending": job.progress.pending,
        "skipped_by": job.progress.skipped_by_dict(),
        "pages_rendered_empty": job.progress.rendered_empty,
        "pages_rendered_incomplete": job.progress.rendered_incomplete,
        "pages_new": job.progress.new,
        "pages_changed": job.progress.changed,
        "pages_unchanged": job.progress.unchanged,
        "pages_gone": job.progress.gone,
        "documents": job.document_count,
        "stopped_by": job.stopped_by and str(job.stopped_by),
        "urls_left": job.urls_left,
        "duration_s": round(job.duration_s or 0.0, 3),
        "crawl_s": round(job.crawl_time_s or 0.0, 3),
        "noise": [group.as_dict() for group in noise or ()],
    }


def _run_to_end(app: App, start: Callable[[], concurrent.futures.Future[str]], *, as_json: bool) -> int:
    app.preload_engine()  # its modules as start-up imports, before this command makes anything else
    crawls = app.crawls
    view = ProgressView()
    events: queue.Queue[EngineEvent | None] = queue.Queue()
    unsubscribe = crawls.events.subscribe(events.put)
    stopper = _CtrlC(crawls, view)
    outcome = _RunOutcome()
    try:
        with stopper:
            job_id = start().result()
            stopper.job_id = job_id
            finished = crawls.wait(job_id)
            # The end wakes the wait for events at once (None): else the last wait, begun as the job's
            # final events were read, slept its whole tenth of a second before the summary.
            finished.add_done_callback(lambda _finished: events.put(None))
            while not finished.done():
                _drain(events, job_id, view, outcome, timeout=0.1)
            _drain(events, job_id, view, outcome, timeout=0)
            outcome.status = finished.result()
    except KeyboardInterrupt:
        view.message("stopping now; the job is left interrupted (resume it with: jobs resume)")
        app.close(detach=True)
        return EXIT_INTERRUPTED
    finally:
        unsubscribe()
    view.finish()
    job = app.jobs.get(job_id)
    if outcome.storage_failure is not None:
        # The disk may have had no room to record the stop: the run's own account is the truth.
        job = dataclasses.replace(job, status=JobStatus.INTERRUPTED, error=outcome.storage_failure)
    noise = app.jobs.noise(job.id)
    if as_json:
        print_json(masked_values(summary_json(job, noise)))
    else:
        line = (
            f"job {job.id} {job.status}: {job.progress.completed} pages completed, "
            f"{job.progress.failed} failed, {job.document_count} documents in "
            f"{crawl_duration_text(job.crawl_time_s or 0.0, job.duration_s)} of crawling"
        )
        print(line + (f" — {mask_url_text(job.error)}" if job.error else ""))
        if job.progress.account_text:
            print(f"not stored: {job.progress.account_text}")
        noindex = job.progress.skipped_by_dict().get(SkipReason.NOINDEX, 0)
        if noindex:
            print(
                f"{noindex} page(s) asked not to be indexed (robots noindex; wikis mark recently edited pages so): "
                "set obey_noindex = false in the definition to store them"
            )
        if job.stopped_by is not None:
            print(f"{job.stopped_by_text} (quaero-desktop jobs show {job.id})")
        if job.progress.changes_text:
            print(f"pages: {job.progress.changes_text}")
        if job.progress.auth_failures:
            print(
                f"{job.progress.auth_failures} page(s) needed a login (session expired?): "
                "capture or import the login again (quaero-desktop auth login / auth import)"
            )
        if job.progress.rendered_empty:
            print(f"{rendered_empty_text(job.progress.rendered_empty)} (quaero-desktop jobs show {job.id})")
        if job.progress.rendered_incomplete:
            print(f"{rendered_incomplete_text(job.progress.rendered_incomplete)} (quaero-desktop jobs show {job.id})")
        print_noise(noise)
    if outcome.storage_failure is not None:
        return EXIT_FAILED  # not the user's interruption: the disk (or the database) failed
    return _EXIT_BY_STATUS.get(job.status, EXIT_FAILED)


def print_noise(noise: list[NoiseGroup]) -> None:
    """Noise in the documents, each group with the exclude pattern that leaves it out."""
    for group in noise:
        print(f"noise: {group.text}; to leave them out, add to exclude_patterns: {group.exclude_pattern!r}")


@dataclass
class _RunOutcome:
    status: JobStatus | None = None
    storage_failure: str | None = None  # the message, when the data directory's storage stopped the crawl


def _drain(
    events: queue.Queue[EngineEvent | None], job_id: str, view: ProgressView, outcome: _RunOutcome, *, timeout: float
) -> None:
    try:
        event = events.get(timeout=timeout) if timeout else events.get_nowait()
    except queue.Empty:
        return
    while True:
        if getattr(event, "job_id", None) == job_id:
            if isinstance(event, JobProgress):
                view.update(event.progress)
            elif isinstance(event, CrawlPhase) and event.phase == Phase.STARTING_BROWSER:
                view.starting_browser()
            elif isinstance(event, JobLogged) and event.level in ("warning", "error"):
                view.message(f"{event.level}: {mask_url_text(event.message)}")  # URLs' tokens masked
            elif isinstance(event, JobStatusChanged) and event.storage_failed:
                outcome.storage_failure = event.error
            elif isinstance(event, JobStatusChanged) and event.status.is_terminal and event.error:
                view.message(f"{event.status}: {mask_url_text(event.error)}")
        try:
            event = events.get_nowait()
        except queue.Empty:
            return


class _CtrlC:
    """First Ctrl+C cancels the crawl cleanly; a second one stops at once (job left resumable)."""

    def __init__(self, crawls: CrawlsService, view: ProgressView) -> None:
        self._crawls = crawls
        self._view = view
        self._presses = 0
        self._job_id: str | None = None
        # The SIGINT handler in place before ours (None: one not installed from Python, or ours never set).
        self._previous: Callable[[int, FrameType | None], object] | int | None = None

    @property
    def job_id(self) -> str | None:
        return self._job_id

    @job_id.setter
    def job_id(self, value: str) -> None:
        self._job_id = value
        if self._presses:
            self._crawls.cancel(value)

    def __enter__(self) -> _CtrlC:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _on_sigint(self, _signum: int, _frame: FrameType | None) -> None:
        self._presses += 1
        if self._presses > 1:
            raise KeyboardInterrupt
        print("\ncancelling the crawl… (Ctrl+C again to stop at once)", file=sys.stderr)
        if self._job_id is not None:
            self._crawls.cancel(self._job_id)
