"""The real window process: quitting mid-crawl exits 0 quietly, and the crawl continues at the next start."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import ROOT, child_env, make_definition
from tests.waiting import WaitTimeout, wait_until

pytestmark = [
    pytest.mark.gui,
    pytest.mark.browser,  # the window resumes a crawl
    pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb (a virtual screen)"),
]


@pytest.fixture(scope="module")
def display():
    """A virtual screen of our own; yields its DISPLAY value."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        # -noreset: without it the server resets when its last client leaves, and a start right then fails.
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    yield f":{number}"
    server.terminate()
    server.wait(10)


def _job(data_dir, job_id: str) -> tuple[str, int, int]:
    conn = sqlite3.connect(f"file:{data_dir / 'quaero.db'}?mode=ro", uri=True, timeout=10)
    try:
        status, documents, resume = conn.execute(
            "SELECT status, document_count, resume_on_start FROM jobs WHERE id = ?", (job_id,)
        ).fetchone()
        return status, documents, resume
    finally:
        conn.close()


def _start_window(data_dir, display: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "quaero_desktop", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(QT_QPA_PLATFORM="xcb", DISPLAY=display),
        cwd=ROOT,
    )


def _quit(window: subprocess.Popen) -> tuple[int, str]:
    window.send_signal(signal.SIGTERM)  # what a logout sends; the window quits as from File > Quit
    _out, err = window.communicate(timeout=60)
    return window.returncode, err


def _wait(predicate, timeout: float, what: str, window: subprocess.Popen | None = None) -> None:
    """wait_until, failing at once if ``window`` exits first, and with what it said on a timeout."""

    def ready():
        if found := predicate():
            return found
        if window is not None and window.poll() is not None:
            raise AssertionError(f"the window exited ({window.returncode}) before {what}: {window.stderr.read()}")
        return found

    try:
        wait_until(ready, timeout, what)
    except WaitTimeout as timeout_error:
        if window is None:
            raise
        window.kill()
        raise AssertionError(f"{timeout_error}; the window said: {window.communicate()[1]}") from None


def test_quit_mid_crawl_then_the_next_start_finishes_it(app, data_dir, fresh_site, display):
    starts = [fresh_site.url(f"/slow?ms=900&n={i}") for i in range(10)]
    engine = app.engine()
    job_id = engine.submit(make_definition(starts, max_depth=0, concurrency=2)).result(30)
    _wait(lambda: app.jobs.get(job_id).document_count >= 1, 30, "the first page")
    app.close(detach=True, resume_on_start=True)  # as the window does when it quits
    assert _job(data_dir, job_id)[0] == "interrupted"

    window = _start_window(data_dir, display)
    _wait(lambda: _job(data_dir, job_id)[0] == "running", 60, "the window to resume the crawl", window)
    _wait(lambda: _job(data_dir, job_id)[1] >= 3, 60, "more pages", window)
    code, err = _quit(window)
    assert code == 0 and err.strip() == "", err
    status, documents, resume = _job(data_dir, job_id)
    assert (status, resume) == ("interrupted", 1) and documents < 10

    window = _start_window(data_dir, display)
    _wait(lambda: _job(data_dir, job_id)[0] == "completed", 90, "the crawl to finish", window)
    code, err = _quit(window)
    assert code == 0 and err.strip() == "", err
    assert _job(data_dir, job_id) == ("completed", 10, 0)
