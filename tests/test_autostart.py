"""Start at login on Linux: an XDG autostart entry under $XDG_CONFIG_HOME, written and removed by the app."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from quaero_desktop.gui.autostart import XdgAutostart, launch_command, platform_autostart


def test_the_entry_starts_the_app_minimized_and_honours_xdg_config_home(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    autostart = platform_autostart(tmp_path / "my data")
    assert isinstance(autostart, XdgAutostart) and sys.platform.startswith("linux")
    assert autostart.path == tmp_path / "cfg" / "autostart" / "quaero-desktop.desktop"
    assert not autostart.is_enabled()
    autostart.enable()
    text = autostart.path.read_text(encoding="utf-8")
    assert text.startswith("[Desktop Entry]\nType=Application\nName=Quaero Desktop\n")
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert exec_line.endswith(f'--minimized --data-dir "{tmp_path / "my data"}"')  # quoted: the path has a space
    assert autostart.is_enabled()
    autostart.enable()  # again: replaced, not duplicated
    assert [p.name for p in autostart.path.parent.iterdir()] == ["quaero-desktop.desktop"]
    autostart.disable()
    assert not autostart.is_enabled()
    autostart.disable()  # already gone: fine


def test_without_xdg_config_home_the_entry_goes_to_dot_config(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert XdgAutostart(["quaero-desktop"]).path == tmp_path / ".config" / "autostart" / "quaero-desktop.desktop"


def test_the_launch_command_runs_this_installation():
    command = launch_command()
    assert command[-1] == "--minimized"
    assert Path(command[0]).name.startswith(("quaero-desktop", "python")), shlex.join(command)


def test_a_frozen_app_starts_at_login_through_its_own_command(monkeypatch):
    """A packaged build is started by the command that opens it (/usr/bin/quaero-desktop from the .deb)."""
    import quaero_desktop.gui.autostart as autostart_module

    monkeypatch.setattr(autostart_module, "is_frozen", lambda: True)
    monkeypatch.setattr(autostart_module, "window_command", lambda: ["/usr/bin/quaero-desktop"])
    assert launch_command() == ["/usr/bin/quaero-desktop", "--minimized"]


def test_the_macos_login_item_is_a_launch_agent_run_at_load(tmp_path: Path):
    import plistlib

    from quaero_desktop.gui.autostart import LaunchAgentAutostart

    agent = LaunchAgentAutostart(
        ["/Applications/Quaero Desktop.app/Contents/MacOS/quaero-desktop", "--minimized"], tmp_path
    )
    assert not agent.is_enabled()
    agent.enable()
    assert agent.path == tmp_path / "Library" / "LaunchAgents" / "io.github.quaero.QuaeroDesktop.plist"
    written = plistlib.loads(agent.path.read_bytes())
    assert written["RunAtLoad"] is True and written["ProgramArguments"][-1] == "--minimized"
    agent.disable()
    assert not agent.is_enabled() and not list(agent.path.parent.iterdir())
