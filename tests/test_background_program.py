"""The real program in the background, under Xvfb: with a tray host (trayer) and without one.

With a tray: started as at login (``--minimized``), no window opens; a schedule slot missed
while the program was closed runs (once) with the window closed, and its notification arrives
at a test-side notification service; the tray menu opens on a right click (a screenshot is
taken); a click on the notification brings the window forward on that job. Without a tray:
closing the window asks whether to keep crawling in the background (a screenshot is taken).

Screenshots go to the test's temporary directory, and to ``QUAERO_SCREENSHOTS`` when set
(``QUAERO_SCREENSHOTS=docs/screenshots`` refreshes the README's picture).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quaero_desktop.domain.schedule import SlotRecord
from quaero_desktop.store import schedule_repo
from tests.conftest import ROOT, child_env, make_definition
from tests.test_gui_lifecycle import _quit, _wait, display  # noqa: F401 (display: a fixture)
from tests.test_notifications import notification_service  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("Xvfb", "xdotool", "xwininfo", "import", "trayer")),
        reason="needs Xvfb, xdotool, xwininfo, ImageMagick's import and trayer (bash .ci/setup installs them)",
    ),
]


def _x(screen: str, *args: str) -> str:
    result = subprocess.run(
        ["xdotool", *args], capture_output=True, text=True, env={**os.environ, "DISPLAY": screen}, timeout=20
    )
    return result.stdout


def _windows(screen: str, name: str) -> list[tuple[str, int, int, int, int]]:
    """Mapped windows, embedded ones too (a tray icon lives inside the tray host's panel), whose title
    matches ``name`` (a regular expression): (id, x, y, width, height) on the screen."""
    env = {**os.environ, "DISPLAY": screen}
    tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True, env=env, timeout=20).stdout
    found = []
    for match in _TREE_LINE.finditer(tree):
        window_id, title, width, height, x, y = match.groups()
        if not re.search(name, title):
            continue
        info = subprocess.run(["xwininfo", "-id", window_id], capture_output=True, text=True, env=env, timeout=20)
        if "IsViewable" in info.stdout:
            found.append((window_id, int(x), int(y), int(width), int(height)))
    return found


# e.g.   0x400007 "Quaero Desktop": ("quaero" "Quaero Desktop")  22x22+0+0  +1257+1
_TREE_LINE = re.compile(r'^\s*(0x[0-9a-f]+) "(.*)":.*?\s(\d+)x(\d+)[+-]-?\d+[+-]-?\d+\s+\+(-?\d+)\+(-?\d+)\s*$', re.M)


def _main_window(screen: str):
    return next((w for w in _windows(screen, "^Quaero Desktop$") if w[3] >= 600), None)


def _screenshot(screen: str, path: Path, crop: str | None = None) -> Path:
    subprocess.run(
        ["import", "-window", "root", *(["-crop", crop] if crop else []), str(path)],
        env={**os.environ, "DISPLAY": screen},
        check=True,
        timeout=30,
    )
    if target := os.environ.get("QUAERO_SCREENSHOTS"):
        shutil.copy(path, Path(target) / path.name)
    return path


def _start(data_dir: Path, screen: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "quaero_desktop", "--data-dir", str(data_dir), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(QT_QPA_PLATFORM="xcb", DISPLAY=screen),
        cwd=ROOT,
    )


def _wait_for(predicate, timeout: float, what: str, program: subprocess.Popen | None = None):
    """``_wait`` that returns what ``predicate`` found."""
    found: list = []
    _wait(lambda: found.append(value) or value if (value := predicate()) else None, timeout, what, program)
    return found[-1]


def _jobs(data_dir: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(f"file:{data_dir / 'quaero.db'}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(
            "SELECT id, status, json_extract(metadata_json, '$.trigger') FROM jobs WHERE type = 'parent'"
        ).fetchall()
    finally:
        conn.close()


@pytest.mark.browser
def test_in_the_tray_a_missed_schedule_runs_notifies_and_the_click_opens_the_job(
    app,
    data_dir,
    fresh_site,
    display,  # noqa: F811 (a fixture)
    notification_service,  # noqa: F811 (a fixture)
    tmp_path,
):
    service = notification_service
    definition = make_definition(
        [fresh_site.url("/docs/guide")], id="nightly-docs", name="Nightly docs", max_depth=0, schedule="0 * * * *"
    )
    app.definitions.save(definition)
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2, minutes=5)
    with app.database.write() as conn:  # the program last ran two hours ago, then was closed
        schedule_repo.record(conn, [(definition.id, SlotRecord(definition.schedule, two_hours_ago))], two_hours_ago)
    app.close()
    if shutil.which("xsetroot"):  # a desktop-like backdrop for the screenshot (else black)
        subprocess.run(["xsetroot", "-solid", "#4a5561"], env={**os.environ, "DISPLAY": display}, check=False)
    tray_host = subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "24"],
        env={**os.environ, "DISPLAY": display},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    program = None
    try:
        _wait(lambda: _windows(display, "^panel$"), 30, "the tray host")
        program = _start(data_dir, display, "--minimized")
        _wait(lambda: [w for w in _windows(display, "^Quaero Desktop$") if w[3] <= 32], 60, "the tray icon", program)
        _wait(lambda: service.snapshot(), 90, "the scheduled crawl's notification", program)
        sent = service.snapshot()[0]
        assert sent.summary == "Crawl completed: Nightly docs" and sent.body.startswith("1 page, 1 document in ")
        assert [(status, trigger) for _id, status, trigger in _jobs(data_dir)] == [("completed", "schedule")]
        assert _main_window(display) is None  # all of it happened with no window

        icon = next(w for w in _windows(display, "^Quaero Desktop$") if w[3] <= 32)
        _x(display, "mousemove", str(icon[1] + icon[3] // 2), str(icon[2] + icon[4] // 2), "click", "3")
        menu = _wait_for(
            lambda: [w for w in _windows(display, "^Quaero Desktop$") if 100 <= w[3] < 600], 20, "the menu"
        )
        _, x, y, width, _height = menu[0]
        _x(display, "mousemove", str(x + width // 2), str(y + 12 + 28))  # onto "Run": its submenu opens
        _wait(lambda: len([w for w in _windows(display, "^Quaero Desktop$") if 60 <= w[3] < 600]) >= 2, 20, "Run ▸")
        shot = _screenshot(display, tmp_path / "tray-menu.png", crop="520x230+760+0")
        assert shot.stat().st_size > 5_000
        _x(display, "key", "Escape", "Escape")

        service.click(sent.id)  # the user clicks the notification
        _wait(lambda: _windows(display, "^Job — Nightly docs$"), 30, "the job's window", program)
        assert _main_window(display) is not None
        code, err = _quit(program)
        assert code == 0 and err.strip() == "", err
    finally:
        if program is not None and program.poll() is None:
            program.kill()
        tray_host.terminate()
        tray_host.wait(10)


def test_without_a_tray_closing_the_window_asks(data_dir, display, tmp_path):  # noqa: F811
    program = _start(data_dir, display)
    try:
        window = _wait_for(lambda: _main_window(display), 60, "the window", program)
        _x(display, "windowfocus", "--sync", window[0])
        _x(display, "key", "ctrl+w")  # File → Close window, as the close button does
        question = _wait_for(lambda: _windows(display, "^Keep Quaero Desktop running"), 30, "the question", program)
        _, x, y, width, height = question[0]
        _screenshot(display, tmp_path / "no-tray-question.png", crop=f"{width + 40}x{height + 40}+{x - 20}+{y - 20}")
        _x(display, "key", "Escape")  # Cancel: the window stays
        _wait(lambda: not _windows(display, "^Keep Quaero Desktop running"), 20, "the question to go", program)
        assert _main_window(display) is not None
    finally:
        code, err = _quit(program)
    assert code == 0 and err.strip() == "", err
