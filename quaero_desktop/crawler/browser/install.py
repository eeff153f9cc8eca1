"""Download Playwright's Chromium into the user's browser cache: progress as it comes, cancellable.

Runs Playwright's own installer through the driver inside the ``playwright`` package (Node.js
and its CLI), not a ``playwright`` command: the packaged app has no such command, but it has
the driver. Only the full Chromium is installed (``--no-shell``): crawls launch it headless,
never Playwright's separate headless shell, which would double the download.

Playwright prints, when its output is not a terminal, one line per download step::

    Downloading Chrome for Testing 159.0.8154.6 (playwright chromium v1255) from https://...
    |■■■■■■■■                                                                        |  10% of 170.2 MiB
    Chrome for Testing 159.0.8154.6 (playwright chromium v1255) downloaded to /home/u/.cache/ms-playwright/chromium-1255

Those lines become ``InstallProgress`` values. ``ChromiumInstaller.run`` blocks (call it off the
GUI thread); ``cancel`` may be called from any thread: it ends the installer and its download
process and removes what they left half-done, so the next attempt starts clean.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil

from quaero_desktop.crawler.browser.playwright_browsers import browsers_dir
from quaero_desktop.domain.errors import QuaeroError

log = logging.getLogger(__name__)

INSTALL_ARGS = ("install", "--no-shell", "chromium")
# Playwright's marker of a finished browser directory, and its installer's lock (a directory).
_COMPLETE_MARKER = "INSTALLATION_COMPLETE"
_LOCK_DIR = "__dirlock"

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_DOWNLOADING = re.compile(r"^Downloading (?P<what>.+?) \(playwright (?P<name>[\w-]+) v(?P<revision>\w+)\)")
_PERCENT = re.compile(r"^\|[^|]*\|\s*(?P<percent>\d+)% of (?P<size>.+?)\s*$")
_NETWORK_ERRORS = ("ENOTFOUND", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "ENETUNREACH")
_HOST = re.compile(r"hostname: '(?P<host>[^']+)'")
_DOWNLOADED = re.compile(r"^(?P<what>.+?) \(playwright [\w-]+ v\w+\) downloaded to (?P<path>.+?)\s*$")


class BrowserInstallError(QuaeroError):
    """The download failed: the message ends with what Playwright's installer said."""


class BrowserInstallCancelled(QuaeroError):
    """The user cancelled the download; nothing half-installed was left."""


@dataclass(frozen=True)
class InstallProgress:
    what: str  # "Chrome for Testing 159.0.8154.6", then "FFmpeg"
    percent: int | None = None  # None until the download's size is known
    size: str = ""  # "170.2 MiB"
    done: bool = False  # this part is downloaded and unpacked

    @property
    def text(self) -> str:
        if self.done:
            return f"{self.what}: downloaded"
        if self.percent is None:
            return f"Downloading {self.what}…"
        return f"Downloading {self.what}: {self.percent}% of {self.size}"


def install_command() -> list[str]:
    """The command that runs Playwright's installer for Chromium."""
    from playwright._impl._driver import compute_driver_executable  # the driver `python -m playwright` runs

    node, cli = compute_driver_executable()
    return [node, cli, *INSTALL_ARGS]


class ChromiumInstaller:
    def __init__(self, on_progress: Callable[[InstallProgress], None] | None = None) -> None:
        self._on_progress = on_progress or (lambda _progress: None)
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self._cancelled = False
        self._downloading: list[str] = []  # browser directory names ("chromium-1255") started
        self._what = "Chromium"  # what is downloading now

    @property
    def target_dir(self) -> Path:
        return browsers_dir()

    def run(self) -> None:
        """Download and unpack Chromium (blocking). Raises BrowserInstallError or BrowserInstallCancelled."""
        from playwright._impl._driver import get_driver_env

        output: collections.deque[str] = collections.deque(maxlen=40)
        # ignore_cleanup_errors: on Windows a killed download's file may stay open for a moment.
        with tempfile.TemporaryDirectory(prefix="quaero-browser-download-", ignore_cleanup_errors=True) as scratch:
            # Playwright downloads into the temporary directory: a private one is removed even
            # when the installer is ended half-way.
            env = {**get_driver_env(), "TMPDIR": scratch, "TMP": scratch, "TEMP": scratch}
            try:
                process = subprocess.Popen(
                    install_command(),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    encoding="utf-8",
                    errors="replace",
                    env=env,
                    creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
                )
            except OSError as exc:
                raise BrowserInstallError(f"cannot start Playwright's installer: {exc}") from None
            with self._lock:
                self._process = process
                cancelled = self._cancelled
            if cancelled:
                _end_process_tree(process.pid)
            try:
                assert process.stdout is not None  # stdout=PIPE
                for line in process.stdout:
                    if text := self.read_line(line):
                        output.append(text)
                code = process.wait()
            except KeyboardInterrupt:  # Ctrl+C in the command line: the same as Cancel
                self.cancel()
                process.wait()
                code = -1
            finally:
                with self._lock:
                    self._process = None
        if self._cancelled:
            self._remove_partial_install()
            raise BrowserInstallCancelled("the browser download was cancelled")
        if code != 0:
            said = [line for line in output if not line.lstrip().startswith("at ")]  # no JavaScript stack
            raise BrowserInstallError(
                f"downloading Chromium into {self.target_dir} failed (Playwright's installer exited with {code}). "
                f"{_advice(said)} It said:\n" + ("\n".join(said[-10:]) or "(nothing)")
            )

    def cancel(self) -> None:
        """Stop the download (any thread). ``run`` then raises BrowserInstallCancelled."""
        with self._lock:
            self._cancelled = True
            process = self._process
        if process is not None:
            _end_process_tree(process.pid)

    def read_line(self, line: str) -> str:
        """Turn a line of Playwright's output into progress; returns the line as plain text."""
        text = _ANSI.sub("", line).rstrip()
        if match := _DOWNLOADING.match(text):
            self._downloading.append(f"{match['name'].replace('-', '_')}-{match['revision']}")
            self._what = match["what"]
            self._on_progress(InstallProgress(self._what))
        elif (match := _PERCENT.match(text)) and self._downloading:
            self._on_progress(InstallProgress(self._what, int(match["percent"]), match["size"]))
        elif match := _DOWNLOADED.match(text):
            self._on_progress(InstallProgress(match["what"], 100, done=True))
        elif text:
            log.info("playwright install: %s", text)
        return text

    def _remove_partial_install(self) -> None:
        """What an ended installer leaves: unfinished browser directories and its lock."""
        root = self.target_dir
        for name in self._downloading:
            directory = root / name
            if directory.is_dir() and not (directory / _COMPLETE_MARKER).exists():
                shutil.rmtree(directory, ignore_errors=True)
        if self._downloading:
            # Only an installer holding the lock gets as far as downloading: the lock was ours.
            # Left in place, it would make the next attempt wait until it goes stale.
            shutil.rmtree(root / _LOCK_DIR, ignore_errors=True)


def _advice(output: list[str]) -> str:
    """What to do, from what Playwright's installer said."""
    text = "\n".join(output)
    if any(code in text for code in _NETWORK_ERRORS):
        host = _HOST.search(text)
        where = f" ({host['host']})" if host else ""
        return (
            f"Playwright's download server could not be reached{where}: check the network connection, "
            "or set HTTPS_PROXY when the network needs a proxy, then try again."
        )
    if "ENOSPC" in text:
        return "The disk is full: free some space (Chromium needs about 600 MB unpacked), then try again."
    if "EACCES" in text or "EPERM" in text:
        return "The browser folder is not writable: set PLAYWRIGHT_BROWSERS_PATH to a folder you can write to."
    return "Check the network connection and the free disk space, then try again."


def _end_process_tree(pid: int) -> None:
    """Kill the installer and its download process (Playwright forks one per download)."""
    try:
        parent = psutil.Process(pid)
        processes = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(processes, timeout=10)


__all__ = [
    "BrowserInstallCancelled",
    "BrowserInstallError",
    "ChromiumInstaller",
    "InstallProgress",
    "install_command",
]
