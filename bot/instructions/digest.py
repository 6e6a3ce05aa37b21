"""Scheduled digests, read from `/summarize digest …` and placed in time. Pure.

`read_digest` understands `digest daily 09:00`, `digest every day at 9am`, `digest weekly mon 09:00`,
`digest every friday at 17:30`, `digest off` (also stop, cancel) and `digest` alone (what is set). A
time left out is 09:00; a weekly day left out is Monday. `next_run` is when a schedule next fires after
a moment, in the schedule's IANA time zone (so 09:00 stays 09:00 across daylight-saving changes); a
zone this machine does not know falls back to the fixed UTC offset Slack gave with it.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Period = Literal["daily", "weekly"]
Action = Literal["set", "off", "show", "invalid"]
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
USAGE = (
    "Set a digest of this channel with `/summarize digest daily 09:00` or "
    "`/summarize digest weekly mon 09:00`; stop it with `/summarize digest off`."
)
_HEAD = re.compile(r"^\s*digest\b[\s:,-]*", re.IGNORECASE)
_OFF = re.compile(r"^(?:off|stop|cancel|none|disable|remove|delete)$", re.IGNORECASE)
_SHOW = re.compile(r"^(?:|status|show|\?)$", re.IGNORECASE)
_TIME = re.compile(r"\b(?:at\s+)?(?P<h>\d{1,2})(?:[:h.](?P<m>\d{2}))?\s*(?P<ampm>am|pm)?\b", re.IGNORECASE)
_DAILY = re.compile(r"\b(?:daily|every\s*day|each\s*day)\b", re.IGNORECASE)
_WEEKLY = re.compile(r"\b(?:weekly|every\s*week|each\s*week)\b", re.IGNORECASE)
_DAY = re.compile(
    r"\b(?:every\s+|on\s+)?(?P<day>mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Schedule:
    """When a digest fires: `period`, the local `hour`:`minute`, the `weekday` (0 = Monday) of a weekly
    one, in time zone `tz` (an IANA name; `tz_offset` seconds from UTC when the name is unknown)."""

    period: Period
    hour: int
    minute: int
    weekday: int = 0
    tz: str = "UTC"
    tz_offset: int = 0

    @property
    def label(self) -> str:
        """ "every day at 09:00" or "every Monday at 09:00"."""
        when = "every day" if self.period == "daily" else f"every {DAYS[self.weekday].capitalize()}"
        return f"{when} at {self.hour:02d}:{self.minute:02d}"

    @property
    def span(self) -> timedelta:
        """How much time one digest covers: the period before it fires."""
        return timedelta(days=1 if self.period == "daily" else 7)

    def zone(self) -> tzinfo:
        """The schedule's time zone."""
        try:
            return ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return timezone(timedelta(seconds=self.tz_offset))

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Schedule:
        data = json.loads(raw)
        return cls(
            period="weekly" if data.get("period") == "weekly" else "daily",
            hour=int(data["hour"]),
            minute=int(data["minute"]),
            weekday=int(data.get("weekday", 0)),
            tz=str(data.get("tz") or "UTC"),
            tz_offset=int(data.get("tz_offset", 0)),
        )


@dataclass(frozen=True)
class DigestAsk:
    """What `/summarize digest …` asks: set `schedule` (its zone filled in by the worker), turn it off,
    show it, or an `invalid` request (`problem` says what is wrong)."""

    action: Action
    schedule: Schedule | None = None
    problem: str = ""


def is_digest_request(text: str) -> bool:
    """True when `text` (a command's text) is about digests."""
    return bool(_HEAD.match(text))


def read_digest(text: str) -> DigestAsk:
    """The digest request in `text` ("digest daily 09:00"); see the module docstring."""
    rest = " ".join(_HEAD.sub("", text, count=1).split())
    if _SHOW.match(rest):
        return DigestAsk("show")
    if _OFF.match(rest):
        return DigestAsk("off")
    day = _DAY.search(rest)
    weekly = bool(_WEEKLY.search(rest) or day)
    if not weekly and not _DAILY.search(rest):
        return DigestAsk("invalid", problem=f"I didn't understand “{rest[:60]}”.")
    clock = _TIME.search(_DAY.sub(" ", rest) if day else rest)
    hour, minute = 9, 0
    if clock:
        hour, minute = int(clock.group("h")), int(clock.group("m") or 0)
        ampm = (clock.group("ampm") or "").lower()
        if ampm and not 1 <= hour <= 12:
            return DigestAsk("invalid", problem=f"{clock.group(0).strip()} is not a time of day.")
        if ampm:
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        if hour > 23 or minute > 59:
            return DigestAsk("invalid", problem=f"{clock.group(0).strip()} is not a time of day.")
    weekday = 0
    if day:
        weekday = next(i for i, name in enumerate(DAYS) if name.startswith(day.group("day").lower()[:3]))
    period: Period = "weekly" if weekly else "daily"
    return DigestAsk("set", Schedule(period=period, hour=hour, minute=minute, weekday=weekday))


def next_run(schedule: Schedule, *, after: datetime) -> datetime:
    """The first moment strictly after `after` at which `schedule` fires (UTC)."""
    zone = schedule.zone()
    local = after.astimezone(zone)
    day = local.date()
    if schedule.period == "weekly":
        day += timedelta(days=(schedule.weekday - day.weekday()) % 7)
    candidate = datetime(day.year, day.month, day.day, schedule.hour, schedule.minute, tzinfo=zone)
    if candidate.astimezone(UTC) <= after.astimezone(UTC):  # today's (this week's) time has passed
        day += schedule.span
        candidate = datetime(day.year, day.month, day.day, schedule.hour, schedule.minute, tzinfo=zone)
    return candidate.astimezone(UTC)
