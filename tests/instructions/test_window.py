"""Catch-up windows: what people type, and where each starts in the asker's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.instructions.window import Window, read_window, window_start

NOW = datetime(2026, 11, 30, 14, 30, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    ("text", "code", "rest"),
    [
        ("since yesterday", "yesterday", ""),
        ("Since Yesterday in 5 bullets", "yesterday", "in 5 bullets"),
        ("last 4 hours", "hours:4", ""),
        ("in the past 2 days, briefly", "hours:48", ", briefly"),
        ("over the last hour", "hours:1", ""),
        ("past week", "hours:168", ""),
        ("last few hrs", "hours:3", ""),
        ("this week", "week", ""),
        ("what happened today", "today", "what happened"),
        ("in 3 bullets", None, "in 3 bullets"),
        ("", None, ""),
    ],
)
def test_windows_are_read_and_removed(text: str, code: str | None, rest: str) -> None:
    window, left = read_window(text)
    assert (window.code if window else None) == code
    assert left == rest


def test_labels_name_the_window() -> None:
    labels = [
        Window(c).label for c in ("hours:1", "hours:4", "hours:48", "yesterday", "today", "week", "default")
    ]
    assert labels == [
        "in the last hour", "in the last 4 hours", "in the last 2 days", "since yesterday", "today",
        "this week", "since your last message",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "offset_hours", "start"),
    [
        ("hours:4", 0, datetime(2026, 11, 30, 10, 30, tzinfo=UTC)),
        ("today", 0, datetime(2026, 11, 30, tzinfo=UTC)),
        ("today", -8, datetime(2026, 11, 30, 8, tzinfo=UTC)),  # 06:30 in California: its midnight
        ("yesterday", 9, datetime(2026, 11, 28, 15, tzinfo=UTC)),  # 23:30 Monday in Tokyo: Sunday 00:00
        ("week", 0, datetime(2026, 11, 30, tzinfo=UTC)),  # Monday
        ("default", 0, datetime(2026, 11, 29, 14, 30, tzinfo=UTC)),  # the 24-hour fallback
    ],
)
def test_window_start_in_the_askers_time_zone(code: str, offset_hours: int, start: datetime) -> None:
    got = window_start(Window(code), now=NOW, tz_offset_seconds=offset_hours * 3600, cap_hours=168)
    assert got == start


def test_window_start_is_capped() -> None:
    got = window_start(Window("hours:720"), now=NOW, tz_offset_seconds=0, cap_hours=48)
    assert got == NOW - timedelta(hours=48)
