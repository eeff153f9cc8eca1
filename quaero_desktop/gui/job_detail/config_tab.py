"""The Configuration tab: the definition this job ran with (its snapshot), as TOML, and its metadata.

The TOML is made when the tab is first shown, not when the window opens (~5 ms of the GUI thread's
CPU, spent while the Pages table, what the window opens on, waits for its rows), and again only when
the snapshot differs (the window reads the job again at each start, stop and poll).
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QShowEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.definition_io import dump_definition
from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.domain.job import Job
from quaero_desktop.gui.format import local_time


def config_text(job: Job) -> tuple[str, str | None]:
    """The snapshot as TOML, or as JSON with a warning when it no longer validates."""
    try:
        return dump_definition(JobDefinition.from_mapping(job.config, f"job {job.id} configuration"), "toml"), None
    except (QuaeroError, ValueError, TypeError) as exc:
        return json.dumps(job.config, indent=2, ensure_ascii=False, default=str), f"Shown as stored: {exc}"


class ConfigTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._job: Job | None = None
        self._shown_config: dict[str, object] | None = None  # the snapshot the text shows
        self.job_id_label = _value_label(self)
        self.definition_label = _value_label(self)
        self.login_label = _value_label(self)
        self.created_label = _value_label(self)
        form = QFormLayout()
        form.setContentsMargins(12, 10, 12, 4)
        form.addRow("Job id:", self.job_id_label)
        form.addRow("Definition:", self.definition_label)
        form.addRow("Login:", self.login_label)
        form.addRow("Created:", self.created_label)

        self.note_label = QLabel(self)
        self.note_label.setWordWrap(True)
        self.note_label.hide()
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setPlaceholderText("Loading the job's configuration…")
        self.text.setToolTip("The definition as it was when this job started (later edits do not change it)")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.note_label)
        layout.addWidget(self.text)

    def show_job(self, job: Job) -> None:
        self.job_id_label.setText(job.id)
        definition_id = job.metadata.get("job_definition_id") or job.definition_id
        self.definition_label.setText(definition_id or "none (run from a file)")
        auth_id = job.metadata.get("auth_id")
        self.login_label.setText(auth_id or "none (crawled without a login)")
        self.created_label.setText(local_time(job.created_at))
        self._job = job
        if self.isVisible():
            self._show_config()

    def showEvent(self, event: QShowEvent) -> None:
        self._show_config()
        super().showEvent(event)

    def _show_config(self) -> None:
        job = self._job
        if job is None or job.config == self._shown_config:
            return
        self._shown_config = job.config
        text, note = config_text(job)
        self.text.setPlainText(text)
        self.note_label.setText(note or "")
        self.note_label.setVisible(note is not None)


def _value_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
