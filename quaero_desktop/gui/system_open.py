"""Opening a web page or a folder with the desktop's own program, and saying so when none could.

``QDesktopServices.openUrl`` reports only whether it could start ``xdg-open``; when that finds no
browser (or no file manager) it fails a moment later and nothing shows. On Linux and the BSDs
``xdg-open`` is therefore started here and watched for a few seconds: a failure in that time is
told with what it said. A success, or a browser that keeps ``xdg-open`` waiting, says nothing; the
process is left to run on its own (its own session: quitting Quaero does not end it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from typing import IO, Protocol

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtGui import QDesktopServices

WATCH_MS = 8_000
POLL_MS = 200
Failed = Callable[[str], None]  # told why, in a sentence


class ReportError(Protocol):
    """The window's error message (``Dialogs.error``): ``copy`` offers an address to copy."""

    def __call__(self, title: str, text: str, *, copy: str | None = None) -> None: ...


def no_browser_message(url: str, why: str) -> str:
    """What a person reads when no browser opened ``url``, and what to do."""
    return (
        f"No web browser opened {url}: {why}.\n\nSet a default web browser in your desktop's settings, "
        "or press Copy address and paste it into a browser."
    )


class SystemOpener(QObject):
    """Opens URLs (``https://…``, ``file:///…``) with the desktop's handler; ``failed`` hears of a failure."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watched: list[tuple[subprocess.Popen[bytes], IO[bytes], Failed, float]] = []
        self._left_running: list[subprocess.Popen[bytes]] = []  # reaped at the next open (no zombies all day)
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._poll)

    def open(self, url: QUrl, failed: Failed) -> None:
        """Start the handler and return at once; ``failed`` is called later if it fails."""
        self._left_running = [process for process in self._left_running if process.poll() is None]
        opener = shutil.which("xdg-open") if sys.platform.startswith("linux") or "bsd" in sys.platform else None
        if opener is None:
            if not QDesktopServices.openUrl(url):
                failed("the desktop has no program set to open it")
            return
        # Not a pipe: a browser started by xdg-open may write to it for hours. Closed in _poll.
        said = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            process = subprocess.Popen(
                [opener, url.toString()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=said,
                start_new_session=True,
            )
        except OSError as exc:
            said.close()
            failed(f"xdg-open could not be started ({exc.strerror or exc})")
            return
        self._watched.append((process, said, failed, WATCH_MS / POLL_MS))
        self._timer.start()

    def _poll(self) -> None:
        still: list[tuple[subprocess.Popen[bytes], IO[bytes], Failed, float]] = []
        for process, said, failed, polls_left in self._watched:
            code = process.poll()
            if code is None and polls_left > 1:
                still.append((process, said, failed, polls_left - 1))
                continue
            if code is None:  # still running after the watch: a browser it waits for; it goes on alone
                self._left_running.append(process)
            elif code != 0:
                said.seek(0)
                failed(_reason(code, said.read().decode(errors="replace").strip()))
            said.close()
        self._watched = still
        if not still:
            self._timer.stop()


def _reason(code: int, said: str) -> str:
    # xdg-open's exit codes (xdg-utils): 3 a required tool is missing, 4 the action failed.
    what = {3: "no program to open it was found", 4: "the program set to open it failed"}.get(code, f"exit code {code}")
    last = said.splitlines()[-1] if said else ""
    return f"{what}{f' ({last})' if last else ''}"
