"""A long summary as a Slack canvas: the canvas's markdown, and the short reply in the thread that leads
to it (header, first paragraph or first bullets, a link to the canvas, footer, buttons). Pure.

Contract: text that did not come from this bot is made inert in the canvas as in messages: Slack's
angle-bracket markup and `![](@U…)` mentions are broken up, and "@channel"/"@here"/"@everyone" get a
word joiner, so a canvas cannot ping anyone either.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.models import OFFLINE_MODEL, Document, Summary
from bot.slack.blocks import (
    SECTION_LIMIT,
    TEXT_LIMIT,
    SlackMessage,
    context,
    controls,
    defuse_pings,
    escaped_within,
    link,
    section,
    shorten,
)
from bot.slack.render import BULLET, header_text, page_groups, plain_title, source_links
from bot.summary.footer import footer_text

LEAD_CHARS = 600  # how much of the summary the thread shows above the canvas link
_MARKER = re.compile(r"\[(\d{1,4})\]")


def canvas_title(doc: Document) -> str:
    """The canvas's title: "Summary: <the source's name>"."""
    return shorten(f"Summary: {plain_title(doc)}", 120)


def canvas_markdown(doc: Document, summary: Summary, *, refs: Mapping[str, str] | None = None) -> str:
    """The whole summary as canvas markdown: byline, paragraphs (or a bulleted list), the footer line; a
    "[12]" citation becomes a link to its message."""
    lines: list[str] = []
    refs = refs or source_links(doc, summary)
    if doc.url:
        lines.append(f"Source: [{_inert(plain_title(doc))}]({doc.url})")
    byline = [part for part in (doc.author, doc.date) if part and part.strip()]
    if byline:
        lines.append(_inert(" · ".join(byline)))
    if lines:
        lines.append("")
    for paragraph in summary.paragraphs:
        text = _cited(_inert(" ".join(paragraph.split())), refs)
        if not text:
            continue
        lines.append(f"- {text}" if summary.form == "bullets" else text)
        if summary.form != "bullets":
            lines.append("")
    if summary.sources and summary.model != OFFLINE_MODEL:
        lines.extend(["", "## Sources"])
        for source in summary.sources:
            page = f" (p. {source.page})" if source.page else ""
            lines.append(f"- {_marker(source.number, refs)} “{_inert(' '.join(source.quote.split()))}”{page}")
    elif summary.sources and page_groups(summary):  # an extract's passages are its own sentences: pages
        lines.extend(["", "## Sources"])
        for numbers, number in page_groups(summary):
            lines.append(f"- {''.join(_marker(n, refs) for n in numbers)} p. {number}")
    lines.extend(["", "---", f"_{_inert(footer_text(doc, summary))}_"])
    return "\n".join(lines).strip() + "\n"


def render_canvas_reply(
    doc: Document, summary: Summary, *, canvas_url: str, reply_id: str | None = None
) -> list[SlackMessage]:
    """The thread's reply for a summary kept in a canvas: its header, the summary's lead, a link to the
    canvas, the footer and (with a `reply_id`) the buttons; always one message."""
    lead = _lead(summary)
    words = f"{summary.words:,} words" if summary.words else "the full summary"
    pointer = (
        f":page_facing_up: The full summary ({words}) is in a canvas: {link(canvas_url, canvas_title(doc))}"
    )
    blocks = [
        section(header_text(doc)),
        section(lead),
        section(pointer),
        context(escaped_within(footer_text(doc, summary), SECTION_LIMIT)),
        *(controls(reply_id) if reply_id else []),
    ]
    first = next((p.strip() for p in summary.paragraphs if p.strip()), "")
    fallback = escaped_within(f"Summary of {plain_title(doc)}: {first}", TEXT_LIMIT)
    return [SlackMessage(text=fallback, blocks=tuple(blocks))]


def _lead(summary: Summary) -> str:
    """The first paragraph (or the first bullets), escaped, within `LEAD_CHARS`, with "…" if cut."""
    if summary.form == "bullets":
        shown: list[str] = []
        for item in summary.paragraphs:
            line = f"{BULLET} {' '.join(item.split())}"
            if shown and sum(len(s) for s in shown) + len(line) > LEAD_CHARS:
                break
            shown.append(line)
        more = "\n…" if len(shown) < len(summary.paragraphs) else ""
        return escaped_within("\n".join(shown), SECTION_LIMIT - 2) + more
    first = next((p for p in summary.paragraphs if p.strip()), "")
    return escaped_within(" ".join(first.split()), LEAD_CHARS)


def _inert(text: str) -> str:
    """Text safe in canvas markdown: no Slack markup, no mentions, no pings."""
    text = text.replace("<", "‹").replace(">", "›").replace("![", "!\u2060[")
    return defuse_pings(text)


def _marker(number: int, refs: Mapping[str, str]) -> str:
    key = str(number)
    return f"[[{key}]]({refs[key]})" if key in refs else f"[{key}]"


def _cited(text: str, refs: Mapping[str, str]) -> str:
    return _MARKER.sub(
        lambda m: f"[[{m.group(1)}]]({refs[m.group(1)]})" if m.group(1) in refs else m.group(0), text
    )
