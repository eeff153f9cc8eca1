"""The open job windows: one per job, brought forward when asked again, closed with their job.

What a job's window asks of the main window comes out here, one signal for every window.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.job_detail.job_detail_window import JobDetailWindow
from quaero_desktop.gui.job_detail.noise_banner import NoiseExclusion


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
            detail = JobDetailWindow(self._context, job_id, self._parent)
            self._open[job_id] = detail
            detail.destroyed.connect(lambda *_: self._open.pop(job_id, None))
            detail.excludeNoiseRequested.connect(self.excludeNoiseRequested)
            self._context.tasks.start(detail.reload(), what="Loading the job")
        detail.show()
        detail.raise_()
        detail.activateWindow()
        return detail

    def get(self, job_id: str) -> JobDetailWindow | None:
        return self._open.get(job_id)

    def close(self, job_id: str) -> None:
        detail = self._open.get(job_id)
        if detail is not None:
            detail.close()

    def visible(self) -> list[JobDetailWindow]:
        return [detail for detail in self._open.values() if detail.isVisible()]
