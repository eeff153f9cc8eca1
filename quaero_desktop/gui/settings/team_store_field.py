"""Settings → General → Data: the team store's URL (``database_url`` in settings.toml; issue 23).

The store is opened once, at start: a new URL is written to the settings and used from the next start
(the note says so). The URL is checked for its form here; the server is asked when Quaero opens it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from quaero_desktop.domain.database_url import URL_FORM, database_url_problem

RESTART_NOTE = "Restart Quaero Desktop to use the changed store."


class TeamStoreField(QWidget):
    edited = Signal()

    def __init__(self, url: str, in_use: str, hint: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._saved = url
        self.edit = QLineEdit(url, self)
        self.edit.setPlaceholderText(f"{URL_FORM} (empty: this folder's own store)")
        self.edit.setToolTip("A team's shared knowledge base on PostgreSQL; empty keeps the store in the data folder")
        self.hint = hint
        hint.setParent(self)
        hint.setText(
            f"In use now: {in_use}. A change is used from the next start. Give the password in ~/.pgpass or "
            "PGPASSWORD: one in the URL is written to settings.toml as it is."
        )
        self.restart_note = QLabel(RESTART_NOTE, self)
        self.restart_note.setWordWrap(True)
        self.restart_note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(hint)
        layout.addWidget(self.restart_note)
        self.edit.textChanged.connect(self._changed)

    @property
    def url(self) -> str:
        return self.edit.text().strip()

    def problem(self) -> str:
        """Why the URL cannot be saved ("" when it can: empty, or of the right form)."""
        return (database_url_problem(self.url) or "") if self.url else ""

    def saved(self) -> None:
        """The URL in the field is in settings.toml now: a change shows the restart note."""
        self.restart_note.setVisible(self.url != self._saved or self.restart_note.isVisible())

    def _changed(self) -> None:
        self.edited.emit()
