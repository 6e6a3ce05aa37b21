"""The worker's reads of Slack conversations: one message, a thread page by page, a channel's history for
a catch-up, people's names (cached) and time zones, and permalinks. Failures are classified as for
every call (`bot.slack.calls`): `RetryLater` or `SlackRefused` (`not_in_channel` when the bot may not
read the conversation, which the pipeline turns into a line saying how to invite it).

Slack's rate tiers are waited out by the client's retry handler (429 + Retry-After). Apps distributed
outside the Slack Marketplace get far lower history limits (1 request a minute, 15 messages a page):
when Slack keeps refusing after the handler's retries, a catch-up summarizes what it has read so far
and says so (`History.partial`) rather than failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import RetryLater, SlackRefused
from bot.queue import keys
from bot.queue.jobs import Job
from bot.queue.keys import NAME_TTL
from bot.slack.calls import slack_call
from bot.text import as_text

PAGE = 200  # messages a page (Slack's recommended maximum)


@dataclass(frozen=True)
class History:
    """A channel's top-level messages in a window, oldest first. `since_user`: the ts of the asker's last
    message when the read stopped there; `partial`: Slack stopped answering (rate limits) before the
    start of the window, or the read hit its limit of messages."""

    messages: tuple[dict[str, Any], ...]
    since_user: str | None = None
    partial: bool = False


class SlackReader:
    """Reads for the worker (see the module docstring)."""

    def __init__(self, client: AsyncWebClient, redis: aioredis.Redis) -> None:
        self.client = client
        self.redis = redis
        self._me: dict[str, str] = {}  # token → its bot user id (each workspace's, with OAuth installs)

    async def bot_user_id(self) -> str | None:
        """This bot's own user id in the current job's workspace (auth.test, asked once per token)."""
        token = str(self.client.token or "")
        if token not in self._me:
            try:
                me = await slack_call("auth.test", self.client.auth_test())
            except (SlackRefused, RetryLater):
                return None
            self._me[token] = str(me.get("user_id") or "")
        return self._me[token] or None

    async def history(
        self, channel: str, *, oldest: float, limit: int, until_user: str | None = None, skip: str = ""
    ) -> History:
        """Top-level messages of `channel` posted after `oldest` (epoch seconds), at most `limit` (the
        latest ones). With `until_user`, the read stops at that member's latest message (other than
        `skip`, the asking message): only what came after it is returned, and `since_user` is its ts."""
        found: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            try:
                response = await slack_call(
                    "conversations.history",
                    self.client.conversations_history(
                        channel=channel, oldest=f"{oldest:.6f}", limit=PAGE, cursor=cursor
                    ),
                )
            except RetryLater:
                if not found:
                    raise
                return History(tuple(reversed(found)), partial=True)
            for message in response.get("messages") or []:
                mine = message.get("user") == until_user and message.get("ts") != skip
                if until_user and mine and not message.get("subtype"):
                    return History(tuple(reversed(found)), since_user=str(message.get("ts")))
                found.append(message)
                if len(found) >= limit:
                    more = bool(response.get("has_more")) or message is not response["messages"][-1]
                    return History(tuple(reversed(found)), partial=more)
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return History(tuple(reversed(found)))

    async def replies(self, channel: str, ts: str, *, limit: int) -> list[dict[str, Any]]:
        """A thread's messages, parent first, at most `limit`, read page by page."""
        found: list[dict[str, Any]] = []
        cursor: str | None = None
        while len(found) < limit:
            response = await slack_call(
                "conversations.replies",
                self.client.conversations_replies(
                    channel=channel, ts=ts, limit=min(PAGE, limit - len(found) + 1), cursor=cursor
                ),
            )
            page = response.get("messages") or []
            found.extend(m for m in page if not found or m.get("ts") != found[0].get("ts"))
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor or not page:
                break
        return found[:limit]

    async def tz_offset(self, user: str | None) -> int:
        """The member's time zone as seconds from UTC (users.info's `tz_offset`); 0 when unknown."""
        return (await self.time_zone(user))[1]

    async def time_zone(self, user: str | None) -> tuple[str, int]:
        """The member's time zone: its IANA name (users.info's `tz`) and seconds from UTC now
        (`tz_offset`); ("UTC", 0) when unknown."""
        if not user:
            return "UTC", 0
        try:
            info = await slack_call("users.info", self.client.users_info(user=user))
        except SlackRefused:
            return "UTC", 0
        member = info.get("user") or {}
        offset, name = member.get("tz_offset"), member.get("tz")
        return (name if isinstance(name, str) and name else "UTC"), (offset if isinstance(offset, int) else 0)

    async def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The message `ts` in `channel` (a thread's parent or one of its replies), or None if it is gone."""
        cursor: str | None = None
        for _ in range(20):  # at most 20 pages of 200: a reply deep in a very long thread is not searched
            try:
                response = await slack_call(
                    "conversations.replies",
                    self.client.conversations_replies(channel=channel, ts=ts, limit=200, cursor=cursor),
                )
            except SlackRefused as exc:
                if exc.error in {"thread_not_found", "message_not_found"}:
                    return None
                raise
            for message in response.get("messages") or []:
                if message.get("ts") == ts:
                    found: dict[str, Any] = message
                    return found
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    async def thread_parent(self, job: Job) -> dict[str, Any] | None:
        """The parent message of the thread the job came from, or None if it is gone."""
        try:
            response = await slack_call(
                "conversations.replies",
                self.client.conversations_replies(channel=job.channel, ts=job.thread_ts, limit=1),
            )
        except SlackRefused as exc:
            if exc.error in {"thread_not_found", "message_not_found"}:
                return None
            raise
        messages = response.get("messages") or []
        return messages[0] if messages else None

    async def thread_messages(self, job: Job, *, limit: int) -> list[dict[str, Any]]:
        """The messages of the job's thread, parent first, at most `limit`, read page by page (200 a page;
        429s are waited out by the client)."""
        return await self.replies(job.channel, job.thread_ts, limit=limit)

    async def names(self, team: str, users: set[str]) -> dict[str, str]:
        """How each member is named in Slack (display name, else real name), looked up once and cached for
        a day; a member users.info does not know keeps the id."""
        names: dict[str, str] = {}
        for user in sorted(users):
            key = keys.user_name(team=team, user=user)
            cached = await self.redis.get(key)
            if cached is not None:
                names[user] = as_text(cached)
                continue
            try:
                info = await slack_call("users.info", self.client.users_info(user=user))
            except SlackRefused:
                names[user] = user
                continue
            member = info.get("user") or {}
            profile = member.get("profile") or {}
            names[user] = str(
                profile.get("display_name") or member.get("real_name") or member.get("name") or user
            )
            await self.redis.set(key, names[user], ex=NAME_TTL)
        return names

    async def permalinks(self, channel: str, timestamps: list[str]) -> dict[str, str]:
        """Links to these messages (chat.getPermalink); a message that cannot be linked is left out."""
        links: dict[str, str] = {}
        for ts in timestamps:
            try:
                response = await slack_call(
                    "chat.getPermalink", self.client.chat_getPermalink(channel=channel, message_ts=ts)
                )
            except SlackRefused:
                continue
            if response.get("permalink"):
                links[ts] = str(response["permalink"])
        return links
