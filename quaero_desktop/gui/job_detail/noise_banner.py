"""The job window's noise box: many documents from URLs that are actions or variants of pages, and the fix.

After a crawl, ``JobsService.noise`` groups the stored URLs that look like edit, history or sort-order
views of pages (domain/url_noise.py). The box says how many documents each group holds and offers the
group's exclude pattern: "Exclude these…" opens the job's definition with the pattern added, for the
user to check in the pattern tester and save. A box in the window, not a dialog: the crawl's pages and
log stay in reach while the user decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.domain.url_noise import NoiseGroup
from quaero_desktop.gui.style import status_colour

TITLE_TEXT = (
    "Noise: many documents of this crawl come from URLs that look like actions or variants of pages "
    "(edit, history, sort orders…), not pages of their own."
)
EXCLUDE_TEXT = "Exclude these…"


@dataclass(frozen=True)
class NoiseExclusion:
    """What "Exclude these…" asks for: ``definition`` (as stored) with ``pattern`` added to its excludes,
    and a URL of the group for the pattern tester, so the form shows that the pattern leaves it out."""

    definition: JobDefinition
    pattern: str
    example_url: str


class NoiseRow(QWidget):
    """One group: "1,139 of 1,188 documents come from URLs with do=" and its button."""

    def __init__(self, group: NoiseGroup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = group
        self.label = QLabel(group.text, self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        examples = "\n".join(group.examples)
        self.label.setToolTip(f"Exclude pattern: {group.exclude_pattern}\nFor example:\n{examples}")
        self.button = QPushButton(EXCLUDE_TEXT, self)
        self.button.setToolTip(
            f"Open the crawl's definition with the exclude pattern {group.exclude_pattern} added "
            "(check it in “Test a URL”, then Save)"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)


class NoiseBanner(QWidget):
    """Under the job's header, lined up with it: a framed box that is shown only while there is noise."""

    excludeRequested = Signal(NoiseGroup)  # the group whose exclude pattern the user asked for

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QFrame(self)
        self.box.setObjectName("noiseBox")
        # The colour of a caution (a cancelled job's), not a failure's: the crawl did its job, only too much of it.
        colour = status_colour(JobStatus.CANCELLED).name()
        self.box.setStyleSheet(f"QFrame#noiseBox {{ border: 1px solid {colour}; border-radius: 4px; }}")
        self.title = QLabel(f"⚠ {TITLE_TEXT}", self.box)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.note_label = QLabel(self.box)  # what became of a click that could not open the definition
        self.note_label.setWordWrap(True)
        self.note_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note_label.setStyleSheet(f"color: {status_colour(JobStatus.FAILED).name()};")
        self.note_label.hide()
        self.rows: list[NoiseRow] = []
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setSpacing(2)
        inside = QVBoxLayout(self.box)
        inside.setContentsMargins(8, 6, 8, 6)
        inside.setSpacing(4)
        inside.addWidget(self.title)
        inside.addLayout(self._rows_layout)
        inside.addWidget(self.note_label)
        outside = QVBoxLayout(self)
        outside.setContentsMargins(12, 0, 12, 8)  # the header's side margins
        outside.addWidget(self.box)
        self.hide()

    def show_groups(self, groups: Sequence[NoiseGroup]) -> None:
        """One line per group; no groups hides the box."""
        for row in self.rows:
            self._rows_layout.removeWidget(row)
            row.deleteLater()
        self.rows = []
        for group in groups:
            row = NoiseRow(group, self.box)
            row.button.clicked.connect(lambda _checked=False, g=group: self.excludeRequested.emit(g))
            self._rows_layout.addWidget(row)
            self.rows.append(row)
        self.show_note("")
        self.setVisible(bool(self.rows))

    def show_note(self, text: str) -> None:
        self.note_label.setText(text)
        self.note_label.setVisible(bool(text))
