"""The Logins view: saved credentials, the keyring's state, capture / import / delete."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from quaero_desktop.crawler.browser.login_capture import LoginCapture
from quaero_desktop.domain.credential import CredentialSummary
from quaero_desktop.gui.actions import Shortcut, toolbar_action
from quaero_desktop.gui.async_tasks import in_thread
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.empty_state import empty_state_label
from quaero_desktop.gui.logins.login_flows import LoginFlows
from quaero_desktop.gui.logins.login_form import LoginForm, LoginRequest
from quaero_desktop.gui.logins.logins_model import SESSION_EXPIRY, SUMMARY_ROLE, LoginColumn, LoginsTableModel

_STATE_STYLE = {
    "available": ("#1e8e3e", "Keyring: {backend} — ready. Logins are stored there, never in Quaero's files."),
    # The vault's message says what is wrong ("the keyring is locked: …", "no usable keyring: …"): said once.
    "locked": ("#b06000", "Keyring: {backend}. {message}"),
    "unavailable": ("#c5221f", "{message}"),
}


class LoginsPanel(QWidget):
    loginsChanged = Signal()  # the Definitions editor offers the stored logins

    def __init__(self, context: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._reloads = 0  # numbers reload() calls: only the latest one shows its read
        self.model = LoginsTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self._capture: LoginCapture | None = None  # the capture in progress
        self.flows = LoginFlows(context)
        self._build()

    def _build(self) -> None:
        self.toolbar = QToolBar("Logins", self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.action_capture = self._action(
            "Capture login…",
            "Ctrl+L",
            self.open_capture_form,
            "Log in to a site in a browser window and save the login",
        )
        self.action_import = self._action(
            "Import cookie file…", "Ctrl+I", self.open_import_form, "Save a cookie export from your browser as a login"
        )
        self.action_delete = self._action(
            "Delete…", QKeySequence.StandardKey.Delete, self._delete, "Delete the selected login from the keyring"
        )
        self.action_refresh = self._action(
            "Refresh",
            "F5",
            lambda: self._context.tasks.start(self.reload(), what="Refreshing"),
            "Read the logins and the keyring's state again",
        )
        self.keyring_label = QLabel(self)
        self.keyring_label.setWordWrap(True)
        self.keyring_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.keyring_label.setContentsMargins(8, 6, 8, 6)
        self.capture_bar = QFrame(self)
        self.capture_bar.setFrameShape(QFrame.Shape.StyledPanel)
        bar = QHBoxLayout(self.capture_bar)
        self.capture_label = QLabel(self.capture_bar)
        self.capture_label.setWordWrap(True)
        self.save_now = QPushButton("Save login now", self.capture_bar)
        self.save_now.setToolTip("Save what the browser holds now (you are logged in) and close it")
        self.save_now.clicked.connect(self.finish_capture)
        bar.addWidget(self.capture_label, 1)
        bar.addWidget(self.save_now)
        self.capture_bar.hide()
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(LoginColumn.NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (LoginColumn.AUTH_ID, 160),
            (LoginColumn.DOMAIN, 220),
            (LoginColumn.COOKIES, 80),
            (LoginColumn.EXPIRES, max(200, self.table.fontMetrics().horizontalAdvance(SESSION_EXPIRY) + 16)),
            (LoginColumn.SAVED, 140),
        ):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.empty_label = empty_state_label(  # in the table's middle, as every other view says it
            self.table,
            "No saved logins yet. Capture one (log in to the site in a browser window) or import a cookie file "
            "exported from your browser; then choose it as the login of a definition.",
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.keyring_label)
        layout.addWidget(self.capture_bar)
        layout.addWidget(self.table, 1)
        self._update_actions()

    def _action(self, text: str, shortcut: Shortcut, slot: Callable[[], object], tip: str) -> QAction:
        return toolbar_action(self.toolbar, self, text, shortcut, slot, tip)

    # ----- loading -----

    async def reload(self) -> None:
        """Read the saved logins and the keyring's state; when reloads overlap, the last one wins."""
        self._reloads += 1
        reload = self._reloads
        logins = self._context.app.logins
        summaries = await in_thread(logins.list)
        if reload != self._reloads:
            return  # a newer reload started meanwhile: its read is the newer one
        self.model.reset(summaries)
        self.empty_label.setVisible(not summaries)
        self._update_actions()
        status = await in_thread(logins.status)
        if reload != self._reloads:
            return
        colour, template = _STATE_STYLE[status.state]
        message = status.message[:1].upper() + status.message[1:]
        self.keyring_label.setText(template.format(backend=status.backend, message=message))
        self.keyring_label.setStyleSheet(f"color: {colour}")
        self.keyring_state = status.state

    def _update_actions(self) -> None:
        selected = self.selected() is not None
        self.action_delete.setEnabled(selected)
        capturing = self._capture is not None
        self.action_capture.setEnabled(not capturing)

    def selected(self) -> CredentialSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(SUMMARY_ROLE) if rows else None

    # ----- capture -----

    def open_capture_form(self) -> LoginForm:
        form = LoginForm(self, mode="capture", taken_ids=self.model.auth_ids())
        form.submitted.connect(
            lambda request: self._context.tasks.start(self.capture(request), what="Capturing the login")
        )
        form.show()
        return form

    async def capture(
        self,
        request: LoginRequest,
        *,
        headless: bool = False,
        on_page: Callable[[object], Awaitable[None]] | None = None,
    ) -> None:
        """Open the browser window (on the engine's thread), wait for the user, save what it holds."""
        capture, finished = self.flows.start_capture(request, headless=headless, on_page=on_page)
        self._capture = capture
        self.capture_label.setText(
            f"A browser window is open at {request.source}. Log in there, then close the window "
            "(or press “Save login now”)."
        )
        self.capture_bar.show()
        self._update_actions()
        try:
            await asyncio.wrap_future(finished)  # the user is done (or the capture failed: raised here)
        finally:
            self._capture = None
            self.capture_bar.hide()
            self._update_actions()
        await self.flows.save_capture(request, finished)
        await self._changed()

    def finish_capture(self) -> None:
        if self._capture is not None:
            self._capture.finish()

    # ----- import and delete -----

    def open_import_form(self) -> LoginForm:
        form = LoginForm(self, mode="import", taken_ids=self.model.auth_ids())
        form.submitted.connect(
            lambda request: self._context.tasks.start(self.import_file(request), what="Importing the cookie file")
        )
        form.show()
        return form

    async def import_file(self, request: LoginRequest) -> None:
        await self.flows.import_file(request)
        await self._changed()

    async def _changed(self) -> None:
        await self.reload()
        self.loginsChanged.emit()

    def _delete(self) -> None:
        summary = self.selected()
        if summary is not None:
            self._context.tasks.start(self._delete_login(summary.auth_id), what="Deleting the login")

    async def _delete_login(self, auth_id: str) -> None:
        if await self.flows.delete(auth_id):
            await self._changed()
