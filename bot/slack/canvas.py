"""Long summaries as Slack canvases (`canvases.create`, shared read-only with the channel by
`canvases.access.set`, linked by its `files.info` permalink); the thread gets a short reply leading to
it (`bot.slack.canvas_text`).

Only for replies in a channel's thread (not private replies, not DMs: a canvas is shared with a
channel). Where canvases are not available (turned off, a free workspace, a missing scope, any
refusal or a rate limit), `publish` returns None and the summary is posted as messages, as always.
A re-run of the job reuses the canvas it made (its id is kept in Redis as soon as Slack returns it).
"""

from __future__ import annotations

import logging

import redis.asyncio as aioredis
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import RetryLater, SlackRefused
from bot.models import Summary
from bot.queue import keys
from bot.queue.jobs import Job
from bot.queue.keys import KEY_TTL
from bot.slack.calls import slack_call
from bot.text import as_text

log = logging.getLogger(__name__)


class Canvases:
    """Publishes canvases for summaries of at least `min_words` words (0: never)."""

    def __init__(self, client: AsyncWebClient, redis: aioredis.Redis, *, min_words: int) -> None:
        self.client = client
        self.redis = redis
        self.min_words = min_words

    def wanted(self, job: Job, summary: Summary) -> bool:
        """True when this summary should go in a canvas: long enough, in a channel's thread."""
        in_channel = job.channel[:1] in {"C", "G"} and not job.private
        return bool(self.min_words) and in_channel and summary.words >= self.min_words

    async def publish(self, job: Job, source_id: str, *, title: str, markdown: str) -> str | None:
        """The link of the canvas holding `markdown` for this job's source, made (once) and shared with
        the job's channel; None when Slack will not make or share one."""
        key = keys.canvas(job.id, source_id)
        kept = {as_text(k): as_text(v) for k, v in (await self.redis.hgetall(key)).items()}
        if kept.get("url"):
            return kept["url"]
        try:
            canvas_id = kept.get("id")
            if not canvas_id:
                created = await slack_call(
                    "canvases.create",
                    self.client.canvases_create(
                        title=title, document_content={"type": "markdown", "markdown": markdown}
                    ),
                )
                canvas_id = str(created.get("canvas_id") or "")
                await self.redis.hset(key, "id", canvas_id)
                await self.redis.expire(key, KEY_TTL)
            await slack_call(
                "canvases.access.set",
                self.client.canvases_access_set(
                    canvas_id=canvas_id, access_level="read", channel_ids=[job.channel]
                ),
            )
            info = await slack_call("files.info", self.client.files_info(file=canvas_id))
        except (SlackRefused, RetryLater) as exc:
            log.info("job %s: no canvas (%s); posting the summary as messages", job.id, exc)
            return None
        url = str((info.get("file") or {}).get("permalink") or "")
        if url:
            await self.redis.hset(key, "url", url)
        return url or None
