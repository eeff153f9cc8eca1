"""The Log tab: the job's log with a level filter and a follow-the-end switch.

Following feels like a terminal: while "Follow" is on, new lines scroll into view; scrolling
up turns it off (the lines you are reading stay put), scrolling back to the end turns it on.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from quaero_desktop.gui.empty_state import empty_state_label
from quaero_desktop.gui.job_detail.log_model import LEVELS, LogColumn, LogLevelFilter, LogTableModel


class LogTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines = LogTableModel(self)  # every line
        self.model = LogLevelFilter(self.lines, self)  # the lines shown: at or above the chosen level
        self._scrolling = False  # True while the tab itself moves the scroll bar

        self.level_filter = QComboBox(self)
        self.level_filter.addItems([level.capitalize() for level in LEVELS])
        self.level_filter.setCurrentText(self.model.min_level.capitalize())
        self.level_filter.setToolTip("Show lines of this level and above (Debug shows every fetched page)")
        self.level_filter.currentTextChanged.connect(self._on_level)
        self.follow = QCheckBox("Follow", self)
        self.follow.setChecked(True)
        self.follow.setToolTip("Keep the newest line in view (scroll up to pause, back to the end to resume)")
        self.follow.toggled.connect(self._on_follow_toggled)
        self.count_label = QLabel(self)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 0, 6, 0)
        bar.addWidget(QLabel("Level:", self))
        bar.addWidget(self.level_filter)
        bar.addWidget(self.follow)
        bar.addStretch(1)
        bar.addWidget(self.count_label)

        self.table = QTableView(self)
        self._build_table()
        self.placeholder = empty_state_label(self.table, "No log lines yet.")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.model.rowsInserted.connect(self._on_rows_inserted)
        self.lines.linesAdded.connect(self._update_counts)
        self._update_counts()

    def _build_table(self) -> None:
        table = self.table
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        vertical = table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(24)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        table.setColumnWidth(LogColumn.TIME, 140)
        table.setColumnWidth(LogColumn.LEVEL, 80)
        table.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        copy = QAction("Copy lines", self, shortcut=QKeySequence(QKeySequence.StandardKey.Copy))
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_lines)
        table.addAction(copy)

    # ----- following -----

    def scroll_to_end(self) -> None:
        self._scrolling = True
        try:
            self.table.scrollToBottom()
            bar = self.table.verticalScrollBar()
            bar.setValue(bar.maximum())
        finally:
            self._scrolling = False

    def _on_follow_toggled(self, on: bool) -> None:
        if on:
            self.scroll_to_end()

    def _on_rows_inserted(self, *_args: object) -> None:
        if self.follow.isChecked():
            # after the view has laid out the new rows, so the maximum is the new end
            QTimer.singleShot(0, self._follow_now)

    def _follow_now(self) -> None:
        if self.follow.isChecked():
            self.scroll_to_end()

    def _on_scrolled(self, value: int) -> None:
        if self._scrolling:
            return
        at_end = value >= self.table.verticalScrollBar().maximum()
        if at_end != self.follow.isChecked():
            self.follow.setChecked(at_end)

    def _on_level(self, text: str) -> None:
        self._scrolling = True  # the filter moves the scroll bar: not the user scrolling
        try:
            self.model.set_min_level(text.lower())
        finally:
            self._scrolling = False
        self._update_counts()
        if self.follow.isChecked():
            QTimer.singleShot(0, self._follow_now)

    # ----- other -----

    def copy_lines(self) -> None:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        lines = [self.model.line_at(row) for row in rows]
        if lines:
            QGuiApplication.clipboard().setText(
                "\n".join(
                    f"{line.created_at.astimezone().isoformat(timespec='seconds')} {line.level.upper()} {line.message}"
                    for line in lines
                )
            )

    def _update_counts(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        hidden = total - shown
        text = f"{shown} line{'s' if shown != 1 else ''}"
        if hidden:
            text += f" ({hidden} below {self.model.min_level.capitalize()} hidden)"
        self.count_label.setText(text)
        self.placeholder.setText(
            "No log lines yet."
            if total == 0
            else f"No lines at {self.model.min_level.capitalize()} or above: choose Debug to see all."
        )
        self.placeholder.setVisible(shown == 0)
