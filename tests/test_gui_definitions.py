"""The Definitions view with real services: the form and its inline checks as typed, edit, duplicate
and replace, the login picker, the filter, closing a changed form, and scrolling the form.
Import, export, delete and Run now: test_gui_definitions_actions.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from quaero_desktop.domain.credential import CredentialSummary
from quaero_desktop.domain.schedule import next_run
from quaero_desktop.gui.definitions.definitions_model import DefinitionColumn, time_until_text, when_text
from quaero_desktop.gui.definitions.form_widgets import LoginCombo
from quaero_desktop.store import credentials_repo
from tests.conftest import make_definition
from tests.gui_definitions_support import _cell, _panel
from tests.gui_support import run
from tests.waiting import until

pytestmark = pytest.mark.gui


def _store_login_metadata(app, auth_id: str, name: str) -> None:
    """A saved login as the vault lists it (its metadata row; the form never needs the secret)."""
    now = datetime.now(UTC)
    summary = CredentialSummary(
        auth_id=auth_id,
        name=name,
        site_domain="wiki.example.com",
        base_url="https://wiki.example.com/",
        cookie_count=1,
        earliest_expiry=None,
        created_at=now,
        updated_at=now,
    )
    with app.database.write() as conn:
        credentials_repo.save(conn, summary, secret_backend="test", secret_chunks=1)


def _type(editor, **texts) -> None:
    """Put text into the form's fields as a user typing it would."""
    for field, value in texts.items():
        widget = editor.inputs[field]
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value)
        elif isinstance(widget, LoginCombo):
            widget.setEditText(value)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(value)
        else:
            assert isinstance(widget, QLineEdit)
            widget.setText(value)


async def _open(panel, action) -> None:
    action.trigger()
    await until(lambda: panel.editor.isVisible(), what="the form")


async def _save(panel) -> None:
    panel.editor.save_button.click()
    await until(lambda: not panel.editor.isVisible(), what="the form to close after saving")


def test_new_definition_is_checked_field_by_field_as_typed_then_saved(gui, qloop, fresh_site):
    window, context = gui
    panel = _panel(window)
    editor = panel.editor
    guide = fresh_site.url("/docs/guide")
    bad = {  # field: (what the user types, words the message at the field must contain)
        "include_patterns": ("/docs/\n(unclosed", ("Line 2", "regular expression", "missing )")),
        "schedule": ("0 25 * * *", ("cron", 'hour field "25"')),
        "start_urls": ("docs.example.com/start", ("Line 1", "http:// or https:// URL")),
        "timeout": ("30 minutes", ("duration", "30m")),
        "max_pages": ("0", ("whole number from 1",)),
        "auth_id": ("not an id!", ("credential id",)),
    }
    good = {
        "include_patterns": "/docs/",
        "schedule": "0 3 * * *",
        "start_urls": guide,
        "timeout": "5m",
        "max_pages": "10",
        "auth_id": "",
    }

    async def scenario():
        await _open(panel, panel.action_new)
        assert editor.title.text() == "New definition"
        assert editor.inputs["concurrency"].text() == str(context.app.settings.default_concurrency)
        assert not editor.save_button.isEnabled() and editor.problem("name") == ""  # not all red before typing
        assert editor.status.text() == "To save, fill in: Name, ID, Start URLs."
        _type(editor, name="Docs guide", start_urls=guide, max_depth="0", schedule="0 3 * * *")
        assert editor.inputs["id"].text() == "docs-guide"  # suggested from the name
        assert editor.save_button.isEnabled()
        assert editor.boxes["schedule"].hint.text().startswith("Every day at 03:00. Next run: ")
        hash_routes = editor.inputs["keep_hash_routes"]
        assert isinstance(hash_routes, QCheckBox) and hash_routes.isChecked()  # the definition's default
        help_texts = [label.text() for label in editor.findChildren(QLabel) if "rendered empty" in label.text()]
        assert help_texts and "shadow roots" in help_texts[0] and "#fragments" in help_texts[0]
        _type(editor, keep_hash_routes=False)
        render = editor.inputs["render"]
        assert isinstance(render, QComboBox) and render.currentData() == "auto"  # the definition's default
        assert [render.itemData(i) for i in range(render.count())] == ["auto", "browser", "http"]
        assert "several times faster" in editor.boxes["render"].hint.text()
        render.setCurrentIndex(render.findData("http"))

        for field, (text, words) in bad.items():
            _type(editor, **{field: text})
            message = editor.problem(field)
            assert message and all(word in message for word in words), (field, message)
            assert editor.inputs[field].property("invalid") is True  # the red frame
            assert not editor.save_button.isEnabled()
            _type(editor, **{field: good[field]})
            assert editor.problem(field) == "" and editor.save_button.isEnabled(), field
            assert not editor.inputs[field].property("invalid")

        for field, (text, _words) in bad.items():  # all at once: each field shows its own problem
            _type(editor, **{field: text})
        assert all(editor.problem(field) for field in bad)
        assert editor.status.text() == "To save, fix: Start URLs, Include, Max pages, Timeout, Login, Schedule."
        editor.request_save()  # Ctrl+S on an invalid form stores nothing
        _type(editor, **good)
        assert not any(editor.problem(field) for field in bad) and editor.save_button.isEnabled()
        await _save(panel)

    run(qloop, scenario())
    stored = context.app.definitions.get("docs-guide")
    assert (stored.name, stored.start_urls, stored.include_patterns) == ("Docs guide", (guide,), ("/docs/",))
    assert (stored.max_depth, stored.max_pages, stored.timeout, stored.schedule) == (0, 10, "5m", "0 3 * * *")
    assert stored.concurrency == context.app.settings.default_concurrency and stored.auth_id is None
    assert stored.keep_hash_routes is False and stored.render == "http"
    assert _cell(panel, "docs-guide", DefinitionColumn.NAME) == "Docs guide"
    assert (
        _cell(panel, "docs-guide", DefinitionColumn.SCHEDULE) == "every day at 03:00"
    )  # in words (domain/schedule_words.py)
    expected_next = when_text(next_run("0 3 * * *", datetime.now().astimezone()))
    assert _cell(panel, "docs-guide", DefinitionColumn.NEXT_RUN) == expected_next
    assert expected_next in ("Today 03:00", "Tomorrow 03:00")
    assert panel.selected().id == "docs-guide"
    assert "Ctrl+N" in panel.action_new.toolTip() and "Ctrl+Enter" in panel.action_run.toolTip()
    assert context.dialogs.asked == [] and context.dialogs.errors == []


def test_edit_keeps_the_id_and_duplicate_and_new_ask_before_replacing(gui, qloop, fresh_site):
    window, context = gui
    app = context.app
    app.definitions.save(make_definition([fresh_site.url("/")], id="guide", name="Guide"))
    panel = _panel(window)
    editor = panel.editor

    async def scenario():
        await panel.reload()
        panel.select_definition("guide")
        await _open(panel, panel.action_edit)
        assert editor.inputs["id"].isReadOnly() and editor.title.text() == "Edit “Guide”"
        assert not editor.save_button.isEnabled() and editor.status.text() == "No changes."
        _type(editor, name="The guide", schedule="30 6 * * 1-5", enabled=False)
        assert editor.boxes["schedule"].hint.text() == "Weekdays at 06:30. Disabled: does not run on its schedule."
        await _save(panel)
        assert _cell(panel, "guide", DefinitionColumn.NAME) == "The guide"

        await _open(panel, panel.action_duplicate)
        assert editor.inputs["id"].text() == "guide-copy" and editor.inputs["name"].text() == "The guide (copy)"
        await _save(panel)

        await _open(panel, panel.action_new)
        _type(editor, name="Another", id="guide", start_urls=fresh_site.url("/docs/reference"))
        context.dialogs.answer(False)
        editor.save_button.click()
        await until(lambda: len(context.dialogs.asked) == 1, what="the replace question")
        await until(lambda: editor.save_button.isEnabled(), what="the form to be usable again")
        assert editor.isVisible() and app.definitions.get("guide").name == "The guide"
        context.dialogs.answer(True)
        await _save(panel)

    run(qloop, scenario())
    assert context.dialogs.asked[0][0] == "Replace definition?" and len(context.dialogs.asked) == 2
    stored = app.definitions.get("guide")
    assert (stored.name, stored.start_urls) == ("Another", (fresh_site.url("/docs/reference"),))
    copy = app.definitions.get("guide-copy")
    assert (copy.name, copy.schedule, copy.enabled) == ("The guide (copy)", "30 6 * * 1-5", False)
    assert _cell(panel, "guide-copy", DefinitionColumn.NEXT_RUN) == "—"  # disabled: never runs on its own
    assert _cell(panel, "guide-copy", DefinitionColumn.ENABLED) == "No"
    assert sorted(panel.model.definition_ids()) == ["guide", "guide-copy"]
    assert context.dialogs.errors == []


def test_login_picker_lists_saved_logins_and_keeps_one_that_is_not_stored(gui, qloop, fresh_site):
    window, context = gui
    _store_login_metadata(context.app, "wiki-sso", "Wiki SSO")
    context.app.definitions.save(make_definition([fresh_site.url("/")], id="intranet", name="Intranet", auth_id="gone"))
    panel = _panel(window)
    editor = panel.editor

    async def scenario():
        await panel.reload()
        panel.select_definition("intranet")
        await _open(panel, panel.action_edit)
        login = editor.inputs["auth_id"]
        assert login.choices() == ["(none)", "wiki-sso — Wiki SSO", "gone (not stored)"]
        assert editor.values()["auth_id"] == "gone" and "No saved login “gone”" in editor.boxes["auth_id"].hint.text()
        login.setCurrentIndex(1)
        assert editor.values()["auth_id"] == "wiki-sso" and editor.boxes["auth_id"].hint.text() == ""
        await _save(panel)

    run(qloop, scenario())
    assert context.app.definitions.get("intranet").auth_id == "wiki-sso"
    assert _cell(panel, "intranet", DefinitionColumn.LOGIN) == "wiki-sso"


def test_filter_and_closing_a_changed_form_asks_first(gui, qloop, fresh_site):
    window, context = gui
    for definition_id, name in (("guide", "Guide"), ("reference", "Reference")):
        context.app.definitions.save(
            make_definition([fresh_site.url(f"/docs/{definition_id}")], id=definition_id, name=name)
        )
    panel = _panel(window)
    editor = panel.editor

    async def scenario():
        await panel.reload()
        panel.filter_edit.setText("refer")
        assert panel.proxy.rowCount() == 1 and not panel.placeholder.isVisible()
        panel.filter_edit.setText("nothing like it")
        assert panel.placeholder.isVisible() and panel.placeholder.text() == "No definition matches “nothing like it”."
        panel.filter_edit.clear()
        panel.select_definition("guide")
        await _open(panel, panel.action_edit)
        editor.cancel_button.click()  # no changes: closes without a question
        assert not editor.isVisible() and context.dialogs.asked == []
        await _open(panel, panel.action_edit)
        _type(editor, name="Guide, renamed")
        assert editor.status.text() == "Unsaved changes."
        context.dialogs.answer(False)
        editor.cancel_button.click()
        await context.tasks.wait_all()
        assert editor.isVisible() and editor.inputs["name"].text() == "Guide, renamed"
        context.dialogs.answer(True)
        editor.cancel_button.click()
        await until(lambda: not editor.isVisible(), what="the form to close")

    run(qloop, scenario())
    assert [title for title, _text in context.dialogs.asked] == ["Discard changes?", "Discard changes?"]
    assert context.app.definitions.get("guide").name == "Guide"  # nothing saved
    assert context.dialogs.errors == []


def _wheel(widget: QWidget, notches: int) -> None:
    """The mouse wheel turned over ``widget``, as the window system delivers it (-1: towards the user)."""
    window = widget.window()
    position = widget.mapTo(window, widget.rect().center())
    under = window.childAt(position)
    assert under is widget or widget.isAncestorOf(under), f"{widget} is not under the pointer: {under}"
    QTest.wheelEvent(window.windowHandle(), QPointF(position), QPoint(0, 120 * notches))
    QApplication.processEvents()


def _screen_top(widget: QWidget) -> int:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    return widget.mapToGlobal(QPoint(0, 0)).y()


def test_the_form_scrolls_under_the_wheel_opens_at_its_top_and_keeps_still_under_the_pointer(gui, qloop, fresh_site):
    window, context = gui
    for auth_id, name in (("wiki-sso", "Wiki SSO"), ("other-sso", "Other SSO")):
        _store_login_metadata(context.app, auth_id, name)
    for definition_id in ("intranet", "handbook"):
        context.app.definitions.save(
            make_definition([fresh_site.url("/")], id=definition_id, name=definition_id.title(), auth_id="wiki-sso")
        )
    panel = _panel(window)
    editor = panel.editor
    bar = editor.scroll_area.verticalScrollBar()
    login = editor.inputs["auth_id"]
    window.resize(1100, 640)  # the form is taller than the window: it scrolls

    async def open_form(definition_id: str) -> None:
        panel.select_definition(definition_id)
        panel.action_edit.trigger()
        await until(lambda: editor.title.text() == f"Edit “{definition_id.title()}”", what="the form")
        await until(lambda: bar.maximum() > 0, what="the form laid out")

    async def scenario():
        await panel.reload()
        await open_form("intranet")
        assert bar.value() == 0
        bar.setValue(login.mapTo(editor.fields, QPoint(0, 0)).y() - editor.scroll_area.viewport().height() // 2)
        assert bar.value() > 0 and not login.hasFocus()
        for notches in (1, -1):  # the pointer rests on the login picker while the form scrolls
            before = bar.value()
            _wheel(login, notches)
            assert bar.value() != before
        assert editor.values()["auth_id"] == "wiki-sso" and editor.status.text() == "No changes."
        login.setFocus()  # clicked: now the wheel is the picker's
        await until(login.hasFocus, what="the focus in the login picker")
        _wheel(login, 1)  # the picker lists "(none)", "other-sso", "wiki-sso": up one
        assert editor.values()["auth_id"] == "other-sso" and editor.status.text() == "Unsaved changes."
        login.setCurrentIndex(login.findData("wiki-sso"))

        await open_form("handbook")  # the next form opens at its top again
        assert bar.value() == 0

        # A problem appears above the field under the pointer, then goes: that field stays put.
        max_pages = editor.inputs["max_pages"]
        bar.setValue(max_pages.mapTo(editor.fields, QPoint(0, 0)).y() - editor.scroll_area.viewport().height() // 2)
        QCursor.setPos(max_pages.mapToGlobal(max_pages.rect().center()))
        top = _screen_top(max_pages)
        for text, problem in (("lots", True), ("2", False), ("-1", True), ("", True), ("3", False)):
            _type(editor, max_depth=text)
            assert bool(editor.problem("max_depth")) == problem
            assert _screen_top(max_pages) == top, text

    run(qloop, scenario())
    assert context.dialogs.errors == []
    for box in (*window.findChildren(QComboBox), *window.findChildren(QAbstractSpinBox)):
        assert box.focusPolicy() != Qt.FocusPolicy.WheelFocus, box  # every one in the app: focus first


def test_time_until_the_next_run_reads_well():
    from datetime import timedelta

    assert time_until_text(timedelta(seconds=19)) == "less than a minute"  # was "0 min"
    assert [time_until_text(timedelta(minutes=m)) for m in (1, 59, 60, 200)] == ["1 min", "59 min", "1 h", "3 h 20 min"]


def test_messages_that_come_and_go_move_no_field_of_the_form(gui, qloop):
    """Check messages, the schedule's next run and the tested URL's verdict appear in lines kept for them:
    the fields under them stay where the pointer aims (they moved 16–20 px)."""
    window, _context = gui
    panel = _panel(window)
    editor = panel.editor
    form = editor.scroll_area.widget()

    def moved(before: dict[str, int], now: dict[str, int]) -> list[tuple[str, int]]:
        return [(field, now[field] - before[field]) for field in now if now[field] != before[field]]

    def tops() -> dict[str, int]:
        QApplication.processEvents()  # the layout settles
        return {field: box.mapTo(form, QPoint(0, 0)).y() for field, box in editor.boxes.items()}

    async def scenario() -> None:
        await _open(panel, panel.action_new)
        before = tops()
        _type(editor, name="Docs", start_urls="not a url", max_depth="x", schedule="61 * * * *")
        assert editor.problem("start_urls") and editor.problem("max_depth") and editor.problem("schedule")
        assert moved(before, tops()) == []
        _type(editor, start_urls="https://docs.example.com/", max_depth="1", schedule="0 3 * * *")
        assert "Next run: " in editor.boxes["schedule"].hint.text() and not editor.problem("schedule")
        assert moved(before, tops()) == []
        editor.fields.tester.url_edit.setText("ftp://docs.example.com/file")
        assert editor.fields.tester.verdict_text().startswith("✘ Left out")
        assert moved(before, tops()) == []

    run(qloop, scenario())


def test_at_the_narrowest_window_the_list_and_the_whole_form_show(gui, qloop):
    """608 px (the window's minimum): the list kept ~50 px and the form was wider than its view (its
    longest check box), so hints and texts were cut at the right."""
    window, _context = gui
    window.resize(window.minimumSize().width(), 700)
    panel = _panel(window)
    window.show_view(panel)
    editor = panel.editor

    async def scenario() -> None:
        await _open(panel, panel.action_new)

    run(qloop, scenario())
    QApplication.processEvents()
    assert window.width() == 608
    assert panel.table.width() >= 160  # room for the definitions' names
    view = editor.scroll_area.viewport()
    assert editor.fields.width() <= view.width()
    cut = [
        widget.text()[:40]
        for widget in editor.fields.findChildren(QLabel)
        if widget.isVisibleTo(editor.fields)
        and widget.mapTo(editor.fields, widget.rect().topRight()).x() > view.width()
    ]
    assert cut == []
