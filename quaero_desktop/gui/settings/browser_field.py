"""The browser path setting: a path (empty = detect), Browse…, Detect, and what is wrong with it, at the field.

The path is checked in a thread (a stat on a network drive may hang) shortly after each
edit; ``checkedChanged`` tells the dialog whether the path may be saved.
"""

from __future__ import annotations

import os
import sys
from enum import Enum

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from quaero_desktop.crawler.browser.discovery import BrowserNotFoundError, find_browser
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.async_tasks import in_thread
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.style import status_colour

CHECK_DELAY_MS = 150
EMPTY_HINT = "Empty: Quaero uses Playwright's Chromium or an installed Chrome, Chromium or Edge."


class PathState(Enum):
    CHECKING = "checking"
    VALID = "valid"
    INVALID = "invalid"


def browser_path_problem(path: str) -> str | None:
    """Why ``path`` cannot be launched, or None when it can (or is empty: detect one)."""
    if not path:
        return None
    if not os.path.exists(path):
        return "No file at this path."
    if os.path.isdir(path):
        if path.rstrip("/").endswith(".app"):
            return "This is an app bundle: choose the program inside it (Contents/MacOS/…)."
        return "This is a folder, not a browser program."
    if not os.access(path, os.X_OK):
        return "This file is not executable."
    return None


class BrowserPathField(QWidget):
    checkedChanged = Signal()  # state changed (CHECKING / VALID / INVALID)
    edited = Signal()

    def __init__(self, context: GuiContext, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._generation = 0
        self._state = PathState.VALID
        self._announced: tuple[str, str] | None = None  # (path, what Detect said about it)
        self.edit = QLineEdit(path, self)
        self.edit.setPlaceholderText("Detect automatically")
        self.edit.setClearButtonEnabled(True)
        self.edit.setToolTip("The Chrome, Chromium or Edge program to crawl with; leave empty to detect one")
        self.browse_button = QPushButton("Browse…", self)
        self.browse_button.setToolTip("Choose the browser program")
        self.detect_button = QPushButton("Detect", self)
        self.detect_button.setToolTip("Look for an installed Chrome, Chromium or Edge and use it")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(6)
        layout.addWidget(self.edit, 0, 0)
        layout.addWidget(self.browse_button, 0, 1)
        layout.addWidget(self.detect_button, 0, 2)
        layout.addWidget(self.message, 1, 0, 1, 3)
        layout.setColumnStretch(0, 1)

        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self._start_check)
        self.edit.textChanged.connect(self._on_edited)
        self.browse_button.clicked.connect(lambda: context.tasks.start(self._browse(), what="Choosing a browser"))
        self.detect_button.clicked.connect(self.detect)
        self._show_message(EMPTY_HINT if not path else "", error=False)
        if path:
            self._start_check()

    # ----- state -----

    @property
    def path(self) -> str:
        """The path as it will be saved ("" = detect automatically)."""
        text = self.edit.text().strip()
        return os.path.expanduser(text) if text else ""

    @property
    def state(self) -> PathState:
        return self._state

    @property
    def message_is_error(self) -> bool:
        return self.message.property("error") is True

    # ----- checking -----

    def _on_edited(self, _text: str) -> None:
        self._generation += 1  # any check or detection still running is out of date
        self._set_state(PathState.CHECKING)
        self._timer.start()
        self.edited.emit()

    def _start_check(self) -> None:
        self._timer.stop()
        self._context.tasks.start(self._check(self.path), what="Checking the browser path")

    async def _check(self, path: str) -> None:
        generation = self._generation
        problem = await in_thread(browser_path_problem, path)
        if generation != self._generation:
            return  # edited since: a newer check decides
        if problem is not None:
            self._show_message(f"✗ {problem} Fix the path, or clear it to detect a browser.", error=True)
            self._set_state(PathState.INVALID)
            return
        if not path:
            self._show_message(EMPTY_HINT, error=False)
        elif self._announced is not None and self._announced[0] == path:
            self._show_message(self._announced[1], error=False)
        else:
            self._show_message("✓ The program exists and can be run.", error=False)
        self._set_state(PathState.VALID)

    def _set_state(self, state: PathState) -> None:
        if state != self._state:
            self._state = state
            self.checkedChanged.emit()

    def _show_message(self, text: str, *, error: bool) -> None:
        self.message.setProperty("error", error)
        palette = self.palette()
        colour = status_colour(JobStatus.FAILED) if error else palette.color(QPalette.ColorRole.PlaceholderText)
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        self.message.setPalette(palette)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # ----- detecting and browsing -----

    def detect(self) -> None:
        self._context.tasks.start(self._detect(), what="Detecting a browser")

    async def _detect(self) -> None:
        self.detect_button.setEnabled(False)
        self._show_message("Looking for Chrome, Chromium or Edge…", error=False)
        generation = self._generation
        try:
            location = await in_thread(find_browser, None, None)
        except BrowserNotFoundError as exc:
            if generation == self._generation:
                self._show_message(f"✗ {exc}", error=True)
            return
        finally:
            self.detect_button.setEnabled(True)
        if generation != self._generation:
            return  # the user typed a path meanwhile: theirs wins
        self._announced = (location.path, f"✓ Found {location.source}: {location.path}")
        if self.path == location.path:
            self._show_message(self._announced[1], error=False)
        else:
            self.edit.setText(location.path)  # checked like a typed path, then announced

    async def _browse(self) -> None:
        name_filter = "Programs (*.exe)" if sys.platform == "win32" else "All files (*)"
        chosen = await self._context.dialogs.open_file("Choose the browser program", name_filter)
        if chosen is not None:
            self.edit.setText(str(chosen))
