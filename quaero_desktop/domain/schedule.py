"""Cron schedules for job definitions: 5 fields (minute hour day month weekday); "" = manual."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# croniter (and dateutil with it) is imported where an expression is read: most commands never read one,
# and it costs them ~15 ms of their start (docs/architecture.md, "Start-up").

CRON_EXPECTED = 'a 5-field cron expression such as "0 3 * * *" (minute hour day month weekday)'
_FIELD_NAMES = ("minute", "hour", "day", "month", "weekday")
_PROBE_START = datetime(2000, 1, 1)


@dataclass(frozen=True)
class SlotRecord:
    """What the scheduler remembers per scheduled definition: the last fire time ("slot") it
    handled and the expression that slot belonged to (engine/schedule_policy.py)."""

    schedule: str
    last_slot: datetime  # aware


def validate_cron(expr: str) -> None:
    """Raise ValueError unless ``expr`` is a 5-field cron expression that fires on some date.

    "" is refused here: callers treat an empty schedule as "manual" before asking.
    The message says what is expected and, where it can, which field is wrong.
    """
    from croniter import CroniterBadDateError, croniter

    fields = expr.split()
    if len(fields) != len(_FIELD_NAMES):
        raise ValueError(f"{CRON_EXPECTED}; found {len(fields)} field(s)")
    if not croniter.is_valid(expr):
        raise ValueError(f"{CRON_EXPECTED}; {_which_field_is_wrong(fields)}")
    try:
        croniter(expr, _PROBE_START).get_next(datetime)
    except CroniterBadDateError:
        raise ValueError(f"{CRON_EXPECTED} on a date that exists; this one never fires") from None


def _which_field_is_wrong(fields: list[str]) -> str:
    """Name the first field that is invalid on its own (the others replaced by "*")."""
    from croniter import croniter

    for index, name in enumerate(_FIELD_NAMES):
        alone = " ".join(field if i == index else "*" for i, field in enumerate(fields))
        if not croniter.is_valid(alone):
            return f'the {name} field "{fields[index]}" is out of range or not understood'
    return "its fields do not combine into a valid expression"


def next_run(expr: str, after: datetime) -> datetime | None:
    """The first fire time strictly after ``after``, or None for a manual ("") schedule.

    The expression is read in ``after``'s time zone and the result keeps that zone.
    A naive ``after`` means local wall-clock time; the result is then aware, in local
    time with the offset that applies on that date (so "0 3 * * *" stays 03:00 across DST).
    Raises ValueError for an invalid expression.
    """
    if expr == "":
        return None
    validate_cron(expr)
    from croniter import croniter

    fire_time: datetime = croniter(expr, after).get_next(datetime)
    return fire_time if after.tzinfo is not None else fire_time.astimezone()


def previous_run(expr: str, at_or_before: datetime) -> datetime | None:
    """The last fire time at or before ``at_or_before`` (same time-zone rules as ``next_run``)."""
    if expr == "":
        return None
    validate_cron(expr)
    from croniter import croniter

    fire_time: datetime = croniter(expr, at_or_before + timedelta(seconds=1)).get_prev(datetime)
    return fire_time if at_or_before.tzinfo is not None else fire_time.astimezone()


def describe_schedule(expr: str) -> str:
    """A short human label: "manual" for "", the schedule in words where they say it exactly ("weekdays at
    18:30", domain/schedule_words.py), else the expression itself."""
    from quaero_desktop.domain.schedule_words import schedule_in_words

    expr = expr.strip()
    if not expr:
        return "manual"
    return schedule_in_words(expr) or expr
