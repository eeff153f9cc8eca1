"""The system tray icon: its image and tooltip, and a menu rebuilt each time it opens (never stale).

Menu: Show/Hide window, Run ▸ (each enabled definition), Pause schedules, Cancel all crawls,
Quit. The icon only says what the user asked for, through signals; the desktop app acts.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.gui.stored_definitions import StoredDefinitions
from quaero_desktop.gui.tray.tray_images import tray_icon
from quaero_desktop.gui.tray.tray_status import APP_NAME, TrayState


class TrayIcon(QObject):
    toggleWindowRequested = Signal()
    messageClicked = Signal()  # a balloon shown by ``icon`` (whichever icon is current)
    runRequested = Signal(JobDefinition)
    pauseRequested = Signal(bool)  # True: pause schedules
    cancelAllRequested = Signal()
    quitRequested = Signal()

    def __init__(
        self,
        definitions: StoredDefinitions,
        *,
        window_visible: Callable[[], bool],
        schedules_paused: Callable[[], bool],
        running_count: Callable[[], int],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._definitions = definitions
        self._window_visible = window_visible
        self._schedules_paused = schedules_paused
        self._running_count = running_count
        self.state = TrayState.IDLE
        self.menu = QMenu()  # a tray menu has no parent widget; this object keeps it
        self.menu.aboutToShow.connect(self.rebuild_menu)
        definitions.changed.connect(self._rebuild_open_menu)
        self.icon = self._make_icon(APP_NAME)
        self._build_menu()  # from the definitions read so far: no read started before the loop runs

    def _make_icon(self, tooltip: str) -> QSystemTrayIcon:
        icon = QSystemTrayIcon(tray_icon(self.state), self)
        icon.setToolTip(tooltip)
        icon.setContextMenu(self.menu)
        icon.activated.connect(self._on_activated)
        icon.messageClicked.connect(self.messageClicked.emit)
        return icon

    def renew(self) -> None:
        """Put a new icon in place of this one, shown if it was (a tray has just appeared).

        Qt chooses how an icon shows when it is made, once: as a StatusNotifier item over D-Bus if
        the panel's watcher runs then, else as an XEmbed window. An icon made before a
        StatusNotifier panel started (the login race) never appears in it, even shown again.
        """
        old = self.icon
        self.icon = self._make_icon(old.toolTip())
        if old.isVisible():
            old.hide()
            self.icon.show()
        old.deleteLater()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def set_state(self, state: TrayState) -> None:
        if state != self.state:
            self.state = state
            self.icon.setIcon(tray_icon(state))

    def set_tooltip(self, text: str) -> None:
        if text != self.icon.toolTip():
            self.icon.setToolTip(text)

    def show_message(self, title: str, text: str) -> None:
        self.icon.showMessage(title, text, tray_icon(TrayState.IDLE), 10_000)

    def _rebuild_open_menu(self) -> None:
        if self.menu.isVisible():
            self.rebuild_menu()

    def rebuild_menu(self) -> None:
        self._build_menu()
        self._definitions.refresh_soon()  # for the next time the menu opens

    def _build_menu(self) -> None:
        menu = self.menu
        menu.clear()
        toggle = menu.addAction("Hide window" if self._window_visible() else "Show window")
        toggle.triggered.connect(self.toggleWindowRequested.emit)
        menu.setDefaultAction(toggle)
        run = menu.addMenu("Run")
        enabled = self._definitions.enabled
        for definition in enabled:
            action = run.addAction(definition.name)
            action.setToolTip(definition.start_urls[0])
            action.triggered.connect(lambda _=False, d=definition: self.runRequested.emit(d))
        if not enabled:
            run.addAction("No enabled definitions").setEnabled(False)
        run.setEnabled(True)
        menu.addSeparator()
        pause = QAction("Pause schedules", menu, checkable=True, checked=self._schedules_paused())
        pause.setToolTip("Scheduled runs are skipped while paused (and not made up afterwards)")
        pause.toggled.connect(self.pauseRequested.emit)
        menu.addAction(pause)
        running = self._running_count()
        cancel = menu.addAction(f"Cancel all crawls ({running})" if running else "Cancel all crawls")
        cancel.setEnabled(running > 0)
        cancel.triggered.connect(self.cancelAllRequested.emit)
        menu.addSeparator()
        menu.addAction("Quit").triggered.connect(self.quitRequested.emit)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.toggleWindowRequested.emit()

    def close(self) -> None:
        self.icon.hide()
        self.menu.deleteLater()
