"""How far an upgrade of the store has got, on stderr: a store written by an older version can take
minutes to upgrade (a migration that reads every document), and a command that printed nothing for that
long looked hung. Live on a terminal; a line per phase and every few seconds when piped (stdout stays
the command's own: JSON, the MCP protocol)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class UpgradeProgress:
    """A ``MigrationProgress``: call it with (what, done, total); then ``finish`` (done) or ``abandon`` (failed)."""

    def __init__(self, stream: TextIO | None = None, *, interval_s: float = 5.0) -> None:
        self._stream = stream or sys.stderr
        self._live = self._stream.isatty()
        self._interval_s = interval_s
        self._what = ""
        self._last = 0.0
        self._pending_newline = False

    def __call__(self, what: str, done: int, total: int) -> None:
        now = time.monotonic()
        new_phase = what != self._what
        if not self._what:
            self._write_line("Upgrading the store to this version of Quaero Desktop (it is done once)…")
        self._what = what
        text = f"{what}: {done:,} of {total:,} documents" if total else f"{what}…"
        if self._live:
            if new_phase or done == total or now - self._last >= 0.1:
                if new_phase and self._pending_newline:
                    self._stream.write("\n")
                self._stream.write(f"\r{text}\x1b[K")
                self._stream.flush()
                self._pending_newline = True
                self._last = now
        elif new_phase or done == total or now - self._last >= self._interval_s:
            self._write_line(text)
            self._last = now

    def finish(self) -> None:
        """After the upgrade (or without one: then nothing is written)."""
        if self._pending_newline:
            self._stream.write("\n")
            self._stream.flush()
            self._pending_newline = False
        if self._what:
            self._write_line("The store is up to date.")
            self._what = ""

    def abandon(self) -> None:
        """The upgrade failed (its transaction rolled back: the store is as it was); the error follows."""
        if self._pending_newline:
            self._stream.write("\n")
            self._stream.flush()
            self._pending_newline = False
        self._what = ""

    def _write_line(self, text: str) -> None:
        if self._pending_newline:
            self._stream.write("\n")
            self._pending_newline = False
        self._stream.write(text + "\n")
        self._stream.flush()
