"""One window per data directory: a second start brings the first window forward and exits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QDir

from quaero_desktop.gui.single_instance import SingleInstance, server_name
from tests.conftest import ROOT
from tests.test_gui_lifecycle import _quit, _start_window, _wait, display  # noqa: F401 (display: a fixture)


@pytest.mark.gui
def test_a_second_instance_is_refused_and_asks_the_first_to_come_forward(qtbot, tmp_path):
    first = SingleInstance(tmp_path)
    assert first.acquire()
    second = SingleInstance(tmp_path)
    try:
        assert not second.acquire()
        with qtbot.waitSignal(first.activation_requested, timeout=5000):
            assert second.ask_first_to_show()
    finally:
        first.release()
    # Once the first window has gone, the next start takes over.
    third = SingleInstance(tmp_path)
    assert third.acquire()
    third.release()


def test_another_data_directory_is_another_instance(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, other = SingleInstance(tmp_path / "a"), SingleInstance(tmp_path / "b")
    try:
        assert first.acquire() and other.acquire()
    finally:
        first.release()
        other.release()


def test_a_lock_left_by_a_killed_window_does_not_block_the_next_start(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert not SingleInstance(tmp_path).acquire()
        holder.kill()
        holder.wait(10)
        successor = SingleInstance(tmp_path)
        assert successor.acquire()
        successor.release()
    finally:
        holder.kill()


_HOLD_LOCK = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from quaero_desktop.gui.single_instance import SingleInstance
app = QCoreApplication([])
instance = SingleInstance(Path(sys.argv[1]))
assert instance.acquire()
print("locked", flush=True)
time.sleep(120)
"""


@pytest.mark.gui
def test_starting_the_window_twice_keeps_one_window(data_dir, display):  # noqa: F811
    first = _start_window(data_dir, display)
    try:
        # The first window takes the lock, then listens on its local socket: wait for both (the
        # socket file appears once it listens), or the second start could find no one to ask.
        socket_path = Path(QDir.tempPath()) / server_name(data_dir)
        _wait(
            lambda: (data_dir / "window.lock").exists() and socket_path.exists(),
            60,
            "the first window to listen",
            first,
        )
        second = _start_window(data_dir, display)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 0, err
        assert "already open" in out and str(data_dir) in out
        assert first.poll() is None  # the first window is still there
    finally:
        code, err = _quit(first)
    assert code == 0 and err.strip() == "", err
