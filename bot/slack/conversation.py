"""Conversations as documents to summarize: a thread ("summarize this thread", the shortcut on a thread),
or a channel's recent messages with their threads (a catch-up: `/summarize [since yesterday…]`, or
"@summarizer catch me up" in a channel).

A catch-up reads the window (`bot.instructions.window`) in the asker's time zone; the default window is
"since your last message here" (found by reading back from now, at most `max_hours`), else the last 24
hours. The threads of the window's messages are read too (the busiest `MAX_THREADS` first), all within
`max_messages`. People are named as Slack names them; the bot's own messages and the asking message
are left out; each message is numbered so that the summary can cite it and the reply can link it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.errors import UserFacingError
from bot.instructions.window import DEFAULT, Window, window_start
from bot.models import Document
from bot.queue.jobs import Job
from bot.slack.reading import History, SlackReader
from bot.slack.transcript import Transcript, authors, transcript

MAX_THREADS = 30
EMPTY_THREAD = "There's nothing in this thread for me to summarize yet."


@dataclass(frozen=True)
class Conversation:
    """The conversation as a document, and the ts of message number n at `order[n - 1]`."""

    document: Document
    order: tuple[str, ...]


class Conversations:
    """Reads threads and channels into `Conversation`s (see the module docstring)."""

    def __init__(
        self, reader: SlackReader, *, thread_max: int, max_messages: int = 1000, max_hours: int = 168
    ) -> None:
        self.reader = reader
        self.thread_max = thread_max
        self.max_messages = max_messages
        self.max_hours = max_hours

    async def thread(self, job: Job) -> Conversation:
        """The job's thread, parent first (the asking message left out, except for a shortcut, which is
        asked on the parent itself)."""
        messages = await self.reader.thread_messages(job, limit=self.thread_max)
        asking = "" if job.source == "shortcut" else job.message_ts
        found = await self._transcript(job, messages, asking=asking)
        if not found.ts:
            raise UserFacingError(EMPTY_THREAD)
        doc = _described(found.document(), found)
        if len(messages) >= self.thread_max:
            doc = replace(doc, notice=f"read the first {self.thread_max:,} messages of the thread")
        return Conversation(doc, found.ts)

    async def catch_up(self, job: Job, *, now: datetime) -> Conversation:
        """The channel's messages in the job's window, each followed by its thread's replies."""
        window = Window(job.window or DEFAULT)
        offset = await self.reader.tz_offset(job.user)
        start = window_start(window, now=now, tz_offset_seconds=offset, cap_hours=self.max_hours)
        label = window.label
        if window.code == DEFAULT:
            oldest = (now - timedelta(hours=self.max_hours)).timestamp()
            history = await self.reader.history(
                job.channel, oldest=oldest, limit=self.max_messages, until_user=job.user, skip=job.message_ts
            )
            if history.since_user is None:  # not a word from them within the cap: the last 24 hours
                recent = tuple(m for m in history.messages if float(m.get("ts") or 0) >= start.timestamp())
                history, label = replace(history, messages=recent), "in the last 24 hours"
        else:
            history = await self.reader.history(
                job.channel, oldest=start.timestamp(), limit=self.max_messages
            )
        messages = await self._with_threads(job, history)
        found = await self._transcript(job, messages, asking=job.message_ts, threaded=True)
        if not found.ts:
            hint = " Try `/summarize last 24 hours`." if label == "since your last message" else ""
            raise UserFacingError(f"Nothing new was posted here {label}.{hint}")
        where = f"#{job.where}" if job.where and job.where not in {"directmessage", "privategroup"} else ""
        title = f"Catch-up: {where}, {label}" if where else f"Catch-up {label}"
        doc = _described(found.document(title=title, label=where or "this conversation"), found)
        if history.partial:
            doc = replace(doc, notice=f"read the latest {len(history.messages):,} messages only")
        return Conversation(doc, found.ts)

    async def _with_threads(self, job: Job, history: History) -> list[dict[str, Any]]:
        """The window's messages in order, each followed by its thread's replies (busiest threads first,
        within the message budget)."""
        budget = self.max_messages - len(history.messages)
        threads = sorted(
            (m for m in history.messages if int(m.get("reply_count") or 0) > 0),
            key=lambda m: -int(m.get("reply_count") or 0),
        )[:MAX_THREADS]
        replies: dict[str, list[dict[str, Any]]] = {}
        for parent in threads:
            if budget <= 0:
                break
            ts = str(parent.get("ts"))
            found = await self.reader.replies(job.channel, ts, limit=budget + 1)
            replies[ts] = [m for m in found if m.get("ts") != ts]
            budget -= len(replies[ts])
        ordered: list[dict[str, Any]] = []
        for message in history.messages:
            ordered.append(message)
            ordered.extend(replies.get(str(message.get("ts")), []))
        return ordered

    async def _transcript(
        self, job: Job, messages: list[dict[str, Any]], *, asking: str, threaded: bool = False
    ) -> Transcript:
        me = await self.reader.bot_user_id()
        names = await self.reader.names(job.team, authors(messages, bot_user_id=me))
        return transcript(messages, names=names, bot_user_id=me, asking=asking, threaded=threaded)


def _described(doc: Document, found: Transcript) -> Document:
    """`doc` with its byline: "42 messages from Alice, Bob, Carol and 3 others"."""
    people = sorted(found.people)
    who = ", ".join(people[:4]) + (f" and {len(people) - 4} others" if len(people) > 4 else "")
    return replace(doc, author=f"{len(found.ts)} messages from {who}")
