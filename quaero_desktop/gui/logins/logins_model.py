"""The logins table: saved credentials' non-secret metadata (never a value)."""

from __future__ import annotations

import enum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from quaero_desktop.domain.credential import CredentialSummary
from quaero_desktop.gui.format import local_time

SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 1
# A browser forgets session cookies when it closes; Quaero keeps them in the keyring, as captured, until the
# login is deleted or replaced (nothing else removes or renews them). The site may end the session sooner.
SESSION_EXPIRY = "Session: kept until you delete it"


class LoginColumn(enum.IntEnum):
    NAME = 0
    AUTH_ID = 1
    DOMAIN = 2
    COOKIES = 3
    EXPIRES = 4
    SAVED = 5


HEADERS = ("Name", "Login id", "Domain", "Cookies", "Expires", "Saved")


class LoginsTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CredentialSummary] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LoginColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        summary = self._rows[index.row()]
        column = LoginColumn(index.column())
        if role == SUMMARY_ROLE:
            return summary
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(summary, column)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == LoginColumn.EXPIRES
            and summary.expiry_state() == "expired"
        ):
            return QColor("#c5221f")
        if role == Qt.ItemDataRole.ToolTipRole and column == LoginColumn.EXPIRES:
            return _expiry_tip(summary)
        return None

    def reset(self, summaries: list[CredentialSummary]) -> None:
        self.beginResetModel()
        self._rows = list(summaries)
        self.endResetModel()

    def auth_ids(self) -> list[str]:
        return [s.auth_id for s in self._rows]


def _display(summary: CredentialSummary, column: LoginColumn) -> str | int | None:
    match column:
        case LoginColumn.NAME:
            return summary.name
        case LoginColumn.AUTH_ID:
            return summary.auth_id
        case LoginColumn.DOMAIN:
            return summary.site_domain
        case LoginColumn.COOKIES:
            return summary.cookie_count
        case LoginColumn.EXPIRES:
            state = summary.expiry_state()
            if state == "session":
                return SESSION_EXPIRY
            prefix = "Expired " if state == "expired" else ""
            return prefix + local_time(summary.earliest_expiry)
        case LoginColumn.SAVED:
            return local_time(summary.updated_at)
    return None


def _expiry_tip(summary: CredentialSummary) -> str:
    if summary.expiry_state() == "expired":
        return "The first of its cookies has expired: capture or import this login again."
    if summary.expiry_state() == "session":
        return (
            "Only session cookies. A browser forgets them when it closes; Quaero keeps them in your keyring "
            "until you delete this login or capture it again. They work as long as the site keeps the session "
            "(until you log out there, or its own time limit): then a crawl stops and asks you to capture it again."
        )
    return "When the first of its cookies expires."
