"""The crawl gives way to the window for the moment a user waits on it (issue 20, item 5).

The engine's threads (its event loop and its database thread) share the interpreter's lock with the
window. A crawl at full speed wants most of it (~15 ms of Python per page at 50+ pages a second),
so the window's work, when a user opens a job's window, took about twice its own time: each of its
steps waited for a crawl thread's turn (a switch interval, 5 ms) between two of its own. CPython
has no priority between threads; this is one the program keeps itself: while a front end holds
the way, each engine thread, at its next step, waits without the lock until the holds are released
or their time is up. A hold is short and bounded (``seconds``): the crawl loses at most that long,
and nothing it does times out meanwhile (its timeouts are seconds long).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

# Runs a callable on one of the engine's threads at its next step (the loop's call_soon_threadsafe,
# the database thread's queue); raises RuntimeError once that thread has stopped.
StepScheduler = Callable[[Callable[[], None]], object]


class GiveWay:
    """Holds from front ends, and the engine threads that wait while there are any."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._holds = 0
        self._until = 0.0  # time.monotonic() at which the longest hold ends by itself
        self._threads: list[StepScheduler] = []

    def add_thread(self, schedule: StepScheduler) -> None:
        """An engine thread that waits at its next step whenever a hold begins."""
        with self._changed:
            self._threads.append(schedule)

    def hold(self, seconds: float) -> Callable[[], None]:
        """Have the engine's threads wait from their next step until released or for ``seconds`` at
        most; returns the release (calling it again does nothing)."""
        with self._changed:
            self._holds += 1
            self._until = max(self._until, time.monotonic() + seconds)
            threads = list(self._threads)
        for schedule in threads:
            with contextlib.suppress(RuntimeError):  # that thread has stopped: nothing of it to hold
                schedule(self.wait)
        released = False

        def release() -> None:
            nonlocal released
            with self._changed:
                if released:
                    return
                released = True
                self._holds -= 1
                self._changed.notify_all()

        return release

    @property
    def held(self) -> bool:
        with self._changed:
            return self._holds > 0 and time.monotonic() < self._until

    def wait(self) -> None:
        """On an engine thread: wait, without the interpreter's lock, while a hold lasts."""
        with self._changed:
            while self._holds > 0 and (left := self._until - time.monotonic()) > 0:
                self._changed.wait(left)
