"""Block Kit building blocks: escaping, safe links, sections, the one-line notice, and the buttons under a
reply (their action ids are what the button listeners match). Pure: stdlib only.

Contract: every text that did not come from this bot (titles, file names, URLs, paragraphs, notes) goes
through `escape`/`link`, so nothing from a page, a file or the model can ping `@channel` or inject a link.
Light on purpose: the web process builds its notices with this module alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.instructions.defaults import LANGUAGES

SECTION_LIMIT = 3000  # section text, and context element text
TEXT_LIMIT = 3000  # the notification fallback

_PINGS = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_EMOJI = re.compile(r"[a-z0-9_+'-]{1,64}")
_URL_UNSAFE = re.compile(r"[|<>\s\x00-\x1f\x7f]")
_LABEL_SPACE = re.compile(r"\s+")

Block = dict[str, object]
WORKING, DONE, FAILED = "hourglass_flowing_sand", "white_check_mark", "x"  # reactions on the asking message
RESHAPE_ACTION = "reshape_"  # + shorter | longer | bullets | translate
FEEDBACK_ACTION = "feedback"
SHARE_ACTION = "share_reply"
# The message metadata event type on every finished message of ours: a reply's payload names its job
# and part, a notice's its kind (`bot.slack.post`).
METADATA_EVENT = "summarizer_reply"


def reply_tag(payload: dict[str, Any]) -> dict[str, Any]:
    """The `metadata` of a message of ours carrying `payload`: a reply's `{"job_id", "part"}` (with
    `"live": True` while it is still being written), a notice's `{"notice": kind}`."""
    return {"event_type": METADATA_EVENT, "event_payload": payload}


def finished_tag(message: dict[str, Any]) -> dict[str, Any] | None:
    """The payload of our tag on a finished message (job id and part, or a notice's kind); None for a
    message still being written: untagged (a stream), or tagged "live" (a post being edited where Slack
    refuses streams)."""
    meta: dict[str, Any] = message.get("metadata") or {}
    payload: dict[str, Any] = meta.get("event_payload") or {}
    return payload if meta.get("event_type") == METADATA_EVENT and not payload.get("live") else None


TRANSLATIONS = LANGUAGES  # the Translate menu: the languages most people read (also the Home's choices)


@dataclass(frozen=True)
class SlackMessage:
    """One message to post: Block Kit `blocks` and the plain `text` fallback shown in notifications."""

    text: str
    blocks: tuple[dict[str, object], ...]


def dump_messages(messages: list[SlackMessage]) -> str:
    """`messages` as JSON, for keeping in Redis. Inverse of `load_messages`."""
    return json.dumps([{"text": m.text, "blocks": list(m.blocks)} for m in messages], ensure_ascii=False)


def load_messages(raw: str | bytes | None) -> list[SlackMessage] | None:
    """What `dump_messages` wrote, or None when there is nothing (expired) or it is malformed."""
    if not raw:
        return None
    try:
        return [SlackMessage(text=str(m["text"]), blocks=tuple(m["blocks"])) for m in json.loads(raw)]
    except (ValueError, KeyError, TypeError):
        return None


def escape(text: str) -> str:
    """`text` safe inside mrkdwn: `& < >` as entities (so `<!channel>`, `<@U…>`, `<url|x>` stay literal).

    As defence in depth the bare words "@channel", "@here" and "@everyone" get a word joiner after the
    "@" ("@\u2060channel"), which reads the same but can never become a mention, even with `link_names`.
    """
    return defuse_pings(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def defuse_pings(text: str) -> str:
    """`text` with "@channel", "@here" and "@everyone" made inert (a word joiner after the "@")."""
    return _PINGS.sub("@\u2060\\1", text)


def link(url: str, label: str) -> str:
    """A safe `<url|label>` for an http(s) URL; just the escaped label for any other URL.

    In the URL, `|`, `<`, `>`, whitespace and control characters are percent-encoded; the label is
    escaped, single-line, and its `|` replaced by "¦" (a `|` would end the label early).
    """
    clean_label = _LABEL_SPACE.sub(" ", escape(label)).replace("|", "¦").strip()
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return clean_label
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return clean_label
    safe = _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url)
    return f"<{safe}|{clean_label}>" if clean_label else f"<{safe}>"


def render_notice(text: str, *, emoji: str = "warning") -> SlackMessage:
    """A one-line reply (error, skipped link, help) with a leading `:emoji:`.

    `text` is trusted bot text and may use our own mrkdwn; it is NOT escaped here, so callers must pass
    any user- or web-supplied part of it (file names, titles, URLs) through `escape`/`link` first.
    """
    name = emoji.strip(":") if _EMOJI.fullmatch(emoji.strip(":")) else "warning"
    body = shorten(text.strip(), SECTION_LIMIT - len(name) - 3)
    return SlackMessage(text=shorten(text.strip(), TEXT_LIMIT), blocks=(section(f":{name}: {body}"),))


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a word boundary when one is near, ending with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def escaped_within(text: str, limit: int) -> str:
    """`escape(text)`, shortened before escaping so that the result has at most `limit` characters."""
    budget = limit
    while True:
        escaped = escape(shorten(text, budget))
        if len(escaped) <= limit:
            return escaped
        budget -= len(escaped) - limit


def controls(reply_id: str, *, reshape: bool = True) -> list[Block]:
    """The buttons under a reply: Shorter, Longer, Bullets and a Translate menu (`reshape`), and Slack's
    feedback buttons. They carry the reply's job id and choices, never content."""
    blocks: list[Block] = []
    if reshape:
        buttons: list[dict[str, object]] = [
            {
                "type": "button",
                "action_id": f"{RESHAPE_ACTION}{choice}",
                "text": _plain(label),
                "value": reply_id,
            }
            for choice, label in (("shorter", "Shorter"), ("longer", "Longer"), ("bullets", "Bullets"))
        ]
        menu = {
            "type": "static_select",
            "action_id": f"{RESHAPE_ACTION}translate",
            "placeholder": _plain("Translate"),
            "options": [{"text": _plain(name), "value": name} for name in TRANSLATIONS],
        }
        blocks.append({"type": "actions", "block_id": f"reshape:{reply_id}", "elements": [*buttons, menu]})
    feedback = {
        "type": "feedback_buttons",
        "action_id": FEEDBACK_ACTION,
        "positive_button": {
            "text": _plain("Good"),
            "accessibility_label": "This summary was useful",
            "value": "good",
        },
        "negative_button": {
            "text": _plain("Not good"),
            "accessibility_label": "This summary was not useful",
            "value": "bad",
        },
    }
    blocks.append({"type": "context_actions", "block_id": f"feedback:{reply_id}", "elements": [feedback]})
    return blocks


def share_button(reply_id: str) -> list[Block]:
    """The button under a private reply that posts it in the conversation for everyone."""
    button = {
        "type": "button",
        "action_id": SHARE_ACTION,
        "text": _plain("Share in channel"),
        "style": "primary",
        "value": reply_id,
    }
    return [{"type": "actions", "block_id": f"share:{reply_id}", "elements": [button]}]


def _plain(text: str) -> dict[str, object]:
    return {"type": "plain_text", "text": text}
