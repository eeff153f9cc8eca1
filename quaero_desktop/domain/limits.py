"""Every bound of a number a user sets, written once: the definition's checks, the app's settings and
the widgets that edit them (spin box ranges, tooltips) all read it from here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Limit:
    """A value from ``low`` to ``high`` inclusive, in ``unit`` ("" for a count)."""

    name: str
    low: int
    high: int
    unit: str = ""
    what: str = "a whole number"  # what the value is, as the message says it

    def __contains__(self, value: float) -> bool:
        return self.low <= value <= self.high

    @property
    def expected(self) -> str:
        """What a value out of bounds is told, such as "a whole number from 1 to 32"."""
        return f"{self.what} from {self.low} to {self.high}"

    @property
    def range_text(self) -> str:
        """The bounds as a tooltip shows them, such as "1–32" or "1–600 s"."""
        return f"{self.low}–{self.high}" + (f" {self.unit}" if self.unit else "")


# A definition's fields (settings' default_concurrency is the default of CONCURRENCY).
MAX_DEPTH: Final = Limit("max_depth", 0, 100)
MAX_PAGES: Final = Limit("max_pages", 1, 1_000_000)
CONCURRENCY: Final = Limit("concurrency", 1, 32)
REQUEST_DELAY: Final = Limit("request_delay", 0, 600, "s", "a duration")  # written "10m" in its message
USER_AGENT_LENGTH: Final = Limit("user_agent", 0, 512, "characters")
# The app's settings.
PAGE_TIMEOUT: Final = Limit("page_timeout_s", 1, 600, "s", "a number of seconds")
KEEP_RUNS: Final = Limit("keep_runs_per_definition", 0, 100_000, what="a whole number (0: keep every run)")
