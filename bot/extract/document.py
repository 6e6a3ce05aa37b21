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

Kinds and their modules: "html" (html, page), "pdf" (pdf), "docx" (docx), "pptx" (pptx), "xlsx" and
"csv" (table), "rtf" (rtf), "email" (mail), "text" and "markdown" (text). What a download is: detect.
Each parser module is imported the first time a document of its kind is read, so importing this
package costs no parser.
"""

from __future__ import annotations

from bot.errors import NoReadableText, UnsupportedContent
from bot.extract.common import MIN_WORDS, Extracted
from bot.extract.detect import classify
from bot.extract.kinds import SUPPORTED_FILE_TYPES_TEXT, TEXT_LIKE
from bot.models import Document, Origin
from bot.settings import ExtractLimits
from bot.text import count_words

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


def extract(
    data: bytes,
    *,
    content_type: str | None = None,
    filename: str | None = None,
    url: str | None = None,
    label: str | None = None,
    origin: Origin | None = None,
    limits: ExtractLimits = DEFAULT_LIMITS,
) -> Document:
    """Extract the readable text of one download (see the module docstring for the contract).

    `origin` defaults to "file" with a file name, else "link" with a URL, else "pasted"; `label` to the
    file name, then the URL, then "your text" for pasted text. `Document.url` is the page's canonical
    address when it names one on the same site, else `url`.
    """
    kind, family = classify(data, content_type=content_type, filename=filename)
    if kind is None:
        raise UnsupportedContent(_FAMILY_MESSAGES.get(family or "", _UNSUPPORTED))
    if not data.strip():
        raise NoReadableText("That file is empty." if filename else "There's no text there to summarize.")
    found = _extract_kind(kind, data, content_type=content_type, filename=filename, url=url, limits=limits)
    if count_words(found.text) < MIN_WORDS:
        raise NoReadableText(_NO_TEXT_MESSAGES.get(kind, "There isn't enough text there to summarize."))
    origin = origin or ("file" if filename else "link" if url else "pasted")
    pasted = origin == "pasted" and kind in TEXT_LIKE
    return Document(
        text=found.text,
        kind=kind,
        origin=origin,
        label=label or filename or url or ("your text" if pasted else "the document"),
        title=found.title,
        url=found.url or url,
        site_name=found.site_name,
        author=found.author,
        date=found.date,
        pages=found.pages,
        notice=found.notice,
        page_starts=found.page_starts,
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
    """Run the parser of `kind`, importing its module on first use (the web process never does)."""
    if kind == "html":
        from bot.extract.html import extract_html
        from bot.extract.page import check_page

        return check_page(
            data, content_type=content_type, found=extract_html(data, content_type=content_type, url=url)
        )
    if kind == "pdf":
        from bot.extract.pdf import extract_pdf

        return extract_pdf(data, max_pages=limits.max_pages)
    if kind == "docx":
        from bot.extract.docx import extract_docx

        return extract_docx(data, max_unpacked_bytes=limits.max_unpacked_bytes)
    if kind == "pptx":
        from bot.extract.pptx import extract_pptx

        return extract_pptx(data, max_slides=limits.max_pages, max_unpacked_bytes=limits.max_unpacked_bytes)
    if kind in {"xlsx", "csv"}:
        from bot.extract.table import extract_csv, extract_xlsx

        if kind == "csv":
            return extract_csv(data, content_type=content_type, filename=filename, max_rows=limits.max_rows)
        return extract_xlsx(data, max_rows=limits.max_rows, max_unpacked_bytes=limits.max_unpacked_bytes)
    if kind == "rtf":
        from bot.extract.rtf import extract_rtf

        return extract_rtf(data)
    if kind == "email":
        from bot.extract.mail import extract_email

        return extract_email(data)
    from bot.extract.text import extract_markdown, extract_plain_text

    if kind == "markdown":
        return extract_markdown(data, content_type=content_type)
    return extract_plain_text(data, content_type=content_type)
