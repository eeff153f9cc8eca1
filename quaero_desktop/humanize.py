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


WALL_TIME_WORTH_SHOWING_S = 60  # wall time this much longer than crawling time is shown beside it


def crawl_duration_text(crawl_s: float | None, wall_s: float | None) -> str:
    """A job's crawling time, with its wall time beside it when stops made that much longer:
    "2m05s", or "2m05s (wall 3h02m)" for a crawl resumed the next morning; "" before it started."""
    if crawl_s is None:
        return ""
    text = duration_text(crawl_s)
    if wall_s is not None and wall_s - crawl_s >= WALL_TIME_WORTH_SHOWING_S:
        text += f" (wall {duration_text(wall_s)})"
    return text


def count_noun(count: int, singular: str, plural: str | None = None) -> str:
    """ "1 cookie", "0 cookies", "1,250 cookies": the number with its noun in the right number."""
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"
