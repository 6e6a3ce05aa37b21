"""`message` and `app_mention` listeners: event → jobs → queue, then the ⏳ reaction. Nothing slow here.

Bolt acknowledges events before listeners run, so Slack gets its 200 at once. If Redis is down the
user is told in the thread that the request could not be queued (and nothing is retried in a loop).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import redis
from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.events import EventContext, jobs_for_event
from bot.jobs import Job
from bot.render import render_notice
from bot.slack_io import WORKING
from handlers.deps import HandlerDeps

log = logging.getLogger(__name__)
QUEUE_DOWN = (
    "I couldn't queue this request just now (my job queue is unreachable). Please try again in a minute."
)


def register(app: App, deps: HandlerDeps) -> None:
    """Listen for messages (channels, DMs, files) and mentions; ack every other event quietly."""

    def on_event(
        event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ctx = EventContext(
            team=str(body.get("team_id") or context.team_id or ""),
            bot_user_id=context.bot_user_id,
            bot_id=context.bot_id,
            max_links=deps.settings.max_links_per_message,
        )
        jobs = jobs_for_event(event, ctx)
        if jobs:
            enqueue(jobs, deps=deps, client=client)

    app.event("message")(on_event)
    app.event("app_mention")(on_event)
    # Anything else we are subscribed to (or Slack adds) gets a quiet 200, never a 404 and a retry.
    app.event(re.compile(".*"))(lambda: None)


def enqueue(jobs: list[Job], *, deps: HandlerDeps, client: WebClient) -> None:
    """Queue `jobs` (duplicates are dropped by the queue) and mark their message ⏳ if any is new."""
    first = jobs[0]
    try:
        queued = [deps.queue.enqueue(job) for job in jobs]
    except redis.RedisError:
        log.exception("could not enqueue %d jobs for %s/%s", len(jobs), first.channel, first.message_ts)
        notice = render_notice(QUEUE_DOWN, emoji="x")
        _call(
            client.chat_postMessage,
            channel=first.channel,
            thread_ts=first.thread_ts,
            text=notice.text,
            blocks=list(notice.blocks),
        )
        _call(client.reactions_add, channel=first.channel, timestamp=first.message_ts, name="x")
        return
    if any(queued):
        _call(client.reactions_add, channel=first.channel, timestamp=first.message_ts, name=WORKING)


def _call(method: Any, **kwargs: Any) -> None:
    try:
        method(**kwargs)
    except SlackApiError as exc:
        if exc.response.get("error") != "already_reacted":
            log.warning("Slack call failed: %s", exc.response.get("error"))
