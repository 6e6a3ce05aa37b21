"""A Slack thread as a document to summarize: one line per message, numbered, with the author's name as
Slack shows it ("[12] Dana: the vendor agreed to June"). Pure.

The numbers let the summary point at key messages ("decided in [12]"); `Transcript.ts` maps each number
back to its message for a permalink. The bot's own replies (earlier summaries) are left out; other apps'
messages keep the app's name; a file shared is named; Slack markup is read as a person would read it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.models import Document
from bot.slack.markup import plain_text

THREAD_LABEL = "this thread"


@dataclass(frozen=True)
class Transcript:
    """The conversation as text, and the ts of message number n at `ts[n - 1]`."""

    text: str
    ts: tuple[str, ...]
    people: frozenset[str]

    def document(self, *, title: str = "Thread", label: str = THREAD_LABEL) -> Document:
        return Document(text=self.text, kind="conversation", label=label, origin="conversation", title=title)


def authors(messages: Sequence[Mapping[str, Any]], *, bot_user_id: str | None) -> set[str]:
    """The people who wrote in the thread (whose names are needed): not apps, not this bot."""
    return {
        str(m["user"])
        for m in messages
        if isinstance(m.get("user"), str) and not m.get("bot_id") and m["user"] != bot_user_id
    }


def transcript(
    messages: Sequence[Mapping[str, Any]],
    *,
    names: Mapping[str, str],
    bot_user_id: str | None,
    asking: str = "",
    threaded: bool = False,
) -> Transcript:
    """The thread's messages as numbered lines, in order, without this bot's own replies and without the
    message that asks for the summary (`asking`, its ts). `threaded` (a channel's messages, each
    followed by its thread's replies): a reply says which message it answers, "(reply to [3])"."""
    lines: list[str] = []
    order: list[str] = []
    people: set[str] = set()
    numbers: dict[str, int] = {}
    for message in messages:
        if (bot_user_id and message.get("user") == bot_user_id) or message.get("ts") == asking:
            continue
        text = plain_text(str(message.get("text") or ""), bot_user_id=bot_user_id)
        files = [
            str(f.get("name") or f.get("title") or "a file")
            for f in message.get("files") or []
            if isinstance(f, dict)
        ]
        if files:
            text = (text + " " if text else "") + "(shared " + ", ".join(files) + ")"
        if not text.strip():
            continue
        name = _author(message, names)
        people.add(name)
        order.append(str(message.get("ts") or ""))
        numbers[order[-1]] = len(order)
        parent = numbers.get(str(message.get("thread_ts") or "")) if threaded else None
        reply = f"(reply to [{parent}]) " if parent and parent != len(order) else ""
        lines.append(f"[{len(order)}] {name}: {reply}{' '.join(text.split())}")
    return Transcript(text="\n\n".join(lines), ts=tuple(order), people=frozenset(people))


def _author(message: Mapping[str, Any], names: Mapping[str, str]) -> str:
    if message.get("bot_id"):
        profile = message.get("bot_profile") or {}
        return str(profile.get("name") or message.get("username") or "an app")
    user = str(message.get("user") or "")
    return names.get(user, user or "someone")
