"""A job for one Slack message or request: one source to summarize (link, file, text, thread parent, the
whole thread's conversation, a channel's recent messages, or a message someone reacted to), a follow-up
in a summarized thread (its `text` is what the person wrote), or one notice.

The id is derived from (team, channel, message ts, source), so the same source in the same message
always maps to the same job, whichever event or retry delivered it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from bot.models import SummarySpec

JobKind = Literal[
    "url",
    "file",
    "text",
    "thread",
    "conversation",
    "channel",
    "message",
    "followup",
    "notice",
    "schedule",
    "digest",
]


def job_id(*, team: str, channel: str, ts: str, source: str) -> str:
    """Stable id for the job that handles `source` in message (team, channel, ts)."""
    digest = hashlib.sha256(f"{team}\x1f{channel}\x1f{ts}\x1f{source}".encode()).hexdigest()
    return digest[:32]


@dataclass(frozen=True)
class SlackFile:
    """The parts of a Slack file object the worker needs to download and name it."""

    id: str
    name: str
    mimetype: str | None = None
    filetype: str | None = None
    size: int | None = None
    url_private_download: str | None = None


@dataclass(frozen=True)
class Job:
    """Everything the worker needs, with no further lookup except the thread parent for kind "thread".

    `message_ts` is the message that asked (it gets the reactions); replies go to the thread
    `thread_ts` (both "" for a private job: a command has no message). `source` is the dedupe key
    within the message, e.g. "url:https://…", "file:F123",
    "text", "thread", "notice:skipped".
    """

    id: str
    kind: JobKind
    team: str
    channel: str
    message_ts: str
    thread_ts: str
    user: str | None
    source: str
    url: str | None = None
    file: SlackFile | None = None
    text: str | None = None
    notice: str | None = None
    spec: SummarySpec = field(default_factory=SummarySpec)
    quiet: bool = False  # no ⏳/✅ reactions: a button's job, whose reply is its own answer
    # Asked through /summarize or the message shortcut: Slack's response_url for that request (an ephemeral
    # reply to the asker, 5 uses in 30 minutes). `private`: the reply goes only there (a command); else
    # the reply goes in the thread, and there only if Slack refuses it in the thread (not a member).
    response_url: str | None = None
    private: bool = False
    # A catch-up ("channel"): its window (`bot.instructions.window` code) and the conversation's name as
    # the asker saw it ("general"), for the reply's title.
    window: str | None = None
    where: str | None = None

    def to_json(self) -> str:
        """Serialize for the queue. Inverse of `Job.from_json`."""
        return json.dumps(asdict(self), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str | bytes) -> Job:
        """Parse what `to_json` produced. Raises ValueError (or KeyError/TypeError) on malformed input."""
        data: dict[str, Any] = json.loads(raw)
        file = SlackFile(**data.pop("file")) if data.get("file") else None
        data.pop("file", None)
        spec_data = data.pop("spec", None) or {}
        known = {f.name for f in fields(SummarySpec)}
        spec = SummarySpec(
            **{k: v for k, v in spec_data.items() if k in known and k != "style_notes"},
            style_notes=tuple(spec_data.get("style_notes") or ()),
        )
        return cls(file=file, spec=spec, **data)
