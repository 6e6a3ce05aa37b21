"""Slack's message markup, read: the links a message carries and the text a person typed. Pure.

`<https://…|label>` links, `<@U…>` mentions, `<#C…|name>` channels and `<!here>` specials are Slack's
wire format (mrkdwn with angle-bracket escapes); `rich_text` blocks carry links as `link` elements.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlparse

SLACK_HOSTS = ("slack.com", "slack-edge.com", "slack-files.com", "slack-redir.net", "slack.help")
ANGLE = re.compile(r"<([^<>]+)>")
MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")


def is_slack_internal(url: str) -> bool:
    """True for links to Slack itself (messages, files, workspaces), which are never summarized."""
    host = (urlparse(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in SLACK_HOSTS)


def _rich_text_links(blocks: Any) -> list[str]:
    """URLs of `link` elements anywhere inside rich_text blocks, except in code blocks (a URL in code is
    an example, not a share)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "rich_text_preformatted":
                return
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
    candidates = [m.group(1).split("|", 1)[0] for m in ANGLE.finditer(text)]
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

    return html.unescape(ANGLE.sub(unwrap, text)).strip()


def without_links(text: str) -> str:
    """The message text with every `<…>` link markup removed (for reading an instruction around links)."""
    return html.unescape(ANGLE.sub(lambda m: "" if "://" in m.group(1) else m.group(0), text))
