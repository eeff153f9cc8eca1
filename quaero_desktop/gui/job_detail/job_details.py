"""The open job windows: one per job, brought forward when asked again, closed with their job.

What a job's window asks of the main window comes out here, one signal for every window.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.job_detail.job_detail_window import JobDetailWindow
from quaero_desktop.gui.job_detail.noise_banner import NoiseExclusion

# The longest a crawl of this process waits for a job's window to build and read its pages (engine/
# give_way.py); a window of 10,000 pages takes ~0.1 s with the crawl waiting, ~0.25 s beside it.
OPENING_HOLD_S = 0.5


class JobDetails(QObject):
    excludeNoiseRequested = Signal(NoiseExclusion)  # passed on from any job window (noise_banner.py)

    def __init__(self, context: GuiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context
        self._parent = parent
        self._open: dict[str, JobDetailWindow] = {}

    def open(self, job_id: str) -> JobDetailWindow:
        """Show the job's window (the open one if there is one) on top."""
        detail = self._open.get(job_id)
        if detail is None:
            # A user waits for this window: the crawls running here give way until its pages are read.
            release = self._context.crawls.give_way(OPENING_HOLD_S)
            try:
                detail = self._new_window(job_id, release)
            except BaseException:
                release()
                raise
        detail.show()
        detail.raise_()
        detail.activateWindow()
        return detail

    def _new_window(self, job_id: str, pages_read: Callable[[], None]) -> JobDetailWindow:
        detail = JobDetailWindow(self._context, job_id, self._parent)
        self._open[job_id] = detail
        detail.destroyed.connect(lambda *_: self._open.pop(job_id, None))
        detail.excludeNoiseRequested.connect(self.excludeNoiseRequested)
        # Let go after the event loop's next turn, which paints the rows just read (a release at once
        # had the crawl's threads take the GIL back before that paint: 5 -> 22 ms to it).
        self._context.tasks.start(
            detail.reload(pages_read=lambda: QTimer.singleShot(0, pages_read)), what="Loading the job"
        )
        return detail

    def get(self, job_id: str) -> JobDetailWindow | None:
        return self._open.get(job_id)

    def close(self, job_id: str) -> None:
        detail = self._open.get(job_id)
        if detail is not None:
            detail.close()

    def visible(self) -> list[JobDetailWindow]:
        return [detail for detail in self._open.values() if detail.isVisible()]
