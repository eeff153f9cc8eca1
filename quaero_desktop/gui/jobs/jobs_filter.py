"""The Jobs view's filter: by definition and by status (issue 22), above the list.

The proxy filters every run, folded ones too; a group whose latest run does not match still
shows when an older run does (Qt's recursive filtering), so a "Failed" filter finds a failed
run under a completed one. Nothing is read from the store: the runs are all in the model.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.jobs.job_row import JobRow
from quaero_desktop.gui.jobs.jobs_model import SORT_ROLE, JobsModel

ALL_DEFINITIONS = "All definitions"
ALL_STATUSES = "All statuses"
# The status choices: "Running" includes the runs waiting to start.
STATUS_CHOICES: dict[str, frozenset[JobStatus]] = {
    "Running": frozenset({JobStatus.PENDING, JobStatus.RUNNING}),
    "Completed": frozenset({JobStatus.COMPLETED}),
    "Failed": frozenset({JobStatus.FAILED}),
    "Cancelled": frozenset({JobStatus.CANCELLED}),
    "Interrupted": frozenset({JobStatus.INTERRUPTED}),
}


class JobsFilterProxy(QSortFilterProxyModel):
    """Sorts the runs (the latest first by default) and keeps those of the chosen definition and status."""

    def __init__(self, model: JobsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.definition_id: str | None = None
        self.statuses: frozenset[JobStatus] | None = None
        self.setSourceModel(model)
        self.setSortRole(SORT_ROLE)
        self.setRecursiveFilteringEnabled(True)

    def set_filter(self, definition_id: str | None, statuses: frozenset[JobStatus] | None) -> None:
        if (definition_id, statuses) != (self.definition_id, self.statuses):
            self.beginFilterChange()
            self.definition_id, self.statuses = definition_id, statuses
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def filtering(self) -> bool:
        return self.definition_id is not None or self.statuses is not None

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self.filtering:
            return True
        row: JobRow = self._model.run_at(self._model.index(source_row, 0, source_parent))
        if self.definition_id is not None and row.definition_id != self.definition_id:
            return False
        return self.statuses is None or row.status in self.statuses


class JobsFilterBar(QWidget):
    """ "Show: [definition] [status]" above the list; the definitions are those with runs in it."""

    changed = Signal()

    def __init__(self, model: JobsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.definition_combo = QComboBox(self)
        self.definition_combo.setToolTip("Show the runs of one definition")
        self.definition_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.definition_combo.setMinimumContentsLength(16)
        self.status_combo = QComboBox(self)
        self.status_combo.setToolTip("Show the runs in one state")
        self.status_combo.addItem(ALL_STATUSES, None)
        for text, statuses in STATUS_CHOICES.items():
            self.status_combo.addItem(text, statuses)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(QLabel("Show:", self))
        layout.addWidget(self.definition_combo)
        layout.addWidget(self.status_combo)
        layout.addStretch(1)
        self.refill_definitions()
        model.groupsChanged.connect(self.refill_definitions)
        self.definition_combo.currentIndexChanged.connect(lambda _: self.changed.emit())
        self.status_combo.currentIndexChanged.connect(lambda _: self.changed.emit())

    @property
    def definition_id(self) -> str | None:
        value = self.definition_combo.currentData()
        return value if isinstance(value, str) else None

    @property
    def statuses(self) -> frozenset[JobStatus] | None:
        value = self.status_combo.currentData()
        return value if isinstance(value, frozenset) else None

    def choose(self, *, definition_id: str | None = None, status: str | None = None) -> None:
        """Show the runs of a definition (its id) and a status choice ("Failed"); None: all."""
        self.definition_combo.setCurrentIndex(max(0, self.definition_combo.findData(definition_id)))
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findText(status or ALL_STATUSES)))

    def refill_definitions(self) -> None:
        """The definitions with runs (a run came or went); the choice stays while its definition has runs."""
        chosen = self.definition_id
        combo = self.definition_combo
        combo.blockSignals(True)
        try:
            combo.clear()
            combo.addItem(ALL_DEFINITIONS, None)
            for definition_id, name in sorted(self._model.definitions(), key=lambda pair: pair[1].casefold()):
                combo.addItem(name, definition_id)
            combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen is not None else 0)
        finally:
            combo.blockSignals(False)
        if self.definition_id != chosen:
            self.changed.emit()  # its last run went: every definition shows again
