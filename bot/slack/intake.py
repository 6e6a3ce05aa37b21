"""Turn one Slack event (or a thread's parent message) into the jobs it asks for. Pure: no Slack client,
no Redis, no parser.

Rules (the README's "What it does" section mirrors them):
- links and files posted without a mention are summarized only in `auto_channels` (empty: everywhere);
- ignored: other subtypes (edits, deletions, joins…), hidden messages, and messages from Slackbot
  (`USLACKBOT`, which posts without a `bot_id`), any app, bot or workflow (`bot_id`, `app_id`,
  `bot_profile`): those are summarized only when a person mentions the bot in their thread;
- links (from `<url>` / `<url|label>` in `text` and `link` elements of rich_text blocks, Slack's own links
  excluded) and files are summarized wherever the bot sees them; at most `max_links` links, the rest
  get one "skipped" notice; an unsupported file gets a one-line notice, except images, video and
  audio posted without addressing the bot (screenshots in a channel are not a request);
- pasted text is summarized only when addressed to the bot (a mention or a direct message); chatter
  addressed to it (a greeting, "test", "help", a question about the bot, a few words) gets the help
  line, which in a direct message lists the ways to use the bot;
- a bare mention in a thread summarizes the thread's parent; a bare mention elsewhere gets the help line;
- a mention in a thread asking for the conversation ("summarize this thread", "catch me up") summarizes
  the whole thread: what was discussed, decisions, open questions and action items; outside a thread
  (not in a DM), a short "catch me up", "what did I miss since yesterday?" or "summarize this channel"
  is a catch-up of the channel, posted in the mention's thread;
- in a thread the bot already summarized (`summarized_thread`), a reply addressed to it (a mention; in a
  DM any reply) is a follow-up about the same sources: a reshape or a question, answered by the worker;
  a link, a file or a long text there is a new request, and a bare mention or small talk gets a hint of
  what to ask;
- a reaction with the configured emoji (📝 by default) on a message summarizes that message in its
  thread, once, whoever reacts (`job_for_reaction`);
- replies always go in the thread of the message that asked (in direct messages too), which keeps a
  busy DM readable and lets the worker find its own earlier reply when checking before posting.
A message that mentions the bot arrives as both `message` and `app_mention`; both map to the same jobs
(same ids), so the queue keeps one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.extract.kinds import SUPPORTED_FILE_TYPES_TEXT, is_supported_file
from bot.instructions import parse_request
from bot.instructions.chatter import is_chatter
from bot.instructions.conversation import CATCH_UP_MAX_WORDS, asks_for_catch_up, asks_for_conversation
from bot.instructions.followup import is_question
from bot.instructions.window import Window, read_window
from bot.models import SummarySpec
from bot.queue.jobs import Job, JobKind, SlackFile, job_id
from bot.slack.markup import MENTION, find_links, plain_text, without_links
from bot.text import count_words

HANDLED_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
SLACKBOT = "USLACKBOT"
APP_FIELDS = ("bot_id", "app_id", "bot_profile")  # a message any app, bot or workflow posted
HELP_TEXT = (
    "Hi! Share a link or a file where I am, or mention me with the text you want summarized. You can "
    "say how: _@summarizer Summarize this in 3 bullets_, or _…in 2 paragraphs, about 300 words_. Mention "
    "me in a thread to summarize the message it started from."
)
DM_HELP_TEXT = (
    "Hi! Here is what I can do:\n"
    "• send me a link or a file (PDF, Word, PowerPoint, Excel, CSV, text…) and I'll summarize it;\n"
    "• paste text, starting with an instruction if you like: _Summarize this in 3 bullets_, _tl;dr_, "
    "_in French, about 200 words_;\n"
    "• in a channel, mention me with a link, a file or text, or mention me in a thread to summarize the "
    "message it started from."
)
FOLLOWUP_HINT = (
    "Ask me about what I summarized here: _what does it say about the budget?_, _who is quoted?_ — or "
    "reshape it: _shorter_, _as 5 bullets_, _in French_, _for executives_."
)
FOLLOWUP_MAX_WORDS = 60  # a longer reply in a summarized thread is new text to summarize
MakeJob = Callable[..., Job]


@dataclass(frozen=True)
class EventContext:
    """What the mapping needs besides the event: who the bot is, and the configured limits."""

    team: str
    bot_user_id: str | None
    bot_id: str | None
    max_links: int = 3
    auto_channels: frozenset[str] = frozenset()
    summarized_thread: bool = False  # the event's thread holds a summary the bot can still follow up on


@dataclass(frozen=True)
class _Message:
    """A person's message the bot may act on: where it is, who wrote it, and whether it asks the bot."""

    channel: str
    ts: str
    user: str
    text: str
    thread_ts: str | None
    addressed: bool


def jobs_for_event(event: Mapping[str, Any], ctx: EventContext) -> list[Job]:
    """The jobs one `message` or `app_mention` event asks for (possibly none). Never raises."""
    message = _message(event, ctx)
    if message is None:
        return []
    make = _maker(ctx.team, message)
    spec = SummarySpec()
    if message.addressed:
        spec, _ = parse_request(plain_text(without_links(message.text), bot_user_id=ctx.bot_user_id))
    jobs = _shared_sources(event, make, spec=spec, addressed=message.addressed, max_links=ctx.max_links)
    if jobs or not message.addressed:
        return jobs
    in_thread = bool(message.thread_ts and message.thread_ts != message.ts)
    typed = plain_text(message.text, bot_user_id=ctx.bot_user_id)
    if in_thread and asks_for_conversation(typed):
        spec, _ = parse_request(typed)
        return [make("conversation", "conversation", spec=spec)]
    if not in_thread and event.get("channel_type") != "im":
        window, rest = read_window(typed)
        if asks_for_catch_up(rest) or (window is not None and count_words(rest) <= CATCH_UP_MAX_WORDS // 2):
            spec, _ = parse_request(rest)
            code = (window or Window()).code
            return [make("channel", f"channel:{code}", window=code, spec=spec)]
    if ctx.summarized_thread and in_thread:
        return [_followup(message, make, bot_user_id=ctx.bot_user_id)]
    spec, content = parse_request(plain_text(message.text, bot_user_id=ctx.bot_user_id))
    if content.strip() and not is_chatter(content):
        return [make("text", "text", text=content, spec=spec)]
    if not content.strip() and message.thread_ts and message.thread_ts != message.ts:
        return [make("thread", "thread", spec=spec)]
    help_text = DM_HELP_TEXT if event.get("channel_type") == "im" else HELP_TEXT
    return [make("notice", "notice:help", notice=help_text)]


def _followup(message: _Message, make: MakeJob, *, bot_user_id: str | None) -> Job:
    """The job for a reply in a summarized thread: a follow-up, a new request (long text), or a hint."""
    text = plain_text(message.text, bot_user_id=bot_user_id)
    spec, content = parse_request(text)
    if count_words(content) > FOLLOWUP_MAX_WORDS:
        return make("text", "text", text=content, spec=spec)
    if content.strip() and (is_question(content) or not is_chatter(content)):
        return make("followup", "followup", text=text)
    if spec != SummarySpec():
        return make("followup", "followup", text=text)
    return make("notice", "notice:followup", notice=FOLLOWUP_HINT)


def jobs_for_parent(parent: Mapping[str, Any], job: Job, *, max_links: int) -> list[Job]:
    """The summarizing jobs for a bare mention in a thread (`job`, of kind "thread"): the parent
    message's links, files or text, with the mention's request. Their ids derive from the mention."""
    message = _Message(
        channel=job.channel,
        ts=job.message_ts,
        user=job.user or "unknown",
        text=_text(parent),
        thread_ts=job.thread_ts,
        addressed=True,  # the mention addressed the parent to us: its text counts as content
    )
    make = _maker(job.team, message)
    jobs = _shared_sources(parent, make, spec=job.spec, addressed=True, max_links=max_links)
    if not jobs:
        _, content = parse_request(plain_text(message.text, bot_user_id=None))
        jobs = [make("text", "text", text=content, spec=job.spec)] if content.strip() else []
    return [j for j in jobs if j.kind != "notice"]


def job_for_reaction(
    event: Mapping[str, Any], *, team: str, emoji: str, bot_user_id: str | None
) -> Job | None:
    """The job a `reaction_added` event asks for: `emoji` on a message summarizes that message in its
    thread, once (the id ignores who reacted). None for any other reaction, or one by this bot."""
    item = event.get("item")
    if not emoji or event.get("reaction") != emoji or not isinstance(item, Mapping):
        return None
    channel, ts, user = item.get("channel"), item.get("ts"), event.get("user")
    if item.get("type") != "message" or not isinstance(channel, str) or not isinstance(ts, str):
        return None
    if not isinstance(user, str) or user == bot_user_id:
        return None
    source = f"reaction:{emoji}"
    return Job(
        id=job_id(team=team, channel=channel, ts=ts, source=source),
        kind="message",
        team=team,
        channel=channel,
        message_ts=ts,
        thread_ts=ts,  # the worker moves it into the message's own thread when it is a reply
        user=user,
        source=source,
    )


def _message(event: Mapping[str, Any], ctx: EventContext) -> _Message | None:
    """The message in `event` if it is a person's message this bot may act on, else None."""
    if not isinstance(event, Mapping):
        return None
    kind, subtype, user = event.get("type"), event.get("subtype"), event.get("user")
    if kind not in {"message", "app_mention"} or not (subtype is None or isinstance(subtype, str)):
        return None
    if subtype not in HANDLED_SUBTYPES or not isinstance(user, str) or user in {ctx.bot_user_id, SLACKBOT}:
        return None
    if event.get("hidden") or any(event.get(field) for field in APP_FIELDS):
        return None
    channel, ts = event.get("channel"), event.get("ts")
    if not isinstance(channel, str) or not isinstance(ts, str):
        return None
    text = _text(event)
    mentioned = kind == "app_mention" or bool(
        ctx.bot_user_id and any(m.group(1) == ctx.bot_user_id for m in MENTION.finditer(text))
    )
    addressed = event.get("channel_type") == "im" or mentioned
    if not addressed and ctx.auto_channels and channel not in ctx.auto_channels:
        return None
    thread_ts = event.get("thread_ts") if isinstance(event.get("thread_ts"), str) else None
    return _Message(channel, ts, user, text, thread_ts, addressed)


def _maker(team: str, message: _Message) -> MakeJob:
    """A job factory for `message`: ids from (team, channel, ts, source), replies in its thread."""

    def make(job_kind: JobKind, source: str, **fields: Any) -> Job:
        return Job(
            id=job_id(team=team, channel=message.channel, ts=message.ts, source=source),
            kind=job_kind,
            team=team,
            channel=message.channel,
            message_ts=message.ts,
            thread_ts=message.thread_ts or message.ts,
            user=message.user,
            source=source,
            **fields,
        )

    return make


def _shared_sources(
    message: Mapping[str, Any], make: MakeJob, *, spec: SummarySpec, addressed: bool, max_links: int
) -> list[Job]:
    """Jobs for the links and files a message carries (with a notice for skipped links and for files
    the bot does not read)."""
    links = find_links(_text(message), message.get("blocks"))
    jobs = [make("url", f"url:{url}", url=url, spec=spec) for url in links[:max_links]]
    if len(links) > max_links:
        skipped = len(links) - max_links
        them = "it" if skipped == 1 else "them"
        notice = (
            f"I summarize up to {max_links} links per message, so I skipped the other {skipped}. "
            f"Share {them} in a separate message if you need {them} too."
        )
        jobs.append(make("notice", "notice:skipped", notice=notice))
    files = message.get("files")
    for raw in files if isinstance(files, list) else []:
        file = _slack_file(raw)
        if file is None:
            continue
        if raw.get("file_access") == "check_file_info" or is_supported_file(
            mimetype=file.mimetype, filetype=file.filetype, name=file.name
        ):
            jobs.append(make("file", f"file:{file.id}", file=file, spec=spec))
        elif addressed or not is_media(file):
            notice = f"I can't summarize *{_safe_name(file.name)}*: I read {SUPPORTED_FILE_TYPES_TEXT} files."
            jobs.append(make("notice", f"notice:unsupported:{file.id}", notice=notice))
    return jobs


def _text(message: Mapping[str, Any]) -> str:
    """A message's `text`, or "" when it has none (or something that is not a string)."""
    text = message.get("text")
    return text if isinstance(text, str) else ""


def _slack_file(raw: Any) -> SlackFile | None:
    """The parts of a Slack file object the worker needs, or None if it has no id."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
        return None

    def text(key: str) -> str | None:
        value = raw.get(key)
        return value if isinstance(value, str) else None

    return SlackFile(
        id=raw["id"],
        name=str(raw.get("name") or raw.get("title") or raw["id"]),
        mimetype=text("mimetype"),
        filetype=text("filetype"),
        size=raw.get("size") if isinstance(raw.get("size"), int) else None,
        url_private_download=text("url_private_download"),
    )


def is_media(file: SlackFile) -> bool:
    """Images, video and audio: shared all day long in channels, never to be summarized."""
    major = (file.mimetype or "").split("/", 1)[0]
    return major in {"image", "video", "audio"}


def _safe_name(name: str) -> str:
    """A file name fit to sit inside our own mrkdwn: Slack control characters and emphasis removed."""
    return re.sub(r"[<>&*_~`|]", "", name)[:120] or "this file"
