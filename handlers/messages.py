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

from bot.queue.jobs import Job
from bot.slack.blocks import WORKING, render_notice
from bot.slack.failures import QUIET_REACTION_ERRORS
from bot.slack.intake import EventContext, jobs_for_event
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
        team = str(body.get("team_id") or context.team_id or "")
        ctx = EventContext(
            team=team,
            bot_user_id=context.bot_user_id,
            bot_id=context.bot_id,
            max_links=deps.settings.max_links_per_message,
            auto_channels=deps.settings.auto_channels,
            summarized_thread=summarized_thread(event, team=team, deps=deps),
        )
        jobs = jobs_for_event(event, ctx)
        if jobs:
            enqueue(jobs, deps=deps, client=client)

    app.event("message")(on_event)
    app.event("app_mention")(on_event)
    # Anything else we are subscribed to (or Slack adds) gets a quiet 200, never a 404 and a retry.
    app.event(re.compile(".*"))(lambda: None)


def summarized_thread(event: dict[str, Any], *, team: str, deps: HandlerDeps) -> bool:
    """Whether the event is a reply in a thread the bot summarized (and still remembers). A Redis error
    reads as "no": the reply is then handled as a new request, and the enqueue reports the outage."""
    thread_ts, channel = event.get("thread_ts"), event.get("channel")
    if not (isinstance(thread_ts, str) and isinstance(channel, str)) or thread_ts == event.get("ts"):
        return False
    try:
        return deps.threads.summarized(team=team, channel=channel, thread_ts=thread_ts)
    except redis.RedisError:
        return False


def enqueue(jobs: list[Job], *, deps: HandlerDeps, client: WebClient) -> None:
    """Queue `jobs` (duplicates are dropped by the queue) and mark their message ⏳ if a new one is work
    (a notice, such as the help line, is its own answer: no reactions).

    New summarizing jobs count against the hourly rate limits first; Redis being down is reported in
    the thread at once (Slack has its 200 already, so nothing retries in a loop).
    """
    first = jobs[0]
    try:
        fresh = [job for job in jobs if not deps.queue.known(job)]
        if not fresh:
            return
        work = sum(1 for job in fresh if job.kind != "notice")
        refusal = (
            deps.limiter.check(team=first.team, user=first.user, channel=first.channel, jobs=work)
            if work
            else None
        )
        if refusal is not None:
            log.info("rate limit: %s/%s refused", first.channel, first.user)
            if refusal.notify:
                _reply(client, first, refusal.message, emoji="hourglass")
            return
        queued = [deps.queue.enqueue(job) for job in fresh]
    except redis.RedisError:
        log.exception("could not enqueue %d jobs for %s/%s", len(jobs), first.channel, first.message_ts)
        _reply(client, first, QUEUE_DOWN, emoji="x")
        _call(client.reactions_add, channel=first.channel, timestamp=first.message_ts, name="x")
        return
    if any(was_queued and job.kind != "notice" for job, was_queued in zip(fresh, queued, strict=True)):
        _call(client.reactions_add, channel=first.channel, timestamp=first.message_ts, name=WORKING)


def _reply(client: WebClient, job: Job, text: str, *, emoji: str) -> None:
    notice = render_notice(text, emoji=emoji)
    _call(
        client.chat_postMessage,
        channel=job.channel,
        thread_ts=job.thread_ts,
        text=notice.text,
        blocks=list(notice.blocks),
    )


def _call(method: Any, **kwargs: Any) -> None:
    try:
        method(**kwargs)
    except SlackApiError as exc:
        if exc.response.get("error") not in QUIET_REACTION_ERRORS:
            log.warning("Slack call failed: %s", exc.response.get("error"))
