"""The Jobs list's column widths: snug short columns, and Name giving way to Progress when narrow.

At 1024×640 the short columns' old fixed widths left the Progress column too narrow for its
text. The short columns are now as wide as their headers and usual values need (measured in
the table's font), and when the table is narrow, Name shrinks (down to a minimum) so that
Progress keeps room for a typical progress text; Progress stretches over the rest. Name grows
back to the width the user gave it (or its default) when the table widens again.

Documents widens to its longest text as rows come and change (a re-crawl's "150 · 3 new, 21
changed, 2 gone" was cut at 1280 px, "150 · 3 new, 21 chang…"), up to a limit, unless the user
has set its width; Progress, stretching, gives up the room.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, QPersistentModelIndex
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
DOCUMENTS_LONGEST = "100000 · 10000 new, 10000 changed, 10000 gone"  # the most Documents widens to


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


class DocumentsFit(QObject):
    """Widens Documents to the longest text its rows show (up to DOCUMENTS_LONGEST's width) until the
    user sets its width; Name, narrow, gives way (``then``)."""

    def __init__(self, table: QTreeView, model: QAbstractItemModel, then: NameGivesWay) -> None:
        super().__init__(table)
        self._table = table
        self._model = model
        self._then = then
        self._header = table.header()
        self._most = table.fontMetrics().horizontalAdvance(DOCUMENTS_LONGEST) + CELL_ROOM
        self._fitting = False
        self._user_set = False
        self._header.sectionResized.connect(self._resized)
        model.dataChanged.connect(self._changed)
        model.modelReset.connect(self._all)
        model.rowsInserted.connect(lambda parent, first, last: self._rows(parent, first, last))

    def _changed(self, top_left: QModelIndex, bottom_right: QModelIndex, *_roles: object) -> None:
        if top_left.column() <= JobColumn.DOCUMENTS <= bottom_right.column():
            self._rows(top_left.parent(), top_left.row(), bottom_right.row())

    def _all(self) -> None:
        for row in range(self._model.rowCount()):
            top = self._model.index(row, JobColumn.NAME)
            self._rows(top, 0, self._model.rowCount(top) - 1)  # its folded runs
        self._rows(QModelIndex(), 0, self._model.rowCount() - 1)

    def _rows(self, parent: QModelIndex | QPersistentModelIndex, first: int, last: int) -> None:
        if self._user_set or last < first:
            return
        metrics = self._table.fontMetrics()
        texts = (str(self._model.index(row, JobColumn.DOCUMENTS, parent).data()) for row in range(first, last + 1))
        needed = min(self._most, max(metrics.horizontalAdvance(text) for text in texts) + CELL_ROOM)
        if needed > self._header.sectionSize(JobColumn.DOCUMENTS):
            self._fitting = True
            try:
                self._header.resizeSection(JobColumn.DOCUMENTS, needed)
            finally:
                self._fitting = False
            self._then.fit()

    def _resized(self, section: int, _old: int, _new: int) -> None:
        if section == JobColumn.DOCUMENTS and not self._fitting:
            self._user_set = True
