"""The stored definitions as the tray and the Run menus show them: read off the GUI thread, kept here.

A menu is built the moment it opens, when there is no time to read the store (and the GUI
never reads it on its own thread), so menus show this copy. It is re-read when a view changes a
definition, every half minute (the command line may change them too), and each time a menu
opens (for the next time).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.gui.async_tasks import TaskRunner, in_thread

REFRESH_MS = 30_000


class StoredDefinitions(QObject):
    changed = Signal()

    def __init__(
        self, read: Callable[[], list[JobDefinition]], tasks: TaskRunner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._read = read  # blocking: runs in a thread
        self._tasks = tasks
        self._definitions: list[JobDefinition] = []
        self._reading = False
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh_soon)

    @property
    def all(self) -> list[JobDefinition]:
        return list(self._definitions)

    @property
    def enabled(self) -> list[JobDefinition]:
        return [definition for definition in self._definitions if definition.enabled]

    def start(self) -> None:
        self._timer.start()
        self.refresh_soon()

    def stop(self) -> None:
        self._timer.stop()

    def refresh_soon(self) -> None:
        if not self._reading:
            self._tasks.start(self.refresh(), what="Reading the definitions")

    async def refresh(self) -> None:
        self._reading = True
        try:
            definitions = await in_thread(self._read)
        finally:
            self._reading = False
        if definitions != self._definitions:
            self._definitions = definitions
            self.changed.emit()
