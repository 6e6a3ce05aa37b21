"""Citations: the "[n]" markers a summary carries and the passages they point to. Pure.

- `marked(blocks)` turns the model's answer, as the Messages API returns it with citations on (text
  blocks, each citing passages of the document), into one text with a marker after each cited block
  and the numbered `Source`s. A passage cited twice keeps its number.
- `cite_extract(items, text)` does the same for an extractive summary: each kept sentence is a
  sentence of `text`, so its marker points to exactly that sentence.
- `fragment_link(url, quote)` links a web page's passage with a text fragment (`#:~:text=start,end`),
  which browsers scroll to and highlight; pages that do not support it open at the top.
Markers go before a block's closing punctuation ("… rose 5% [2]."), so sentence splitting and counting
are unchanged; `bot.text.count_words` does not count them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, urldefrag

from bot.models import Source
from bot.summary.clean import split_sentences

MAX_SOURCES = 20
_END = re.compile(r"([.!?…:;]*[\"”’)]*)(\s*)$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Cited:
    """One passage a text block cites: its text, where it starts in the document, its page (PDFs)."""

    text: str
    start: int = 0
    page: int | None = None


def marked(blocks: Sequence[tuple[str, Sequence[Cited]]]) -> tuple[str, tuple[Source, ...]]:
    """The answer's text with markers, and the sources they number (see the module docstring)."""
    numbers: dict[tuple[str, int, int | None], int] = {}
    sources: list[Source] = []
    out: list[str] = []
    for text, cited in blocks:
        marks = ""
        for passage in cited:
            quote_text = _SPACES.sub(" ", passage.text).strip()
            key = (quote_text, passage.start, passage.page)
            if not quote_text:
                continue
            if key not in numbers and len(sources) < MAX_SOURCES:
                numbers[key] = len(sources) + 1
                sources.append(Source(numbers[key], quote_text, passage.page))
            if key in numbers and f"[{numbers[key]}]" not in marks:
                marks += f"[{numbers[key]}]"
        out.append(_with_marks(text, marks) if marks and text.strip() else text)
    return "".join(out), tuple(sources)


def cite_extract(items: Sequence[str], text: str) -> tuple[tuple[str, ...], tuple[Source, ...]]:
    """An extractive summary's items with a marker after each sentence found in `text`."""
    blocks: list[tuple[str, list[Cited]]] = []
    for n, item in enumerate(items):
        if n:
            blocks.append(("\n\n", []))
        for m, sentence in enumerate(split_sentences(item)):
            where = text.find(sentence) if len(sentence.split()) >= 3 else -1
            blocks.append(((" " if m else "") + sentence, [Cited(sentence, where)] if where >= 0 else []))
    joined, sources = marked(blocks)
    return tuple(joined.split("\n\n")), sources


def fragment_link(url: str, quote_text: str) -> str:
    """`url` with a text fragment for `quote_text`: its first and last words when it is long."""
    words = quote_text.split()
    if not words:
        return url
    base, _ = urldefrag(url)
    start = " ".join(words[:5]) if len(words) > 10 else " ".join(words)
    end = f",{_fragment(' '.join(words[-5:]))}" if len(words) > 10 else ""
    return f"{base}#:~:text={_fragment(start)}{end}"


def _fragment(text: str) -> str:
    return quote(text.strip(" .,;:"), safe="").replace("-", "%2D")


def _with_marks(text: str, marks: str) -> str:
    """`marks` before `text`'s closing punctuation and trailing spaces."""
    match = _END.search(text)
    if match is None:  # pragma: no cover - the pattern always matches at the end
        return text + marks
    head = text[: match.start()].rstrip()
    return f"{head} {marks}{match.group(1)}{match.group(2)}"
