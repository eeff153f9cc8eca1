"""The Jobs list's column widths: snug short columns, and Name giving way to Progress when narrow.

At 1024×640 the short columns' old fixed widths left the Progress column too narrow for its
text. The short columns are now as wide as their headers and usual values need (measured in
the table's font), and when the table is narrow, Name shrinks (down to a minimum) so that
Progress keeps room for a typical progress text; Progress stretches over the rest. Name grows
back to the width the user gave it (or its default) when the table widens again.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QTreeView

from quaero_desktop.gui.jobs.jobs_model import HEADERS, JobColumn

NAME_WIDTH = 200  # the default
NAME_MINIMUM = 120
HEADER_ROOM = 34  # a header's padding and sort arrow
CELL_ROOM = 16  # a cell's padding
ICON_ROOM = 22  # the status icon and its gap
# What the short columns usually hold, and the progress text Progress keeps room for.
_SAMPLES = {
    JobColumn.STATUS: ("Interrupted", ICON_ROOM),
    JobColumn.DOCUMENTS: ("10000 · 1000 changed", 0),  # a re-crawl says what changed
    JobColumn.FAILED: ("100000", 0),
    JobColumn.STARTED: ("2025-12-31 23:59", 0),
    JobColumn.DURATION: ("10h59m", 0),
}
PROGRESS_SAMPLE = "100 pending, 4 running, 1000 completed, 10 failed"
PROGRESS_ROOM = 2 * (4 + 6) + CELL_ROOM  # the delegate's bar and text margins (progress_delegate.py)


def short_column_widths(metrics: QFontMetrics) -> dict[JobColumn, int]:
    """Each short column's width: its header or its usual value, whichever is wider."""
    widths = {}
    for column, (sample, extra) in _SAMPLES.items():
        header = metrics.horizontalAdvance(HEADERS[column]) + HEADER_ROOM
        widths[column] = max(header, metrics.horizontalAdvance(sample) + extra + CELL_ROOM)
    return widths


class NameGivesWay(QObject):
    """Keeps Name at the user's width, less what a narrow table needs for Progress."""

    def __init__(self, table: QTreeView) -> None:
        super().__init__(table)
        self._table = table
        self._header = table.header()
        metrics = table.fontMetrics()
        self._progress_room = metrics.horizontalAdvance(PROGRESS_SAMPLE) + PROGRESS_ROOM
        self._preferred = self._header.sectionSize(JobColumn.NAME) or NAME_WIDTH
        self._fitting = False
        self._header.sectionResized.connect(self._resized)
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        header = self._header
        others = sum(
            header.sectionSize(column)
            for column in JobColumn
            if column not in (JobColumn.NAME, JobColumn.PROGRESS) and not header.isSectionHidden(column)
        )
        room = self._table.viewport().width() - others - self._progress_room
        width = max(NAME_MINIMUM, min(self._preferred, room))
        if width != header.sectionSize(JobColumn.NAME):
            self._fitting = True
            try:
                header.resizeSection(JobColumn.NAME, width)
            finally:
                self._fitting = False

    def _resized(self, section: int, _old: int, new: int) -> None:
        if section == JobColumn.NAME and not self._fitting:
            self._preferred = new  # the user's width (or a restored one): the most Name takes from now on
