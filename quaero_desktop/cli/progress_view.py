"""Crawl progress on stderr: a live bar on a terminal, periodic lines otherwise."""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

from quaero_desktop.domain.crawl_rate import RateMeter
from quaero_desktop.domain.job import Progress

STARTING_BROWSER_TEXT = "starting browser…"

_BAR_WIDTH = 24


class ProgressView:
    def __init__(self, stream: TextIO | None = None, *, interval_s: float = 2.0) -> None:
        self._stream = stream or sys.stderr
        self._live = self._stream.isatty()
        self._interval_s = interval_s
        self._started = time.monotonic()
        self._last_line = 0.0
        self._bar_shown = False
        self._last: Progress | None = None
        self._rate = RateMeter()

    def starting_browser(self) -> None:
        """The browser is starting (seconds, the first time): said rather than a frozen "0 pending"."""
        self.message(STARTING_BROWSER_TEXT)

    def update(self, progress: Progress) -> None:
        self._last = progress
        now = time.monotonic()
        self._rate.add(progress, now)
        if self._live:
            if now - self._last_line >= 0.1:
                self._draw_bar(progress)
                self._last_line = now
        elif now - self._last_line >= self._interval_s:
            self._stream.write(self._summary(progress) + "\n")
            self._stream.flush()
            self._last_line = now

    def message(self, text: str) -> None:
        """A line printed above the bar (warnings, status changes)."""
        self._clear_bar()
        self._stream.write(text + "\n")
        self._stream.flush()
        if self._live and self._last is not None:
            self._draw_bar(self._last)

    def finish(self) -> None:
        if self._last is not None:
            self._clear_bar()
            self._stream.write(self._summary(self._last, final=True) + "\n")
            self._stream.flush()

    def _summary(self, progress: Progress, *, final: bool = False) -> str:
        now = time.monotonic()
        elapsed = now - self._started
        empty = f", {progress.rendered_empty} rendered empty" if progress.rendered_empty else ""
        if progress.rendered_incomplete:
            empty += f", {progress.rendered_incomplete} rendered incomplete"
        rate = "" if final else self._rate.text(now)
        changes = f" ({progress.changes_text})" if progress.changes_text else ""
        return f"{progress.text}; {progress.documents} documents{empty}{changes} ({elapsed:.0f}s" + (
            f"; {rate})" if rate else ")"
        )

    def _draw_bar(self, progress: Progress) -> None:
        filled = int(_BAR_WIDTH * progress.fraction)
        bar = "█" * filled + "░" * (_BAR_WIDTH - filled)
        text = f"[{bar}] {progress.finished}/{progress.total} pages · {self._summary(progress)}"
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self._stream.write("\r" + text[:width].ljust(width))
        self._stream.flush()
        self._bar_shown = True

    def _clear_bar(self) -> None:
        if self._bar_shown:
            width = shutil.get_terminal_size((100, 20)).columns - 1
            self._stream.write("\r" + " " * width + "\r")
            self._bar_shown = False
