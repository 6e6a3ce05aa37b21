"""Turn one Slack event into the jobs it asks for. Pure: no Slack client, no Redis.

Rules (the README's "What it does" section mirrors them):
- links and files posted without a mention are summarized only in `auto_channels` (empty: everywhere);
- ignored: other subtypes (edits, deletions, joins…), any bot's messages, hidden messages;
- links (from `<url>` / `<url|label>` in `text` and `link` elements of rich_text blocks, Slack's own links
  excluded) and files are summarized wherever the bot sees them; at most `max_links` links, the rest
  get one "skipped" notice; an unsupported file gets a one-line notice, except images, video and
  audio posted without addressing the bot (screenshots in a channel are not a request);
- pasted text is summarized only when addressed to the bot (a mention or a direct message);
- a bare mention in a thread summarizes the thread's parent; a bare mention elsewhere gets a help notice;
- replies always go in the thread of the message that asked (in direct messages too), which keeps a
  busy DM readable and lets the worker find its own earlier reply when checking before posting.
A message that mentions the bot arrives as both `message` and `app_mention`; both map to the same jobs
(same ids), so the queue keeps one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from bot.extract import SUPPORTED_FILE_TYPES_TEXT, is_supported_file
from bot.instructions.grammar import parse_request
from bot.models import SummarySpec
from bot.queue.jobs import Job, JobKind, SlackFile, job_id

HANDLED_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
SLACK_HOSTS = ("slack.com", "slack-edge.com", "slack-files.com", "slack-redir.net", "slack.help")
HELP_TEXT = (
    "Share a link or a file, or mention me with the text you want summarized. You can say how: "
    "_Summarize this in 3 paragraphs, about 300 words_."
)

_ANGLE = re.compile(r"<([^<>]+)>")
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")


@dataclass(frozen=True)
class EventContext:
    """What the mapping needs besides the event: who the bot is, and the configured limits."""

    team: str
    bot_user_id: str | None
    bot_id: str | None
    max_links: int = 3
    auto_channels: frozenset[str] = frozenset()


def is_slack_internal(url: str) -> bool:
    """True for links to Slack itself (messages, files, workspaces), which are never summarized."""
    host = (urlparse(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in SLACK_HOSTS)


def _rich_text_links(blocks: Any) -> list[str]:
    """URLs of `link` elements anywhere inside rich_text blocks."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "link" and isinstance(node.get("url"), str):
                found.append(node["url"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return found


def find_links(text: str, blocks: Any = None) -> list[str]:
    """External http(s) links in a message, in order of appearance, without duplicates."""
    candidates = [m.group(1).split("|", 1)[0] for m in _ANGLE.finditer(text)]
    candidates += _rich_text_links(blocks)
    links: list[str] = []
    for raw in candidates:
        url = html.unescape(raw).strip()
        if urlparse(url).scheme in {"http", "https"} and not is_slack_internal(url) and url not in links:
            links.append(url)
    return links


def plain_text(text: str, *, bot_user_id: str | None) -> str:
    """Slack's wire format to the text a person typed: mentions of the bot removed, markup unwrapped."""

    def unwrap(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "" if target[1:] == bot_user_id else f"@{label or target[1:]}"
        if target.startswith("#"):
            return f"#{label or target[1:]}"
        if target.startswith("!"):
            return f"@{label or target[1:].split('^')[0]}"
        return label or target

    return html.unescape(_ANGLE.sub(unwrap, text)).strip()


def _without_links(text: str) -> str:
    """The message text with every `<…>` link markup removed (for reading an instruction around links)."""
    return html.unescape(_ANGLE.sub(lambda m: "" if "://" in m.group(1) else m.group(0), text))


def jobs_for_event(event: Mapping[str, Any], ctx: EventContext) -> list[Job]:
    """The jobs one `message` or `app_mention` event asks for (possibly none). Never raises."""
    if not isinstance(event, Mapping):
        return []
    kind, subtype, user = event.get("type"), event.get("subtype"), event.get("user")
    if kind not in {"message", "app_mention"} or not (subtype is None or isinstance(subtype, str)):
        return []
    if subtype not in HANDLED_SUBTYPES or not isinstance(user, str) or user == ctx.bot_user_id:
        return []
    if event.get("bot_id") or event.get("hidden"):
        return []
    channel, ts = event.get("channel"), event.get("ts")
    if not isinstance(channel, str) or not isinstance(ts, str):
        return []
    raw_text = event.get("text")
    text = raw_text if isinstance(raw_text, str) else ""
    is_dm = event.get("channel_type") == "im"
    mentioned = kind == "app_mention" or bool(
        ctx.bot_user_id and any(m.group(1) == ctx.bot_user_id for m in _MENTION.finditer(text))
    )
    addressed = is_dm or mentioned
    if not addressed and ctx.auto_channels and channel not in ctx.auto_channels:
        return []
    thread_ts = event.get("thread_ts") if isinstance(event.get("thread_ts"), str) else None
    reply_to = thread_ts or ts

    def make(job_kind: JobKind, source: str, **fields: Any) -> Job:
        return Job(
            id=job_id(team=ctx.team, channel=channel, ts=ts, source=source),
            kind=job_kind,
            team=ctx.team,
            channel=channel,
            message_ts=ts,
            thread_ts=reply_to,
            user=user,
            source=source,
            **fields,
        )

    spec = SummarySpec()
    if addressed:
        spec, _ = parse_request(plain_text(_without_links(text), bot_user_id=ctx.bot_user_id))
    jobs: list[Job] = []
    links = find_links(text, event.get("blocks"))
    for url in links[: ctx.max_links]:
        jobs.append(make("url", f"url:{url}", url=url, spec=spec))
    if len(links) > ctx.max_links:
        skipped = len(links) - ctx.max_links
        jobs.append(
            make(
                "notice",
                "notice:skipped",
                notice=f"I summarize up to {ctx.max_links} links per message, so I skipped the other "
                f"{skipped}. Share {'it' if skipped == 1 else 'them'} in a separate message if you need "
                f"{'it' if skipped == 1 else 'them'} too.",
            )
        )
    for raw in event.get("files") or []:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
            continue
        file = SlackFile(
            id=raw["id"],
            name=str(raw.get("name") or raw.get("title") or raw["id"]),
            mimetype=raw.get("mimetype") if isinstance(raw.get("mimetype"), str) else None,
            filetype=raw.get("filetype") if isinstance(raw.get("filetype"), str) else None,
            size=raw.get("size") if isinstance(raw.get("size"), int) else None,
            url_private_download=raw.get("url_private_download")
            if isinstance(raw.get("url_private_download"), str)
            else None,
        )
        if raw.get("file_access") == "check_file_info" or is_supported_file(
            mimetype=file.mimetype, filetype=file.filetype, name=file.name
        ):
            jobs.append(make("file", f"file:{file.id}", file=file, spec=spec))
        elif addressed or not is_media(file):
            jobs.append(
                make(
                    "notice",
                    f"notice:unsupported:{file.id}",
                    notice=f"I can't summarize *{_safe_name(file.name)}*: "
                    f"I read {SUPPORTED_FILE_TYPES_TEXT} files.",
                )
            )
    if jobs or not addressed:
        return jobs
    request_text = plain_text(text, bot_user_id=ctx.bot_user_id)
    spec, content = parse_request(request_text)
    if content.strip():
        return [make("text", "text", text=content, spec=spec)]
    if thread_ts and thread_ts != ts:
        return [make("thread", "thread", spec=spec)]
    return [make("notice", "notice:help", notice=HELP_TEXT)]


def is_media(file: SlackFile) -> bool:
    """Images, video and audio: shared all day long in channels, never to be summarized."""
    major = (file.mimetype or "").split("/", 1)[0]
    return major in {"image", "video", "audio"}


def _safe_name(name: str) -> str:
    """A file name fit to sit inside our own mrkdwn: Slack control characters and emphasis removed."""
    return re.sub(r"[<>&*_~`|]", "", name)[:120] or "this file"
