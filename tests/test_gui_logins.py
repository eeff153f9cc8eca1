"""The Logins view: the keyring's state, capture through the test site's form, import, delete."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from quaero_desktop.gui.logins.login_form import LoginRequest
from quaero_desktop.gui.logins.logins_model import LoginColumn
from tests.gui_support import run
from tests.waiting import until

pytestmark = [pytest.mark.gui, pytest.mark.keyring]


def _panel(window):
    return window.logins


def _cell(panel, row: int, column: LoginColumn) -> str:
    return str(panel.model.index(row, column).data())


def test_keyring_state_and_empty_list_are_explained(gui, qloop):
    window, _context = gui
    panel = _panel(window)
    assert panel.model.rowCount() == 0 and not panel.empty_label.isHidden()
    assert "ready" in panel.keyring_label.text() and "Secret Service" in panel.keyring_label.text()
    window.show_view(panel)
    # In the table's middle, where every other view says it is empty (it sat below the table).
    viewport = panel.table.viewport()
    middle = panel.empty_label.mapTo(viewport, panel.empty_label.rect().center())
    assert abs(middle.y() - viewport.height() / 2) < 20 and abs(middle.x() - viewport.width() / 2) < 20


def test_a_login_of_session_cookies_says_it_is_kept(gui):
    """Session cookies end "when the browser closes", but Quaero keeps them until the login is deleted or
    captured again; the cell says so on one line (it said "When the browser closes", then wrapped)."""
    from datetime import UTC, datetime

    from quaero_desktop.domain.credential import CredentialSummary

    window, _context = gui
    panel = _panel(window)
    now = datetime.now(UTC)
    panel.model.reset([CredentialSummary("wiki", "Wiki", "wiki.example", "https://wiki.example/", 2, None, now, now)])
    expires = panel.model.index(0, LoginColumn.EXPIRES)
    assert expires.data() == "Session: kept until you delete it"
    tip = expires.data(Qt.ItemDataRole.ToolTipRole)
    assert "Quaero keeps them in your keyring until you delete this login or capture it again" in tip
    assert "as long as the site keeps the session" in tip
    needed = panel.table.fontMetrics().horizontalAdvance(expires.data()) + 12  # the cell's padding
    assert panel.table.columnWidth(LoginColumn.EXPIRES) >= needed


@pytest.mark.browser
def test_capture_login_through_the_sites_form(gui, qloop, fresh_site):
    window, context = gui
    panel = _panel(window)

    async def log_in(page):
        await page.fill("input[name=username]", "alice")
        await page.fill("input[name=password]", "correct horse")
        await page.click("button[type=submit]")
        await page.wait_for_url("**/private/")
        await page.close()

    request = LoginRequest("gui-login", "Test site", fresh_site.url("/login?next=/private/"))
    run(qloop, panel.capture(request, headless=True, on_page=log_in))
    assert panel.model.auth_ids() == ["gui-login"]
    assert _cell(panel, 0, LoginColumn.NAME) == "Test site"
    assert _cell(panel, 0, LoginColumn.DOMAIN) == "127.0.0.1" and _cell(panel, 0, LoginColumn.COOKIES) == "1"
    assert context.dialogs.infos[-1][1].startswith(
        "Saved the login 'gui-login': 1 cookie for 127.0.0.1"
    )  # one cookie, said so
    assert panel.capture_bar.isHidden()

    context.dialogs.answer(True)  # confirm the deletion
    panel.table.selectRow(0)
    panel.action_delete.trigger()
    run(qloop, until(lambda: panel.model.rowCount() == 0, what="the login to go"))
    assert context.app.logins.list() == []


def test_import_form_validates_then_saves(gui, qloop, fresh_site, tmp_path):
    window, context = gui
    panel = _panel(window)
    export = tmp_path / "cookies.txt"
    value = fresh_site.create_session("alice")
    export.write_text(f"127.0.0.1\tFALSE\t/\tFALSE\t0\ttestsite_session\t{value}\n")
    form = panel.open_import_form()
    form.auth_id.setText("bad id!")
    form.source.setText(str(export))
    assert not form.ok.isEnabled() and "Login id" in form.problem.text()
    form.auth_id.setText("imported")
    form.name.setText("Imported login")
    assert form.ok.isEnabled()
    form.ok.click()
    run(qloop, until(lambda: panel.model.rowCount() == 1, what="the imported login"))
    assert _cell(panel, 0, LoginColumn.AUTH_ID) == "imported"
    assert all(value not in text for _title, text in context.dialogs.infos)
    context.app.logins.delete("imported")


def test_a_locked_or_missing_keyring_is_explained_with_what_to_do(gui, qloop, monkeypatch):
    from quaero_desktop.vault.errors import VaultLockedError, VaultUnavailableError
    from quaero_desktop.vault.vault_status import VaultStatus

    window, context = gui
    panel = _panel(window)
    locked = VaultStatus("locked", "Secret Service (GNOME Keyring)", str(VaultLockedError()))
    monkeypatch.setattr(context.app.logins, "status", lambda: locked)
    run(qloop, panel.reload())
    # What is wrong, said once ("Keyring: … is locked. the keyring is locked: …" said it twice).
    assert panel.keyring_label.text().startswith(
        "Keyring: Secret Service (GNOME Keyring). The keyring is locked: unlock"
    )
    missing = VaultStatus("unavailable", "no keyring", str(VaultUnavailableError("no Secret Service is running")))
    monkeypatch.setattr(context.app.logins, "status", lambda: missing)
    run(qloop, panel.reload())
    assert panel.keyring_label.text().startswith("No usable keyring: no Secret Service is running. ")
    assert (
        panel.keyring_label.text().lower().count("no usable keyring") == 1
        and "gnome-keyring" in panel.keyring_label.text()
    )
