"""The one text normaliser, the word count every length in the bot uses, and sizes as people say them.
Pure: stdlib only.

Every text the bot summarizes passes through `normalize_text` once (extraction ends with it, and the
summary cleaner starts with it), so there is one answer to "which characters survive":
- kept: every visible character, and the invisible ones that carry meaning: ZWJ and ZWNJ (U+200D,
  U+200C: emoji sequences such as 👩‍💻, Persian and Indic words), the word joiner (U+2060), the bidi
  marks and isolates (U+200E/F, U+2066–2069) and variation selectors (U+FE0F, the emoji presentation);
- dropped: zero-width space (U+200B), the byte-order mark (U+FEFF), the soft hyphen (U+00AD) and C0
  control characters other than line breaks and tabs, which only get in the way;
- unified: every line break (CR, CRLF, VT, NEL, U+2028) becomes "\n", a form feed or U+2029 a
  paragraph break; every run of spaces (tabs, no-break and typographic spaces) inside a line one space;
  lines are trimmed and at most one blank line stays between paragraphs.
"""

from __future__ import annotations

import re

_LINE_BREAKS = str.maketrans(
    {"\r": "\n", "\v": "\n", "\u2028": "\n", "\x85": "\n", "\f": "\n\n", "\u2029": "\n\n"}
)
_INVISIBLE = re.compile("[\u00ad\u200b\ufeff\x00-\x08\x0e-\x1f\x7f]")
# Runs of horizontal space: `\s` without the line break, which is every Unicode space separator, the
# tab and the no-break spaces (U+00A0, U+202F). ZWJ, ZWNJ and the word joiner are not in `\s`.
_HSPACE = re.compile(r"[^\S\n]+")
_BLANK_RUN = re.compile(r"\n{3,}")
_WORD = re.compile(r"\S+")
_MARKERS = re.compile(r"\s?\[\d{1,4}\](?:\[\d{1,4}\])*")


def normalize_text(text: str) -> str:
    """`text` with unified line breaks, no meaningless invisible characters, single-spaced trimmed lines
    and at most one blank line in a row (see the module docstring for what is kept)."""
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS)
    text = _INVISIBLE.sub("", text)
    lines = (_HSPACE.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


def count_words(text: str) -> int:
    """Number of whitespace-separated words in `text` (the unit every length in this package uses);
    citation markers ("[2]") are not words."""
    return len(_WORD.findall(without_markers(text)))


def as_text(value: bytes | str) -> str:
    """A value as Redis returns it (bytes without `decode_responses`), as text."""
    return value.decode() if isinstance(value, bytes) else value


def without_markers(text: str) -> str:
    """`text` without its citation markers ("… passed [2][3]." → "… passed.")."""
    return _MARKERS.sub("", text)


def human_size(size: float) -> str:
    """`size` bytes as people say it: "900 bytes", "50 KB", "25 MB"."""
    if size < 1000:
        return f"{size:.0f} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.0f} MB" if size >= 10_000_000 else f"{size / 1_000_000:.1f} MB"
