"""PDF → text with pypdf: the text layer of up to `max_pages` pages, re-flowed into paragraphs, with
where each page starts in the text (so that a citation can name its page).

Pure. pypdf raises all sorts of exceptions on damaged files; every one of them becomes an
`UnsupportedContent` here, with the original kept as the cause for the logs.
"""

from __future__ import annotations

import io
import re
from statistics import median

import pypdf
from pypdf.errors import DependencyError, LimitReachedError

from bot.errors import ContentTooLarge, ScannedDocument, UnsupportedContent
from bot.extract.common import MIN_WORDS, Extracted, join_paragraphs
from bot.text import count_words, normalize_text

DAMAGED = "I couldn't read this PDF; it looks damaged. Export or save it again, then share the new copy."
PASSWORD = "This PDF is password-protected, so I can't open it. Share a copy without the password."
SCANNED = (
    "This PDF has no text I can read; it looks like a scan. Run it through OCR (or export it with "
    "selectable text) and share it again."
)
_TOO_LARGE = "This PDF holds more compressed data than I'm willing to unpack. Try a smaller export."

# Fewer words than this per page is a scan with a stamp or page numbers on it, not a text layer.
_MIN_WORDS_PER_PAGE = 2
# A line much shorter than the page's usual line width ends its paragraph (headings, last lines); so does
# a somewhat short one that ends a sentence.
_SHORT_LINE = 0.7
_SHORT_SENTENCE_END = 0.9
_SENTENCE_END = re.compile(r"[.!?…\"”’)]$")
_ITEM_START = re.compile(r"^(?:[•◦▪‣●∙·\-–*]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s")
_WORD_BEFORE_HYPHEN = re.compile(r"[^\W\d_]-$")
_BOILERPLATE_TITLES = re.compile(r"^(?:untitled|microsoft word - .*|document\d*|title)$", re.IGNORECASE)


def extract_pdf(data: bytes, *, max_pages: int) -> Extracted:
    """The text layer of the first `max_pages` pages; `pages` is how many were read.

    A PDF with pages but (almost) no text raises `ScannedDocument`, which carries the file so that the
    worker can send it to a model that reads page images.
    """
    try:
        reader = _open(data)
        total = len(reader.pages)
        page_count = min(total, max_pages)
        title = _title(reader)
        page_texts = [_page_text(reader.pages[index]) for index in range(page_count)]
    except UnsupportedContent:
        raise
    except LimitReachedError as exc:  # pypdf's own decompression-bomb guard
        raise ContentTooLarge(_TOO_LARGE, detail=repr(exc)) from exc
    except Exception as exc:  # a parser on untrusted bytes: anything it raises means "can't read it"
        raise UnsupportedContent(DAMAGED, detail=repr(exc)) from exc
    if page_count == 0:
        raise UnsupportedContent(DAMAGED, detail="PDF has no pages")
    text, starts = paged_text([join_paragraphs(reflow(page)) for page in page_texts])
    if count_words(text) < max(MIN_WORDS, _MIN_WORDS_PER_PAGE * page_count):
        raise ScannedDocument(SCANNED, data=data, pages=total)
    notice = (
        f"I read the first {page_count:,} of its {total:,} pages (my limit for one document)."
        if total > page_count
        else None
    )
    return Extracted(text=text, title=title, pages=page_count, notice=notice, page_starts=starts)


def paged_text(pages: list[str]) -> tuple[str, tuple[int, ...]]:
    """The pages' texts joined as paragraphs (a blank line between pages), and where each page starts
    in the result; a page with no text starts where the next one does (or at the end)."""
    text = "\n\n".join(page for page in pages if page)
    starts: list[int] = []
    size = len(text)
    for page in reversed(pages):  # from the end: an empty page takes the start of the page after it
        if page:
            size -= len(page)
            starts.append(size)
            size -= 2  # the blank line before it
        else:
            starts.append(starts[-1] if starts else len(text))
    return text, tuple(reversed(starts))


def _open(data: bytes) -> pypdf.PdfReader:
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            unlocked = reader.decrypt("")
        except DependencyError as exc:
            raise UnsupportedContent(PASSWORD, detail=repr(exc)) from exc
        if unlocked == pypdf.PasswordType.NOT_DECRYPTED:
            raise UnsupportedContent(PASSWORD, detail="PDF needs a user password")
    return reader


def _title(reader: pypdf.PdfReader) -> str | None:
    try:
        raw = reader.metadata.title if reader.metadata else None
    except Exception:  # damaged metadata only costs us the title
        return None
    title = normalize_text(str(raw)).replace("\n", " ") if raw else ""
    if not title or _BOILERPLATE_TITLES.match(title):
        return None
    return title


def _page_text(page: pypdf.PageObject) -> str:
    return page.extract_text() or ""


def reflow(page_text: str) -> list[str]:
    """Rebuild paragraphs from a page's lines: pypdf breaks at every printed line, not at paragraphs.

    A paragraph ends at a blank line, before a list item, or after a line much shorter than the page's
    usual line (or a little shorter, if it ends a sentence); a word hyphenated across lines is rejoined.
    """
    lines = [line.strip() for line in normalize_text(page_text).split("\n")]
    widths = [len(line) for line in lines if line]
    if not widths:
        return []
    usual = median(sorted(widths)[len(widths) // 2 :])  # the median of the longer half: a full line
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if current and (not line or _ITEM_START.match(line)):
            paragraphs.append(current)
            current = ""
        if not line:
            continue
        if not current:
            current = line
        elif _WORD_BEFORE_HYPHEN.search(current) and line[0].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}"
        if len(line) < _SHORT_LINE * usual or (
            len(line) < _SHORT_SENTENCE_END * usual and _SENTENCE_END.search(line)
        ):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs
