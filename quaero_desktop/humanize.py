"""Short human text for numbers shown by both the command line and the window."""

from __future__ import annotations


def duration_text(seconds: float | None) -> str:
    """Like "42s", "3m05s" or "1h02m"; "" when unknown."""
    if seconds is None:
        return ""
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"
