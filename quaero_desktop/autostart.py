"""Start at login: an entry the desktop reads at login, written and removed by the app.

Linux (and the BSDs): an XDG autostart entry, ``$XDG_CONFIG_HOME/autostart/quaero-desktop.desktop``
(``~/.config`` when unset), that starts ``quaero-desktop --minimized`` (in the tray, no window).
Windows and macOS get theirs from the installers (packaging/, issue 10): they implement
``Autostart`` and register it with ``register``; until then Settings says it is not available.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

ENTRY_NAME = "quaero-desktop.desktop"


class Autostart(Protocol):
    def is_enabled(self) -> bool: ...

    def enable(self) -> None:
        """Start Quaero Desktop (minimized) at login; OSError when the entry cannot be written."""

    def disable(self) -> None: ...

    def describe(self) -> str:
        """Where the entry lives, for the Settings dialog."""


def launch_command(data_dir: Path | None = None) -> list[str]:
    """The command that starts this installation in the tray."""
    if getattr(sys, "frozen", False):  # a packaged build: the executable is the app
        command = [sys.executable]
    elif found := shutil.which("quaero-desktop"):
        command = [found]
    else:
        command = [sys.executable, "-m", "quaero_desktop"]
    command.append("--minimized")
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    return command


def _desktop_exec(command: list[str]) -> str:
    """The Exec= value: arguments quoted as the Desktop Entry specification asks ("%" doubled)."""
    quoted = []
    for argument in command:
        text = argument.replace("%", "%%")
        if any(c in text for c in " \t\n\"'\\><~|&;$*?#()`") or not text:
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$") + '"'
        quoted.append(text)
    return " ".join(quoted)


class XdgAutostart:
    def __init__(self, command: list[str], config_home: Path | None = None) -> None:
        base = config_home or Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        self.path = base / "autostart" / ENTRY_NAME
        self._command = command

    def is_enabled(self) -> bool:
        return self.path.is_file()

    def entry_text(self) -> str:
        return (
            "[Desktop Entry]\n"
            "Type=Application\n"
            "Name=Quaero Desktop\n"
            "Comment=Crawl websites into a local, searchable Markdown knowledge base\n"
            f"Exec={_desktop_exec(self._command)}\n"
            "Icon=quaero-desktop\n"
            "Terminal=false\n"
            "X-GNOME-Autostart-enabled=true\n"
            f"X-Quaero-Command={shlex.join(self._command)}\n"
        )

    def enable(self) -> None:
        """Write the entry atomically (a crash never leaves half an entry)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".quaero-", suffix=".desktop")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(self.entry_text())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)

    def describe(self) -> str:
        return str(self.path)


AutostartFactory = Callable[[list[str]], Autostart]
_registered: AutostartFactory | None = None


def register(factory: AutostartFactory) -> None:
    """For the installers (Windows, macOS): how this platform starts the app at login."""
    global _registered
    _registered = factory


def platform_autostart(data_dir: Path | None = None) -> Autostart | None:
    """This platform's way to start at login, or None where there is none (yet)."""
    command = launch_command(data_dir)
    if _registered is not None:
        return _registered(command)
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return XdgAutostart(command)
    return None
