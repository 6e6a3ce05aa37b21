"""A channel's scheduled digest as one Slack message, and the lines that answer `/summarize digest …`.
Pure.

The digest: a header naming the channel and the period, a line of counts, the links shared (each with
its one-line gist and who shared it), the busiest threads (how they began, how many replies, a link to
each), and a footer saying how to change or stop it. Everything that came from people or pages is
escaped (`bot.slack.blocks.escape`): nothing in a digest can ping anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.instructions.digest import Schedule
from bot.slack.blocks import (
    SECTION_LIMIT,
    SlackMessage,
    context,
    escape,
    escaped_within,
    link,
    section,
    shorten,
)

SNIPPET_CHARS = 90
GIST_CHARS = 240


@dataclass(frozen=True)
class SharedLink:
    """A link shared in the period: its `url`, page `title` and `gist` when known, who shared it, and a
    link to the message that shared it."""

    url: str
    title: str = ""
    gist: str = ""
    shared_by: str = ""
    permalink: str = ""


@dataclass(frozen=True)
class BusyThread:
    """A thread of the period: how it began (`opening`), who began it, its replies, a link to it."""

    opening: str
    started_by: str
    replies: int
    permalink: str = ""


@dataclass(frozen=True)
class Digest:
    """What a digest shows (see the module docstring). `start`/`end` are in the schedule's zone."""

    where: str
    schedule: Schedule
    start: datetime
    end: datetime
    messages: int
    people: tuple[str, ...]
    links: tuple[SharedLink, ...] = ()
    threads: tuple[BusyThread, ...] = ()
    partial: bool = False


def render_digest(digest: Digest) -> SlackMessage:
    """The digest as one message (at most 1 + 2 + links + threads + 1 blocks: well under Slack's 50)."""
    name = f"#{digest.where}" if digest.where else "this channel"
    kind = "Daily" if digest.schedule.period == "daily" else "Weekly"
    title = f"{kind} digest of {escape(name)}"
    counts = f"{digest.messages:,} message{'s' if digest.messages != 1 else ''} from {_people(digest.people)}"
    if digest.partial:
        counts += " (the latest ones only: Slack limited how much I could read)"
    blocks = [section(f"*{title}*"), context(f"{_period(digest)} · {counts}")]
    if digest.links:
        blocks.append(section("*Links shared*"))
        blocks.extend(section(_link_line(item)) for item in digest.links)
    if digest.threads:
        blocks.append(section("*Busiest threads*"))
        blocks.extend(section(_thread_line(item)) for item in digest.threads)
    if not digest.links and not digest.threads:
        blocks.append(section("No links were shared and no thread got replies."))
    how = f"A digest {digest.schedule.label} ({escape(digest.schedule.tz)})"
    blocks.append(context(f"{how} · `/summarize digest off` stops it"))
    return SlackMessage(text=f"{title}: {counts}", blocks=tuple(blocks))


def schedule_line(schedule: Schedule, *, where: str, next_at: datetime) -> str:
    """The confirmation: "Digest set: every day at 09:00 (Europe/Paris) in #general; the first one on
    Tuesday, Dec 1 at 09:00." (`next_at` in the schedule's zone)."""
    name = f"#{where}" if where else "this channel"
    return (
        f"Digest set: {schedule.label} ({escape(schedule.tz)}) in {escape(name)}; the next one on "
        f"{next_at:%A, %b} {next_at.day} at {next_at:%H:%M}. `/summarize digest off` stops it."
    )


def _period(digest: Digest) -> str:
    start, end = digest.start, digest.end
    return f"{start:%a %b} {start.day}, {start:%H:%M} – {end:%a %b} {end.day}, {end:%H:%M}"


def _people(people: tuple[str, ...]) -> str:
    if not people:
        return "nobody"
    named = ", ".join(escape(p) for p in people[:4])
    return named + (f" and {len(people) - 4} others" if len(people) > 4 else "")


def _link_line(item: SharedLink) -> str:
    label = item.title or item.url
    line = f"• {link(item.url, label[:150])}"
    if item.gist:
        line += f" — {escaped_within(item.gist, GIST_CHARS)}"
    if item.shared_by:
        by = link(item.permalink, item.shared_by) if item.permalink else escape(item.shared_by)
        line += f" _(shared by {by})_"
    return line[:SECTION_LIMIT]


def _thread_line(item: BusyThread) -> str:
    opening = " ".join(item.opening.split()) or "(no text)"
    shown = (
        link(item.permalink, shorten(opening, SNIPPET_CHARS))
        if item.permalink
        else escaped_within(opening, SNIPPET_CHARS)
    )
    replies = f"{item.replies} repl{'ies' if item.replies != 1 else 'y'}"
    return f"• {shown} — {replies}, started by {escape(item.started_by)}"[:SECTION_LIMIT]
