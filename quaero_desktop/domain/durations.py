"""Go-style duration strings ("30m", "1h30m", "45s", "1500ms", "1.5h") <-> timedelta."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

DURATION_EXPECTED = 'a duration such as "30m", "1h30m" or "45s" (units h, m, s, ms)'

_MICROSECONDS_PER_UNIT = {
    "h": Decimal(3_600_000_000),
    "m": Decimal(60_000_000),
    "s": Decimal(1_000_000),
    "ms": Decimal(1_000),
}
# "ms" must come before "m" so that "1500ms" is not read as 1500 minutes followed by "s".
_PART = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ms|h|m|s)")
_WHOLE = re.compile(rf"(?:{_PART.pattern})+")


def parse_duration(text: str) -> timedelta:
    """Parse a Go-style duration: one or more number+unit parts, no sign, no inner spaces.

    Units may appear in any order and repeat, as in Go ("1m30s", "30s1m").
    Raises ValueError whose message says what is expected.
    """
    stripped = text.strip()
    if not _WHOLE.fullmatch(stripped):
        raise ValueError(DURATION_EXPECTED)
    microseconds = sum(
        (Decimal(number) * _MICROSECONDS_PER_UNIT[unit] for number, unit in _PART.findall(stripped)),
        Decimal(0),
    )
    try:
        return timedelta(microseconds=int(microseconds.to_integral_value()))
    except OverflowError:
        raise ValueError(f"{DURATION_EXPECTED}, at most 999999999 days") from None


def format_duration(duration: timedelta) -> str:
    """Canonical compact form: "1h30m", "45s", "1.5s", "0s"; parse_duration reads it back exactly."""
    if duration < timedelta(0):
        raise ValueError("negative durations cannot be written as a duration string")
    whole_seconds = duration.days * 86_400 + duration.seconds
    hours, rest = divmod(whole_seconds, 3_600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if seconds or duration.microseconds:
        fraction = f"{duration.microseconds:06d}".rstrip("0")
        parts.append(f"{seconds}.{fraction}s" if fraction else f"{seconds}s")
    return "".join(parts) or "0s"
