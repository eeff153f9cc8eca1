"""What the engine tells the outside world. Plain, immutable Python objects (no Qt).

Subscribers are called on the engine thread, in publish order, and must return quickly:
the window's bridge re-emits each event as a queued Qt signal; the CLI puts it on a queue.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from quaero_desktop.domain.job import JobStatus, PageResult, Progress

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobCreated:
    job_id: str
    name: str
    definition_id: str | None
    created_at: datetime
    removed_runs: tuple[str, ...] = ()  # the definition's older runs removed to keep the newest (settings)


@dataclass(frozen=True)
class JobStatusChanged:
    job_id: str
    status: JobStatus
    error: str | None = None
    # The crawl stopped because the data directory's storage failed (disk full...): ``error`` says
    # what to free and how to resume; the job is interrupted (the store may not have recorded that yet).
    storage_failed: bool = False


class Phase(enum.StrEnum):
    """A ``CrawlPhase``: the crawl waits for its browser to start, or its pages load."""

    STARTING_BROWSER = "starting_browser"
    CRAWLING = "crawling"


@dataclass(frozen=True)
class CrawlPhase:
    """What a running crawl is doing before (and once) its pages load: starting the browser takes seconds."""

    job_id: str
    phase: Phase


@dataclass(frozen=True)
class JobProgress:
    """Sent on every child status change (lesson 2 in docs/contracts.md: progress is event-driven)."""

    job_id: str
    progress: Progress

    @property
    def text(self) -> str:
        return self.progress.text

    def as_dict(self) -> dict[str, int]:
        return self.progress.as_dict()


@dataclass(frozen=True)
class ChildStatusChanged:
    parent_id: str
    child_id: str
    url: str
    depth: int
    status: JobStatus
    http_status: int | None = None
    title: str | None = None
    result: PageResult | None = None
    error: str | None = None
    note: str | None = None  # what the user should know about a finished page (see ChildJob.note)


@dataclass(frozen=True)
class ChildrenAdded:
    parent_id: str
    count: int


@dataclass(frozen=True)
class JobLogged:
    job_id: str
    created_at: datetime
    level: str
    message: str


@dataclass(frozen=True)
class DocumentSaved:
    job_id: str
    document_id: int
    url: str
    title: str
    new_for_job: bool


EngineEvent = (
    JobCreated
    | JobStatusChanged
    | JobProgress
    | ChildStatusChanged
    | ChildrenAdded
    | JobLogged
    | DocumentSaved
    | CrawlPhase
)
Subscriber = Callable[[EngineEvent], None]


class EventBus:
    """Fan-out of engine events to subscribers; a failing subscriber never stops a crawl."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add ``subscriber``; returns a function that removes it."""
        with self._lock:
            self._subscribers = [*self._subscribers, subscriber]

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers = [s for s in self._subscribers if s is not subscriber]

        return unsubscribe

    def publish(self, event: EngineEvent) -> None:
        for subscriber in self._subscribers:
            try:
                subscriber(event)
            except Exception:
                log.exception("event subscriber %r failed on %r", subscriber, type(event).__name__)
