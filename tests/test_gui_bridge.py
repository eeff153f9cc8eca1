"""The engine-to-window bridge (gui/bridge.py): what it hands the window, and nothing once closed."""

from __future__ import annotations

import pytest

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.engine.events import EventBus, JobStatusChanged
from quaero_desktop.gui.bridge import EngineBridge

pytestmark = pytest.mark.gui


def test_a_closed_bridge_hands_the_window_nothing_it_had_buffered(qtbot):
    events = EventBus()
    open_bridge, closed_bridge = EngineBridge(events, interval_ms=20), EngineBridge(events, interval_ms=20)
    seen: dict[str, list[str]] = {"open": [], "closed": []}
    open_bridge.jobStatusChanged.connect(lambda event: seen["open"].append(event.job_id))
    closed_bridge.jobStatusChanged.connect(lambda event: seen["closed"].append(event.job_id))
    events.publish(JobStatusChanged("job-1", JobStatus.COMPLETED))  # both flushes are pending now
    closed_bridge.close()  # the program closes while its flush waits (its panels have no loop left)
    events.publish(JobStatusChanged("job-2", JobStatus.COMPLETED))
    qtbot.waitUntil(lambda: seen["open"] == ["job-1", "job-2"], timeout=2000)
    qtbot.wait(100)
    assert seen["closed"] == []
    open_bridge.close()
