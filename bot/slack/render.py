"""A summary as Slack Block Kit messages: header, paragraphs or bullets, and the shared footer.

Contract: every text that did not come from this bot (titles, file names, URLs, paragraphs, notes) goes
through `escape`/`link` (`bot.slack.blocks`). Each message has ≤ 50 blocks, section texts ≤ 3,000
characters, ≤ 11,000 characters of block text and a `text` fallback ≤ 3,000 characters; a long summary
becomes several messages (header in the first, footer in the last). Pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urldefrag

from bot.models import OFFLINE_MODEL, Answer, Document, Summary
from bot.slack.blocks import (
    SECTION_LIMIT,
    TEXT_LIMIT,
    Block,
    SlackMessage,
    context,
    controls,
    escape,
    escaped_within,
    link,
    section,
    shorten,
)
from bot.slack.transcript import THREAD_LABEL
from bot.summary.citations import fragment_link
from bot.summary.clean import sentence_spans
from bot.summary.footer import footer_text

MAX_BLOCKS = 50
_MARKER = re.compile(r"\[(\d{1,4})\]")
MAX_MESSAGE_CHARS = 11_000  # Slack's undocumented msg_blocks_too_long cap is ~11-13k
TITLE_LIMIT = 250
BULLET = "•"
SOURCE_QUOTE_CHARS = 140


def render_summary(
    doc: Document, summary: Summary, *, reply_id: str | None = None, refs: Mapping[str, str] | None = None
) -> list[SlackMessage]:
    """The summary as one or more messages: header, one section per paragraph (split if long) or a
    bulleted list ("• item" lines, as many per section as fit), a footer with the final counts, and (with
    a `reply_id`) the reshape and feedback buttons under it all. `refs` turns the model's "[12]" markers
    into links to the messages they cite (a thread's conversation)."""
    header = section(header_text(doc))
    if summary.form == "bullets":
        texts = _bullet_sections(summary.paragraphs)
    else:
        texts = [piece for paragraph in summary.paragraphs for piece in _pieces(paragraph)]
    refs = refs or source_links(doc, summary)
    sections = [section(_linked(text, refs) if refs else text) for text in texts]
    footer = context(escaped_within(footer_text(doc, summary), SECTION_LIMIT))
    buttons = controls(reply_id) if reply_id else []
    groups = _pack([header, *sections, *sources_blocks(summary, refs), footer, *buttons])
    title = plain_title(doc)
    first = next((p.strip() for p in summary.paragraphs if p.strip()), "")
    messages = []
    for number, blocks in enumerate(groups, 1):
        if number == 1:
            fallback = f"Summary of {title}: {first}" if first else f"Summary of {title}"
        else:
            fallback = f"Summary of {title} (part {number} of {len(groups)})"
        messages.append(SlackMessage(text=escaped_within(fallback, TEXT_LIMIT), blocks=tuple(blocks)))
    return messages


def render_answer(docs: list[Document], answer: Answer, *, reply_id: str | None = None) -> list[SlackMessage]:
    """An answer to a follow-up question: its paragraphs, then a footer naming the source(s) and the model
    (and any note, such as a degraded answer), and (with a `reply_id`) the feedback buttons."""
    sections = [section(piece) for paragraph in answer.paragraphs for piece in _pieces(paragraph)]
    titles = ", ".join(plain_title(doc) for doc in docs)
    model = "Offline answer" if answer.model == OFFLINE_MODEL else f"Model: {answer.model}"
    footer = context(escaped_within(" · ".join([f"From: {titles}", model, *answer.notes]), SECTION_LIMIT))
    first = next((p.strip() for p in answer.paragraphs if p.strip()), "")
    fallback = escaped_within(first or "Answer", TEXT_LIMIT)
    buttons = controls(reply_id, reshape=False) if reply_id else []
    return [
        SlackMessage(text=fallback, blocks=tuple(blocks)) for blocks in _pack([*sections, footer, *buttons])
    ]


def source_links(doc: Document, summary: Summary) -> dict[str, str]:
    """For a web page's summary, each marker's link: the page, scrolled to the cited passage; for a
    linked PDF, the file opened at the cited page (`#page=4`: PDF viewers do not follow text fragments)."""
    if not (doc.url and doc.url.startswith(("http://", "https://"))):
        return {}
    base = urldefrag(doc.url)[0]
    return {
        str(s.number): f"{base}#page={s.page}" if s.page else fragment_link(doc.url, s.quote)
        for s in summary.sources
    }


def page_groups(summary: Summary) -> list[tuple[tuple[int, ...], int]]:
    """An extractive summary's markers by the page they cite, in order: ((1, 2), 1), ((3,), 4) for
    "[1][2] p. 1 · [3] p. 4"; markers without a page are left out."""
    groups: list[tuple[tuple[int, ...], int]] = []
    for source in summary.sources:
        if source.page is None:
            continue
        if groups and groups[-1][1] == source.page:
            groups[-1] = ((*groups[-1][0], source.number), source.page)
        else:
            groups.append(((source.number,), source.page))
    return groups


def sources_blocks(summary: Summary, refs: Mapping[str, str]) -> list[Block]:
    """The compact *Sources* part: each cited passage as a short quote after its number (linked into the
    page where `refs` has it; with its page number for a PDF), at most 10 to a context block. An
    extractive summary's passages are its own sentences: its markers link into the page, and only a PDF's
    pages are listed ("[1][2] p. 1 · [3] p. 4")."""
    if summary.model == OFFLINE_MODEL:
        groups = page_groups(summary)
        pages = " · ".join("".join(_marker(n, refs) for n in ns) + f" p. {page}" for ns, page in groups)
        if len(pages) > SECTION_LIMIT:  # long links: the page numbers matter more
            pages = " · ".join("".join(f"[{n}]" for n in ns) + f" p. {page}" for ns, page in groups)
        return [context(f"*Sources* {pages}")] if pages else []
    lines = []
    for source in summary.sources:
        page = f" (p. {source.page})" if source.page else ""
        lines.append(
            f"{_marker(source.number, refs)} “{escaped_within(source.quote, SOURCE_QUOTE_CHARS)}”{page}"
        )
    if lines:
        lines[0] = f"*Sources* {lines[0]}"
    return [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in lines[i : i + 10]]}
        for i in range(0, len(lines), 10)
    ]


def _marker(number: int, refs: Mapping[str, str]) -> str:
    """The marker "[n]", linked where `refs` has a link for it."""
    return link(refs[str(number)], f"[{number}]") if str(number) in refs else f"[{number}]"


def _linked(text: str, refs: Mapping[str, str]) -> str:
    """`text` (escaped mrkdwn) with each "[n]" that `refs` knows turned into a link to its message; the
    text as it was when the links would not fit in a section."""
    linked = _MARKER.sub(
        lambda m: link(refs[m.group(1)], m.group(0)) if m.group(1) in refs else m.group(0), text
    )
    return linked if len(linked) <= SECTION_LIMIT else text


def header_text(doc: Document) -> str:
    """The linked title (links), the title or file name (files), or "Summary of your text", with a
    byline of what is known: site name, author, date (and the file name when a title replaced it)."""
    if doc.origin == "conversation":
        people = escape(" ".join((doc.author or "").split()))[:300]
        name = "Summary of this thread" if doc.label == THREAD_LABEL else (doc.title or "Catch-up")
        title = f"*{escape(shorten(name, TITLE_LIMIT)).replace('*', '')}*"
        return f"{title}\n{people}" if people else title
    if doc.origin == "pasted":
        return "*Summary of your text*"
    if doc.url:
        title = f"*{link(doc.url, plain_title(doc).replace('*', ''))}*"  # a "*" would end the bold early
        byline = [doc.site_name, doc.author, doc.date]
    else:
        name = doc.title if doc.title and doc.title.strip() else doc.label
        title = f":page_facing_up: *{escape(shorten(' '.join(name.split()), TITLE_LIMIT)).replace('*', '')}*"
        byline = [doc.label if name != doc.label else None, doc.author, doc.date]
    extra = " · ".join(escape(" ".join(part.split()))[:120] for part in byline if part and part.strip())
    return f"{title}\n{extra}" if extra else title


def plain_title(doc: Document) -> str:
    """The source's name for humans: the page title (or URL) for links, the file name, or "your text"."""
    name = (doc.title or doc.label) if doc.url else doc.label
    return shorten(" ".join(name.split()) or "the document", TITLE_LIMIT)


def _bullet_sections(items: tuple[str, ...]) -> list[str]:
    """Escaped "• item" lines packed into section texts of at most SECTION_LIMIT characters."""
    lines: list[str] = []
    for item in items:
        for n, piece in enumerate(_pieces(" ".join(item.split()), limit=SECTION_LIMIT - 2)):
            lines.append(f"{BULLET} {piece}" if n == 0 else piece)
    sections: list[str] = []
    for line in lines:
        if sections and len(sections[-1]) + 1 + len(line) <= SECTION_LIMIT:
            sections[-1] += "\n" + line
        else:
            sections.append(line)
    return sections


def _pieces(paragraph: str, *, limit: int = SECTION_LIMIT) -> list[str]:
    """Escaped section texts for one paragraph, cut at sentence ends (else words) to fit `limit`."""
    text = paragraph.strip()
    if not text:
        return []
    if len(escape(text)) <= limit:
        return [escape(text)]
    pieces: list[str] = []
    span: tuple[int, int] | None = None
    for start, end in sentence_spans(text):
        if span is not None and len(escape(text[span[0] : end])) <= limit:
            span = (span[0], end)
            continue
        if span is not None:
            pieces.append(escape(text[span[0] : span[1]]))
        span = (start, end)
        if len(escape(text[start:end])) > limit:
            pieces.extend(_word_pieces(text[start:end], limit=limit))
            span = None
    if span is not None:
        pieces.append(escape(text[span[0] : span[1]]))
    return pieces


def _word_pieces(sentence: str, *, limit: int = SECTION_LIMIT) -> list[str]:
    """A sentence too long for one section, cut between words (and inside over-long words)."""
    pieces: list[str] = []
    current = ""
    for match in re.finditer(r"\S+", sentence):
        word = match.group()
        candidate = f"{current} {word}" if current else word
        if len(escape(candidate)) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(escape(current))
        current = word
        while len(escape(current)) > limit:  # escaping at most quintuples a character
            step = limit // 5
            pieces.append(escape(current[:step]))
            current = current[step:]
    if current:
        pieces.append(escape(current))
    return pieces


def _pack(blocks: list[Block]) -> list[list[Block]]:
    """Blocks in order into messages of ≤ MAX_BLOCKS blocks and ≤ MAX_MESSAGE_CHARS of text."""
    groups: list[list[Block]] = [[]]
    size = 0
    for block in blocks:
        chars = _chars(block)
        if groups[-1] and (len(groups[-1]) >= MAX_BLOCKS or size + chars > MAX_MESSAGE_CHARS):
            groups.append([])
            size = 0
        groups[-1].append(block)
        size += chars
    if len(groups) > 1 and len(groups[-1]) == 1 and len(groups[-2]) > (2 if len(groups) == 2 else 1):
        groups[-1].insert(0, groups[-2].pop())  # never leave the footer alone in the last message
    return groups


def _chars(block: Block) -> int:
    text = block.get("text")
    if isinstance(text, dict):
        return len(str(text.get("text", "")))
    elements = block.get("elements")
    if isinstance(elements, list):
        return sum(len(str(e.get("text", ""))) for e in elements if isinstance(e, dict))
    return 0
