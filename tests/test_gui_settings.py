"""The Settings dialog: edit, check the browser path at the field, detect a browser, save atomically."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from quaero_desktop.crawler.browser.discovery import BrowserNotFoundError, find_browser
from quaero_desktop.engine.settings import EngineSettings
from quaero_desktop.gui.settings import settings_dialog
from quaero_desktop.gui.settings.browser_field import EMPTY_HINT, PathState
from quaero_desktop.gui.settings.settings_dialog import SettingsDialog
from quaero_desktop.settings import SETTINGS_FILENAME, AppSettings, load_settings
from tests.gui_support import run
from tests.waiting import until

pytestmark = pytest.mark.gui


def _open(window, context) -> SettingsDialog:
    dialog = SettingsDialog(context, window)
    dialog.show()
    return dialog


def _saved_file(context) -> dict:
    return tomllib.loads((context.app.data_dir / SETTINGS_FILENAME).read_text(encoding="utf-8"))


def test_ok_saves_concurrency_and_timeout_and_applies_them(gui, qloop):
    window, context = gui
    engine_updates: list[EngineSettings] = []
    context.crawls.update_settings = engine_updates.append  # the engine takes new settings when it can
    dialog = _open(window, context)
    assert dialog.data_dir_edit.text() == str(context.app.data_dir) and dialog.data_dir_edit.isReadOnly()
    assert dialog.concurrency_spin.value() == 4 and dialog.timeout_spin.value() == 30
    assert not dialog.apply_button.isEnabled()  # nothing changed yet

    dialog.concurrency_spin.setValue(8)
    dialog.timeout_spin.setValue(45)
    dialog.notifications_check.setChecked(False)
    assert dialog.ok_button.isEnabled() and dialog.apply_button.isEnabled()
    dialog.ok_button.click()
    run(qloop, until(lambda: not dialog.isVisible(), what="the dialog to close"))

    expected = AppSettings(default_concurrency=8, page_timeout_s=45.0, notifications=False)
    assert context.app.settings == expected
    assert load_settings(context.app.data_dir) == expected
    saved = _saved_file(context)
    assert saved["default_concurrency"] == 8 and saved["page_timeout_s"] == 45.0 and saved["notifications"] is False
    assert engine_updates == [EngineSettings(browser_path=None, page_timeout_s=45.0)]
    leftovers = [p.name for p in context.app.data_dir.iterdir() if p.name.startswith(".settings-")]
    assert leftovers == []  # written atomically: no temporary file left behind
    assert context.dialogs.errors == []


def test_apply_keeps_the_dialog_open_and_cancel_discards(gui, qloop):
    window, context = gui
    dialog = _open(window, context)
    dialog.close_to_tray_check.setChecked(False)
    dialog.apply_button.click()
    run(qloop, until(lambda: not context.app.settings.close_to_tray, what="the applied setting"))
    assert dialog.isVisible() and not dialog.apply_button.isEnabled()
    assert _saved_file(context)["close_to_tray"] is False

    dialog.concurrency_spin.setValue(20)
    dialog.buttons.rejected.emit()  # Cancel
    assert not dialog.isVisible()
    assert context.app.settings.default_concurrency == 4 and _saved_file(context)["default_concurrency"] == 4


def test_a_browser_path_that_cannot_run_is_flagged_and_ok_disabled(gui, qloop, tmp_path: Path):
    window, context = gui
    dialog = _open(window, context)
    field = dialog.browser
    assert field.edit.placeholderText() == "Detect automatically"
    assert field.message.text() == EMPTY_HINT

    dialog.browser_edit.setText("/nonexistent/bin/chrome")
    assert not dialog.ok_button.isEnabled()  # disabled from the first keystroke until the path is checked
    run(qloop, until(lambda: field.state == PathState.INVALID, what="the path check"))
    assert field.message_is_error and "No file at this path" in field.message.text()
    assert not dialog.ok_button.isEnabled() and not dialog.apply_button.isEnabled()
    dialog.save(close=True)  # as if OK were pressed anyway: nothing is written
    assert not (context.app.data_dir / SETTINGS_FILENAME).exists()

    not_executable = tmp_path / "chrome"
    not_executable.write_text("#!/bin/sh\n")
    not_executable.chmod(0o644)
    dialog.browser_edit.setText(str(not_executable))
    run(qloop, until(lambda: "not executable" in field.message.text(), what="the second check"))
    assert field.state == PathState.INVALID and not dialog.ok_button.isEnabled()

    dialog.browser_edit.setText(str(tmp_path))
    run(qloop, until(lambda: "folder" in field.message.text(), what="the folder check"))
    assert not dialog.ok_button.isEnabled()

    dialog.browser_edit.clear()  # empty: detect automatically, which is always valid
    run(qloop, until(lambda: field.state == PathState.VALID, what="the cleared path"))
    assert dialog.ok_button.isEnabled() and not field.message_is_error and field.message.text() == EMPTY_HINT
    assert context.dialogs.errors == []


def test_detect_fills_the_path_with_the_browser_on_this_machine(gui, qloop):
    window, context = gui
    try:
        expected = find_browser(None, None)
    except BrowserNotFoundError:
        pytest.skip("no browser installed")
    dialog = _open(window, context)
    field = dialog.browser
    dialog.detect_button.click()
    run(
        qloop,
        until(lambda: field.state == PathState.VALID and dialog.browser_edit.text() == expected.path, what="detection"),
    )
    run(qloop, until(lambda: "Found" in field.message.text(), what="the announcement"))
    assert field.message.text() == f"✓ Found {expected.source}: {expected.path}" and not field.message_is_error
    assert Path(expected.path).is_file()
    dialog.ok_button.click()
    run(qloop, until(lambda: not dialog.isVisible(), what="saving"))
    assert _saved_file(context)["browser_path"] == expected.path == context.app.settings.browser_path


def test_detect_reports_a_missing_browser_at_the_field(gui, qloop, monkeypatch):
    window, context = gui

    def nothing_found(_configured, _playwright):
        raise BrowserNotFoundError("no Chromium-based browser found (tried: /usr/bin/chromium)")

    monkeypatch.setattr("quaero_desktop.gui.settings.browser_field.find_browser", nothing_found)
    dialog = _open(window, context)
    dialog.detect_button.click()
    run(qloop, until(lambda: dialog.browser.message_is_error, what="the message"))
    assert "no Chromium-based browser found" in dialog.browser.message.text()
    assert dialog.browser_edit.text() == "" and dialog.detect_button.isEnabled()
    assert context.dialogs.errors == []


def test_a_failed_save_is_shown_in_the_dialog_and_changes_nothing(gui, qloop, monkeypatch):
    window, context = gui

    def disk_full(_data_dir, _settings):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(settings_dialog, "save_settings", disk_full)
    dialog = _open(window, context)
    dialog.timeout_spin.setValue(90)
    dialog.ok_button.click()
    run(qloop, until(lambda: not dialog.status_label.isHidden(), what="the error"))
    assert dialog.status_label.text() == "The settings could not be saved: No space left on device"
    assert dialog.isVisible() and dialog.ok_button.isEnabled()
    assert context.app.settings == AppSettings()


def test_show_for_reuses_the_open_dialog_and_open_folder_shows_the_data_dir(gui, monkeypatch):
    window, context = gui
    first = SettingsDialog.show_for(context, window)
    assert SettingsDialog.show_for(context, window) is first
    assert not first.isModal()
    opened: list[str] = []
    monkeypatch.setattr(first, "open_folder", opened.append)
    first.open_folder_button.click()
    assert opened == [str(context.app.data_dir)]
    first.reject()


def test_start_at_login_writes_and_removes_the_autostart_entry(gui, qloop, tmp_path: Path):
    from quaero_desktop.gui.autostart import XdgAutostart

    window, context = gui
    context.autostart = XdgAutostart(["/opt/quaero/quaero-desktop", "--minimized"], config_home=tmp_path / "config")
    dialog = _open(window, context)
    assert dialog.start_at_login_check.isEnabled() and not dialog.start_at_login_check.isChecked()
    dialog.start_at_login_check.setChecked(True)
    assert dialog.apply_button.isEnabled()
    dialog.apply_button.click()
    entry = tmp_path / "config" / "autostart" / "quaero-desktop.desktop"
    run(qloop, until(entry.exists, what="the autostart entry"))
    assert "Exec=/opt/quaero/quaero-desktop --minimized\n" in entry.read_text(encoding="utf-8")
    assert not any("start" in key for key in _saved_file(context))  # the entry is the truth, not settings.toml
    dialog.start_at_login_check.setChecked(False)
    dialog.ok_button.click()
    run(qloop, until(lambda: not entry.exists(), what="the entry to go"))


def test_notification_kinds_follow_the_switch_for_all_of_them(gui, qloop):
    window, context = gui
    dialog = _open(window, context)
    kinds = (dialog.notify_completed_check, dialog.notify_failed_check, dialog.notify_login_check)
    assert all(check.isEnabled() and check.isChecked() for check in kinds)
    dialog.notify_completed_check.setChecked(False)
    dialog.notifications_check.setChecked(False)
    assert not any(check.isEnabled() for check in kinds)
    dialog.notifications_check.setChecked(True)
    dialog.ok_button.click()
    run(qloop, until(lambda: not dialog.isVisible(), what="the dialog to close"))
    assert _saved_file(context)["notify_completed"] is False and context.app.settings.notify_failed


def test_the_assistants_section_shows_the_mcp_snippet_and_saves_the_crawl_permission(gui, qloop):
    from PySide6.QtGui import QGuiApplication

    from quaero_desktop.mcp_server.client_config import client_config_text

    window, context = gui
    dialog = _open(window, context)
    group = dialog.assistants
    data_dir = context.app.data_dir
    assert group.snippet_edit.toPlainText() == client_config_text(data_dir, "claude")
    assert f'"{data_dir}"' in group.snippet_edit.toPlainText() and '"mcp"' in group.snippet_edit.toPlainText()
    group.client_combo.setCurrentIndex(group.client_combo.findData("vscode"))
    assert group.snippet_edit.toPlainText() == client_config_text(data_dir, "vscode")
    group.copy_button.click()
    assert QGuiApplication.clipboard().text() == client_config_text(data_dir, "vscode")

    assert not group.allow_crawl_check.isChecked() and not dialog.apply_button.isEnabled()
    group.allow_crawl_check.setChecked(True)
    dialog.ok_button.click()
    run(qloop, until(lambda: not dialog.isVisible(), what="the dialog to close"))
    assert context.app.settings.mcp_allow_crawl and _saved_file(context)["mcp_allow_crawl"] is True


def test_the_runs_kept_per_definition_are_set_in_the_general_tab(gui, qloop):
    window, context = gui
    engine_updates: list[EngineSettings] = []
    context.crawls.update_settings = engine_updates.append
    dialog = _open(window, context)
    spin = dialog.keep_runs_spin
    assert spin.value() == 50 and spin.text() == "50 runs"  # the default
    assert dialog.tabs.tabText(dialog.tabs.indexOf(dialog.jobs_group.parentWidget())) == "General"
    spin.setValue(0)
    assert spin.text() == "every run"  # 0 keeps every run
    spin.setValue(5)
    assert dialog.apply_button.isEnabled()
    dialog.ok_button.click()
    run(qloop, until(lambda: not dialog.isVisible(), what="the dialog to close"))
    assert context.app.settings.keep_runs_per_definition == 5 == _saved_file(context)["keep_runs_per_definition"]
    assert load_settings(context.app.data_dir).keep_runs_per_definition == 5
    assert [update.keep_runs_per_definition for update in engine_updates] == [5]  # the next run prunes to 5


def test_a_team_store_url_is_checked_saved_and_used_from_the_next_start(gui, qloop):
    window, context = gui
    context.crawls.update_settings = lambda _settings: None
    dialog = _open(window, context)
    field = dialog.team_store
    assert field.url == "" and str(context.app.data_dir / "quaero.db") in field.hint.text()
    field.edit.setText("mysql://me:hunter22@db.example.com/kb")
    assert not dialog.ok_button.isEnabled()
    assert dialog.status_label.text() == (
        "'mysql://me:***@db.example.com/kb' is not a PostgreSQL URL; give postgresql+psycopg://ROLE@HOST:PORT/DATABASE"
    )
    field.edit.setText("postgresql+psycopg://quaero@db.example.com:5432/team_kb")
    assert dialog.apply_button.isEnabled() and not dialog.status_label.isVisible()
    assert not field.restart_note.isVisible()
    dialog.apply_button.click()
    run(qloop, until(lambda: field.restart_note.isVisible(), what="the restart note"))
    assert field.restart_note.text() == "Restart Quaero Desktop to use the changed store."
    assert _saved_file(context)["database_url"] == "postgresql+psycopg://quaero@db.example.com:5432/team_kb"
    assert context.app.database.dialect == "sqlite"  # this run keeps the store it opened
