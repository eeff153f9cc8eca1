"""Text for times and durations in the window (local time, short durations)."""

from __future__ import annotations

from datetime import datetime

from quaero_desktop.humanize import crawl_duration_text, duration_text

__all__ = ["crawl_duration_text", "duration_text", "local_time", "wall_time_tooltip"]


def local_time(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M:%S")
    return local.strftime("%Y-%m-%d %H:%M")


def wall_time_tooltip(crawl_s: float | None, wall_s: float | None, *, running: bool) -> str | None:
    """What a job's duration counts: crawling time, and the wall time from its first start."""
    if crawl_s is None or wall_s is None:
        return None
    so_far = " so far" if running else ""
    return (
        f"{duration_text(crawl_s)} of crawling{so_far}; {duration_text(wall_s)} since the first start "
        "(time stopped between runs included)"
    )
