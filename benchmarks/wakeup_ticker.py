"""A thread that stands in for the window's: it sleeps 5 ms at a time, as the window's thread waits for its
next event, and notes how late it wakes (the time it waits for the GIL, and for a core on a loaded
machine, after each sleep). Shared by benchmarks/real_docs_auto.py and benchmarks/conversion_gil.py."""

from __future__ import annotations

import threading
import time


class Ticker:
    PERIOD = 0.005

    def __init__(self) -> None:
        self.late: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            began = time.perf_counter()
            time.sleep(self.PERIOD)
            self.late.append(time.perf_counter() - began - self.PERIOD)

    def stop(self) -> dict[str, float]:
        """The wake-up delays in ms: median, 99th percentile, worst, and the seconds lost to those over 10 ms."""
        self._stop.set()
        self._thread.join()
        late = sorted(self.late) or [0.0]
        return {
            "p50": 1000 * late[len(late) // 2],
            "p99": 1000 * late[min(len(late) - 1, int(len(late) * 0.99))],
            "max": 1000 * late[-1],
            "over_10ms_s": sum(x for x in late if x > 0.010),
        }
