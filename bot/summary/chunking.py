"""Split a long document into parts that each fit the model's input budget, along its structure.

Contract: `split_document` cuts only between pieces, preferring headings, then blank-line paragraphs, then
lines, sentences and (for a single over-long sentence) words; every part is a slice of the text, in order,
and together they hold every word of it, each exactly once. Parts are balanced in size and each has at most
`max_tokens` by `estimate_tokens` (a single word longer than that stays whole). Pure: stdlib only.
"""

from __future__ import annotations

import math
import re

from bot.summary.clean import sentence_spans

BYTES_PER_TOKEN = 3.5  # conservative for English (≈4), close to one token per CJK character (3 bytes)
_BLOCK = re.compile(r"(?:[^\n]|\n(?![ \t]*\n))+")
_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\S+")
_TERMINAL = tuple(".!?:;,…")


def estimate_tokens(text: str) -> int:
    """A generous estimate of the tokens `text` costs: UTF-8 bytes / 3.5, rounded up."""
    return math.ceil(len(text.encode("utf-8")) / BYTES_PER_TOKEN)


def _is_heading(block: str) -> bool:
    first = block.strip().split("\n", 1)[0].strip()
    if first.startswith("#"):
        return True
    return "\n" not in block.strip() and len(first.split()) <= 12 and not first.endswith(_TERMINAL)


def _pieces(text: str, start: int, end: int, max_tokens: int, level: int) -> list[tuple[int, int]]:
    """Spans of text[start:end] at the coarsest level whose pieces fit `max_tokens`."""
    if estimate_tokens(text[start:end]) <= max_tokens:
        return [(start, end)]
    if level == 0:
        spans = [(start + m.start(), start + m.end()) for m in _BLOCK.finditer(text[start:end])]
    elif level == 1:
        spans = [(start + m.start(), start + m.end()) for m in _LINE.finditer(text[start:end])]
    elif level == 2:
        spans = [(start + a, start + b) for a, b in sentence_spans(text[start:end])]
    else:
        return _word_groups(text, start, end, max_tokens)
    if len(spans) <= 1 and level < 3:
        return _pieces(text, start, end, max_tokens, level + 1)
    out: list[tuple[int, int]] = []
    for a, b in spans:
        out.extend(_pieces(text, a, b, max_tokens, level + 1))
    return out


def _word_groups(text: str, start: int, end: int, max_tokens: int) -> list[tuple[int, int]]:
    groups: list[tuple[int, int]] = []
    first = last = -1
    for m in _WORD.finditer(text, start, end):
        if first >= 0 and estimate_tokens(text[first : m.end()]) > max_tokens:
            groups.append((first, last))
            first = -1
        if first < 0:
            first = m.start()
        last = m.end()
    if first >= 0:
        groups.append((first, last))
    return groups


def split_document(text: str, *, max_tokens: int) -> list[str]:
    """`text` as parts of at most `max_tokens` estimated tokens each (one part when it fits)."""
    return [text[a:b] for a, b in split_spans(text, max_tokens=max_tokens)]


def split_spans(text: str, *, max_tokens: int) -> list[tuple[int, int]]:
    """Where each part of `split_document` lies in `text`: (start, end), trimmed of surrounding spaces
    (so that what a part's reader cites can be found in the whole)."""
    max_tokens = max(50, max_tokens)
    if estimate_tokens(text) <= max_tokens:
        return [(0, len(text))] if text.strip() else []
    pieces = _pieces(text, 0, len(text), max_tokens, 0)
    sizes = [estimate_tokens(text[a:b]) for a, b in pieces]
    target = sum(sizes) / math.ceil(sum(sizes) / max_tokens)
    parts: list[tuple[int, int]] = []
    first, last, size = -1, 0, 0
    for (a, b), tokens in zip(pieces, sizes, strict=True):
        if first >= 0:
            whole = estimate_tokens(text[first:b])
            heading = _is_heading(text[a:b]) and size >= 0.8 * target
            if whole > max_tokens or heading or size + tokens / 2 > target:
                parts.append((first, last))
                first = -1
        if first < 0:
            first, size = a, 0
        size += tokens
        last = b
    if first >= 0:
        parts.append((first, last))
    return [_trimmed(text, a, b) for a, b in parts if text[a:b].strip()]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
