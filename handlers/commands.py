"""`/summarize`, the "Summarize" message shortcut, and the *Share in channel* button under a private reply.

Each listener acknowledges at once (a command's ack is the asker's "working" note, or the help text),
turns the request into jobs (`bot.slack.commands`) and queues them; the worker answers through the
request's response_url or in the thread. Sharing posts the kept private reply in the conversation for
everyone (through the click's response_url, so the bot need not be a member) and removes the private copy.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.queue import keys
from bot.slack.blocks import SHARE_ACTION, SlackMessage, context, load_messages, section
from bot.slack.commands import (
    COMMAND,
    COMMAND_HELP,
    DIGEST_WORKING,
    SHORTCUT,
    SHORTCUT_NOTHING,
    SHORTCUT_WORKING,
    WORKING,
    jobs_for_command,
    jobs_for_shortcut,
)
from handlers.deps import HandlerDeps
from handlers.submit import enqueue

log = logging.getLogger(__name__)
SHARE_GONE = "That summary is no longer available to share (I keep private replies for a day). Ask again."


def register(app: App, deps: HandlerDeps) -> None:
    """Listen for the command, the message shortcut and the share button."""
    settings = deps.settings

    def on_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        jobs = jobs_for_command(
            command, max_links=settings.max_links_per_message, hosts=settings.slack_hook_hosts
        )
        if jobs is None:
            ack(text=COMMAND_HELP, blocks=[section(COMMAND_HELP)])
            return
        ack(text=DIGEST_WORKING if jobs[0].kind == "schedule" else WORKING)
        enqueue(jobs, deps=deps, client=client)

    def on_shortcut(ack: Ack, shortcut: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        jobs = jobs_for_shortcut(
            shortcut, max_links=settings.max_links_per_message, hosts=settings.slack_hook_hosts
        )
        _say(respond, SHORTCUT_WORKING if jobs else SHORTCUT_NOTHING)
        if jobs:
            enqueue(jobs, deps=deps, client=client)

    def on_share(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
    ) -> None:
        ack()
        reply_id = str(action.get("value") or "")
        try:
            messages = (
                load_messages(deps.queue.client.get(keys.private_reply(reply_id))) if reply_id else None
            )
        except redis.RedisError:
            log.exception("could not read a private reply to share")
            messages = None
        if not messages:
            _say(respond, SHARE_GONE, replace=False)
            return
        for message in shared(messages, user=str(context.user_id or "")):
            respond(
                text=message.text,
                blocks=list(message.blocks),
                response_type="in_channel",
                replace_original=False,
            )
        respond(delete_original=True)

    app.command(COMMAND)(on_command)
    app.shortcut(SHORTCUT)(on_shortcut)
    app.action(SHARE_ACTION)(on_share)


def shared(messages: list[SlackMessage], *, user: str) -> list[SlackMessage]:
    """A private reply as posted for everyone: the same messages, the last one saying who shared it."""
    if not messages:
        return []
    last = messages[-1]
    by = (
        context(f"Shared by <@{user}> with /summarize")
        if user.isalnum()
        else context("Shared with /summarize")
    )
    return [*messages[:-1], SlackMessage(text=last.text, blocks=(*last.blocks, by))]


def _say(respond: Respond, text: str, *, replace: bool = True) -> None:
    """A private line to the asker through the request's response_url (cosmetic: failures are logged)."""
    try:
        respond(text=text, replace_original=replace, response_type="ephemeral")
    except Exception:
        log.warning("could not answer through the response_url", exc_info=True)
