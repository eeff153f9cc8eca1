"""Text for times and durations in the window (local time, short durations)."""

from __future__ import annotations

from datetime import datetime

from quaero_desktop.humanize import duration_text

__all__ = ["duration_text", "local_time"]


def local_time(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M:%S")
    return local.strftime("%Y-%m-%d %H:%M")
