"""`message`, `app_mention` and `reaction_added` listeners: event → jobs → queue, then the ⏳ reaction.
Nothing slow here.

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

from bot.slack.intake import EventContext, job_for_reaction, jobs_for_event
from handlers.deps import HandlerDeps
from handlers.submit import enqueue

log = logging.getLogger(__name__)


def register(app: App, deps: HandlerDeps) -> None:
    """Listen for messages (channels, DMs, files) and mentions; ack every other event quietly."""

    def on_event(
        event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        team = installed_team(body, context)
        ctx = EventContext(
            team=team,
            bot_user_id=context.bot_user_id,
            bot_id=context.bot_id,
            max_links=deps.settings.max_links_per_message,
            auto_channels=deps.settings.auto_channels,
            summarized_thread=summarized_thread(event, team=team, bot_user_id=context.bot_user_id, deps=deps),
        )
        jobs = jobs_for_event(event, ctx)
        if jobs:
            enqueue(jobs, deps=deps, client=client)

    def on_reaction(
        event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        team = installed_team(body, context)
        job = job_for_reaction(
            event, team=team, emoji=deps.settings.reaction_emoji, bot_user_id=context.bot_user_id
        )
        if job is not None:
            enqueue([job], deps=deps, client=client)

    app.event("message")(on_event)
    app.event("app_mention")(on_event)
    app.event("reaction_added")(on_reaction)
    # Anything else we are subscribed to (or Slack adds) gets a quiet 200, never a 404 and a retry.
    app.event(re.compile(".*"))(lambda: None)


def installed_team(body: dict[str, Any], context: BoltContext) -> str:
    """The workspace the event was delivered for, whose installation answers it: Bolt's
    `context.team_id`, read from `authorizations[0]`. The envelope's own team_id names the channel's
    home workspace, which in a Slack Connect channel another organization shares is theirs."""
    return str(context.team_id or body.get("team_id") or "")


def summarized_thread(
    event: dict[str, Any], *, team: str, bot_user_id: str | None, deps: HandlerDeps
) -> bool:
    """Whether the event is a reply addressed to the bot in a thread it summarized (and still remembers).
    Only addressed replies (a mention, a DM) cost a Redis lookup. A Redis error reads as "no": the reply
    is then handled as a new request, and the enqueue reports the outage."""
    thread_ts, channel = event.get("thread_ts"), event.get("channel")
    if not (isinstance(thread_ts, str) and isinstance(channel, str)) or thread_ts == event.get("ts"):
        return False
    text = event.get("text") if isinstance(event.get("text"), str) else ""
    addressed = event.get("type") == "app_mention" or event.get("channel_type") == "im"
    if not (addressed or (bot_user_id and f"<@{bot_user_id}" in str(text))):
        return False
    try:
        return deps.threads.summarized(team=team, channel=channel, thread_ts=thread_ts)
    except redis.RedisError:
        return False
