"""The small form that asks for a login's id, name and where it comes from (a URL or a file)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from quaero_desktop.domain.credential import AUTH_ID_PATTERN
from quaero_desktop.services.logins import AUTH_ID_EXPECTED


@dataclass(frozen=True)
class LoginRequest:
    auth_id: str
    name: str
    source: str  # the login page URL (capture) or the cookie file (import)


class LoginForm(QDialog):
    """Non-modal: ``submitted`` carries the request when the user presses the action button."""

    submitted = Signal(LoginRequest)

    def __init__(self, parent: QWidget, *, mode: str, taken_ids: list[str]) -> None:
        super().__init__(parent)
        self._mode = mode  # "capture" or "import"
        self._taken = set(taken_ids)
        capture = mode == "capture"
        self.setWindowTitle("Capture a login" if capture else "Import a cookie file")
        self.setMinimumWidth(520)
        self.auth_id = QLineEdit(self, placeholderText="e.g. team-wiki")
        self.name = QLineEdit(self, placeholderText="e.g. Team wiki (optional)")
        self.source = QLineEdit(
            self, placeholderText="https://wiki.example.com/login" if capture else "cookies.txt or .json"
        )
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Login id:", self.auth_id)
        form.addRow("Name:", self.name)
        if capture:
            form.addRow("Login page:", self.source)
            hint = QLabel(
                "A browser window opens at this page. Log in there as usual, then close the window: "
                "its cookies are saved in your keyring under this login id.",
                self,
            )
        else:
            row = QHBoxLayout()
            row.addWidget(self.source)
            browse = QPushButton("Browse…", self)
            browse.clicked.connect(self._browse)
            row.addWidget(browse)
            form.addRow("Cookie file:", row)
            hint = QLabel(
                "Cookie-Editor / EditThisCookie JSON, Playwright storage_state, Netscape cookies.txt "
                "or the Quaero extension's export.",
                self,
            )
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.ok = self.buttons.addButton(
            "Open browser" if capture else "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        for field in (self.auth_id, self.source):
            field.textChanged.connect(self._validate)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._validate()

    def _validate(self) -> None:
        problem = self.problem_text()
        auth_id = self.auth_id.text().strip()
        if problem:
            self.problem.setStyleSheet("color: #c5221f")
            self.problem.setText(problem)
        else:
            self.problem.setStyleSheet("")
            self.problem.setText(f"The saved login '{auth_id}' will be replaced." if auth_id in self._taken else "")
        self.ok.setEnabled(not problem and bool(self.auth_id.text().strip() and self.source.text().strip()))

    def problem_text(self) -> str:
        auth_id = self.auth_id.text().strip()
        if auth_id and not AUTH_ID_PATTERN.fullmatch(auth_id):
            return f"Login id: expected {AUTH_ID_EXPECTED}."
        source = self.source.text().strip()
        if self._mode == "capture" and source:
            parts = urlsplit(source)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return "Login page: expected an http:// or https:// address."
        return ""

    def _browse(self) -> None:
        dialog = QFileDialog(self, "Choose a cookie export", "", "Cookie exports (*.json *.txt);;All files (*)")
        dialog.fileSelected.connect(self.source.setText)
        dialog.open()

    def _submit(self) -> None:
        auth_id = self.auth_id.text().strip()
        self.submitted.emit(LoginRequest(auth_id, self.name.text().strip() or auth_id, self.source.text().strip()))
        self.accept()
