"""How many documents the store holds, for the status bar: the store's own figure.

Adding up the engine's "document saved" events over-counts: a re-crawl updates documents the
store already has (one URL, one document). So the figure is re-read from the store, off the
GUI thread, whenever documents were saved or deleted. A crawl saves many a second: reads are
coalesced, one at a time and at most one per ``interval_s``; a save during a read asks for one
more read after it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from quaero_desktop.gui.async_tasks import TaskRunner, in_thread

REREAD_INTERVAL_S = 1.0


class StoredDocumentCount(QObject):
    changed = Signal(int)

    def __init__(
        self,
        count: Callable[[], int],
        tasks: TaskRunner,
        parent: QObject | None = None,
        *,
        interval_s: float = REREAD_INTERVAL_S,
    ) -> None:
        super().__init__(parent)
        self._count = count
        self._tasks = tasks
        self._interval_s = interval_s
        self._reading = False
        self._again = False
        self.value: int | None = None  # None until the first read

    def refresh(self, *_args: object) -> None:
        """The store's documents may have changed: read their number (soon, coalesced)."""
        if self._reading:
            self._again = True
            return
        self._reading = True
        self._tasks.start(self._read(), what="Counting the stored documents")

    async def _read(self) -> None:
        try:
            while True:
                self._again = False
                value = await in_thread(self._count)
                if value != self.value:
                    self.value = value
                    self.changed.emit(value)
                if not self._again:
                    return
                await asyncio.sleep(self._interval_s)
        finally:
            self._reading = False
