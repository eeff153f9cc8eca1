"""Go-style durations and 5-field cron schedules (quaero_desktop.domain.durations / .schedule)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from quaero_desktop.domain.durations import format_duration, parse_duration
from quaero_desktop.domain.schedule import describe_schedule, next_run, validate_cron
from quaero_desktop.humanize import crawl_duration_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("45s", timedelta(seconds=45)),
        ("2h", timedelta(hours=2)),
        ("1h30m15s", timedelta(hours=1, minutes=30, seconds=15)),
        ("1500ms", timedelta(milliseconds=1500)),
        ("1.5h", timedelta(minutes=90)),
        (".5s", timedelta(milliseconds=500)),
        ("0s", timedelta(0)),
        ("  30m\n", timedelta(minutes=30)),
        ("30s1m", timedelta(seconds=90)),
        ("0.000001s", timedelta(microseconds=1)),
    ],
)
def test_parse_duration_accepts_go_style(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", "30", "-5m", "+5m", "1h 30m", "1d", "5M", "h", "1.5.5h", "1us", "٣s", "1e3s", "5 m"]
)
def test_parse_duration_refuses_with_expected_format(text: str) -> None:
    with pytest.raises(ValueError, match=r'a duration such as "30m", "1h30m" or "45s"'):
        parse_duration(text)


def test_parse_duration_refuses_a_duration_too_large_for_timedelta() -> None:
    with pytest.raises(ValueError, match="at most 999999999 days"):
        parse_duration("99999999999999h")


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(0), "0s"),
        (timedelta(seconds=45), "45s"),
        (timedelta(minutes=30), "30m"),
        (timedelta(hours=1, minutes=30), "1h30m"),
        (timedelta(hours=1, seconds=5), "1h5s"),
        (timedelta(days=2), "48h"),
        (timedelta(milliseconds=1500), "1.5s"),
        (timedelta(milliseconds=250), "0.25s"),
    ],
)
def test_format_duration_gives_compact_form(duration: timedelta, text: str) -> None:
    assert format_duration(duration) == text


@pytest.mark.parametrize("seconds", [0, 1, 59, 60, 61, 3599, 3600, 3661, 86_399, 86_400, 90_061, 10**7])
def test_format_duration_round_trips_whole_seconds(seconds: int) -> None:
    duration = timedelta(seconds=seconds)
    assert parse_duration(format_duration(duration)) == duration


def test_format_duration_round_trips_fractions_exactly() -> None:
    duration = timedelta(hours=3, microseconds=123_456)
    assert parse_duration(format_duration(duration)) == duration


def test_format_duration_refuses_negative() -> None:
    with pytest.raises(ValueError):
        format_duration(timedelta(seconds=-1))


@pytest.mark.parametrize("expr", ["0 3 * * *", "*/15 * * * *", "0 9-17 * * mon-fri", "0 0 29 2 *", "0 0 L * *"])
def test_validate_cron_accepts_five_field_expressions(expr: str) -> None:
    validate_cron(expr)


@pytest.mark.parametrize(
    ("expr", "detail"),
    [
        ("", "found 0 field(s)"),
        ("@daily", "found 1 field(s)"),
        ("0 3 * *", "found 4 field(s)"),
        ("0 0 3 * * *", "found 6 field(s)"),
        ("60 * * * *", 'the minute field "60"'),
        ("0 24 * * *", 'the hour field "24"'),
        ("0 3 * 13 *", 'the month field "13"'),
        ("0 3 * * funday", 'the weekday field "funday"'),
        ("0 0 30 2 *", "never fires"),
    ],
)
def test_validate_cron_refuses_with_expected_format(expr: str, detail: str) -> None:
    with pytest.raises(ValueError) as caught:
        validate_cron(expr)
    message = str(caught.value)
    assert message.startswith('a 5-field cron expression such as "0 3 * * *" (minute hour day month weekday)')
    assert detail in message


def test_next_run_is_none_for_manual_schedule() -> None:
    assert next_run("", datetime(2024, 1, 1, tzinfo=UTC)) is None


def test_next_run_is_strictly_after_and_keeps_the_time_zone() -> None:
    after = datetime(2024, 1, 1, 3, 0, tzinfo=UTC)
    assert next_run("0 3 * * *", after) == datetime(2024, 1, 2, 3, 0, tzinfo=UTC)
    assert next_run("0 3 * * *", after - timedelta(microseconds=1)) == after
    assert next_run("0 3 * * *", after).tzinfo is UTC


def test_next_run_follows_daylight_saving_in_a_named_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    fire = next_run("0 3 * * *", datetime(2024, 3, 30, 12, 0, tzinfo=berlin))
    assert fire == datetime(2024, 3, 31, 3, 0, tzinfo=berlin)
    assert fire is not None and fire.utcoffset() == timedelta(hours=2)


def test_next_run_reads_naive_time_as_local_and_returns_aware() -> None:
    fire = next_run("30 4 * * *", datetime(2024, 6, 1, 12, 0))
    assert fire is not None and fire.tzinfo is not None
    assert fire == datetime(2024, 6, 2, 4, 30).astimezone()


def test_next_run_refuses_an_invalid_expression() -> None:
    with pytest.raises(ValueError):
        next_run("61 * * * *", datetime(2024, 1, 1, tzinfo=UTC))


def test_describe_schedule() -> None:
    assert describe_schedule("") == "manual"
    assert describe_schedule("0 3 * * *") == "every day at 03:00"
    assert describe_schedule("0 3 * 2 *") == "0 3 * 2 *"  # what words do not say exactly stays cron


@pytest.mark.parametrize(
    ("crawl_s", "wall_s", "text"),
    [
        (None, None, ""),  # not started
        (125, 127, "2m05s"),  # a crawl in one go: its wall time adds only the browser's start
        (125, 125 + 59, "2m05s"),
        (125, 3 * 3600 + 120, "2m05s (wall 3h02m)"),  # resumed the next morning
    ],
)
def test_crawl_duration_shows_the_wall_time_where_stops_made_it_longer(crawl_s, wall_s, text) -> None:
    assert crawl_duration_text(crawl_s, wall_s) == text
