"""The schedule builder above the cron field: a kind (every N minutes, weekdays at …) and its step, time,
weekday or day, written to the cron field as the user picks them. A cron typed by hand is shown in the
builder, or as "Custom" when the builder has no kind for it (domain/schedule_words.py decides both)."""

from __future__ import annotations

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSpinBox, QTimeEdit, QWidget

from quaero_desktop.domain.schedule_words import HOUR_STEPS, MINUTE_STEPS, ScheduleChoice, ScheduleKind

MANUAL = ""  # the kind combo's data for no schedule
CUSTOM = "custom"  # for a cron the builder has no kind for
KIND_TEXTS = {
    MANUAL: "Manual (no schedule)",
    ScheduleKind.EVERY_N_MINUTES: "Every N minutes",
    ScheduleKind.EVERY_N_HOURS: "Every N hours",
    ScheduleKind.DAILY: "Every day at",
    ScheduleKind.WEEKDAYS: "Weekdays at",
    ScheduleKind.WEEKLY: "Every week on",
    ScheduleKind.MONTHLY: "Every month on day",
    CUSTOM: "Custom (the cron below)",
}
_WEEKDAYS = ((1, "Mon"), (2, "Tue"), (3, "Wed"), (4, "Thu"), (5, "Fri"), (6, "Sat"), (0, "Sun"))
_KIND_VALUES = {str(kind) for kind in ScheduleKind}
_AT_A_TIME = (ScheduleKind.DAILY, ScheduleKind.WEEKDAYS, ScheduleKind.WEEKLY, ScheduleKind.MONTHLY)


class ScheduleBuilder(QWidget):
    cronChosen = Signal(str)  # the user picked something: the cron it means ("" for manual)
    customChosen = Signal()  # the user picked "Custom": the cron field is theirs to write

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._showing = False  # the widgets are set from a cron: nothing to write back
        self._writing = False  # the cron field changes because of us: nothing to show
        self.kind = _combo(self, "Schedule kind", [(text, str(kind)) for kind, text in KIND_TEXTS.items()], 6)
        self.every_minutes = _combo(self, "Every how many minutes", [(f"{n} min", n) for n in MINUTE_STEPS], 5)
        self.every_hours = _combo(self, "Every how many hours", [(f"{n} h", n) for n in HOUR_STEPS], 3)
        self.every_minutes.setCurrentIndex(self.every_minutes.findData(30))
        self.every_hours.setCurrentIndex(self.every_hours.findData(6))
        self.minute = _MinuteSpin(self)
        self.weekday = _combo(self, "Weekday", [(name, number) for number, name in _WEEKDAYS], 3)
        self.day = QSpinBox(self)
        self.day.setRange(1, 28)  # every month has them
        self.day.setAccessibleName("Day of the month")
        self.day.setToolTip("Days 29 to 31: write the cron below (not every month has them)")
        self.time = QTimeEdit(QTime(9, 0), self)
        self.time.setDisplayFormat("HH:mm")
        self.time.setAccessibleName("Time")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        # The kind takes the room there is up to its longest text (plus its arrow and frame, about a third
        # of its shortest width); at the narrowest window (~270 px for the row) it is shortened so that its
        # time or day still shows.
        self.kind.setMaximumWidth(self.kind.view().sizeHintForColumn(0) + self.kind.sizeHint().width() // 3)
        row.addWidget(self.kind, 1)
        for widget in (self.every_minutes, self.every_hours, self.minute, self.weekday, self.day, self.time):
            row.addWidget(widget)
        row.addStretch(0)  # what the kind does not take
        self.setFocusProxy(self.kind)
        for combo in (self.kind, self.every_minutes, self.every_hours, self.weekday):
            combo.currentIndexChanged.connect(self._picked)
        for spin in (self.minute, self.day):
            spin.valueChanged.connect(self._picked)
        self.time.timeChanged.connect(self._picked)
        self._show_fields()

    def show_cron(self, expr: str) -> None:
        """Show what ``expr`` (the cron field, as typed or loaded) is in the builder's terms."""
        if self._writing:
            return
        choice = ScheduleChoice.from_cron(expr) if expr.strip() else None
        self._showing = True
        try:
            if choice is None:
                self.kind.setCurrentIndex(self.kind.findData(MANUAL if not expr.strip() else CUSTOM))
            else:
                self.kind.setCurrentIndex(self.kind.findData(str(choice.kind)))
                if choice.kind == ScheduleKind.EVERY_N_MINUTES:
                    self.every_minutes.setCurrentIndex(self.every_minutes.findData(choice.every))
                elif choice.kind == ScheduleKind.EVERY_N_HOURS:
                    self.every_hours.setCurrentIndex(self.every_hours.findData(choice.every))
                    self.minute.setValue(choice.minute)
                else:
                    self.time.setTime(QTime(choice.hour, choice.minute))
                    self.weekday.setCurrentIndex(self.weekday.findData(choice.weekday))
                    self.day.setValue(choice.day)
        finally:
            self._showing = False
        self._show_fields()

    def choice(self) -> ScheduleChoice | None:
        """What the fields say, or None for manual and custom."""
        kind = self._kind()
        if not isinstance(kind, ScheduleKind):
            return None
        every = self.every_minutes if kind == ScheduleKind.EVERY_N_MINUTES else self.every_hours
        at = self.time.time()
        return ScheduleChoice(
            kind,
            every=int(every.currentData()),
            hour=at.hour(),
            minute=self.minute.value() if kind == ScheduleKind.EVERY_N_HOURS else at.minute(),
            weekday=int(self.weekday.currentData()),
            day=self.day.value(),
        )

    def _picked(self) -> None:
        self._show_fields()
        if self._showing:
            return
        if self._kind() == CUSTOM:
            self.customChosen.emit()
            return
        choice = self.choice()
        self._writing = True
        try:
            self.cronChosen.emit(choice.cron() if choice is not None else "")
        finally:
            self._writing = False

    def _kind(self) -> ScheduleKind | str:
        """The kind chosen, or MANUAL or CUSTOM (a combo's data is kept as a plain string)."""
        data = str(self.kind.currentData())
        return ScheduleKind(data) if data in _KIND_VALUES else data

    def _show_fields(self) -> None:
        """Only the fields the kind uses (the row keeps its height: the kind is always there)."""
        kind = self._kind()
        self.every_minutes.setVisible(kind == ScheduleKind.EVERY_N_MINUTES)
        self.every_hours.setVisible(kind == ScheduleKind.EVERY_N_HOURS)
        self.minute.setVisible(kind == ScheduleKind.EVERY_N_HOURS)
        self.weekday.setVisible(kind == ScheduleKind.WEEKLY)
        self.day.setVisible(kind == ScheduleKind.MONTHLY)
        self.time.setVisible(kind in _AT_A_TIME)


class _MinuteSpin(QSpinBox):
    """The minute past the hour, as "at :05"."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setRange(0, 59)
        self.setPrefix("at :")
        self.setAccessibleName("At minute past the hour")

    def textFromValue(self, value: int) -> str:
        return f"{value:02d}"


def _combo(parent: QWidget, name: str, items: list[tuple[str, object]], shortest: int) -> QComboBox:
    combo = QComboBox(parent)
    for text, data in items:
        combo.addItem(text, data)
    combo.setAccessibleName(name)
    # As wide as the form allows, not as its longest item: the narrowest window has ~250 px for the row.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(shortest)
    return combo
