"""The definition form: every field of the format, checked as the user types, saved only when valid."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from quaero_desktop.domain.definition import FIELD_NAMES, JobDefinition
from quaero_desktop.domain.errors import ValidationError
from quaero_desktop.domain.schedule_words import schedule_in_words
from quaero_desktop.gui.definitions.definition_fields import FIELD_LABELS, DefinitionFields
from quaero_desktop.gui.definitions.definitions_model import time_until_text, when_text
from quaero_desktop.gui.definitions.field_checks import (
    FieldProblem,
    definition_from_form,
    expected_text,
    field_of,
    form_problems,
    upcoming_run,
)
from quaero_desktop.gui.definitions.form_widgets import LinesEdit, LoginCombo, invalid_style_sheet
from quaero_desktop.gui.definitions.pointer_anchor import PointerAnchor


class EditorMode(enum.Enum):
    NEW = "new"
    EDIT = "edit"
    COPY = "copy"


def id_from_name(name: str) -> str:
    """A suggested id for a name ("Team Wiki!" -> "team-wiki"); the domain still validates it."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:64].strip("-")


class DefinitionEditor(QWidget):
    saveRequested = Signal(JobDefinition)  # a valid one
    closeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = EditorMode.NEW
        self.original_id = ""
        self._problems: dict[str, FieldProblem] = {}
        self._touched: set[str] = set()
        self._baseline: dict[str, object] = {}
        self._loading = False
        self._busy = False
        self._id_follows_name = False
        self.setStyleSheet(invalid_style_sheet())
        self._build()

    # ----- building -----

    def _build(self) -> None:
        self.title = QLabel("New definition", self)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.fields = DefinitionFields(self)
        self.fields.fieldChanged.connect(self._changed)
        self.inputs = self.fields.inputs
        self.boxes = self.fields.boxes
        self.scroll_area = scroll = QScrollArea(self)
        scroll.setWidget(self.fields)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._anchor = PointerAnchor(scroll)

        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setToolTip("Close the form without saving (Esc)")
        self.cancel_button.clicked.connect(self.closeRequested)
        self.save_button = QPushButton("Save", self)
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Store the definition (Ctrl+S)")
        self.save_button.clicked.connect(self.request_save)
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.cancel_button)
        footer.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 4, 8)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)
        layout.addLayout(footer)
        for shortcut, slot in (("Ctrl+S", self.request_save), ("Escape", self.closeRequested.emit)):
            action = QAction(self, shortcut=QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    # ----- loading -----

    def load(self, values: Mapping[str, object], mode: EditorMode, logins: list[tuple[str, str]]) -> None:
        """Fill the form (``values`` as in a definition file) for a new, edited or copied definition."""
        self._loading = True
        try:
            self.mode = mode
            self.original_id = str(values.get("id", "")) if mode == EditorMode.EDIT else ""
            for field in FIELD_NAMES:
                self.fields.set_value(field, values.get(field), logins)
        finally:
            self._loading = False
        name = str(values.get("name", ""))
        self.title.setText(
            {
                EditorMode.NEW: "New definition",
                EditorMode.EDIT: f"Edit “{name}”",
                EditorMode.COPY: f"New copy of “{name}”",
            }[mode]
        )
        id_input = self.inputs["id"]
        assert isinstance(id_input, QLineEdit)
        id_input.setReadOnly(mode == EditorMode.EDIT)
        self.boxes["id"].set_hint(
            "Fixed once stored; Duplicate stores a copy under another ID."
            if mode == EditorMode.EDIT
            else "Names the definition on the command line: quaero-desktop run <id>"
        )
        self._id_follows_name = mode == EditorMode.NEW and not values.get("id")
        self._touched = set() if mode == EditorMode.NEW else set(FIELD_NAMES)
        self._baseline = self.values()
        self._busy = False
        self._revalidate()
        self.scroll_area.verticalScrollBar().setValue(0)  # a form opens at its top, whatever the last one showed

    def focus_first_field(self) -> None:
        """Name for a new or edited definition, the ID for a copy (it must change)."""
        field = "id" if self.mode == EditorMode.COPY else "name"
        field_input = self.inputs[field]
        field_input.setFocus()
        if isinstance(field_input, QLineEdit):
            field_input.selectAll()

    def add_exclude_pattern(self, pattern: str, test_url: str = "") -> None:
        """Add ``pattern`` as the Exclude field's last line, as if typed: the form becomes unsaved (Save
        stores it, Ctrl+Z takes it back). ``test_url`` goes to the pattern tester, which judges it by the
        form as it is now, so it shows the pattern leaving that URL out."""
        excludes = self.inputs["exclude_patterns"]
        assert isinstance(excludes, QPlainTextEdit)
        text = excludes.toPlainText()
        if pattern not in (line.strip() for line in text.splitlines()):
            cursor = excludes.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(pattern if not text or text.endswith("\n") else f"\n{pattern}")
            excludes.setTextCursor(cursor)
        if test_url:
            self.fields.tester.url_edit.setText(test_url)
        excludes.setFocus()
        # The form was just opened at its top: lay it out now, then bring the field and the verdict into view.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.scroll_area.ensureWidgetVisible(self.fields.tester)
        self.scroll_area.ensureWidgetVisible(self.boxes["exclude_patterns"])
        self.scroll_area.horizontalScrollBar().setValue(0)  # ensureWidgetVisible scrolls sideways too: labels first

    # ----- reading and checking -----

    def values(self) -> dict[str, object]:
        """The form as a definition mapping (numbers as ints when they are whole numbers)."""
        return self.fields.read()[0]

    def _changed(self, field: str) -> None:
        if self._loading:
            return
        self._touched.add(field)
        if field == "name" and self._id_follows_name:
            id_input = self.inputs["id"]
            assert isinstance(id_input, QLineEdit)
            self._loading = True
            try:
                id_input.setText(id_from_name(self.fields.text("name")))
            finally:
                self._loading = False
        elif field == "id":
            self._id_follows_name = self.mode == EditorMode.NEW and self.fields.text("id") == ""
        self._revalidate()

    def _revalidate(self) -> None:
        values, lines = self.fields.read()
        self._problems = form_problems(values, lines)
        with self._anchor.kept():  # messages appear and go: the field under the pointer stays put
            for field, box in self.boxes.items():
                problem = self._problems.get(field) if self._is_shown(field, values) else None
                box.set_problem(problem.message if problem else None)
                if isinstance(box.input, LinesEdit):
                    box.input.mark_lines(problem.lines if problem else ())
            self._update_login_hint(str(values["auth_id"]))
            self._update_schedule_preview(str(values["schedule"]), bool(values["enabled"]))
        self._update_footer(values)
        self.fields.tester.set_definition(None if self._problems else _definition_or_none(values))

    def _is_shown(self, field: str, values: Mapping[str, object]) -> bool:
        """Problems show once the user touched a field or it has content (an empty new form is not all red)."""
        return field in self._touched or values[field] not in ("", [])

    def _update_login_hint(self, auth_id: str) -> None:
        login = self.inputs["auth_id"]
        assert isinstance(login, LoginCombo)
        if "auth_id" in self._problems or not auth_id or login.is_stored(auth_id):
            hint = "" if auth_id else "Sites that need a login: save one in the Logins view, then pick it here."
        else:
            hint = f"No saved login “{auth_id}”: the crawl fails until a login with this id is saved (Logins view)."
        self.boxes["auth_id"].set_hint(hint)

    def _update_schedule_preview(self, schedule: str, enabled: bool) -> None:
        box = self.boxes["schedule"]
        if "schedule" in self._problems:
            box.set_hint("")
        elif not schedule.strip():
            box.set_hint("Manual: runs only when you press Run now.")
        else:
            # The schedule in words first: what "30 18 * * 1-5" means is the thing to check.
            words = schedule_in_words(schedule.strip())
            said = f"{words[0].upper()}{words[1:]}. " if words else ""
            if not enabled:
                box.set_hint(f"{said}Disabled: does not run on its schedule.")
                return
            upcoming = upcoming_run(schedule, True)
            left = time_until_text(upcoming - datetime.now().astimezone()) if upcoming else ""
            box.set_hint(f"{said}Next run: {when_text(upcoming)} (in {left})")

    def _update_footer(self, values: Mapping[str, object]) -> None:
        in_form_order = [field for field in self.boxes if field in self._problems]
        shown = [FIELD_LABELS[field] for field in in_form_order if self._is_shown(field, values)]
        hidden = [FIELD_LABELS[field] for field in in_form_order if FIELD_LABELS[field] not in shown]
        dirty = self.is_dirty
        if shown:
            text = f"To save, fix: {', '.join(shown)}."
        elif hidden:
            text = f"To save, fill in: {', '.join(hidden)}."
        elif self.mode == EditorMode.EDIT and not dirty:
            text = "No changes."
        else:
            text = "Unsaved changes." if dirty else ""
        self.status.setText(text)
        self.save_button.setEnabled(not self._problems and not self._busy and (dirty or self.mode != EditorMode.EDIT))

    # ----- state -----

    @property
    def is_dirty(self) -> bool:
        return self.values() != self._baseline

    @property
    def is_valid(self) -> bool:
        return not self._problems

    def problem(self, field: str) -> str:
        """The problem shown at ``field`` ("" when none is shown)."""
        box = self.boxes.get(field)
        return box.problem_text() if box is not None else ""

    def set_busy(self, busy: bool) -> None:
        """While the definition is being stored, Save cannot be pressed again."""
        self._busy = busy
        self._update_footer(self.values())

    def mark_saved(self) -> None:
        self._baseline = self.values()
        self._update_footer(self._baseline)

    # ----- saving -----

    def request_save(self) -> None:
        """Emit saveRequested with the definition when the whole form is valid; else show every problem."""
        if self._busy:
            return
        self._touched.update(FIELD_NAMES)
        self._revalidate()
        if self._problems or not self.save_button.isEnabled():
            return
        try:
            definition: JobDefinition = definition_from_form(self.values())
        except ValidationError as exc:  # the field checks passed: should not happen, but never save half-valid
            box = self.boxes.get(field_of(exc))
            if box is not None:
                box.set_problem(expected_text(exc.expected))
            self.save_button.setEnabled(False)
            return
        self.saveRequested.emit(definition)


def _definition_or_none(values: Mapping[str, object]) -> JobDefinition | None:
    try:
        return definition_from_form(values)
    except ValidationError:
        return None
