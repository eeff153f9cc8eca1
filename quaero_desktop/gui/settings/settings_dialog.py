"""File → Settings…: the user's settings (settings.toml in the data directory), non-modal.

Saving writes the file in a thread (atomically: ``save_settings`` writes a temporary file
and renames it), then puts the new settings on the app and hands the engine its part when
the engine is running and can take it.
"""

from __future__ import annotations

import concurrent.futures
import inspect

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPalette
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
    QVBoxLayout,
    QWidget,
)

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.async_tasks import engine_result, in_thread
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.settings.assistants_group import AssistantsGroup
from quaero_desktop.gui.settings.browser_field import BrowserPathField, PathState
from quaero_desktop.gui.style import status_colour
from quaero_desktop.paths import DATA_DIR_ENV
from quaero_desktop.settings import AppSettings, save_settings


def _hint(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)
    return label


class SettingsDialog(QDialog):
    saved = Signal(object)  # the new AppSettings, once written and applied

    def __init__(self, context: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
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
        self.browser = BrowserPathField(context, current.browser_path, self)
        self.browser_edit = self.browser.edit
        self.detect_button = self.browser.detect_button
        self.concurrency_spin = QSpinBox(self)
        self.concurrency_spin.setRange(1, 32)
        self.concurrency_spin.setValue(current.default_concurrency)
        self.concurrency_spin.setSuffix(" pages at a time")
        self.concurrency_spin.setToolTip("How many pages a new definition fetches at the same time (1–32)")
        self.timeout_spin = QSpinBox(self)
        self.timeout_spin.setRange(1, 600)
        self.timeout_spin.setValue(round(current.page_timeout_s))
        self.timeout_spin.setSuffix(" s")
        self.timeout_spin.setToolTip("How long to wait for one page to load before it counts as failed (1–600 s)")
        self.notifications_check = QCheckBox("Tell me when a crawl finishes or fails", self)
        self.notifications_check.setChecked(current.notifications)
        self.close_to_tray_check = QCheckBox("Closing the window keeps Quaero running in the system tray", self)
        self.close_to_tray_check.setChecked(current.close_to_tray)
        self.assistants = AssistantsGroup(context.app.data_dir, current.mcp_allow_crawl, self)
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
        for spin in (self.concurrency_spin, self.timeout_spin):
            spin.valueChanged.connect(self._update_buttons)
        for check in (self.notifications_check, self.close_to_tray_check, self.assistants.allow_crawl_check):
            check.toggled.connect(self._update_buttons)
        self._update_buttons()

    def _build_layout(self) -> None:
        data = QGroupBox("Data", self)
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_dir_edit, 1)
        data_row.addWidget(self.open_folder_button)
        data_layout = QVBoxLayout(data)
        data_layout.addLayout(data_row)
        data_layout.addWidget(
            _hint(
                "Definitions, jobs and documents live here.<br>To use another folder, start Quaero Desktop with "
                f"<code style='white-space: nowrap'>--data-dir DIR</code> or set <code>{DATA_DIR_ENV}</code>.",
                data,
            )
        )
        crawling = QGroupBox("Crawling", self)
        form = QFormLayout(crawling)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("&Browser:", self.browser)
        form.addRow("Default &concurrency:", self.concurrency_spin)
        form.addRow("Page &timeout:", self.timeout_spin)
        window = QGroupBox("Window", self)
        window_layout = QVBoxLayout(window)
        window_layout.addWidget(self.notifications_check)
        window_layout.addWidget(self.close_to_tray_check)
        layout = QVBoxLayout(self)
        layout.addWidget(data)
        layout.addWidget(crawling)
        layout.addWidget(window)
        layout.addWidget(self.assistants)
        layout.addStretch(1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(620)
        # The hints wrap, and a wrapped label's height is left out of the layout's minimum: never
        # shrink below the height the dialog asks for, or the last rows overlap.
        self.setMinimumHeight(self.sizeHint().height())

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
        """Show ``path`` in the file manager (tests replace this method)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    # ----- the settings in the fields -----

    def settings_from_fields(self) -> AppSettings:
        timeout = self.timeout_spin.value()
        applied_timeout = self._applied.page_timeout_s
        return AppSettings(
            browser_path=self.browser.path,
            default_concurrency=self.concurrency_spin.value(),
            # A fractional timeout from the file is kept unless the user changed the field.
            page_timeout_s=applied_timeout if timeout == round(applied_timeout) else float(timeout),
            notifications=self.notifications_check.isChecked(),
            close_to_tray=self.close_to_tray_check.isChecked(),
            mcp_allow_crawl=self.assistants.allow_crawl_check.isChecked(),
        )

    @property
    def can_save(self) -> bool:
        return self.browser.state == PathState.VALID and not self._saving

    def _update_buttons(self) -> None:
        self.ok_button.setEnabled(self.can_save)
        self.apply_button.setEnabled(self.can_save and self.settings_from_fields() != self._applied)

    # ----- saving -----

    def save(self, *, close: bool) -> None:
        if not self.can_save:
            return
        new = self.settings_from_fields()
        if new == self._applied:
            if close:
                self.accept()
            return
        self._context.tasks.start(self._save(new, close=close), what="Saving the settings")

    async def _save(self, new: AppSettings, *, close: bool) -> None:
        self._saving = True
        self._update_buttons()
        self.status_label.hide()
        try:
            await in_thread(save_settings, self._context.app.data_dir, new)
        except OSError as exc:
            self.status_label.setText(f"The settings could not be saved: {exc.strerror or exc}")
            self.status_label.show()
            return
        finally:
            self._saving = False
            self._update_buttons()
        self._context.app.settings = new
        self._applied = new
        await self._update_engine(new)
        self._update_buttons()
        self.saved.emit(new)
        if close:
            self.accept()

    async def _update_engine(self, new: AppSettings) -> None:
        """A running engine takes the new browser and timeout if it can; a later one is built from app.settings."""
        if not self._context.app.engine_started:
            return
        update = getattr(self._context.engine, "update_settings", None)
        if update is None:
            return
        result = update(new.engine_settings())
        if isinstance(result, concurrent.futures.Future):
            await engine_result(result)
        elif inspect.isawaitable(result):
            await result
