"""The window's offer when no browser is found: download Playwright's Chromium, with progress.

At start-up, when no browser path is set in Settings, the window looks for a browser off the
GUI thread, exactly as a crawl will (``locate_browser``). None found: this non-modal dialog
says so, lists what was tried, and offers the download into the user's browser cache. The
download runs Playwright's installer on a worker thread (``ChromiumInstaller``); its progress
comes back to the GUI thread through a queued signal. Cancel, closing the dialog or quitting
the app ends it, and nothing half-installed is left.
"""

from __future__ import annotations

import asyncio
from enum import Enum

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QPalette
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from quaero_desktop.crawler.browser.discovery import BrowserNotFoundError, find_browser
from quaero_desktop.crawler.browser.install import (
    BrowserInstallCancelled,
    BrowserInstallError,
    ChromiumInstaller,
    InstallProgress,
)
from quaero_desktop.crawler.browser.playwright_browsers import browsers_dir, locate_browser
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.async_tasks import in_thread
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.style import status_colour

DOWNLOAD_SIZE_HINT = "about 170 MB"
NO_BROWSER_HEADLINE = "No Chrome, Chromium or Edge was found on this computer."


class DownloadState(Enum):
    OFFERED = "offered"
    DOWNLOADING = "downloading"
    CANCELLING = "cancelling"
    INSTALLED = "installed"
    CANCELLED = "cancelled"
    FAILED = "failed"


class _ProgressRelay(QObject):
    """Lives on the GUI thread; ``progressed`` is emitted on the worker thread, so Qt queues it."""

    progressed = Signal(InstallProgress)


class BrowserDownloadDialog(QDialog):
    stateChanged = Signal(DownloadState)

    def __init__(self, context: GuiContext, problem: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._state = DownloadState.OFFERED
        self._installer: ChromiumInstaller | None = None
        self._relay = _ProgressRelay(self)
        self._relay.progressed.connect(self._show_progress)
        self.setWindowTitle("Quaero Desktop needs a browser")
        self.setModal(False)  # never a nested event loop under qasync (docs/contracts.md, pitfalls)

        self.headline = QLabel(f"<b>{NO_BROWSER_HEADLINE}</b>", self)
        target = browsers_dir()
        self.explanation = QLabel(
            "Quaero Desktop reads pages with a Chromium-based browser. Install Chromium, Google Chrome "
            "or Microsoft Edge, or download Playwright's Chromium now "
            f"({DOWNLOAD_SIZE_HINT}, for you only, no administrator rights needed) into {target}.",
            self,
        )
        self.details = QLabel(problem, self)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setEnabled(False)  # drawn greyed: what was tried, for the curious
        self.status = QLabel(self)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.explanation, self.details, self.status):
            label.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.download_button = QPushButton("Download Chromium", self)
        self.download_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel download", self)
        self.close_button = QPushButton("Not now", self)
        self.download_button.clicked.connect(self.start_download)
        self.cancel_button.clicked.connect(self.cancel_download)
        self.close_button.clicked.connect(self.close)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.download_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        for widget in (self.headline, self.explanation, self.details, self.progress, self.status):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.resize(560, self.sizeHint().height())
        self._set_state(DownloadState.OFFERED)

    @property
    def state(self) -> DownloadState:
        return self._state

    # ----- downloading -----

    def start_download(self) -> None:
        if self._state in (DownloadState.DOWNLOADING, DownloadState.CANCELLING):
            return
        self._context.tasks.start(self._download(), what="Downloading Chromium")

    async def _download(self) -> None:
        installer = ChromiumInstaller(self._relay.progressed.emit)
        self._installer = installer
        self.progress.setRange(0, 0)  # busy until Playwright reports the size
        self._set_state(DownloadState.DOWNLOADING, "Starting Playwright's installer…")
        try:
            await in_thread(installer.run)
        except BrowserInstallCancelled:
            self._set_state(DownloadState.CANCELLED, "Download cancelled: nothing was installed.")
        except BrowserInstallError as exc:
            self._set_state(DownloadState.FAILED, f"✗ {exc}")
        except asyncio.CancelledError:  # the app is quitting: end the download with it
            installer.cancel()
            raise
        else:
            self._set_state(
                DownloadState.INSTALLED,
                f"✓ Chromium is installed in {installer.target_dir}. Crawls use it from now on.",
            )
        finally:
            self._installer = None

    def cancel_download(self) -> None:
        if self._installer is not None and self._state == DownloadState.DOWNLOADING:
            self._set_state(DownloadState.CANCELLING, "Cancelling…")
            self._installer.cancel()  # thread-safe; the worker then ends with BrowserInstallCancelled

    def _show_progress(self, progress: InstallProgress) -> None:
        if self._state != DownloadState.DOWNLOADING:
            return  # a line read just before a cancel
        if progress.percent is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 100)
            self.progress.setValue(progress.percent)
        self.status.setText(progress.text)
        self.status.setVisible(True)

    # ----- state -----

    def _set_state(self, state: DownloadState, status: str = "") -> None:
        self._state = state
        busy = state in (DownloadState.DOWNLOADING, DownloadState.CANCELLING)
        self.download_button.setVisible(state in (DownloadState.OFFERED, DownloadState.CANCELLED, DownloadState.FAILED))
        self.download_button.setText("Try again" if state == DownloadState.FAILED else "Download Chromium")
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(state == DownloadState.DOWNLOADING)
        self.close_button.setText("Close" if state == DownloadState.INSTALLED else "Not now")
        self.close_button.setDefault(state == DownloadState.INSTALLED)
        self.progress.setVisible(busy or state == DownloadState.INSTALLED)
        if state == DownloadState.INSTALLED:
            self.progress.setRange(0, 100)
            self.progress.setValue(100)
            self.headline.setText("<b>Chromium is ready.</b>")
            self.details.hide()
        palette = self.status.palette()
        colour = (
            status_colour(JobStatus.FAILED)
            if state == DownloadState.FAILED
            else self.palette().color(QPalette.ColorRole.WindowText)
        )
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        self.status.setPalette(palette)
        self.status.setText(status)
        self.status.setVisible(bool(status))
        self.stateChanged.emit(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.cancel_download()  # closing the dialog does not leave a download running unseen
        super().closeEvent(event)


async def offer_browser_download(context: GuiContext, parent: QWidget | None = None) -> BrowserDownloadDialog | None:
    """Show the download offer when crawls would find no browser; None when one is found.

    A browser path set in Settings is left to the Settings dialog, which reports what is wrong
    with it: downloading Chromium would not change which browser a crawl launches.
    """
    if context.app.settings.browser_path:
        return None
    try:
        # An installed Chrome, Chromium or Edge first: finding one needs no Playwright driver.
        await in_thread(find_browser, None, None)
        return None
    except BrowserNotFoundError:
        pass
    try:
        await in_thread(locate_browser, None)
    except BrowserNotFoundError as exc:
        dialog = BrowserDownloadDialog(context, str(exc), parent)
        dialog.show()
        return dialog
    return None
