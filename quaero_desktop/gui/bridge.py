"""Engine events -> Qt signals on the GUI thread, coalesced.

The engine publishes on its own thread, possibly thousands of events a second. The bridge
buffers them and delivers batches on the GUI thread at most every ``interval_ms``
(100 ms: at most ~10 repaints a second however many events arrive): per job only the latest
progress, per child only its latest status, log lines and status changes in order.

Each signal names its payload's class. A Python class in a ``Signal`` is carried as a ``PyObject``:
the receiver gets the very object emitted. ``Signal(dict)`` and ``Signal(list)`` would instead
go through ``QVariantMap``/``QVariantList`` (a copy, a map's keys sorted, a dict with keys other
than strings dropped), so the batches are small named subclasses of ``dict`` and ``list``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from quaero_desktop.domain.job import Progress
from quaero_desktop.engine.events import (
    ChildrenAdded,
    ChildStatusChanged,
    CrawlPhase,
    DocumentSaved,
    EngineEvent,
    EventBus,
    JobCreated,
    JobLogged,
    JobProgress,
    JobStatusChanged,
)

FLUSH_INTERVAL_MS = 100


class ProgressByJob(dict[str, Progress]):
    """A batch's latest progress per job id."""


class ChildChanges(list[ChildStatusChanged]):
    """A batch's latest status per child, in the order the children last changed."""


class NewChildren(dict[str, int]):
    """A batch's number of new children per parent job id."""


class LogLines(list[JobLogged]):
    """A batch's job log lines, in order."""


class EngineBridge(QObject):
    jobCreated = Signal(JobCreated)
    jobStatusChanged = Signal(JobStatusChanged)
    progressChanged = Signal(ProgressByJob)
    childrenChanged = Signal(ChildChanges)
    childrenAdded = Signal(NewChildren)
    logged = Signal(LogLines)
    documentsSaved = Signal(int)  # documents stored since the last batch
    phaseChanged = Signal(CrawlPhase)  # a crawl starts its browser, or starts loading pages
    _wake = Signal()

    def __init__(
        self, events: EventBus, parent: QObject | None = None, *, interval_ms: int = FLUSH_INTERVAL_MS
    ) -> None:
        super().__init__(parent)
        self._interval_ms = interval_ms
        self._lock = threading.Lock()
        self._buffer: list[EngineEvent] = []
        self._wake.connect(self._schedule_flush)
        self._flush_pending = False
        self._unsubscribe: Callable[[], None] | None = events.subscribe(self._receive)

    def close(self) -> None:
        """No event reaches the window any more: none received, and none of those buffered (a flush
        still pending would hand them to a closed program's panels, whose tasks have no loop left)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        with self._lock:
            self._buffer.clear()

    def _receive(self, event: EngineEvent) -> None:
        """On the engine thread: buffer, and wake the GUI thread when the buffer was empty."""
        with self._lock:
            was_empty = not self._buffer
            self._buffer.append(event)
        if was_empty:
            self._wake.emit()  # queued: the bridge lives on the GUI thread

    @Slot()
    def _schedule_flush(self) -> None:
        if not self._flush_pending:
            self._flush_pending = True
            QTimer.singleShot(self._interval_ms, self._flush)

    @Slot()
    def _flush(self) -> None:
        self._flush_pending = False
        with self._lock:
            events, self._buffer = self._buffer, []
        self.deliver(events)

    def deliver(self, events: list[EngineEvent]) -> None:
        """Emit one coalesced batch (also used directly by tests and benchmarks)."""
        progress = ProgressByJob()
        children: dict[str, ChildStatusChanged] = {}
        added = NewChildren()
        logs = LogLines()
        documents = 0
        created: list[JobCreated] = []
        statuses: list[JobStatusChanged] = []
        phases: list[CrawlPhase] = []
        for event in events:
            if isinstance(event, JobProgress):
                progress[event.job_id] = event.progress
            elif isinstance(event, ChildStatusChanged):
                children.pop(event.child_id, None)
                children[event.child_id] = event
            elif isinstance(event, ChildrenAdded):
                added[event.parent_id] = added.get(event.parent_id, 0) + event.count
            elif isinstance(event, JobLogged):
                logs.append(event)
            elif isinstance(event, DocumentSaved):
                documents += int(event.new_for_job)
            elif isinstance(event, JobCreated):
                created.append(event)
            elif isinstance(event, JobStatusChanged):
                statuses.append(event)
            elif isinstance(event, CrawlPhase):
                phases.append(event)
        for event in created:
            self.jobCreated.emit(event)
        for phase in phases:
            self.phaseChanged.emit(phase)
        if added:
            self.childrenAdded.emit(added)
        if children:
            self.childrenChanged.emit(ChildChanges(children.values()))
        if progress:
            self.progressChanged.emit(progress)
        if logs:
            self.logged.emit(logs)
        if documents:
            self.documentsSaved.emit(documents)
        for event in statuses:
            self.jobStatusChanged.emit(event)
