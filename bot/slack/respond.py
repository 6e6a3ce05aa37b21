"""Private replies through a request's `response_url` (a `/summarize` command's or a shortcut's): seen only
by the person who asked, in any conversation, whether the bot is a member or not.

Slack lets one response_url take 5 posts within 30 minutes. A request's first reply replaces its
"working" note (the command's ack, or the shortcut's first response); the request's other jobs add
theirs below it. A reply is at most `MAX_PARTS` messages (a longer one ends with a line saying so), and
its last message carries a *Share in channel* button; the messages are kept a day (`SHARE_TTL`) for
that button, which the web process answers.

Exactly once, as far as an ephemeral message allows: a "done" marker and the parts already sent are
recorded in Redis, under the job's posting lock. Slack offers no way to look an ephemeral message up,
so a worker killed between sending a part and recording it sends that one part again on the re-run.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.errors import PostInProgress, RetryLater, SlackRefused
from bot.queue import keys
from bot.queue.jobs import Job
from bot.queue.keys import HOOK_TTL, KEY_TTL, SHARE_TTL
from bot.queue.lock import held
from bot.slack.blocks import Block, SlackMessage, context, dump_messages, share_button
from bot.slack.commands import is_response_url

log = logging.getLogger(__name__)
MAX_PARTS = 3  # a command's three links, one part each, still fit in a response_url's 5 uses
CUT = "The rest was too long for a private reply: ask for a shorter summary, or share this one."


class Responder:
    """Posts to response_urls (slack_sdk's webhook client); `hosts` are the ones allowed besides Slack's."""

    def __init__(self, *, hosts: frozenset[str], timeout: int = 15) -> None:
        self.hosts = hosts
        self.timeout = timeout

    async def send(self, url: str, **body: Any) -> None:
        """Post `body` (text, blocks, replace_original, delete_original, response_type) to `url`.
        Raises SlackRefused when Slack will never take it (a used or expired URL, a bad body), RetryLater
        when it may later (429, 5xx, a network error)."""
        if not is_response_url(url, self.hosts):
            raise SlackRefused(method="response_url", error="invalid_response_url")
        client = AsyncWebhookClient(url, timeout=self.timeout)
        try:
            response = await client.send(**body)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RetryLater(f"response_url: {type(exc).__name__}") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise RetryLater(f"response_url: http_{response.status_code}")
        if response.status_code != 200:
            error = (response.body or "").strip()[:60] or f"http_{response.status_code}"
            raise SlackRefused(method="response_url", error=error)


class PrivateReplies:
    """A job's reply sent through its response_url, once (see the module docstring)."""

    def __init__(self, redis: aioredis.Redis, responder: Responder, *, lock_ms: int) -> None:
        self.redis = redis
        self.responder = responder
        self.lock_ms = lock_ms

    async def post_once(self, job: Job, messages: list[SlackMessage]) -> None:
        """Send `messages` privately to the asker unless that was done already."""
        url = job.response_url
        if not url:
            raise SlackRefused(method="response_url", error="no_response_url")
        done, sent = keys.posted(job.id), keys.responded(job.id)
        if await self.redis.exists(done):
            return
        async with held(self.redis, keys.post_lock(job.id), ttl_ms=self.lock_ms) as lock:
            if not lock.mine:
                raise PostInProgress(job.id)
            if await self.redis.exists(done):
                return
            parts = private_parts(messages)
            await self.redis.set(keys.private_reply(job.id), dump_messages(parts), ex=SHARE_TTL)
            for part, message in enumerate(parts):
                if await self.redis.sismember(sent, str(part)):
                    continue
                last = part == len(parts) - 1 and job.kind != "schedule"  # a setting's answer: no Share
                blocks = [*message.blocks, *share_button(job.id)] if last else message.blocks
                first = part == 0 and await self._first_answer(url)
                await self.responder.send(
                    url,
                    text=message.text,
                    blocks=list(blocks),
                    replace_original=first,
                    response_type="ephemeral",
                )
                await self.redis.sadd(sent, str(part))
                await self.redis.expire(sent, KEY_TTL)
            await self.redis.set(done, keys.POSTED, ex=KEY_TTL)

    async def clear_note(self, job: Job) -> None:
        """Remove the request's "working" note once the reply went in the thread (cosmetic: never raises)."""
        if not job.response_url or not await self._first_answer(job.response_url):
            return
        try:
            await self.responder.send(job.response_url, delete_original=True)
        except (SlackRefused, RetryLater) as exc:
            log.info("job %s: the working note stays (%s)", job.id, exc)

    async def _first_answer(self, url: str) -> bool:
        """True for the first job of a request to answer (it replaces the note); later ones add below."""
        digest = hashlib.sha256(url.encode()).hexdigest()
        return bool(await self.redis.set(keys.hook(digest), "1", nx=True, ex=HOOK_TTL))


def private_parts(messages: list[SlackMessage]) -> list[SlackMessage]:
    """`messages` fit for a private reply: without the reshape buttons (they act on a thread, and a
    private reply has none) and at most `MAX_PARTS` messages, the last saying it was cut."""
    parts = [
        SlackMessage(text=m.text, blocks=tuple(b for b in m.blocks if not _is_reshape(b))) for m in messages
    ]
    if len(parts) > MAX_PARTS:
        last = parts[MAX_PARTS - 1]
        parts = [*parts[: MAX_PARTS - 1], SlackMessage(text=last.text, blocks=(*last.blocks, context(CUT)))]
    return parts


def _is_reshape(block: Block) -> bool:
    return str(block.get("block_id", "")).startswith("reshape:")
