"""Every question the window asks the user goes through one small service.

``QtDialogs`` shows window-modal but non-blocking dialogs (``open()``, never ``exec()``:
a nested event loop inside a coroutine would hang qasync) and resolves a future when the user
answers. Tests replace it with ``ScriptedDialogs`` (tests/gui_support.py), so no test ever
waits on a modal dialog.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol, TypeVar

from PySide6.QtCore import QFileInfo, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QDialog, QFileDialog, QMessageBox, QWidget

from quaero_desktop.gui.system_open import SystemOpener

T = TypeVar("T")
OPEN_FOLDER = "Open folder"
COPY_ADDRESS = "Copy address"


class Dialogs(Protocol):
    async def confirm(self, title: str, text: str, *, ok: str = "OK") -> bool: ...

    async def choose(self, title: str, text: str, choices: list[str]) -> str | None:
        """One of ``choices`` (button labels), or None when the user cancelled."""

    async def choose_remembered(
        self, title: str, text: str, choices: list[str], remember: str
    ) -> tuple[str | None, bool]:
        """``choose`` with a check box labelled ``remember`` ("Don't ask again"): (answer, checked)."""

    async def open_file(self, title: str, name_filter: str) -> Path | None: ...

    async def save_file(self, title: str, suggested_name: str, name_filter: str) -> Path | None: ...

    async def choose_directory(self, title: str) -> Path | None: ...

    def info(self, title: str, text: str, *, folder: Path | None = None) -> None:
        """``folder``: something was written there; the message offers to open it."""
        ...

    def error(self, title: str, text: str, *, copy: str | None = None) -> None:
        """``copy``: an address the user may want elsewhere (a page no browser opened); the message offers
        to copy it."""
        ...


class QtDialogs:
    def __init__(self, parent: QWidget | None = None) -> None:
        self._parent = parent
        self._open: set[QDialog] = set()  # keep dialogs alive until answered
        self._opener = SystemOpener()

    def attach(self, parent: QWidget) -> None:
        """Show dialogs over ``parent`` (the main window, once it exists)."""
        self._parent = parent

    async def confirm(self, title: str, text: str, *, ok: str = "OK") -> bool:
        return await self.choose(title, text, [ok]) == ok

    async def choose(self, title: str, text: str, choices: list[str]) -> str | None:
        answer, _remembered = await self._choose(title, text, choices, None)
        return answer

    async def choose_remembered(
        self, title: str, text: str, choices: list[str], remember: str
    ) -> tuple[str | None, bool]:
        return await self._choose(title, text, choices, remember)

    async def _choose(self, title: str, text: str, choices: list[str], remember: str | None) -> tuple[str | None, bool]:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, self._parent)
        buttons: dict[QAbstractButton, str] = {
            box.addButton(label, QMessageBox.ButtonRole.AcceptRole): label for label in choices
        }
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        check = QCheckBox(remember, box) if remember else None
        if check is not None:
            box.setCheckBox(check)
        self._keep(box)
        future: asyncio.Future[tuple[str | None, bool]] = asyncio.get_running_loop().create_future()
        box.finished.connect(
            lambda _code: _resolve(future, (buttons.get(box.clickedButton()), check is not None and check.isChecked()))
        )
        box.open()
        return await future

    async def open_file(self, title: str, name_filter: str) -> Path | None:
        dialog = QFileDialog(self._parent, title, str(Path.home()), name_filter)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        return await self._file(dialog)

    async def save_file(self, title: str, suggested_name: str, name_filter: str) -> Path | None:
        dialog = QFileDialog(self._parent, title, str(Path.home() / suggested_name), name_filter)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        suffix = Path(suggested_name).suffix.lstrip(".")
        if suffix:
            dialog.setDefaultSuffix(suffix)  # "wiki" becomes "wiki.toml", as the user expects
        return await self._file(dialog)

    async def choose_directory(self, title: str) -> Path | None:
        """An existing folder, or a new one's path (made by what writes there)."""
        dialog = _FolderDialog(self._parent, title, str(Path.home()))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        return await self._file(dialog)

    def info(self, title: str, text: str, *, folder: Path | None = None) -> None:
        box = self._message(QMessageBox.Icon.Information, title, text)
        if folder is not None:
            button = box.addButton(OPEN_FOLDER, QMessageBox.ButtonRole.ActionRole)
            button.clicked.connect(lambda: self.open_folder(folder))

    def open_folder(self, folder: Path) -> None:
        """Show ``folder`` in the desktop's file manager; say so when none could."""
        self._opener.open(
            QUrl.fromLocalFile(str(folder)),
            lambda why: self.error("The folder did not open", f"No file manager opened {folder}: {why}."),
        )

    def error(self, title: str, text: str, *, copy: str | None = None) -> None:
        box = self._message(QMessageBox.Icon.Warning, title, text)
        if copy is not None:
            button = box.addButton(COPY_ADDRESS, QMessageBox.ButtonRole.ActionRole)
            button.clicked.connect(lambda: QGuiApplication.clipboard().setText(copy))

    async def _file(self, dialog: QFileDialog) -> Path | None:
        self._keep(dialog)
        future: asyncio.Future[Path | None] = asyncio.get_running_loop().create_future()
        dialog.finished.connect(
            lambda accepted: _resolve(
                future, Path(dialog.selectedFiles()[0]) if accepted and dialog.selectedFiles() else None
            )
        )
        dialog.open()
        return await future

    def _message(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self._parent)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # an address or path to copy
        self._keep(box)
        box.open()
        return box

    def _keep(self, dialog: QDialog) -> None:
        self._open.add(dialog)
        dialog.finished.connect(lambda *_: self._open.discard(dialog))


class _FolderDialog(QFileDialog):
    """Takes a folder that does not exist yet (an export makes it) instead of refusing it: Qt's own
    dialog said "Directory not found" to a new folder's name typed in."""

    def accept(self) -> None:
        chosen = self.selectedFiles()
        if chosen and not QFileInfo(chosen[0]).exists():
            self.done(QDialog.DialogCode.Accepted)
            return
        super().accept()


def _resolve(future: asyncio.Future[T], value: T) -> None:
    if not future.done():
        future.set_result(value)
