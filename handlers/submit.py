"""Queueing from any listener: rate limits, the queue's dedupe, the ⏳ reaction, and a clear line in the
thread (or, for a command or a shortcut, privately through its response_url) when Redis cannot take the
request. Shared by the message, mention, reaction, command, shortcut and button listeners.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.queue.jobs import Job
from bot.slack.blocks import WORKING, render_notice, reply_tag
from bot.slack.failures import QUIET_REACTION_ERRORS
from handlers.deps import HandlerDeps

log = logging.getLogger(__name__)
QUEUE_DOWN = (
    "I couldn't queue this request just now (my job queue is unreachable). Please try again in a minute."
)


def enqueue(jobs: list[Job], *, deps: HandlerDeps, client: WebClient) -> None:
    """Queue `jobs` (duplicates are dropped by the queue) and mark their message ⏳ if a new one is work
    (a notice, such as the help line, or a button's job is its own answer: no reactions).

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
        if not first.private:
            _call(client.reactions_add, channel=first.channel, timestamp=first.message_ts, name="x")
        return
    if any(ok and job.kind != "notice" and not job.quiet for job, ok in zip(fresh, queued, strict=True)):
        _call(client.reactions_add, channel=first.channel, timestamp=first.message_ts, name=WORKING)


def _reply(client: WebClient, job: Job, text: str, *, emoji: str) -> None:
    """`text` in the job's thread; for a command or a shortcut, privately in place of its working note."""
    notice = render_notice(text, emoji=emoji)
    if job.response_url:
        try:
            WebhookClient(job.response_url, timeout=10).send(
                text=notice.text, blocks=list(notice.blocks), replace_original=True
            )
        except Exception:
            log.warning("could not answer through the response_url", exc_info=True)
        return
    _call(
        client.chat_postMessage,
        channel=job.channel,
        thread_ts=job.thread_ts,
        text=notice.text,
        blocks=list(notice.blocks),
        # Tagged like every finished message of ours (no job's part: nothing waits on it), so a worker
        # clearing live messages that killed runs left behind never takes it for one (`bot.slack.post`).
        metadata=reply_tag({"notice": job.kind}),
    )


def _call(method: Any, **kwargs: Any) -> None:
    try:
        method(**kwargs)
    except SlackApiError as exc:
        if exc.response.get("error") not in QUIET_REACTION_ERRORS:
            log.warning("Slack call failed: %s", exc.response.get("error"))
