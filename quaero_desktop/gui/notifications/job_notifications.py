"""A notice when a crawl of this program completes, fails or meets pages that need a login again.

Listens to the bridge's job status changes, reads the finished job from the store (off the GUI
thread: exact counts), words it (``notices.notice_for``), checks the user's switches (Settings)
and hands it to the notifier. A click on a notice opens that job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject

from quaero_desktop.app import App
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.engine.events import JobStatusChanged
from quaero_desktop.gui.async_tasks import TaskRunner, in_thread
from quaero_desktop.gui.bridge import EngineBridge
from quaero_desktop.gui.notifications.notices import Notice, NoticeKind, notice_for, storage_notice
from quaero_desktop.gui.notifications.notifier import Notifier, NotifierUnavailable
from quaero_desktop.settings import AppSettings

log = logging.getLogger(__name__)


def wanted(settings: AppSettings, kind: NoticeKind) -> bool:
    """The user's switch for this kind (and the switch for all of them)."""
    per_kind = {
        NoticeKind.COMPLETED: settings.notify_completed,
        NoticeKind.FAILED: settings.notify_failed,
        NoticeKind.LOGIN_EXPIRED: settings.notify_login_expired,
    }
    return settings.notifications and per_kind[kind]


class JobNotifications(QObject):
    def __init__(
        self,
        app: App,
        bridge: EngineBridge,
        tasks: TaskRunner,
        notifier: Notifier,
        open_job: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._tasks = tasks
        self.notifier = notifier
        self.sent: list[Notice] = []  # what was shown this session (the tray's state reads it too)
        notifier.on_clicked(open_job)
        bridge.jobStatusChanged.connect(self._on_status)

    def _on_status(self, event: JobStatusChanged) -> None:
        if event.status in (JobStatus.COMPLETED, JobStatus.FAILED) or event.storage_failed:
            self._tasks.start(self.notify(event.job_id, event), what="Showing a notification")

    async def notify(self, job_id: str, event: JobStatusChanged | None = None) -> Notice | None:
        job = await in_thread(self._app.jobs.get, job_id)
        if event is not None and event.storage_failed:
            notice: Notice | None = storage_notice(job, event.error or "the disk is full")
        else:
            notice = notice_for(job)
        if notice is None or not wanted(self._app.settings, notice.kind):
            return None
        try:
            await self.notifier.show(notice)
        except NotifierUnavailable as exc:  # no way to notify here; the job's row says the same anyway
            log.info("cannot show the notification for job %s: %s", job_id, exc)
            return None
        self.sent.append(notice)
        return notice

    async def close(self) -> None:
        await self.notifier.close()
