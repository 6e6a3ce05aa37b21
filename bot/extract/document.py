"""Bytes in, `Document` out: decide what a download is, then pull its readable text.

Pure: no network, Slack or Redis. The contract of `extract()`:

- it returns a `Document` whose `text` is normalised (one space between words, paragraphs separated by
  exactly one blank line) and holds at least `MIN_WORDS` words; `Document.notice` is set when the
  reply should say something about what was read (a limit cut it short; a web page was summarized
  from its description because it needs JavaScript, a login, is paywalled or has almost no text);
- it raises only `UnsupportedContent` (a kind we don't read, a damaged or password-protected file),
  `NoReadableText` (nothing worth summarizing, with the reason; `ScannedDocument` for a PDF without
  a text layer, carrying the PDF) or `ContentTooLarge` (a zip bomb), each with a short message for the
  user; a parser's own exception never escapes.

Kinds and their modules: "html" (extract_html, extract_page), "pdf" (extract_pdf), "docx" (extract_docx),
"pptx" (extract_office), "xlsx" and "csv" (extract_table), "rtf" (extract_rtf), "email" (extract_mail),
"text" and "markdown" (extract_text). What a download is: extract_detect.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import NoReadableText, UnsupportedContent
from bot.extract.detect import KINDS, SLACK_FILETYPES, TEXT_LIKE, classify, kind_from_mime, kind_from_name
from bot.extract.docx import extract_docx
from bot.extract.html import extract_html
from bot.extract.mail import extract_email
from bot.extract.page import check_page
from bot.extract.pdf import extract_pdf
from bot.extract.pptx import extract_pptx
from bot.extract.rtf import extract_rtf
from bot.extract.table import extract_csv, extract_xlsx
from bot.extract.text import MIN_WORDS, Extracted, extract_markdown, extract_plain_text
from bot.models import Document, count_words

__all__ = [
    "KINDS",
    "MIN_WORDS",
    "SUPPORTED_FILE_TYPES_TEXT",
    "ExtractLimits",
    "detect_kind",
    "extract",
    "is_supported_file",
]

SUPPORTED_FILE_TYPES_TEXT = (
    "PDF, Word (.docx), PowerPoint (.pptx), Excel (.xlsx), CSV, RTF, email (.eml), plain text, "
    "Markdown and HTML"
)


@dataclass(frozen=True)
class ExtractLimits:
    """How much of one document is read. Pages/slides and rows past the limit are skipped (the
    `Document.notice` says so); an Office file unpacking past `max_unpacked_bytes` is refused."""

    max_pages: int = 500  # PDF pages and PowerPoint slides
    max_rows: int = 1000  # non-empty rows per spreadsheet sheet or CSV file
    max_unpacked_bytes: int = 50_000_000  # .docx/.pptx/.xlsx, unpacked: the zip-bomb guard


DEFAULT_LIMITS = ExtractLimits()

_UNSUPPORTED = f"I can't read this kind of file. I can summarize {SUPPORTED_FILE_TYPES_TEXT}."
_FAMILY_MESSAGES = {
    "image": "That looks like an image, and I can't read text in images. "
    f"I can summarize {SUPPORTED_FILE_TYPES_TEXT}.",
    "video": f"That looks like a video, which I can't summarize. I can read {SUPPORTED_FILE_TYPES_TEXT}.",
    "audio": "That looks like an audio file, which I can't summarize. "
    f"I can read {SUPPORTED_FILE_TYPES_TEXT}.",
    "archive": "That looks like an archive (zip, tar…), which I can't summarize. "
    f"I can read {SUPPORTED_FILE_TYPES_TEXT}.",
    "doc": "That looks like an old-style Word (.doc) file. Save it as .docx or PDF and share it again.",
    "xls": "That looks like an old-style Excel (.xls) file. Save it as .xlsx or CSV and share it again.",
    "ppt": "That looks like an old-style PowerPoint (.ppt) file. Save it as .pptx or PDF and share it again.",
    "encrypted": "This Office file is password-protected, so I can't open it. Share a copy without "
    "the password.",
}
_NO_TEXT_MESSAGES = {
    "html": "This page has almost no text, so there is nothing for me to summarize.",
    "docx": "That Word file has no text I can read. If its content is in images or text boxes, "
    "export it as PDF with selectable text and share that.",
    "pptx": "That presentation has no text I can read; its slides may be pictures. Export it as PDF "
    "and share that.",
    "xlsx": "That spreadsheet has no cells with text or numbers in it.",
    "csv": "That CSV file has no rows with text or numbers in it.",
    "email": "That email has no text I can read.",
}


def detect_kind(data: bytes, *, content_type: str | None, filename: str | None) -> str | None:
    """One of `KINDS` for these bytes, or None when we don't read them.

    Magic bytes win (a PDF named .txt is a PDF; a PNG served as text/html is an image), then the
    Content-Type, then the file name's suffix; never a URL's path. Text kinds also require bytes that
    are not binary.
    """
    return classify(data, content_type=content_type, filename=filename)[0]


def is_supported_file(*, mimetype: str | None, filetype: str | None, name: str | None) -> bool:
    """Whether a Slack file object (its `mimetype`, `filetype` and `name`) is worth downloading.

    Any one signal is enough: Slack's own classifier sometimes labels Markdown as another language or
    as "binary", and `extract()` checks the bytes anyway.
    """
    return any(
        kind is not None
        for kind in (
            SLACK_FILETYPES.get((filetype or "").lower()),
            kind_from_mime(mimetype),
            kind_from_name(name),
        )
    )


def extract(
    data: bytes,
    *,
    content_type: str | None = None,
    filename: str | None = None,
    url: str | None = None,
    label: str | None = None,
    limits: ExtractLimits = DEFAULT_LIMITS,
) -> Document:
    """Extract the readable text of one download (see the module docstring for the contract).

    `label` defaults to the file name, then the URL. `Document.url` is the page's canonical address
    when it names one on the same site, else `url`.
    """
    kind, family = classify(data, content_type=content_type, filename=filename)
    if kind is None:
        raise UnsupportedContent(_FAMILY_MESSAGES.get(family or "", _UNSUPPORTED))
    if not data.strip():
        raise NoReadableText("That file is empty." if filename else "There's no text there to summarize.")
    found = _extract_kind(kind, data, content_type=content_type, filename=filename, url=url, limits=limits)
    if count_words(found.text) < MIN_WORDS:
        raise NoReadableText(_NO_TEXT_MESSAGES.get(kind, "There isn't enough text there to summarize."))
    return Document(
        text=found.text,
        kind=kind,
        label=label or filename or url or ("your text" if kind in TEXT_LIKE else "the document"),
        title=found.title,
        url=found.url or url,
        site_name=found.site_name,
        author=found.author,
        date=found.date,
        pages=found.pages,
        notice=found.notice,
    )


def _extract_kind(
    kind: str,
    data: bytes,
    *,
    content_type: str | None,
    filename: str | None,
    url: str | None,
    limits: ExtractLimits,
) -> Extracted:
    if kind == "html":
        found = extract_html(data, content_type=content_type, url=url)
        return check_page(data, content_type=content_type, found=found)
    if kind == "pdf":
        return extract_pdf(data, max_pages=limits.max_pages)
    if kind == "docx":
        return extract_docx(data, max_unpacked_bytes=limits.max_unpacked_bytes)
    if kind == "pptx":
        return extract_pptx(data, max_slides=limits.max_pages, max_unpacked_bytes=limits.max_unpacked_bytes)
    if kind == "xlsx":
        return extract_xlsx(data, max_rows=limits.max_rows, max_unpacked_bytes=limits.max_unpacked_bytes)
    if kind == "csv":
        return extract_csv(data, content_type=content_type, filename=filename, max_rows=limits.max_rows)
    if kind == "rtf":
        return extract_rtf(data)
    if kind == "email":
        return extract_email(data)
    if kind == "markdown":
        return extract_markdown(data, content_type=content_type)
    return extract_plain_text(data, content_type=content_type)
