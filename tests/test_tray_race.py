"""The login race, for real: the tray host starts after Quaero Desktop (under Xvfb).

At login the panel and the autostart programs start together. The icon must appear once the
tray does, a ``--minimized`` start must not show its window then, and closing the window must
hide it to that tray without asking "no system tray?". Two kinds of tray: an XEmbed one
(trayer: the icon is a window in its panel) and a StatusNotifier one (a watcher on D-Bus that
icons register with: KDE Plasma, GNOME's AppIndicator extension, waybar, …). Closing the window
is tried with the second: the program asks Qt the same question for both.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.private_bus import private_session_bus
from tests.test_background_program import _main_window, _start, _wait_for, _windows, _x
from tests.test_gui_lifecycle import _quit, _wait, display  # noqa: F401 (display: a fixture)

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("Xvfb", "xdotool", "xwininfo", "trayer")),
        reason="needs Xvfb, xdotool, xwininfo and trayer (bash .ci/setup installs them)",
    ),
]


def _tray_icon(screen: str):
    return [w for w in _windows(screen, "^Quaero Desktop$") if w[3] <= 32]


@pytest.fixture
def late_tray(display):  # noqa: F811 (a fixture)
    """Start trayer when called; stopped afterwards."""
    started: list[subprocess.Popen] = []

    def start() -> None:
        started.append(
            subprocess.Popen(
                ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "24"],
                env={**os.environ, "DISPLAY": display},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        _wait(lambda: _windows(display, "^panel$"), 30, "the tray host")

    yield start
    for host in started:
        host.terminate()
        host.wait(10)


def test_a_minimized_start_before_the_tray_gets_its_icon_when_the_tray_starts(
    data_dir,
    display,  # noqa: F811 (a fixture)
    late_tray,
):
    program = _start(data_dir, display, "--minimized")
    try:
        # Its store made: the program is past its start's slow part and looks for a tray now.
        _wait(lambda: (data_dir / "quaero.db").exists(), 60, "the start", program)
        assert not _tray_icon(display)
        late_tray()  # the panel comes up after the program
        _wait(lambda: _tray_icon(display), 20, "the tray icon", program)
        assert _main_window(display) is None  # it lives in the tray, as asked
    finally:
        code, err = _quit(program)
    assert code == 0 and err.strip() == "", err


def test_an_icon_made_before_a_status_notifier_panel_registers_with_it_when_the_panel_starts(
    data_dir,
    display,  # noqa: F811 (a fixture)
    monkeypatch,
):
    """Qt makes an icon a StatusNotifier item only if the panel's watcher runs when the icon is made:
    the icon made before the panel must be made again when the panel appears, or it never shows
    (and the closed window would hide to a tray that has no icon for it)."""
    from tests.status_notifier_watcher import StatusNotifierWatcher

    with private_session_bus(monkeypatch):  # the program and the panel on a bus of their own
        program = _start(data_dir, display)
        try:
            window = _wait_for(lambda: _main_window(display), 60, "the window (its tray icon made)", program)
            with StatusNotifierWatcher() as panel:  # the panel comes up after the program
                _wait(panel.items, 30, "the icon, registered with the panel", program)
                _x(display, "windowfocus", "--sync", window[0])
                _x(display, "key", "ctrl+w")
                _wait(lambda: _main_window(display) is None, 20, "the window to go to the tray", program)
                assert not _windows(display, "^Keep Quaero Desktop running")  # no "no system tray?" question
        finally:
            code, err = _quit(program)
    assert code == 0 and err.strip() == "", err
