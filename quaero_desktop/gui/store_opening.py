"""Opening the store at start, with a progress dialog when a store written by an older version is upgraded.

Such an upgrade can read every document (~100 s for 100,000), before any window exists: a start that
showed nothing for that long looked like a start that failed, and a second start only found the first
one's lock. The store is opened on a worker thread; the GUI thread waits a moment (nearly every start
is over by then and shows no dialog), then runs a small event loop that shows how far the upgrade is.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog

from quaero_desktop.app import App, build_app

QUIET_WAIT_S = 0.3  # an ordinary start opens its store well within this: no dialog, no event loop
POLL_MS = 100


class _Latest:
    """What the upgrade said last (written on the worker thread, read on the GUI thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._said: tuple[str, int, int] | None = None

    def __call__(self, what: str, done: int, total: int) -> None:
        with self._lock:
            self._said = (what, done, total)

    def get(self) -> tuple[str, int, int] | None:
        with self._lock:
            return self._said


def open_app(directory: Path, *, quiet_wait_s: float = QUIET_WAIT_S) -> App:
    """``build_app(directory)``, showing how far an upgrade of its store is while it runs.

    Raises what ``build_app`` raises (the upgrade's transaction is rolled back: the store is as it was)."""
    latest = _Latest()
    with ThreadPoolExecutor(1, thread_name_prefix="quaero-open-store") as pool:
        opening = pool.submit(build_app, directory, latest)
        try:
            return opening.result(timeout=quiet_wait_s)
        except TimeoutError:
            pass
        _wait_showing_progress(opening, latest)
        return opening.result()


def _wait_showing_progress(opening: Future[App], latest: _Latest) -> None:
    dialog: QProgressDialog | None = None
    loop = QEventLoop()

    def poll() -> None:
        nonlocal dialog
        if opening.done():
            loop.quit()
            return
        said = latest.get()
        if said is None:
            return  # opening, not upgrading (a slow disk): nothing to say yet
        what, done, total = said
        if dialog is None:
            dialog = QProgressDialog()
            dialog.setWindowTitle("Quaero Desktop")
            dialog.setCancelButton(None)  # one transaction: stopping it would only make the next start do it again
            dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
            dialog.setMinimumDuration(0)
            dialog.setMinimumWidth(460)
        dialog.setLabelText(
            f"Upgrading the store to this version of Quaero Desktop (it is done once).\n\n{what}"
            + (f": {done:,} of {total:,} documents" if total else "…")
        )
        dialog.setRange(0, total)  # 0 of 0: a busy bar
        dialog.setValue(done)
        dialog.show()

    timer = QTimer(interval=POLL_MS)
    timer.timeout.connect(poll)
    timer.start()
    poll()
    if not opening.done():
        loop.exec()
    timer.stop()
    if dialog is not None:
        dialog.close()
        dialog.deleteLater()
