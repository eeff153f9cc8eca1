"""Settings → Crawling → "Politeness and requests": the crawl controls' app-wide defaults, and the
proxy's login, which goes to the keyring (never settings.toml)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLineEdit, QPlainTextEdit, QWidget

from quaero_desktop.domain.crawl_defaults import ProxyLogin
from quaero_desktop.domain.errors import ValidationError
from quaero_desktop.gui.definitions.field_checks import header_lines, numbered_lines
from quaero_desktop.settings import AppSettings, check_crawl_default

_LABELS = {"request_delay": "Request delay", "user_agent": "User agent", "headers": "Headers", "proxy": "Proxy"}


class RequestsGroup(QGroupBox):
    edited = Signal()

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__("Politeness and requests (definitions may set their own)", parent)
        self.delay_edit = QLineEdit(settings.request_delay, self)
        self.delay_edit.setPlaceholderText("0s")
        self.delay_edit.setToolTip('Between two requests to the same host, across a crawl\'s tabs, e.g. "250ms"')
        self.robots_check = QCheckBox("Obey robots.txt (pages it disallows are skipped, and say so)", self)
        self.robots_check.setChecked(settings.obey_robots_txt)
        self.agent_edit = QLineEdit(settings.user_agent, self)
        self.agent_edit.setPlaceholderText("the browser's own")
        self.headers_edit = QPlainTextEdit("\n".join(f"{k}: {v}" for k, v in settings.headers.items()), self)
        self.headers_edit.setPlaceholderText("One header per line, e.g. Accept-Language: en")
        self.headers_edit.setFixedHeight(self.headers_edit.fontMetrics().lineSpacing() * 3 + 14)
        self.headers_edit.setTabChangesFocus(True)
        self.proxy_edit = QLineEdit("" if settings.proxy == "system" else settings.proxy, self)
        self.proxy_edit.setPlaceholderText("the system's proxy settings")
        self.proxy_edit.setToolTip('"none" for no proxy, or http://host:port, socks5://host:port')
        self.proxy_user_edit = QLineEdit(self)
        self.proxy_user_edit.setPlaceholderText("none (kept in the keyring)")
        self.proxy_password_edit = QLineEdit(self)
        self.proxy_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.proxy_password_edit.setPlaceholderText("kept in the keyring, never in a file")
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("Request &delay:", self.delay_edit)
        form.addRow("", self.robots_check)
        form.addRow("&User agent:", self.agent_edit)
        form.addRow("&Headers:", self.headers_edit)
        form.addRow("&Proxy:", self.proxy_edit)
        form.addRow("Proxy user &name:", self.proxy_user_edit)
        form.addRow("Proxy pass&word:", self.proxy_password_edit)
        for edit in (self.delay_edit, self.agent_edit, self.proxy_edit, self.proxy_user_edit, self.proxy_password_edit):
            edit.textChanged.connect(lambda _text: self.edited.emit())
        self.headers_edit.textChanged.connect(self.edited.emit)
        self.robots_check.toggled.connect(lambda _on: self.edited.emit())

    def values(self) -> dict[str, object]:
        headers, _bad = header_lines(numbered_lines(self.headers_edit.toPlainText()))
        return {
            "request_delay": self.delay_edit.text().strip() or "0s",
            "obey_robots_txt": self.robots_check.isChecked(),
            "user_agent": self.agent_edit.text().strip(),
            "headers": headers,
            "proxy": self.proxy_edit.text().strip() or "system",
        }

    def problem(self) -> str:
        """What is wrong with the fields, as the definition's own rules say ("" when nothing)."""
        _headers, bad = header_lines(numbered_lines(self.headers_edit.toPlainText()))
        if bad:
            return f"Headers: line {bad[0][0] + 1} is not Name: value"
        values = self.values()
        for key in ("request_delay", "user_agent", "headers", "proxy"):
            try:
                check_crawl_default(key, values[key], "Settings")
            except ValidationError as exc:
                return f"{_LABELS[key]}: expected {exc.expected}"
        if self.proxy_password_edit.text() and not self.proxy_user_edit.text().strip():
            return "Proxy user name: needed with a password"
        return ""

    def proxy_login(self) -> ProxyLogin | None:
        """The login typed for the proxy (saved to the keyring with the settings), if one was."""
        user = self.proxy_user_edit.text().strip()
        password = self.proxy_password_edit.text()
        return ProxyLogin(user, password) if user and password else None

    def show_saved_user(self, username: str | None) -> None:
        """The proxy's saved user name (read from the keyring when the dialog opened)."""
        if username and not self.proxy_user_edit.text():
            self.proxy_user_edit.setText(username)
