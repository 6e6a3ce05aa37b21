"""Citations: the "[n]" markers a summary carries and the passages they point to. Pure.

- `marked(blocks)` turns the model's answer, as the Messages API returns it with citations on (text
  blocks, each citing passages of the document), into one text with a marker after each cited block
  and the numbered `Source`s. A passage cited twice keeps its number.
- `cite_extract(items, text)` does the same for an extractive summary: each kept sentence is a
  sentence of `text`, so its marker points to exactly that sentence.
- `fragment_link(url, quote)` links a web page's passage with a text fragment (`#:~:text=start,end`),
  which browsers scroll to and highlight; pages that do not support it open at the top.
- `combine_parts(...)` / `through(...)` carry citations across a long document's two steps: the parts'
  summaries are combined without their markers, remembering which passages of the whole each sentence
  cited; a marker of the combined summary then cites the passages behind the sentences it points to.
- `with_pages(sources, doc)` gives a PDF's cited passages their page, from where each starts in the
  text the model read; `cleaned_page_starts` keeps those page starts true through `clean_text`, which
  drops lines and inserts spaces.
Markers go before a block's closing punctuation ("… rose 5% [2]."), so sentence splitting and counting
are unchanged; `bot.text.count_words` does not count them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote, urldefrag

from bot.models import Document, Source
from bot.summary.clean import clean_text, split_sentences
from bot.text import without_markers

MAX_SOURCES = 20
_PROBE = 200  # how much of a page's start is looked for in the cleaned text
_END = re.compile(r"([.!?…:;]*[\"”’)]*)(\s*)$")
_SPACES = re.compile(r"\s+")
_MARKS = re.compile(r"\s?(?:\[\d{1,4}\])+")  # a run of markers, as `bot.text.without_markers` drops it
_NUMBER = re.compile(r"\d+")


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
                start = None if passage.page else passage.start
                sources.append(Source(numbers[key], quote_text, passage.page, start))
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


@dataclass(frozen=True)
class Backed:
    """A sentence of the text that combines a long document's part summaries (`start`:`end` in it), and
    the passages of the whole document that sentence cited."""

    start: int
    end: int
    sources: tuple[Source, ...]


def combine_parts(
    summaries: Sequence[tuple[Sequence[str], Sequence[Source], int]],
) -> tuple[str, tuple[Backed, ...]]:
    """The parts' summaries (paragraphs, their sources, the part's offset in the whole document) as the
    one text to combine: "Part n of N:" and its paragraphs, without markers (they are numbered per part);
    with, for each sentence that had markers, the passages they cite, moved to offsets in the whole."""
    chunks: list[str] = []
    backed: list[Backed] = []
    size = 0
    for n, (paragraphs, sources, offset) in enumerate(summaries, 1):
        by_number = {s.number: s for s in sources}
        size += (2 if chunks else 0) + len(head := f"Part {n} of {len(summaries)}:\n")
        plain: list[str] = []
        for paragraph in paragraphs:
            size += 2 if plain else 0
            bare = without_markers(paragraph)
            position = 0
            for sentence in split_sentences(paragraph):
                words = without_markers(sentence).strip()
                at = bare.find(words, position) if words else -1
                if at < 0:
                    continue
                position = at + len(words)
                numbers = [int(k) for k in _NUMBER.findall(" ".join(_MARKS.findall(sentence)))]
                moved = tuple(
                    replace(c, start=c.start + offset) if c.start is not None else c
                    for c in (by_number[k] for k in numbers if k in by_number)
                )
                if moved:
                    backed.append(Backed(size + at, size + position, moved))
            size += len(bare)
            plain.append(bare)
        chunks.append(head + "\n\n".join(plain))
    return "\n\n".join(chunks), tuple(backed)


def through(
    paragraphs: Sequence[str], sources: Sequence[Source], backed: Sequence[Backed]
) -> tuple[tuple[str, ...], tuple[Source, ...]]:
    """The combined summary's items with its markers pointed through the part summaries' sentences they
    cite (`sources` start in the combined text) to the passages of the whole document behind them,
    numbered afresh; a marker with nothing behind it is dropped."""
    by_number = {s.number: s for s in sources}

    def behind(number: int) -> list[Cited]:
        source = by_number.get(number)
        if source is None or source.start is None:
            return []
        end = source.start + max(1, len(source.quote))
        return [
            Cited(p.quote, p.start or 0, p.page)
            for b in backed
            if b.start < end and source.start < b.end
            for p in b.sources
        ]

    blocks: list[tuple[str, list[Cited]]] = []
    for n, paragraph in enumerate(paragraphs):
        if n:
            blocks.append(("\n\n", []))
        position = 0
        for match in _MARKS.finditer(paragraph):
            cited = [c for k in _NUMBER.findall(match.group()) for c in behind(int(k))]
            blocks.append((paragraph[position : match.start()], cited))
            position = match.end()
        blocks.append((paragraph[position:], []))
    text, found = marked(blocks)
    items = tuple(text.split("\n\n"))
    if len(items) != len(paragraphs):  # an item with a blank line in it: give up the markers, not the text
        return tuple(without_markers(p) for p in paragraphs), ()
    return items, found


def with_pages(sources: tuple[Source, ...], doc: Document) -> tuple[Source, ...]:
    """`sources` with the page of each passage that has a start in `doc.text` and no page yet (a PDF's
    text cited by character range); as they are without `doc.page_starts`."""
    if not doc.page_starts:
        return sources
    return tuple(
        replace(s, page=doc.page_of(s.start)) if s.page is None and s.start is not None else s
        for s in sources
    )


def cleaned_page_starts(raw: str, starts: Sequence[int], cleaned: str) -> tuple[int, ...]:
    """Where each page of `raw` (page n starting at `starts[n - 1]`) starts in `cleaned`, which is
    `clean_text(raw)`. Cleaning works line by line and pages end at line breaks, so each page cleaned on
    its own is found in `cleaned`, in order, after the page before it; a page that cleaning empties
    starts where the next one does."""
    bounds = [*starts, len(raw)]
    found: list[int | None] = []
    position = 0
    for a, b in itertools.pairwise(bounds):
        page = clean_text(raw[a:b])
        if not page:
            found.append(None)
            continue
        at = cleaned.find(page[:_PROBE], position)
        if at < 0:  # not where it should be (cannot happen while cleaning is line by line): no page jump
            found.append(position)
            continue
        found.append(at)
        position = at + len(page)
    out: list[int] = []
    following = len(cleaned)
    for start in reversed(found):
        following = following if start is None else start
        out.append(following)
    return tuple(reversed(out))


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
