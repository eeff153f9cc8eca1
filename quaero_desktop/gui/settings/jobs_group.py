"""Settings → General → "Jobs list": how many runs of each definition the Jobs list keeps (issue 22)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QSpinBox, QWidget

from quaero_desktop.domain.limits import KEEP_RUNS

EVERY_RUN_TEXT = "every run"  # the spin box at 0


class JobsGroup(QGroupBox):
    def __init__(self, keep_runs: int, hint: QLabel, parent: QWidget | None = None) -> None:
        super().__init__("Jobs list", parent)
        self.keep_runs_spin = QSpinBox(self)
        self.keep_runs_spin.setRange(KEEP_RUNS.low, KEEP_RUNS.high)
        self.keep_runs_spin.setSpecialValueText(EVERY_RUN_TEXT)
        self.keep_runs_spin.setSuffix(" runs")
        self.keep_runs_spin.setValue(keep_runs)
        self.keep_runs_spin.setToolTip(
            "Starting a run removes its definition's older finished runs beyond this many; 0 keeps every run"
        )
        hint.setParent(self)
        hint.setText(
            "A new run removes its definition's oldest finished runs beyond this many. "
            "Their documents stay in the knowledge base; a run still going is never removed."
        )
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("&Keep the last:", self.keep_runs_spin)
        form.addRow(hint)
