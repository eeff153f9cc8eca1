"""Cron schedules in words and the schedule builder's expressions (issue 22, item 6)."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest
from croniter import croniter

from quaero_desktop.domain.schedule import validate_cron
from quaero_desktop.domain.schedule_words import (
    HOUR_STEPS,
    MINUTE_STEPS,
    ScheduleChoice,
    ScheduleKind,
    schedule_in_words,
)


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("* * * * *", "every minute"),
        ("*/1 * * * *", "every minute"),
        ("*/15 * * * *", "every 15 minutes"),
        ("0 * * * *", "every hour"),
        ("30 * * * *", "every hour at :30"),
        ("0 */6 * * *", "every 6 hours"),
        ("15 */2 * * *", "every 2 hours at :15"),
        ("0 9 * * *", "every day at 09:00"),
        ("0 9 * * 0-6", "every day at 09:00"),
        ("30 18 * * 1-5", "weekdays at 18:30"),
        ("30 18 * * mon-fri", "weekdays at 18:30"),
        ("0 10 * * 0,6", "weekends at 10:00"),
        ("0 10 * * sat,sun", "weekends at 10:00"),
        ("0 7 * * 1", "every Monday at 07:00"),
        ("0 7 * * 7", "every Sunday at 07:00"),
        ("0 7 * * 1,3,5", "Mondays, Wednesdays and Fridays at 07:00"),
        ("0 7 * * 0,1", "Mondays and Sundays at 07:00"),
        ("0 9,18 * * *", "every day at 09:00 and 18:00"),
        ("5 4 1 * *", "monthly on the 1st at 04:05"),
        ("0 3 2,22 * *", "monthly on the 2nd and 22nd at 03:00"),
        ("0 3 11 * *", "monthly on the 11th at 03:00"),
    ],
)
def test_common_schedules_read_as_words(expr: str, words: str) -> None:
    validate_cron(expr)  # every example is an expression Quaero accepts
    assert schedule_in_words(expr) == words


@pytest.mark.parametrize(
    "expr",
    [
        "*/7 * * * *",
        "0 */5 * * *",
        "0 9 * 1 *",
        "0 9 1 * 1",
        "0-30/5 9 * * *",
        "0 9-17 * * *",
        "0 9 L * *",
        "@daily",
        "0 9 * *",
        "0 9 * * 1#2",
    ],
)
def test_what_words_would_not_say_exactly_stays_cron(expr: str) -> None:
    assert schedule_in_words(expr) is None


CHOICES = [
    *(ScheduleChoice(ScheduleKind.EVERY_N_MINUTES, every=n) for n in MINUTE_STEPS),
    *(ScheduleChoice(ScheduleKind.EVERY_N_HOURS, every=n, minute=m) for n, m in itertools.product(HOUR_STEPS, (0, 45))),
    ScheduleChoice(ScheduleKind.DAILY, hour=9, minute=5),
    ScheduleChoice(ScheduleKind.WEEKDAYS, hour=18, minute=30),
    *(ScheduleChoice(ScheduleKind.WEEKLY, hour=7, minute=0, weekday=d) for d in range(7)),
    ScheduleChoice(ScheduleKind.MONTHLY, hour=4, minute=15, day=28),
]


@pytest.mark.parametrize("choice", CHOICES, ids=lambda choice: choice.cron())
def test_the_builders_expressions_are_valid_read_as_words_and_read_back(choice: ScheduleChoice) -> None:
    expr = choice.cron()
    validate_cron(expr)
    assert schedule_in_words(expr) is not None
    assert ScheduleChoice.from_cron(expr) == choice


@pytest.mark.parametrize("choice", CHOICES, ids=lambda choice: choice.cron())
def test_the_words_say_when_cron_fires(choice: ScheduleChoice) -> None:
    """The next fire times croniter gives agree with what the words say (a check on the words, by the
    library the scheduler itself uses)."""
    fires = list(itertools.islice(croniter(choice.cron(), datetime(2026, 3, 1, 0, 0)).all_next(datetime), 40))
    words = schedule_in_words(choice.cron())
    assert words is not None
    if choice.kind in (ScheduleKind.DAILY, ScheduleKind.WEEKDAYS, ScheduleKind.WEEKLY, ScheduleKind.MONTHLY):
        assert words.endswith(f"at {choice.hour:02d}:{choice.minute:02d}")
        assert {(fire.hour, fire.minute) for fire in fires} == {(choice.hour, choice.minute)}
    if choice.kind == ScheduleKind.WEEKDAYS:
        assert {fire.isoweekday() for fire in fires} == {1, 2, 3, 4, 5}
    if choice.kind == ScheduleKind.WEEKLY:
        assert {fire.isoweekday() % 7 for fire in fires} == {choice.weekday}
    if choice.kind == ScheduleKind.MONTHLY:
        assert {fire.day for fire in fires} == {choice.day}
    if choice.kind in (ScheduleKind.EVERY_N_MINUTES, ScheduleKind.EVERY_N_HOURS):
        unit = 60 if choice.kind == ScheduleKind.EVERY_N_MINUTES else 3600
        gaps = {int((later - earlier).total_seconds()) for earlier, later in itertools.pairwise(fires)}
        assert gaps == {choice.every * unit}


def test_builder_kinds_that_the_builder_cannot_show_are_not_claimed() -> None:
    assert ScheduleChoice.from_cron("0 9 * * 1,3") is None  # two weekdays: words, but no builder kind
    assert ScheduleChoice.from_cron("0 9 31 * *") is None  # the 31st: not every month has it
    assert ScheduleChoice.from_cron("0 9,18 * * *") is None
