"""Buttons under a summary: reshape (Shorter, Longer, Bullets, Translate) and feedback (👍/👎).

A reshape click queues a follow-up job for the summary's thread, one per (summary, choice) however many
people click or how often, with no reactions (the new summary is the answer). 👍/👎 are counted per
workspace and day and logged; a 👎 also offers the clicker, privately, a one-line "what was wrong?",
whose answer is logged and acknowledged in place. Every listener acknowledges first.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import redis
from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.queue.feedback import Verdict
from bot.queue.jobs import Job, job_id
from bot.slack.blocks import FEEDBACK_ACTION, RESHAPE_ACTION, TRANSLATIONS
from handlers.deps import HandlerDeps
from handlers.submit import enqueue

log = logging.getLogger(__name__)
REASON_ACTION = "feedback_reason"
CHOICES = {"shorter": "shorter", "longer": "longer", "bullets": "as bullets"}
ASK_WHY = "Thanks for telling me. What was wrong with it? (one line; only the bot's admins read it)"
THANKS_WHY = "Thanks, noted. It helps make the summaries better."
MAX_REASON_CHARS = 500


def register(app: App, deps: HandlerDeps) -> None:
    """Listen for the reshape buttons, the feedback buttons and the feedback reason."""

    def on_reshape(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        job = reshape_job(body, action)
        if job is None:
            log.info("ignored a reshape click without a usable message or choice")
            return
        enqueue([job], deps=deps, client=client)

    def on_feedback(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        verdict: Verdict = "bad" if action.get("value") == "bad" else "good"
        team, user = str(context.team_id or ""), str(context.user_id or "")
        where = _container(body)
        try:
            today = deps.feedback.count(team=team, verdict=verdict)
        except redis.RedisError:
            today = -1
        log.info("feedback %s on %s/%s from %s (%d today)", verdict, where[0], where[1], user, today)
        if verdict == "bad" and where[0]:
            _ephemeral(client, channel=where[0], user=user, thread_ts=where[2], blocks=_why_blocks())

    def on_reason(ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        ack()
        reason = str(action.get("value") or "").strip()[:MAX_REASON_CHARS]
        log.info("feedback reason from %s: %r", context.user_id, reason)
        try:
            respond(text=THANKS_WHY, replace_original=True)
        except Exception:  # the note is a courtesy; the reason is logged already
            log.warning("could not thank for the feedback reason", exc_info=True)

    app.action(re.compile(f"^{RESHAPE_ACTION}"))(on_reshape)
    app.action(FEEDBACK_ACTION)(on_feedback)
    app.action(REASON_ACTION)(on_reason)


def reshape_job(body: dict[str, Any], action: dict[str, Any]) -> Job | None:
    """The follow-up job a reshape click asks for, or None when the click carries no usable message.

    Its id derives from the summary message and the choice, so double clicks (and clicks by several
    people) make one job."""
    choice = str(action.get("action_id") or "").removeprefix(RESHAPE_ACTION)
    if choice == "translate":
        language = str((action.get("selected_option") or {}).get("value") or "")
        text = f"in {language}" if language in TRANSLATIONS else ""
        choice = f"translate:{language}"
    else:
        text = CHOICES.get(choice, "")
    channel, message_ts, thread_ts = _container(body)
    team = str((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or "")
    if not (text and channel and message_ts and thread_ts):
        return None
    source = f"button:{choice}"
    return Job(
        id=job_id(team=team, channel=channel, ts=message_ts, source=source),
        kind="followup",
        team=team,
        channel=channel,
        message_ts=message_ts,
        thread_ts=thread_ts,
        user=str((body.get("user") or {}).get("id") or "") or None,
        source=source,
        text=text,
        quiet=True,
    )


def _container(body: dict[str, Any]) -> tuple[str, str, str]:
    """(channel, message ts, thread ts) of the message whose button was clicked ("" where unknown)."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    message_ts = str(container.get("message_ts") or message.get("ts") or "")
    thread_ts = str(container.get("thread_ts") or message.get("thread_ts") or message_ts)
    return channel, message_ts, thread_ts


def _why_blocks() -> list[dict[str, Any]]:
    """A one-line input that sends its answer as soon as it is entered."""
    return [
        {
            "type": "input",
            "dispatch_action": True,
            "block_id": "feedback_reason",
            "label": {"type": "plain_text", "text": ASK_WHY},
            "element": {
                "type": "plain_text_input",
                "action_id": REASON_ACTION,
                "max_length": MAX_REASON_CHARS,
            },
        }
    ]


def _ephemeral(
    client: WebClient, *, channel: str, user: str, thread_ts: str, blocks: list[dict[str, Any]]
) -> None:
    try:
        client.chat_postEphemeral(
            channel=channel, user=user, thread_ts=thread_ts, text=ASK_WHY, blocks=blocks
        )
    except SlackApiError as exc:
        log.info("could not ask why (%s)", exc.response.get("error"))
