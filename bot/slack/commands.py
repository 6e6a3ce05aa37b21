"""`/summarize` and the "Summarize" message shortcut, read: the jobs a request asks for. Pure.

- `/summarize <link…> [instruction]` summarizes the links (up to `max_links`); `/summarize [instruction]
  <pasted text>` the text; `/summarize` alone, a window (`since yesterday`, `last 4 hours`, `this
  week`), a catch-up phrase (`catch me up`, `this channel`) or just an instruction (`in 5 bullets`)
  catches the asker up on the channel; `/summarize digest daily 09:00` (`weekly mon 09:00`, `off`, or
  alone: what is set) schedules the channel's digest; `/summarize help`, or chatter, gets the help
  text. The reply is
  private: it goes to the asker through the command's `response_url` (an ephemeral message with a
  *Share in channel* button), so it works in any conversation, the bot a member or not.
- The shortcut on a message summarizes its links, files or text, or its whole thread when it has
  replies. The reply goes in the message's thread; only when Slack refuses it there (the bot is not in
  the conversation) does it go privately to the asker through the shortcut's `response_url`.
Each request is its own job, keyed by its `trigger_id` (Slack does not retry these requests; a second
click is a second request). A `response_url` is accepted only on Slack's hooks host (or the configured
API host, for a local stand-in), so no request can point the worker elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from bot.instructions import parse_request
from bot.instructions.chatter import is_chatter
from bot.instructions.conversation import CATCH_UP_MAX_WORDS, asks_for_catch_up
from bot.instructions.digest import is_digest_request
from bot.instructions.window import Window, read_window
from bot.models import SummarySpec
from bot.queue.jobs import Job, job_id
from bot.slack.intake import jobs_for_parent
from bot.slack.markup import find_links, plain_text, without_links
from bot.text import count_words

COMMAND = "/summarize"
SHORTCUT = "summarize_message"  # the message shortcut's callback_id (manifest.yml)
HOOKS_HOST = "hooks.slack.com"
BARE_URL = re.compile(r"https?://[^\s<>|]+")
COMMAND_HELP = (
    "*/summarize* — a summary only you can see, with a button to share it:\n"
    "• `/summarize` — catch up on this channel since your last message (or `since yesterday`, "
    "`last 4 hours`, `this week`; add how: `/summarize today in 5 bullets`);\n"
    "• `/summarize https://example.com/article` — a page, article or PDF link (add how you want it: "
    "`/summarize https://… in 3 bullets`);\n"
    "• `/summarize in 5 bullets: <pasted text>` — any text you paste;\n"
    "• the *Summarize* shortcut (⋮ on any message → Summarize) — that message's link, file or text, or "
    "its whole thread, in the thread;\n"
    "• react with :memo: to a message — its summary, in its thread, for everyone;\n"
    "• mention me in a thread with _summarize this thread_ — the conversation, with decisions and "
    "action items;\n"
    "• `/summarize digest daily 09:00` (or `weekly mon 09:00`, `off`) — a digest of this channel on "
    "schedule: the links shared and the busiest threads."
)
DIGEST_WORKING = "Setting up the digest…"
WORKING = "Working on it: your summary will appear here (only you can see it)."
SHORTCUT_WORKING = "Summarizing that message…"
SHORTCUT_NOTHING = "I couldn't find a link, file or text to summarize in that message."


def is_response_url(url: object, hosts: frozenset[str]) -> bool:
    """True for an https URL on Slack's hooks host (or http(s) on another allowed host, a stand-in)."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.netloc == HOOKS_HOST:
        return parts.scheme == "https"
    return parts.netloc in hosts and parts.scheme in {"http", "https"}


def jobs_for_command(
    payload: Mapping[str, Any], *, max_links: int, hosts: frozenset[str]
) -> list[Job] | None:
    """The private jobs a `/summarize` request asks for, or None when it should get the help text."""
    text = str(payload.get("text") or "").strip()
    team, channel = str(payload.get("team_id") or ""), str(payload.get("channel_id") or "")
    user, trigger = str(payload.get("user_id") or ""), str(payload.get("trigger_id") or "")
    url = payload.get("response_url")
    if not (team and channel and user and trigger and is_response_url(url, hosts)):
        return None
    if text.lower() in {"help", "?", "-h", "--help"}:
        return None

    def make(kind: Any, source: str, **fields: Any) -> Job:
        return Job(
            id=job_id(team=team, channel=channel, ts=trigger, source=source),
            kind=kind,
            team=team,
            channel=channel,
            message_ts="",
            thread_ts="",
            user=user,
            source=source,
            quiet=True,
            response_url=str(url),
            private=True,
            **fields,
        )

    if is_digest_request(text):
        channel_name = str(payload.get("channel_name") or "")
        shown = channel_name if channel_name not in {"directmessage", "privategroup"} else None
        return [make("schedule", "digest", text=text, where=shown)]
    links = find_links(text) or _bare_links(text)
    if links:
        rest = BARE_URL.sub(" ", without_links(text))
        spec, _ = parse_request(plain_text(rest, bot_user_id=None))
        return [make("url", f"url:{link}", url=link, spec=spec) for link in links[:max_links]]
    window, rest = read_window(plain_text(text, bot_user_id=None))
    spec, content = parse_request(rest)
    short = count_words(rest) <= CATCH_UP_MAX_WORDS
    if (
        not text
        or (short and (window is not None or asks_for_catch_up(rest)))
        or (not content.strip() and spec != SummarySpec())
    ):
        code = (window or Window()).code
        name = str(payload.get("channel_name") or "") or None
        return [make("channel", f"channel:{code}", window=code, where=name, spec=spec)]
    if not content.strip() or is_chatter(content):
        return None
    return [make("text", "text", text=content, spec=spec)]


def jobs_for_shortcut(payload: Mapping[str, Any], *, max_links: int, hosts: frozenset[str]) -> list[Job]:
    """The jobs the "Summarize" shortcut asks for on its message: its thread's conversation when it has
    replies, else its links, files or text. Empty when there is nothing to summarize."""
    message = payload.get("message")
    channel = str((payload.get("channel") or {}).get("id") or "")
    team = str((payload.get("team") or {}).get("id") or (payload.get("user") or {}).get("team_id") or "")
    user = str((payload.get("user") or {}).get("id") or "")
    trigger, url = str(payload.get("trigger_id") or ""), payload.get("response_url")
    if not isinstance(message, Mapping) or not (channel and team and user and trigger):
        return []
    ts = str(message.get("ts") or payload.get("message_ts") or "")
    if not ts:
        return []
    thread_ts = str(message.get("thread_ts") or ts)
    base = Job(
        id=job_id(team=team, channel=channel, ts=trigger, source="shortcut"),
        kind="conversation" if _has_replies(message) else "thread",
        team=team,
        channel=channel,
        message_ts=ts,
        thread_ts=thread_ts,
        user=user,
        source="shortcut",
        response_url=str(url) if is_response_url(url, hosts) else None,
    )
    if base.kind == "conversation":
        return [base]
    return [
        replace(
            job,
            id=job_id(team=team, channel=channel, ts=trigger, source=job.source),
            response_url=base.response_url,
        )
        for job in jobs_for_parent(message, base, max_links=max_links)
    ]


def _has_replies(message: Mapping[str, Any]) -> bool:
    """True for a thread's parent with replies (a reply itself, or a lone message, is not a thread)."""
    count = message.get("reply_count")
    ts = message.get("ts")
    return isinstance(count, int) and count > 0 and message.get("thread_ts") in {None, ts}


def _bare_links(text: str) -> list[str]:
    """http(s) links typed without Slack's angle brackets (a command without `should_escape`)."""
    found: list[str] = []
    for match in BARE_URL.finditer(text):
        link = match.group().rstrip(".,;:!?)")
        if link not in found:
            found.append(link)
    return find_links(" ".join(f"<{link}>" for link in found))
