"""Scheduled channel digests, the worker's side: setting them up from `/summarize digest …`, queueing each
period's digest when it is due, and reading a channel's period into a digest (`bot.slack.digest_text`).

- `configure` answers the command privately. Setting a digest needs the bot to be a member of the
  channel (it reads the history; Slack's `not_in_channel` is turned into the usual line saying how to
  invite it). The time given is in the asker's time zone (Slack exposes no workspace time zone; the
  person who sets a digest is taken to speak for the channel), kept by its IANA name so that 09:00
  stays 09:00 across daylight-saving changes.
- `tick` runs in every worker every `SUMMARIZER_DIGEST_CHECK_SECONDS`: each due schedule is fired
  once however many workers tick at once (`bot.queue.schedule`). A digest missed while no worker
  ran is posted when one starts again (once, for the latest period), then the schedule moves on.
- `build` reads the period: the links shared (with their one-line gist, reused from any summary made
  in the last days, else written now for the first few) and the busiest threads. A period in which
  nobody wrote posts nothing: a digest of silence is noise.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

from bot.instructions.digest import USAGE, Schedule, next_run, read_digest
from bot.queue.jobs import Job, job_id
from bot.queue.schedule import Schedules
from bot.slack.blocks import SlackMessage
from bot.slack.digest_text import BusyThread, Digest, SharedLink, render_digest, schedule_line
from bot.slack.markup import find_links, plain_text
from bot.slack.reading import SlackReader
from bot.slack.transcript import authors

log = logging.getLogger(__name__)
GistMaker = Callable[[str, str, bool], Awaitable[tuple[str, str] | None]]  # url, team, make? → (title, gist)
MAX_LINKS = 10
MAX_NEW_GISTS = 5  # gists written for a digest (the others are listed with their title, or bare)
MAX_THREADS = 5
COUNTED_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}
DISABLED = "Scheduled digests are turned off for this workspace."


@dataclass(frozen=True)
class DigestSetting:
    """A channel's digest as kept in Redis: when, where, and who set it."""

    schedule: Schedule
    team: str
    channel: str
    where: str
    user: str

    @property
    def name(self) -> str:
        return schedule_name(self.team, self.channel)

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> DigestSetting:
        data: dict[str, Any] = json.loads(raw)
        return cls(
            schedule=Schedule.from_json(json.dumps(data["schedule"])),
            team=str(data["team"]),
            channel=str(data["channel"]),
            where=str(data.get("where") or ""),
            user=str(data.get("user") or ""),
        )


def schedule_name(team: str, channel: str) -> str:
    """The schedule's name in Redis: one digest per channel."""
    return f"{team}:{channel}"


def digest_job(setting: DigestSetting, *, at: int) -> Job:
    """The job that posts `setting`'s digest for the period ending at `at` (epoch seconds). Its id is
    made from the channel and `at`, so the same period is never queued twice."""
    start = at - int(setting.schedule.span.total_seconds())
    return Job(
        id=job_id(team=setting.team, channel=setting.channel, ts=str(at), source="digest"),
        kind="digest",
        team=setting.team,
        channel=setting.channel,
        message_ts=f"{at}.000000",
        thread_ts="",  # a digest is a message of its own in the channel
        user=setting.user or None,
        source="digest",
        quiet=True,
        text=setting.schedule.to_json(),
        window=f"{start}:{at}",
        where=setting.where or None,
    )


class Digests:
    """See the module docstring. `gists` makes a link's (title, gist) when none is kept."""

    def __init__(
        self,
        reader: SlackReader,
        schedules: Schedules,
        *,
        gists: GistMaker,
        max_messages: int,
        enabled: bool = True,
    ) -> None:
        self.reader = reader
        self.schedules = schedules
        self.gists = gists
        self.max_messages = max_messages
        self.enabled = enabled

    async def configure(self, job: Job, *, now: datetime) -> str:
        """Carry out `/summarize digest …` for the job's channel; the line to answer the asker with."""
        if not self.enabled:
            return DISABLED
        ask = read_digest(job.text or "")
        name = schedule_name(job.team, job.channel)
        if ask.action == "invalid":
            return f"{ask.problem} {USAGE}"
        if ask.action == "off":
            if await self.schedules.remove(name):
                return "Digest turned off: no more digests in this channel."
            return f"This channel has no digest. {USAGE}"
        if ask.action == "show" or ask.schedule is None:
            kept = await self.schedules.get(name)
            if kept is None:
                return f"This channel has no digest. {USAGE}"
            setting = DigestSetting.from_json(kept[0])
            when = datetime.fromtimestamp(kept[1], UTC).astimezone(setting.schedule.zone())
            return schedule_line(setting.schedule, where=setting.where, next_at=when).replace(
                "Digest set:", "This channel's digest:", 1
            )
        await self.reader.history(job.channel, oldest=now.timestamp(), limit=1)  # a member? (raises if not)
        tz, offset = await self.reader.time_zone(job.user)
        schedule = replace(ask.schedule, tz=tz, tz_offset=offset)
        setting = DigestSetting(schedule, job.team, job.channel, job.where or "", job.user or "")
        first = next_run(schedule, after=now)
        await self.schedules.put(name, setting.to_json(), at=int(first.timestamp()))
        log.info("digest set for %s: %s (%s)", name, schedule.label, tz)
        return schedule_line(schedule, where=setting.where, next_at=first.astimezone(schedule.zone()))

    async def tick(self, *, now: datetime, worker: str) -> int:
        """Queue every digest that is due at `now`; how many this worker queued."""
        fired = 0
        for due in await self.schedules.due(now=int(now.timestamp())):
            try:
                setting = DigestSetting.from_json(due.value)
            except (ValueError, KeyError, TypeError):
                log.warning("digest %s: unreadable schedule, removed", due.name)
                await self.schedules.remove(due.name)
                continue
            following = next_run(setting.schedule, after=max(now, datetime.fromtimestamp(due.at, UTC)))
            if await self.schedules.fire(
                due, next_at=int(following.timestamp()), job=digest_job(setting, at=due.at)
            ):
                fired += 1
                log.info("digest %s queued for %s", due.name, datetime.fromtimestamp(due.at, UTC).isoformat())
        await self.schedules.ticked(worker, now=int(now.timestamp()))
        return fired

    async def build(self, job: Job) -> list[SlackMessage]:
        """The digest of the job's period (see the module docstring); empty when nobody wrote."""
        schedule = Schedule.from_json(job.text or "{}")
        start, end = (int(part) for part in (job.window or "0:0").split(":"))
        history = await self.reader.history(job.channel, oldest=float(start), limit=self.max_messages)
        me = await self.reader.bot_user_id()
        messages = [
            m
            for m in history.messages
            if float(m.get("ts") or 0) < end
            and m.get("subtype") in COUNTED_SUBTYPES
            and not m.get("bot_id")
            and m.get("user") != me
        ]
        if not messages:
            log.info("job %s: nothing was posted in the period; no digest", job.id)
            return []
        names = await self.reader.names(job.team, authors(messages, bot_user_id=me))
        shared = _shared_links(messages)[:MAX_LINKS]
        busiest = sorted(
            (m for m in messages if int(m.get("reply_count") or 0) > 0), key=lambda m: -int(m["reply_count"])
        )[:MAX_THREADS]
        links = await self.reader.permalinks(
            job.channel, [str(m["ts"]) for _, m in shared] + [str(m["ts"]) for m in busiest]
        )
        found = await asyncio.gather(*(self._gist(url, job.team, n) for n, (url, _) in enumerate(shared)))
        counts = Counter(str(m.get("user")) for m in messages if m.get("user") in names)
        zone = schedule.zone()
        digest = Digest(
            where=job.where or "",
            schedule=schedule,
            start=datetime.fromtimestamp(start, UTC).astimezone(zone),
            end=datetime.fromtimestamp(end, UTC).astimezone(zone),
            messages=len(messages),
            people=tuple(names[user] for user, _ in counts.most_common()),
            links=tuple(
                SharedLink(
                    url=url,
                    title=gist[0] if gist else "",
                    gist=gist[1] if gist else "",
                    shared_by=names.get(str(m.get("user")), ""),
                    permalink=links.get(str(m["ts"]), ""),
                )
                for (url, m), gist in zip(shared, found, strict=True)
            ),
            threads=tuple(
                BusyThread(
                    opening=plain_text(str(m.get("text") or ""), bot_user_id=me),
                    started_by=names.get(str(m.get("user")), "someone"),
                    replies=int(m["reply_count"]),
                    permalink=links.get(str(m["ts"]), ""),
                )
                for m in busiest
            ),
            partial=history.partial,
        )
        return [render_digest(digest)]

    async def _gist(self, url: str, team: str, n: int) -> tuple[str, str] | None:
        """The link's (title, gist): kept from an earlier summary, or made now for the first few."""
        try:
            return await self.gists(url, team, n < MAX_NEW_GISTS)
        except Exception:  # a gist is a nicety: the link is listed without it
            log.warning("no gist for a digest link", exc_info=True)
            return None


def _shared_links(messages: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Each external link of the period once, with the first message that shared it."""
    seen: dict[str, dict[str, Any]] = {}
    for message in messages:
        for url in find_links(str(message.get("text") or ""), message.get("blocks")):
            seen.setdefault(url, message)
    return list(seen.items())
