"""Start at login: an entry the desktop reads at login, written and removed by the app.

Each starts ``quaero-desktop --minimized`` (in the tray, no window):

* Linux (and the BSDs): an XDG autostart entry, ``$XDG_CONFIG_HOME/autostart/quaero-desktop.desktop``
  (``~/.config`` when unset).
* Windows: the value ``Quaero Desktop`` under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`` —
  the same value the installer's "start at login" task writes (packaging/windows), so the
  setting and the installer agree on one switch.
* macOS: a LaunchAgent, ``~/Library/LaunchAgents/io.github.quaero.QuaeroDesktop.plist``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import Protocol

from quaero_desktop.crawler.browser.playwright_browsers import is_frozen
from quaero_desktop.files import write_text_atomically
from quaero_desktop.frozen import window_command

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
    if is_frozen():  # a packaged build: /usr/bin/quaero-desktop from the .deb, the windowed twin on Windows
        command = window_command()
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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(self.path, self.entry_text())  # a crash never leaves half an entry

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)

    def describe(self) -> str:
        return str(self.path)


WINDOWS_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
WINDOWS_RUN_VALUE = "Quaero Desktop"  # packaging/windows/quaero-desktop.iss writes the same value
MACOS_AGENT_LABEL = "io.github.quaero.QuaeroDesktop"  # the bundle id (packaging/macos)


# winreg exists only on Windows (mypy, checking for Linux, skips this block the same way).
if sys.platform == "win32":

    class WindowsRunKeyAutostart:
        """The per-user Run key: what Windows starts at login (and Task Manager's Startup tab lists)."""

        def __init__(self, command: list[str]) -> None:
            self._command = command

        def is_enabled(self) -> bool:
            import winreg

            try:
                with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
                    winreg.QueryValueEx(key, WINDOWS_RUN_VALUE)
            except OSError:
                return False
            return True

        def enable(self) -> None:
            import subprocess
            import winreg

            with winreg.CreateKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
                winreg.SetValueEx(key, WINDOWS_RUN_VALUE, 0, winreg.REG_SZ, subprocess.list2cmdline(self._command))

        def disable(self) -> None:
            import winreg

            try:
                with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
                    winreg.DeleteValue(key, WINDOWS_RUN_VALUE)
            except FileNotFoundError:
                pass

        def describe(self) -> str:
            return f"the value '{WINDOWS_RUN_VALUE}' under HKEY_CURRENT_USER\\{WINDOWS_RUN_KEY}"


class LaunchAgentAutostart:
    """A per-user LaunchAgent that runs once at login (RunAtLoad)."""

    def __init__(self, command: list[str], home: Path | None = None) -> None:
        self.path = (home or Path.home()) / "Library" / "LaunchAgents" / f"{MACOS_AGENT_LABEL}.plist"
        self._command = command

    def is_enabled(self) -> bool:
        return self.path.is_file()

    def enable(self) -> None:
        import plistlib

        agent = {"Label": MACOS_AGENT_LABEL, "ProgramArguments": self._command, "RunAtLoad": True}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(self.path, plistlib.dumps(agent).decode("utf-8"))

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)

    def describe(self) -> str:
        return str(self.path)


def platform_autostart(data_dir: Path | None = None) -> Autostart | None:
    """This platform's way to start at login, or None where there is none."""
    command = launch_command(data_dir)
    if sys.platform == "win32":
        return WindowsRunKeyAutostart(command)
    if sys.platform == "darwin":
        return LaunchAgentAutostart(command)
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return XdgAutostart(command)
    return None
