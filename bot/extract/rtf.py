"""Rich Text Format (.rtf) → text with striprtf, plus the title and author from the `\\info` group.

Pure. striprtf is small, pure Python and without native dependencies; it honours `\\ansicpg` code pages,
`\\'xx` and `\\uN` escapes, and skips pictures, fonts and other non-text groups.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import cast

from striprtf import striprtf

from bot.errors import UnsupportedContent
from bot.extract.common import Extracted
from bot.text import normalize_text

DAMAGED = "I couldn't read this RTF file; it looks damaged. Save it again (or as PDF) and share the new copy."
# striprtf ships no type hints: its one function takes and returns str.
rtf_to_text = cast(Callable[..., str], striprtf.rtf_to_text)
# Hex-encoded pictures and embedded objects: long runs no prose has. Dropped up front, since striprtf
# walks them token by token (seconds on a 20 MB file).
_HEX_RUN = re.compile(r"[0-9a-fA-F\r\n]{512,}")
_INFO = r"\{\\%s\b ?((?:[^{}\\]|\\[^{}])*)\}"


def extract_rtf(data: bytes) -> Extracted:
    """The document's text, paragraphs kept; title and author from its `\\info` group when present."""
    try:
        raw = data.decode("utf-8")  # some writers put raw UTF-8 in; real RTF is 7-bit, which this reads too
    except UnicodeDecodeError:
        raw = data.decode("latin-1")
    try:
        text = rtf_to_text(_HEX_RUN.sub("", raw), errors="ignore")
    except Exception as exc:  # a parser on untrusted bytes: anything it raises means "can't read it"
        raise UnsupportedContent(DAMAGED, detail=repr(exc)) from exc
    return Extracted(text=_paragraphs(text), title=_info(raw, "title"), author=_info(raw, "author"))


def _paragraphs(text: str) -> str:
    """striprtf ends every `\\par` with one newline: each line is a paragraph of its own."""
    return normalize_text(normalize_text(text).replace("\n", "\n\n"))


def _info(raw: str, field: str) -> str | None:
    match = re.search(_INFO % field, raw)
    if not match:
        return None
    try:
        value = rtf_to_text("{\\rtf1 " + match.group(1) + "}", errors="ignore")
    except Exception:  # a damaged info group only costs us the title
        return None
    return normalize_text(value).replace("\n", " ") or None
