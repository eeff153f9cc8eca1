"""The window's start on a store written by an older version: a dialog says how far its upgrade is, and
an ordinary start shows none."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from quaero_desktop.gui.store_opening import open_app
from quaero_desktop.store.schema_version import HEAD_REVISION, stored_revision
from tests.test_store_upgrade import make_store_before_0014

pytestmark = pytest.mark.gui


def _watch_dialogs(seen: list[str]) -> QTimer:
    """Records the text of every progress dialog shown while the store opens (a timer on the GUI thread:
    it runs inside the opening's own event loop)."""
    timer = QTimer(interval=5)

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.isVisible() and widget.labelText() not in seen:
                seen.append(widget.labelText())

    timer.timeout.connect(look)
    timer.start()
    return timer


def test_an_upgrade_at_start_shows_how_far_it_is(qapp, tmp_path: Path) -> None:
    make_store_before_0014(tmp_path, documents=20_000)
    seen: list[str] = []
    timer = _watch_dialogs(seen)
    app = open_app(tmp_path, quiet_wait_s=0.0)
    timer.stop()
    try:
        assert stored_revision(app.database) == HEAD_REVISION
    finally:
        app.close()
    assert seen, "no dialog while the store was upgraded"
    assert all(text.startswith("Upgrading the store to this version of Quaero Desktop") for text in seen)
    assert any(
        "Measuring how much of each document is links:" in text and "of 20,000 documents" in text for text in seen
    )
    assert not any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


def test_an_ordinary_start_shows_no_dialog(qapp, tmp_path: Path) -> None:
    open_app(tmp_path).close()  # creates the store
    seen: list[str] = []
    timer = _watch_dialogs(seen)
    app = open_app(tmp_path, quiet_wait_s=0.0)
    timer.stop()
    app.close()
    assert seen == []
