"""Pages per second and the time a running crawl has left, from its progress over the last seconds.

The rate is measured over a sliding window (pages finished in the last ``window_s`` seconds), so
it follows a crawl that speeds up or slows down; the estimate divides the pages still known to be
waiting by it. A crawl keeps finding pages, so the estimate can grow: it is "about", never a promise.
"""

from __future__ import annotations

from collections import deque

from quaero_desktop.domain.job import Progress
from quaero_desktop.humanize import duration_text

WINDOW_S = 15.0
MIN_SPAN_S = 2.0  # below this much history (or fewer than 2 pages) no rate is shown yet


class RateMeter:
    """Feed it a crawl's progress with the (monotonic) time; ask it for the rate and what is left."""

    def __init__(self, window_s: float = WINDOW_S) -> None:
        self._window_s = window_s
        self._samples: deque[tuple[float, int]] = deque()  # (time, pages finished)
        self._last: Progress | None = None

    def add(self, progress: Progress, now: float) -> None:
        finished = progress.completed + progress.failed
        if self._samples and finished < self._samples[-1][1]:
            self._samples.clear()  # pages went back to pending (a resume): start measuring again
        self._samples.append((now, finished))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self._window_s:
            self._samples.popleft()
        self._last = progress

    def pages_per_second(self, now: float) -> float | None:
        if len(self._samples) < 2:
            return None
        (first_t, first_n), (_last_t, last_n) = self._samples[0], self._samples[-1]
        span = now - first_t
        if span < MIN_SPAN_S or last_n - first_n < 2:
            return None
        return (last_n - first_n) / span

    def seconds_left(self, now: float) -> float | None:
        rate = self.pages_per_second(now)
        if rate is None or self._last is None or rate <= 0:
            return None
        return (self._last.pending + self._last.running) / rate

    def text(self, now: float) -> str:
        """ "6.2 pages/s, about 1m10s left"; "" until there is enough to measure."""
        rate = self.pages_per_second(now)
        if rate is None:
            return ""
        left = self.seconds_left(now)
        shown = f"{rate:.1f}" if rate < 10 else f"{rate:.0f}"
        return f"{shown} pages/s" + (f", about {duration_text(left)} left" if left else "")
