"""The time window of a catch-up ("since yesterday", "last 4 hours", "this week", "today"), read from
what a person typed, and where it starts for them. Pure.

A window is kept as a short code in the job ("hours:4", "yesterday", "today", "week", "default"), read
back by `window_start` in the asker's time zone (Slack's `tz_offset` of the user). "default" means
since the asker's last message in the conversation, else the last 24 hours (the worker decides, as it
needs the history to know).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

DEFAULT = "default"
DEFAULT_HOURS = 24
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "few": 3, "couple of": 2}  # fmt: skip
_UNIT_HOURS = {"h": 1, "hr": 1, "hrs": 1, "hour": 1, "hours": 1, "d": 24, "day": 24, "days": 24,
               "week": 168, "weeks": 168}  # fmt: skip
_SPAN = re.compile(
    r"\b(?:in |over |from |for )?(?:the )?(?:last|past)\s+"
    r"(?:(?P<n>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|few|couple of)\s*)?"
    r"(?P<unit>hours?|hrs?|h|days?|d|weeks?)\b",
    re.IGNORECASE,
)
_NAMED = re.compile(r"\b(?:since |from )?(?P<name>yesterday|today|this week)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Window:
    """A catch-up window: its `code` (for the job) and how the reply names it ("since yesterday")."""

    code: str = DEFAULT

    @property
    def label(self) -> str:
        if self.code.startswith("hours:"):
            hours = int(self.code.removeprefix("hours:"))
            if hours % 24 == 0:
                days = hours // 24
                return "in the last day" if days == 1 else f"in the last {days} days"
            return "in the last hour" if hours == 1 else f"in the last {hours} hours"
        return {"yesterday": "since yesterday", "today": "today", "week": "this week"}.get(
            self.code, "since your last message"
        )


def read_window(text: str) -> tuple[Window | None, str]:
    """The window `text` names (None if it names none), and `text` without it."""
    span = _SPAN.search(text)
    if span:
        raw = (span.group("n") or "1").lower()
        count = int(raw) if raw.isdigit() else _NUMBERS.get(raw, 1)
        hours = max(1, count) * _UNIT_HOURS[span.group("unit").lower()]
        return Window(f"hours:{hours}"), _without(text, span)
    named = _NAMED.search(text)
    if named:
        name = named.group("name").lower()
        return Window("week" if name == "this week" else name), _without(text, named)
    return None, text


def window_start(window: Window, *, now: datetime, tz_offset_seconds: int, cap_hours: int) -> datetime:
    """When `window` starts for someone at `tz_offset_seconds` from UTC, at most `cap_hours` back; the
    default window's fallback (the last 24 hours, capped) when no last message of theirs is known."""
    local = now.astimezone(timezone(timedelta(seconds=tz_offset_seconds)))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if window.code.startswith("hours:"):
        start = now - timedelta(hours=int(window.code.removeprefix("hours:")))
    elif window.code == "today":
        start = midnight
    elif window.code == "yesterday":
        start = midnight - timedelta(days=1)
    elif window.code == "week":
        start = midnight - timedelta(days=midnight.weekday())
    else:
        start = now - timedelta(hours=DEFAULT_HOURS)
    return max(start, now - timedelta(hours=cap_hours)).astimezone(UTC)


def _without(text: str, match: re.Match[str]) -> str:
    return " ".join((text[: match.start()] + " " + text[match.end() :]).split())
