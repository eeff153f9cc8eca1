"""How the desktop program keeps Python's cyclic garbage collector off the window's way.

A full pass of the collector (generation 2) walks every container object the process tracks and holds
the GIL meanwhile, so it stops the GUI thread too, whichever thread it runs on. With a crawl running in
the process it took 100-260 ms (``benchmarks/job_detail_open.py``), and it lands where many objects are
made: a Job detail window's 10,000 rows made 14 of the ~100 young passes that lead to a full one, and
the slowest opens of the window were those a full pass fell into.

* ``freeze_start_up``: the ~145,000 objects alive once the program has started (modules, classes,
  functions, the window's wrappers) live as long as the program; frozen, full passes no longer walk
  them (crawl running: 20-70 ms instead of 100-260).
* ``collector_paused``: around a bulk of objects that all stay alive (a table's rows), no pass: the
  rows cost one young pass afterwards instead of one per 700.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager


def freeze_start_up() -> None:
    """Move every object alive now out of the collector's reach for good (``gc.freeze``).

    No ``gc.collect()`` first: after start-up it found ~100 unreachable objects (a few KB left
    uncollected) and cost ~70 ms of CPU at start. Objects made later are collected as before."""
    gc.freeze()


class _Pauses:
    """Nested or concurrent pauses (worker threads) share one: the collector runs again after the last,
    and only if it ran before the first (a caller that disabled it keeps it disabled)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._was_enabled = False

    @contextmanager
    def paused(self) -> Iterator[None]:
        with self._lock:
            if self._count == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._count += 1
        try:
            yield
        finally:
            with self._lock:
                self._count -= 1
                if self._count == 0 and self._was_enabled:
                    gc.enable()


_pauses = _Pauses()


def collector_paused() -> AbstractContextManager[None]:
    """No automatic collection while the block runs (keep it short: a few ms; objects every thread
    makes meanwhile wait for the next pass)."""
    return _pauses.paused()
