"""`/summarize digest …` read, and digest times placed in the schedule's zone (daylight saving included)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.instructions.digest import Schedule, is_digest_request, next_run, read_digest


@pytest.mark.parametrize(
    ("text", "period", "weekday", "hour", "minute"),
    [
        ("digest daily 09:00", "daily", 0, 9, 0),
        ("digest every day at 9am", "daily", 0, 9, 0),
        ("digest daily at 7", "daily", 0, 7, 0),
        ("digest daily 6:45pm", "daily", 0, 18, 45),
        ("digest daily 12am", "daily", 0, 0, 0),
        ("digest daily", "daily", 0, 9, 0),
        ("digest weekly mon 09:00", "weekly", 0, 9, 0),
        ("digest weekly", "weekly", 0, 9, 0),
        ("digest every friday at 17:30", "weekly", 4, 17, 30),
        ("Digest: every Tuesday 8:15pm", "weekly", 1, 20, 15),
        ("digest weekly on sun 8h30", "weekly", 6, 8, 30),
    ],
)
def test_schedules_are_read(text: str, period: str, weekday: int, hour: int, minute: int) -> None:
    ask = read_digest(text)
    assert ask.action == "set" and ask.schedule is not None
    assert (ask.schedule.period, ask.schedule.weekday, ask.schedule.hour, ask.schedule.minute) == (
        period,
        weekday,
        hour,
        minute,
    )


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("digest", "show"),
        ("digest status", "show"),
        ("digest off", "off"),
        ("digest STOP", "off"),
        ("digest cancel", "off"),
        ("digest daily 25:00", "invalid"),
        ("digest daily 13pm", "invalid"),
        ("digest daily 9:75", "invalid"),
        ("digest sometimes", "invalid"),
    ],
)
def test_other_requests(text: str, action: str) -> None:
    ask = read_digest(text)
    assert ask.action == action
    assert bool(ask.problem) == (action == "invalid")


def test_only_requests_that_start_with_digest_are_digest_requests() -> None:
    assert is_digest_request("digest daily") and is_digest_request("  Digest")
    assert not is_digest_request("digests are nice https://example.com")
    assert not is_digest_request("summarize the digest of the week")


def test_the_next_run_is_in_the_schedules_zone_across_daylight_saving() -> None:
    """09:00 in Paris is 08:00 UTC in winter and 07:00 UTC once the clocks go forward (29 March 2026)."""
    paris = Schedule("daily", 9, 0, tz="Europe/Paris")
    assert next_run(paris, after=datetime(2026, 3, 28, 7, 0, tzinfo=UTC)) == datetime(
        2026, 3, 28, 8, 0, tzinfo=UTC
    )
    assert next_run(paris, after=datetime(2026, 3, 28, 8, 0, tzinfo=UTC)) == datetime(
        2026, 3, 29, 7, 0, tzinfo=UTC
    )


def test_a_weekly_run_lands_on_its_day() -> None:
    monday = Schedule("weekly", 9, 0, weekday=0, tz="America/New_York")
    # Monday 30 November 2026, 08:59 in New York: the same morning; a minute past 09:00: next Monday
    assert next_run(monday, after=datetime(2026, 11, 30, 13, 59, tzinfo=UTC)) == datetime(
        2026, 11, 30, 14, 0, tzinfo=UTC
    )
    assert next_run(monday, after=datetime(2026, 11, 30, 14, 1, tzinfo=UTC)) == datetime(
        2026, 12, 7, 14, 0, tzinfo=UTC
    )


def test_an_unknown_zone_falls_back_to_its_offset_and_schedules_round_trip() -> None:
    odd = Schedule("daily", 9, 0, tz="Mars/Olympus", tz_offset=3600)
    assert next_run(odd, after=datetime(2026, 11, 30, 0, 0, tzinfo=UTC)) == datetime(
        2026, 11, 30, 8, 0, tzinfo=UTC
    )
    assert Schedule.from_json(odd.to_json()) == odd
    assert odd.label == "every day at 09:00"
    assert Schedule("weekly", 17, 5, weekday=4).label == "every Friday at 17:05"
