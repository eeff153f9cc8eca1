"""Cron schedules in words ("every day at 09:00", "weekdays at 18:30", "every 6 hours"), and the
expressions of the schedule builder's common kinds. Pure string work on the 5 fields: an expression
that says something these words cannot is shown as itself (the caller labels it "cron: …")."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

_DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_DAY_ABBREVIATIONS = {name[:3].lower(): number for number, name in enumerate(_DAY_NAMES)}
_NUMBER = re.compile(r"\d{1,2}")
_STEP = re.compile(r"\*/(\d{1,2})")
# Steps that divide the hour or the day: cron's "*/7" starts again at each hour (…:49, :56, :00), so
# "every 7 minutes" would not be true; those stay cron.
MINUTE_STEPS = (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30)
HOUR_STEPS = (1, 2, 3, 4, 6, 8, 12)


def schedule_in_words(expr: str) -> str | None:
    """``expr`` in words, or None when it says something these words do not (or is not 5 fields)."""
    fields = expr.split()
    if len(fields) != 5:
        return None
    minute, hour, day, month, weekday = fields
    if month != "*":
        return None
    minutes_only = _minutes(minute, hour, day, weekday)
    if minutes_only is not None:
        return minutes_only
    minute_value = _number(minute, 59)
    if minute_value is None:
        return None
    hours_step = _STEP.fullmatch(hour)
    if hours_step and day == "*" and weekday == "*":
        step = int(hours_step.group(1))
        if step not in HOUR_STEPS:
            return None
        every = "every hour" if step == 1 else f"every {step} hours"
        return every if minute_value == 0 else f"{every} at :{minute_value:02d}"
    hours = _numbers(hour, 23)
    if hours is None:
        return None
    times = _and([f"{h:02d}:{minute_value:02d}" for h in hours])
    days = _weekdays(weekday)
    if days is None:
        return None
    if day == "*":
        return f"{days} at {times}"
    if weekday != "*":
        return None  # cron's "day of month OR weekday" says more than words here would
    month_days = _numbers(day, 31, low=1)
    if month_days is None:
        return None
    return f"monthly on the {_and([_ordinal(d) for d in month_days])} at {times}"


def _minutes(minute: str, hour: str, day: str, weekday: str) -> str | None:
    """Schedules of every minute or every N minutes, every hour at :MM."""
    if day != "*" or weekday != "*":
        return None
    if hour == "*":
        if minute == "*":
            return "every minute"
        step = _STEP.fullmatch(minute)
        if step and int(step.group(1)) in MINUTE_STEPS:
            return "every minute" if int(step.group(1)) == 1 else f"every {int(step.group(1))} minutes"
        value = _number(minute, 59)
        if value is not None:
            return "every hour" if value == 0 else f"every hour at :{value:02d}"
    return None


def _weekdays(weekday: str) -> str | None:
    if weekday in ("*", "0-6", "1-7"):
        return "every day"
    days = _day_numbers(weekday)
    if days is None:
        return None
    if days == {1, 2, 3, 4, 5}:
        return "weekdays"
    if days == {0, 6}:
        return "weekends"
    names = [_DAY_NAMES[d] for d in sorted(days, key=lambda d: (d == 0, d))]  # Monday first, Sunday last
    return f"every {names[0]}" if len(names) == 1 else _and([f"{name}s" for name in names])


def _day_numbers(weekday: str) -> set[int] | None:
    """The days a weekday field names (0 and 7: Sunday), or None if it is not a plain list or range."""
    days: set[int] = set()
    for part in weekday.lower().split(","):
        ends = part.split("-")
        if len(ends) > 2:
            return None
        numbers = [_day_number(end) for end in ends]
        if any(number is None for number in numbers):
            return None
        first, last = numbers[0], numbers[-1]
        assert first is not None and last is not None
        if last < first:
            return None
        days.update(day % 7 for day in range(first, last + 1))
    return days


def _day_number(text: str) -> int | None:
    if text in _DAY_ABBREVIATIONS:
        return _DAY_ABBREVIATIONS[text]
    return int(text) if _NUMBER.fullmatch(text) and int(text) <= 7 else None


def _number(text: str, high: int, low: int = 0) -> int | None:
    return int(text) if _NUMBER.fullmatch(text) and low <= int(text) <= high else None


def _numbers(text: str, high: int, low: int = 0) -> list[int] | None:
    values = [_number(part, high, low) for part in text.split(",")]
    if any(value is None for value in values) or len(values) > 4:
        return None
    return sorted({value for value in values if value is not None})


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


class ScheduleKind(enum.StrEnum):
    """The schedule builder's kinds: what most schedules are."""

    EVERY_N_MINUTES = "every N minutes"
    EVERY_N_HOURS = "every N hours"
    DAILY = "every day at"
    WEEKDAYS = "weekdays at"
    WEEKLY = "every week on"
    MONTHLY = "every month on day"


@dataclass(frozen=True)
class ScheduleChoice:
    """What the builder's fields say; ``cron`` writes it as an expression."""

    kind: ScheduleKind
    every: int = 1  # minutes or hours, for the EVERY_N kinds
    hour: int = 9
    minute: int = 0
    weekday: int = 1  # 0 Sunday ... 6 Saturday, for WEEKLY
    day: int = 1  # of the month, for MONTHLY (1-28: every month has it)

    @classmethod
    def from_cron(cls, expr: str) -> ScheduleChoice | None:
        """The builder's fields for ``expr``, when it is one of the builder's kinds (else None: it stays cron)."""
        fields = expr.split()
        if len(fields) != 5 or fields[3] != "*":
            return None
        minute, hour, day, _month, weekday = fields
        if hour == "*" and day == "*" and weekday == "*":
            step = _STEP.fullmatch(minute)
            if minute == "*" or (step and int(step.group(1)) in MINUTE_STEPS):
                return cls(ScheduleKind.EVERY_N_MINUTES, every=int(step.group(1)) if step else 1)
            at_minute = _number(minute, 59)
            return None if at_minute is None else cls(ScheduleKind.EVERY_N_HOURS, every=1, minute=at_minute)
        at_minute = _number(minute, 59)
        if at_minute is None:
            return None
        hours_step = _STEP.fullmatch(hour)
        if hours_step and day == "*" and weekday == "*" and int(hours_step.group(1)) in HOUR_STEPS:
            return cls(ScheduleKind.EVERY_N_HOURS, every=int(hours_step.group(1)), minute=at_minute)
        at_hour = _number(hour, 23)
        if at_hour is None:
            return None
        if day == "*":
            days = _day_numbers(weekday) if weekday != "*" else set(range(7))
            if days == set(range(7)):
                return cls(ScheduleKind.DAILY, hour=at_hour, minute=at_minute)
            if days == {1, 2, 3, 4, 5}:
                return cls(ScheduleKind.WEEKDAYS, hour=at_hour, minute=at_minute)
            if days is not None and len(days) == 1:
                return cls(ScheduleKind.WEEKLY, hour=at_hour, minute=at_minute, weekday=days.pop())
            return None
        month_day = _number(day, 28, low=1)
        if weekday != "*" or month_day is None:
            return None
        return cls(ScheduleKind.MONTHLY, hour=at_hour, minute=at_minute, day=month_day)

    def cron(self) -> str:
        at = f"{self.minute} {self.hour}"
        match self.kind:
            case ScheduleKind.EVERY_N_MINUTES:
                return "* * * * *" if self.every == 1 else f"*/{self.every} * * * *"
            case ScheduleKind.EVERY_N_HOURS:
                return f"{self.minute} * * * *" if self.every == 1 else f"{self.minute} */{self.every} * * *"
            case ScheduleKind.DAILY:
                return f"{at} * * *"
            case ScheduleKind.WEEKDAYS:
                return f"{at} * * 1-5"
            case ScheduleKind.WEEKLY:
                return f"{at} * * {self.weekday}"
            case ScheduleKind.MONTHLY:
                return f"{at} {self.day} * *"
