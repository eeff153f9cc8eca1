"""The schedule builder (issue 22, item 6): a kind and its time, step, weekday or day write the cron field;
a cron typed by hand shows in the builder (or as Custom); the hint under the field says it in words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QTime
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from quaero_desktop.domain.schedule_words import ScheduleKind
from quaero_desktop.gui.definitions.schedule_builder import CUSTOM, KIND_TEXTS, MANUAL
from tests.gui_definitions_support import _panel
from tests.gui_support import run
from tests.waiting import until

pytestmark = pytest.mark.gui


def _pick(combo, text: str) -> None:
    """Choose the item showing ``text``, as a click in the open list does."""
    index = combo.findText(text)
    assert index >= 0, (text, [combo.itemText(i) for i in range(combo.count())])
    combo.setCurrentIndex(index)


def _retype(line: QLineEdit, text: str) -> None:
    """Select the field's text and type over it, key by key."""
    line.setFocus()
    line.selectAll()
    QTest.keyClicks(line, text)


def test_weekdays_at_1830_picked_in_the_builder_is_saved_as_its_cron_and_said_in_words(gui, qloop):
    window, context = gui
    panel = _panel(window)
    editor = panel.editor
    builder = editor.fields.schedule_builder
    cron = editor.inputs["schedule"]
    assert isinstance(cron, QLineEdit)

    async def scenario() -> None:
        panel.action_new.trigger()
        await until(editor.isVisible, what="the form")
        editor.inputs["name"].setText("Nightly docs")
        editor.inputs["start_urls"].setPlainText("https://docs.example.com/")
        assert builder.kind.currentText() == KIND_TEXTS[MANUAL] and cron.text() == ""
        assert not builder.time.isVisible()
        _pick(builder.kind, KIND_TEXTS[ScheduleKind.WEEKDAYS])
        assert builder.time.isVisible() and not builder.weekday.isVisible()
        builder.time.setFocus()
        builder.time.setTime(QTime(18, 30))
        assert cron.text() == "30 18 * * 1-5"
        assert editor.boxes["schedule"].hint.text().startswith("Weekdays at 18:30. Next run: ")
        editor.save_button.click()
        await until(lambda: not editor.isVisible(), what="the form to close after saving")

    run(qloop, scenario())
    assert context.app.definitions.get("nightly-docs").schedule == "30 18 * * 1-5"
    assert context.dialogs.errors == []


def test_a_cron_typed_by_hand_shows_in_the_builder_or_as_custom(gui, qloop):
    window, _context = gui
    panel = _panel(window)
    editor = panel.editor
    builder = editor.fields.schedule_builder
    cron = editor.inputs["schedule"]
    hint = editor.boxes["schedule"].hint
    form = editor.scroll_area.widget()

    def tops() -> dict[str, int]:
        QApplication.processEvents()
        return {field: box.mapTo(form, QPoint(0, 0)).y() for field, box in editor.boxes.items()}

    async def scenario() -> None:
        panel.action_new.trigger()
        await until(editor.isVisible, what="the form")
        before = tops()
        _retype(cron, "0 */6 * * *")
        assert builder.kind.currentText() == KIND_TEXTS[ScheduleKind.EVERY_N_HOURS]
        assert builder.every_hours.currentText() == "6 h" and builder.minute.text() == "at :00"
        assert hint.text().startswith("Every 6 hours. Next run: ")
        _retype(cron, "15 7 * * 3")
        assert builder.kind.currentText() == KIND_TEXTS[ScheduleKind.WEEKLY]
        assert (builder.weekday.currentText(), builder.time.time()) == ("Wed", QTime(7, 15))
        assert hint.text().startswith("Every Wednesday at 07:15. Next run: ")
        _retype(cron, "15 3 * * 2,4")  # two days a week: no kind of the builder says it
        assert builder.kind.currentData() == CUSTOM
        assert not any(w.isVisible() for w in (builder.time, builder.weekday, builder.every_hours))
        assert hint.text().startswith("Tuesdays and Thursdays at 03:15. Next run: ")
        _retype(cron, "*/7 * * * *")  # not in words either: the next run only
        assert builder.kind.currentData() == CUSTOM and hint.text().startswith("Next run: ")
        # Changing the builder from there writes the cron field (at the last time typed: "15 3 * * 2" on the
        # way to "15 3 * * 2,4" was every Tuesday at 03:15); Manual empties it.
        _pick(builder.kind, KIND_TEXTS[ScheduleKind.MONTHLY])
        builder.day.setValue(15)
        assert cron.text() == "15 3 15 * *" and hint.text().startswith("Monthly on the 15th at 03:15. ")
        _pick(builder.kind, KIND_TEXTS[MANUAL])
        assert cron.text() == "" and hint.text() == "Manual: runs only when you press Run now."
        assert tops() == before  # fields shown and hidden in the builder's row, hints changed: nothing moved

    run(qloop, scenario())


def test_at_the_narrowest_window_the_builder_fits_the_form(gui, qloop):
    """608 px, the window's minimum: the kind, the weekday and the time all show, nothing widens the form."""
    window, _context = gui
    window.resize(window.minimumSize().width(), 700)
    panel = _panel(window)
    editor = panel.editor
    builder = editor.fields.schedule_builder

    async def scenario() -> None:
        panel.action_new.trigger()
        await until(editor.isVisible, what="the form")

    run(qloop, scenario())
    view = editor.scroll_area.viewport()
    for kind in (ScheduleKind.WEEKLY, ScheduleKind.MONTHLY, ScheduleKind.EVERY_N_HOURS):
        _pick(builder.kind, KIND_TEXTS[kind])
        QApplication.processEvents()
        assert editor.fields.width() <= view.width(), kind
        shown = [
            w
            for w in (builder.weekday, builder.day, builder.every_hours, builder.minute, builder.time)
            if w.isVisible()
        ]
        assert len(shown) == 2 and all(w.width() >= w.minimumSizeHint().width() for w in shown), kind
        assert all(w.mapTo(editor.fields, w.rect().topRight()).x() <= view.width() for w in shown), kind
