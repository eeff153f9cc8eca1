"""File → Settings…: the user's settings (settings.toml in the data directory), non-modal.

Saving writes the file in a thread (atomically: ``save_settings`` writes a temporary file
and renames it), then puts the new settings on the app and hands the engine its part.
"Start at login" is not in the file: the platform's own entry (an XDG autostart file on
Linux) is the truth, read when the dialog opens and written or removed when it is saved.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.domain.limits import CONCURRENCY, PAGE_TIMEOUT
from quaero_desktop.gui.async_tasks import in_thread
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.settings.assistants_group import AssistantsGroup
from quaero_desktop.gui.settings.browser_field import BrowserPathField, PathState
from quaero_desktop.gui.settings.jobs_group import JobsGroup
from quaero_desktop.gui.settings.requests_group import RequestsGroup
from quaero_desktop.gui.settings.team_store_field import TeamStoreField
from quaero_desktop.gui.style import status_colour
from quaero_desktop.gui.system_open import SystemOpener
from quaero_desktop.paths import DATA_DIR_ENV
from quaero_desktop.settings import AppSettings, save_settings


def _tab_page(tabs: QTabWidget, title: str) -> tuple[QWidget, QVBoxLayout]:
    page = QWidget(tabs)
    layout = QVBoxLayout(page)
    tabs.addTab(page, title)
    return page, layout


def _hint(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)
    return label


class SettingsDialog(QDialog):
    saved = Signal(AppSettings)  # the new settings, once written and applied

    def __init__(self, context: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._opener = SystemOpener(self)
        self._applied: AppSettings = context.app.settings
        self._saving = False
        self.setWindowTitle("Settings")
        self.setModal(False)
        current = self._applied

        self.data_dir_edit = QLineEdit(str(context.app.data_dir), self)
        self.data_dir_edit.setReadOnly(True)
        self.data_dir_edit.setCursorPosition(0)
        self.open_folder_button = QPushButton("Open folder", self)
        self.open_folder_button.setToolTip("Show the data directory in your file manager")
        self.open_folder_button.clicked.connect(lambda: self.open_folder(str(context.app.data_dir)))
        self.team_store = TeamStoreField(current.database_url, context.app.database.location, _hint("", self), self)
        self.team_store.edited.connect(self._update_buttons)
        self.browser = BrowserPathField(context, current.browser_path, self)
        self.browser_edit = self.browser.edit
        self.detect_button = self.browser.detect_button
        self.concurrency_spin = QSpinBox(self)
        self.concurrency_spin.setRange(CONCURRENCY.low, CONCURRENCY.high)
        self.concurrency_spin.setValue(current.default_concurrency)
        self.concurrency_spin.setSuffix(" pages at a time")
        self.concurrency_spin.setToolTip(
            f"How many pages a new definition fetches at the same time ({CONCURRENCY.range_text})"
        )
        self.timeout_spin = QSpinBox(self)
        self.timeout_spin.setRange(PAGE_TIMEOUT.low, PAGE_TIMEOUT.high)
        self.timeout_spin.setValue(round(current.page_timeout_s))
        self.timeout_spin.setSuffix(" s")
        self.timeout_spin.setToolTip(
            f"How long to wait for one page to load before it counts as failed ({PAGE_TIMEOUT.range_text})"
        )
        self.notifications_check = QCheckBox("Show notifications when a crawl ends", self)
        self.notifications_check.setChecked(current.notifications)
        self.notify_completed_check = QCheckBox("Completed (pages, documents, duration)", self)
        self.notify_completed_check.setChecked(current.notify_completed)
        self.notify_failed_check = QCheckBox("Failed, with the reason (stays until dismissed)", self)
        self.notify_failed_check.setChecked(current.notify_failed)
        self.notify_login_check = QCheckBox("Pages needed a login again (session expired?)", self)
        self.notify_login_check.setChecked(current.notify_login_expired)
        self.notifications_check.toggled.connect(self._update_notification_kinds)
        self.close_to_tray_check = QCheckBox(
            "Closing the window keeps Quaero running in the background (in the system tray)", self
        )
        self.close_to_tray_check.setChecked(current.close_to_tray)
        self.ask_no_tray_check = QCheckBox("Where there is no system tray, ask when the window is closed", self)
        self.ask_no_tray_check.setChecked(current.ask_when_no_tray)
        self.ask_before_quit_check = QCheckBox("Ask before quitting while crawls are running", self)
        self.ask_before_quit_check.setChecked(current.ask_before_quit)
        self.start_at_login_check = QCheckBox("Start Quaero Desktop at login, in the background", self)
        autostart = context.autostart
        self._started_at_login = autostart is not None and autostart.is_enabled()
        self.start_at_login_check.setChecked(self._started_at_login)
        self.start_at_login_check.setEnabled(autostart is not None)
        self.start_at_login_check.setToolTip(
            f"Writes {autostart.describe()}" if autostart is not None else "Not available on this system"
        )
        self._update_notification_kinds()
        self.jobs_group = JobsGroup(current.keep_runs_per_definition, _hint("", self), self)
        self.keep_runs_spin = self.jobs_group.keep_runs_spin
        self.assistants = AssistantsGroup(context.app.data_dir, current.mcp_allow_crawl, self)
        self.requests = RequestsGroup(current, self)
        self.requests.edited.connect(self._update_buttons)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet(f"color: {status_colour(JobStatus.FAILED).name()};")
        self.status_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel,
            self,
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self._build_layout()
        self.browser_edit.setFocus()

        self.ok_button.clicked.connect(lambda: self.save(close=True))
        self.apply_button.clicked.connect(lambda: self.save(close=False))
        self.buttons.rejected.connect(self.reject)
        self.browser.checkedChanged.connect(self._update_buttons)
        self.browser.edited.connect(self._update_buttons)
        for spin in (self.concurrency_spin, self.timeout_spin, self.keep_runs_spin):
            spin.valueChanged.connect(self._update_buttons)
        for check in (
            self.notifications_check,
            self.notify_completed_check,
            self.notify_failed_check,
            self.notify_login_check,
            self.close_to_tray_check,
            self.ask_no_tray_check,
            self.ask_before_quit_check,
            self.start_at_login_check,
            self.assistants.allow_crawl_check,
        ):
            check.toggled.connect(self._update_buttons)
        self._update_buttons()
        if current.proxy not in ("system", "none"):
            context.tasks.start(self._show_proxy_user(current.proxy), what="Reading the proxy's login")

    async def _show_proxy_user(self, proxy: str) -> None:
        """The proxy's saved user name, from the keyring (off the GUI thread; the password stays there)."""
        try:
            login = await in_thread(self._context.app.proxy_logins.load, proxy)
        except QuaeroError:  # a locked or missing keyring: the field stays empty
            return
        if login is not None:
            self.requests.show_saved_user(login.username)

    def _build_layout(self) -> None:
        """Four tabs (the dialog had grown taller than a laptop's screen): General, Crawling,
        Notifications, AI assistants."""
        self.tabs = QTabWidget(self)
        general_page, general = _tab_page(self.tabs, "General")
        crawling_page, crawling_layout = _tab_page(self.tabs, "Crawling")
        notifications_page, notifications_layout = _tab_page(self.tabs, "Notifications")
        _assistants_page, assistants_layout = _tab_page(self.tabs, "AI assistants")
        data = QGroupBox("Data", general_page)
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_dir_edit, 1)
        data_row.addWidget(self.open_folder_button)
        data_layout = QVBoxLayout(data)
        data_layout.addLayout(data_row)
        data_layout.addWidget(
            _hint(
                "Settings live here, and definitions, jobs and documents unless a team store is set below.<br>"
                "To use another folder, start Quaero Desktop with "
                f"<code style='white-space: nowrap'>--data-dir DIR</code> or set <code>{DATA_DIR_ENV}</code>.",
                data,
            )
        )
        team_form = QFormLayout()
        team_form.addRow("&Team store:", self.team_store)
        data_layout.addLayout(team_form)
        crawling = QGroupBox("Browser and pages", crawling_page)
        form = QFormLayout(crawling)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("&Browser:", self.browser)
        form.addRow("Default &concurrency:", self.concurrency_spin)
        form.addRow("Page &timeout:", self.timeout_spin)
        notifications = QGroupBox("Notifications", notifications_page)
        notifications_box = QVBoxLayout(notifications)
        notifications_box.addWidget(self.notifications_check)
        for check in (self.notify_completed_check, self.notify_failed_check, self.notify_login_check):
            row = QHBoxLayout()
            row.addSpacing(24)
            row.addWidget(check, 1)
            notifications_box.addLayout(row)
        background = QGroupBox("Running in the background", general_page)
        background_layout = QVBoxLayout(background)
        background_layout.addWidget(self.close_to_tray_check)
        background_layout.addWidget(self.ask_no_tray_check)
        background_layout.addWidget(self.ask_before_quit_check)
        background_layout.addWidget(self.start_at_login_check)
        general.addWidget(data)
        general.addWidget(background)
        general.addWidget(self.jobs_group)
        general.addStretch(1)
        crawling_layout.addWidget(crawling)
        crawling_layout.addWidget(self.requests)
        crawling_layout.addStretch(1)
        notifications_layout.addWidget(notifications)
        notifications_layout.addStretch(1)
        assistants_layout.addWidget(self.assistants)
        assistants_layout.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)
        # Wrapped hints need their height at the dialog's width; the plain size hint would cut them.
        self.resize(640, max(self.sizeHint().height(), layout.totalHeightForWidth(640)))

    # ----- opening -----

    @classmethod
    def show_for(cls, context: GuiContext, parent: QWidget) -> SettingsDialog:
        """Show the settings (the open dialog if there is one, else a new one)."""
        dialog = next((d for d in parent.findChildren(cls) if d.isVisible()), None)
        if dialog is None:
            dialog = cls(context, parent)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def open_folder(self, path: str) -> None:
        """Show ``path`` in the file manager (tests replace this method); say so when nothing opened it."""
        self._opener.open(
            QUrl.fromLocalFile(path),
            lambda why: self._context.dialogs.error(
                "The folder did not open", f"No file manager opened {path}: {why}.\n\nIts path is shown here to copy."
            ),
        )

    # ----- the settings in the fields -----

    def settings_from_fields(self) -> AppSettings:
        timeout = self.timeout_spin.value()
        applied_timeout = self._applied.page_timeout_s
        controls = self.requests.values()
        return dataclasses.replace(
            self._applied,  # what the dialog does not show (the tray's "Pause schedules") stays
            browser_path=self.browser.path,
            default_concurrency=self.concurrency_spin.value(),
            # A fractional timeout from the file is kept unless the user changed the field.
            page_timeout_s=applied_timeout if timeout == round(applied_timeout) else float(timeout),
            notifications=self.notifications_check.isChecked(),
            notify_completed=self.notify_completed_check.isChecked(),
            notify_failed=self.notify_failed_check.isChecked(),
            notify_login_expired=self.notify_login_check.isChecked(),
            close_to_tray=self.close_to_tray_check.isChecked(),
            ask_when_no_tray=self.ask_no_tray_check.isChecked(),
            ask_before_quit=self.ask_before_quit_check.isChecked(),
            mcp_allow_crawl=self.assistants.allow_crawl_check.isChecked(),
            keep_runs_per_definition=self.keep_runs_spin.value(),
            request_delay=str(controls["request_delay"]),
            obey_robots_txt=bool(controls["obey_robots_txt"]),
            user_agent=str(controls["user_agent"]),
            headers=dict(controls["headers"]),  # type: ignore[call-overload]  # a dict[str, str] by values()
            proxy=str(controls["proxy"]),
            database_url=self.team_store.url,
        )

    def _update_notification_kinds(self) -> None:
        for check in (self.notify_completed_check, self.notify_failed_check, self.notify_login_check):
            check.setEnabled(self.notifications_check.isChecked())

    @property
    def _start_at_login_changed(self) -> bool:
        return self.start_at_login_check.isChecked() != self._started_at_login

    @property
    def can_save(self) -> bool:
        problem = self.requests.problem() or self.team_store.problem()
        return self.browser.state == PathState.VALID and not self._saving and not problem

    def _update_buttons(self) -> None:
        problem = self.requests.problem() or self.team_store.problem()
        if problem or self.status_label.property("fieldProblem"):
            self.status_label.setText(problem)
            self.status_label.setVisible(bool(problem))
            self.status_label.setProperty("fieldProblem", bool(problem))
        self.ok_button.setEnabled(self.can_save)
        self.apply_button.setEnabled(
            self.can_save
            and (
                self.settings_from_fields() != self._applied
                or self._start_at_login_changed
                or self.requests.proxy_login() is not None
            )
        )

    # ----- saving -----

    def save(self, *, close: bool) -> None:
        if not self.can_save:
            return
        new = self.settings_from_fields()
        if new == self._applied and not self._start_at_login_changed and self.requests.proxy_login() is None:
            if close:
                self.accept()
            return
        self._context.tasks.start(self._save(new, close=close), what="Saving the settings")

    async def _save(self, new: AppSettings, *, close: bool) -> None:
        self._saving = True
        self._update_buttons()
        self.status_label.hide()
        try:
            login = self.requests.proxy_login()
            if login is not None and new.proxy not in ("system", "none"):
                await in_thread(self._context.app.proxy_logins.save, new.proxy, login)  # the keyring only
                self.requests.proxy_password_edit.clear()
            await in_thread(save_settings, self._context.app.data_dir, new)
            if self._start_at_login_changed:
                await in_thread(self._apply_start_at_login, self.start_at_login_check.isChecked())
        except OSError as exc:
            self.status_label.setText(f"The settings could not be saved: {exc.strerror or exc}")
            self.status_label.show()
            return
        except QuaeroError as exc:  # the keyring is locked or missing: the proxy's login was not saved
            self.status_label.setText(f"The proxy's login could not be saved in the keyring: {exc}")
            self.status_label.show()
            return
        finally:
            self._saving = False
            self._update_buttons()
        self._context.app.settings = new
        self._applied = new
        self.team_store.saved()
        self._context.crawls.update_settings(new.engine_settings())
        self._update_buttons()
        self.saved.emit(new)
        if close:
            self.accept()

    def _apply_start_at_login(self, enabled: bool) -> None:
        """On a worker thread: write or remove the platform's start-at-login entry."""
        autostart = self._context.autostart
        if autostart is None:
            return
        if enabled:
            autostart.enable()
        else:
            autostart.disable()
        self._started_at_login = enabled
