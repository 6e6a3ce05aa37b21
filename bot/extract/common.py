"""What every format extractor returns, and the small helpers they share. Pure: stdlib only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.text import normalize_text

# Fewer words than this is not a document worth summarizing (an empty page, a lone heading).
MIN_WORDS = 5


@dataclass(frozen=True)
class Extracted:
    """What one format extractor found; `extract()` turns it into a `Document`.

    `url` is the page's own canonical address when it gives one; `notice` a sentence for the reply's
    footer (a limit that cut the document short, a page summarized from its description);
    `page_starts` where each page starts in `text` (PDFs, see `Document.page_starts`).
    """

    text: str
    title: str | None = None
    site_name: str | None = None
    author: str | None = None
    date: str | None = None
    pages: int | None = None
    url: str | None = None
    notice: str | None = None
    page_starts: tuple[int, ...] | None = None


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Normalise each paragraph and join the non-empty ones with a blank line."""
    return normalize_text("\n\n".join(p for p in paragraphs if p.strip()))
