"""The Jobs list's view: a tree (a definition's older runs fold under its latest), fast on live updates.

QTreeView re-measures the first row (every column's size hint: ~60 model reads) whenever one of
its cells changes, and the first row is usually the crawl under way: with the progress events of
a crawl that made each update ~25 times dearer than the table it replaced. Rows here are all of
one height, so a change to any cell but the name (where the fold's arrow may come or go) only
repaints that cell.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

from quaero_desktop.gui.jobs.jobs_model import JobColumn


class JobsTree(QTreeView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformRowHeights(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Many runs at once (Ctrl/Shift+click): Cancel, Resume and Delete act on all of them.
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)  # a long name ends in "…" on one line
        self.setAllColumnsShowFocus(True)
        self.setExpandsOnDoubleClick(False)  # a double-click opens the run's window (arrows fold and unfold)

    def dataChanged(
        self,
        topLeft: QModelIndex | QPersistentModelIndex,
        bottomRight: QModelIndex | QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        if topLeft.column() > JobColumn.NAME and self.uniformRowHeights():
            QAbstractItemView.dataChanged(self, topLeft, bottomRight, list(roles))  # repaint only
        else:
            super().dataChanged(topLeft, bottomRight, list(roles))
