"""Small widgets of the definition form: a field with its hint and problem, a lines box, the login picker."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.style import is_dark, status_colour

NO_LOGIN_TEXT = "(none)"
NOT_STORED_SUFFIX = " (not stored)"


def problem_colour() -> QColor:
    return status_colour(JobStatus.FAILED)


def invalid_style_sheet() -> str:
    """A red frame for any input whose ``invalid`` property is true (set by FieldBox)."""
    red = problem_colour().name()
    return (
        f'QLineEdit[invalid="true"], QComboBox[invalid="true"] '
        f"{{ border: 1px solid {red}; border-radius: 3px; padding: 2px; }}"
        f'QPlainTextEdit[invalid="true"] {{ border: 1px solid {red}; border-radius: 3px; }}'
    )


class FieldBox(QWidget):
    """One form field: the input (and a note beside it), and under it its problem in red or else its hint.

    The problem and the hint share one line under the input, always there (empty or not): a message
    that came and went as the user typed moved every field below by a line (16–20 px), so a click
    aimed at one field landed between two.
    """

    def __init__(self, field_input: QWidget, *, note: str = "", hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.input = field_input
        self._tooltip = field_input.toolTip()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(field_input)
        if note:
            self.note = quiet_label(note, self)
            row.addWidget(self.note, 1)
        elif field_input.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Fixed:
            row.addStretch(1)
        layout.addLayout(row)
        self.message = QStackedWidget(self)  # as tall as the taller of the two: a help text, or one line
        # A help text given here stays as it is (wrapped); hints set later (the next run, the login) and
        # problems take one line, shortened to fit, the whole in their tooltip.
        self.hint: QLabel = quiet_label(hint, self.message) if hint else _quiet(OneLineLabel(self.message))
        self.problem_label = OneLineLabel(self.message)
        palette = self.problem_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, problem_colour())
        self.problem_label.setPalette(palette)
        self.message.addWidget(self.hint)
        self.message.addWidget(self.problem_label)
        self.message.setMinimumHeight(self.hint.fontMetrics().lineSpacing())
        layout.addWidget(self.message)

    def set_problem(self, message: str | None) -> None:
        """Show ``message`` under the input and frame it in red; None clears both."""
        invalid = bool(message)
        self.problem_label.setText("⚠ " + (message or "").replace("\n", "\n⚠ ") if invalid else "")
        self.message.setCurrentWidget(self.problem_label if invalid else self.hint)
        self.input.setToolTip(message or self._tooltip)  # the field's own tip while valid
        self.input.setAccessibleDescription(message or "")
        if bool(self.input.property("invalid")) != invalid:
            self.input.setProperty("invalid", invalid)
            self.input.style().unpolish(self.input)
            self.input.style().polish(self.input)
            self.input.update()

    def problem_text(self) -> str:
        """The problem the user sees under this field ("" when there is none)."""
        return self.problem_label.text() if self.problem_label.isVisibleTo(self) else ""

    def set_hint(self, text: str) -> None:
        self.hint.setText(text)


def quiet_label(text: str, parent: QWidget) -> QLabel:
    """Secondary text (a hint or note): wrapped, in a dimmed colour."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return _quiet(label)


def quiet_one_line(parent: QWidget) -> OneLineLabel:
    """Secondary text that always takes one line (see ``OneLineLabel``), in a dimmed colour."""
    label = OneLineLabel(parent)
    _quiet(label)
    return label


def _quiet(label: QLabel) -> QLabel:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#9aa0a6") if is_dark() else QColor("#6b7078"))
    label.setPalette(palette)
    return label


class OneLineLabel(QLabel):
    """A message that always takes one line: its first line, shortened with "…" to the width it has
    (the whole message in its tooltip). ``text()`` is the whole message."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance(self.shown()), self.fontMetrics().lineSpacing())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.fontMetrics().lineSpacing())

    def shown(self) -> str:
        first, *more = self.text().split("\n")
        return first + (f" (+{len(more)} more)" if more else "")

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        text = self.fontMetrics().elidedText(self.shown(), Qt.TextElideMode.ElideRight, self.width())
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.style().drawItemText(
            painter, self.rect(), flags, self.palette(), self.isEnabled(), text, QPalette.ColorRole.WindowText
        )


class CheckRow(QWidget):
    """A check box whose text wraps (a QCheckBox's own text never does, so the form was as wide as its
    longest one and cut at a narrow window). A click on the text toggles the box, as on a QCheckBox's."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QCheckBox(self)
        self.box.setAccessibleName(text)
        self.label = _BoxLabel(text, self.box, self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.box, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.label, 1)


class _BoxLabel(QLabel):
    def __init__(self, text: str, box: QCheckBox, parent: QWidget) -> None:
        super().__init__(text, parent)
        self._box = box
        self.setWordWrap(True)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self._box.setFocus(Qt.FocusReason.MouseFocusReason)
            self._box.toggle()
        super().mouseReleaseEvent(event)


class LinesEdit(QPlainTextEdit):
    """A few lines of plain text, one item per line; bad lines can be tinted."""

    def __init__(
        self, visible_lines: int, placeholder: str = "", parent: QWidget | None = None, *, max_lines: int = 8
    ) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setPlaceholderText(placeholder)
        self._min_lines = visible_lines
        self._max_lines = max_lines
        self.textChanged.connect(self._fit_height)
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as its lines (at least the initial few, at most ``max_lines``, then it scrolls)."""
        lines = min(max(self._min_lines, self.document().blockCount()), self._max_lines)
        margins = 2 * (self.frameWidth() + int(self.document().documentMargin())) + 6
        height = self.fontMetrics().lineSpacing() * lines + margins
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def mark_lines(self, lines: tuple[int, ...]) -> None:
        """Tint the given 0-based lines (the ones a problem is about)."""
        tint = QColor(problem_colour())
        tint.setAlpha(50)
        selections = []
        for number in lines:
            block = self.document().findBlockByNumber(number)
            if not block.isValid():
                continue
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(tint)
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = QTextCursor(block)
            selections.append(selection)
        self.setExtraSelections(selections)


class LoginCombo(QComboBox):
    """Pick a saved login by auth_id, "(none)", or type an id; an id that is not stored stays listed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(24)
        self._stored: set[str] = set()

    def set_logins(self, logins: list[tuple[str, str]], current: str | None) -> None:
        """``logins`` as (auth_id, name); select ``current``, listed as "<id> (not stored)" if unknown."""
        self.clear()
        self.addItem(NO_LOGIN_TEXT, "")
        self._stored = {auth_id for auth_id, _name in logins}
        for auth_id, name in logins:
            self.addItem(f"{auth_id} — {name}" if name and name != auth_id else auth_id, auth_id)
        if current and current not in self._stored:
            self.addItem(current + NOT_STORED_SUFFIX, current)
        self.setCurrentIndex(max(0, self.findData(current or "")))

    def auth_id(self) -> str:
        """The chosen or typed auth_id; "" for none."""
        text = self.currentText().strip()
        index = self.findText(text)
        if index >= 0:
            return str(self.itemData(index))
        return text

    def is_stored(self, auth_id: str) -> bool:
        return auth_id in self._stored

    def choices(self) -> list[str]:
        return [self.itemText(i) for i in range(self.count())]
