"""Bytes in, `Document` out: decide what a download is, then pull its readable text.

Pure: no network, Slack or Redis. The contract of `extract()`:

- it returns a `Document` whose `text` is normalised (one space between words, paragraphs separated by
  exactly one blank line) and holds at least `MIN_WORDS` words;
- it raises only `UnsupportedContent` (a kind we don't read, a damaged or password-protected file),
  `NoReadableText` (nothing worth summarizing, e.g. a scanned PDF) or `ContentTooLarge` (a zip bomb),
  each with a short message for the user; a parser's own exception never escapes.

Kinds: "html" (bot/extract_html.py), "pdf" (bot/extract_pdf.py), "docx" (bot/extract_docx.py),
"text" and "markdown" (bot/extract_text.py).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from bot.errors import NoReadableText, UnsupportedContent
from bot.extract_docx import extract_docx
from bot.extract_html import extract_html
from bot.extract_pdf import extract_pdf
from bot.extract_text import (
    MIN_WORDS,
    Extracted,
    charset_from_content_type,
    extract_markdown,
    extract_plain_text,
    looks_binary,
)
from bot.models import Document, count_words

__all__ = [
    "KINDS",
    "MIN_WORDS",
    "SUPPORTED_FILE_TYPES_TEXT",
    "detect_kind",
    "extract",
    "is_supported_file",
]

KINDS = ("html", "pdf", "docx", "text", "markdown")
SUPPORTED_FILE_TYPES_TEXT = "PDF, Word (.docx), plain text, Markdown and HTML"

_DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_MIME_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    _DOCX_MIME: "docx",
}
_SUFFIX_KINDS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
# Slack's `filetype` values for what we read ("md" is not documented, but harmless to accept).
_SLACK_FILETYPES = {
    "pdf": "pdf",
    "docx": "docx",
    "text": "text",
    "markdown": "markdown",
    "md": "markdown",
    "html": "html",
}
_MEDIA_PREFIXES = ("image/", "video/", "audio/", "font/", "model/")
_TEXT_LIKE = frozenset({"html", "text", "markdown"})

_UNSUPPORTED = f"I can't read this kind of file. I can summarize {SUPPORTED_FILE_TYPES_TEXT}."
_MEDIA_MESSAGES = {
    "image": "That looks like an image, and I can't read text in images. "
    f"I can summarize {SUPPORTED_FILE_TYPES_TEXT}.",
    "video": f"That looks like a video, which I can't summarize. I can read {SUPPORTED_FILE_TYPES_TEXT}.",
    "audio": "That looks like an audio file, which I can't summarize. "
    f"I can read {SUPPORTED_FILE_TYPES_TEXT}.",
    "doc": "That looks like an old-style Word (.doc) file. Save it as .docx or PDF and share it again.",
}
_NO_TEXT_MESSAGES = {
    "html": "I couldn't find any article text on that page. If it needs a login or JavaScript to show, "
    "paste the text into Slack instead.",
    "docx": "That Word file has no text I can read. If its content is in images or text boxes, "
    "export it as PDF with selectable text and share that.",
}


def detect_kind(data: bytes, *, content_type: str | None, filename: str | None) -> str | None:
    """One of `KINDS` for these bytes, or None when we don't read them.

    Magic bytes win (a PDF named .txt is a PDF; a PNG served as text/html is an image), then the
    Content-Type, then the file name's suffix. Text kinds also require bytes that are not binary.
    """
    return _classify(data, content_type=content_type, filename=filename)[0]


def is_supported_file(*, mimetype: str | None, filetype: str | None, name: str | None) -> bool:
    """Whether a Slack file object (its `mimetype`, `filetype` and `name`) is worth downloading.

    Any one signal is enough: Slack's own classifier sometimes labels Markdown as another language or
    as "binary", and `extract()` checks the bytes anyway.
    """
    return any(
        kind is not None
        for kind in (
            _SLACK_FILETYPES.get((filetype or "").lower()),
            _kind_from_mime(mimetype),
            _kind_from_name(name),
        )
    )


def extract(
    data: bytes,
    *,
    content_type: str | None = None,
    filename: str | None = None,
    url: str | None = None,
    label: str | None = None,
    max_pages: int = 500,
    max_unpacked_bytes: int = 50_000_000,
) -> Document:
    """Extract the readable text of one download (see the module docstring for the contract).

    `label` defaults to the file name, then the URL. PDFs are read up to `max_pages` pages
    (`Document.pages` says how many were read); a .docx that unpacks to more than
    `max_unpacked_bytes` is refused as a likely zip bomb.
    """
    kind, family = _classify(data, content_type=content_type, filename=filename)
    if kind is None:
        raise UnsupportedContent(_MEDIA_MESSAGES.get(family or "", _UNSUPPORTED))
    if not data.strip():
        raise NoReadableText("That file is empty." if filename else "There's no text there to summarize.")
    found = _extract_kind(
        kind,
        data,
        content_type=content_type,
        url=url,
        max_pages=max_pages,
        max_unpacked_bytes=max_unpacked_bytes,
    )
    if count_words(found.text) < MIN_WORDS:
        raise NoReadableText(_NO_TEXT_MESSAGES.get(kind, "There isn't enough text there to summarize."))
    return Document(
        text=found.text,
        kind=kind,
        label=label or filename or url or ("your text" if kind in _TEXT_LIKE else "the document"),
        title=found.title,
        url=url,
        site_name=found.site_name,
        author=found.author,
        date=found.date,
        pages=found.pages,
    )


def _extract_kind(
    kind: str,
    data: bytes,
    *,
    content_type: str | None,
    url: str | None,
    max_pages: int,
    max_unpacked_bytes: int,
) -> Extracted:
    if kind == "html":
        return extract_html(data, content_type=content_type, url=url)
    if kind == "pdf":
        return extract_pdf(data, max_pages=max_pages)
    if kind == "docx":
        return extract_docx(data, max_unpacked_bytes=max_unpacked_bytes)
    if kind == "markdown":
        return extract_markdown(data, content_type=content_type)
    return extract_plain_text(data, content_type=content_type)


def _classify(
    data: bytes, *, content_type: str | None, filename: str | None
) -> tuple[str | None, str | None]:
    """(kind, family): the kind we read, or None and the family ("image", "video", ...) if one is known."""
    family = _magic_family(data)
    if family == "pdf":
        return "pdf", None
    if family == "zip":
        return _classify_zip(data, content_type=content_type, filename=filename), None
    if family is not None:
        return None, family
    mime = _mime_type(content_type)
    if mime.startswith(_MEDIA_PREFIXES):
        return None, mime.split("/", 1)[0]
    kind = _kind_from_mime(mime) or _kind_from_name(filename)
    if kind is None and (mime.startswith("text/") or mime in ("", "application/octet-stream")):
        kind = "html" if _looks_like_html(data) else "text"
    if kind in ("pdf", "docx") and _looks_like_html(data):
        return "html", None  # an error page served in the file's place; its text will say what went wrong
    if kind in _TEXT_LIKE and looks_binary(data, declared=charset_from_content_type(content_type)):
        return None, "binary"
    return kind, None  # a "pdf" or "docx" without its magic bytes is damaged: its extractor says so


def _classify_zip(data: bytes, *, content_type: str | None, filename: str | None) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        # Unreadable zip: a damaged .docx if it claims to be one, so the user hears "damaged Word file".
        claims_docx = _kind_from_mime(content_type) == "docx" or _kind_from_name(filename) == "docx"
        return "docx" if claims_docx else None
    return "docx" if "word/document.xml" in names else None


# Signatures of what we never read. Each also needs binary bytes (real media always have NULs early
# on), so pasted text that happens to start with "ID3" or "GIF89a" is still text.
_MEDIA_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image"),
    (b"\xff\xd8\xff", 0, "image"),
    (b"GIF87a", 0, "image"),
    (b"GIF89a", 0, "image"),
    (b"II*\x00", 0, "image"),
    (b"MM\x00*", 0, "image"),
    (b"WEBP", 8, "image"),
    (b"ftypheic", 4, "image"),
    (b"ftypheix", 4, "image"),
    (b"ftypmif1", 4, "image"),
    (b"ftypavif", 4, "image"),
    (b"ftypM4A ", 4, "audio"),
    (b"ftyp", 4, "video"),
    (b"\x1a\x45\xdf\xa3", 0, "video"),
    (b"AVI ", 8, "video"),
    (b"WAVE", 8, "audio"),
    (b"ID3", 0, "audio"),
    (b"OggS", 0, "audio"),
    (b"fLaC", 0, "audio"),
    (b"\xff\xfb", 0, "audio"),
    (b"\xff\xf3", 0, "audio"),
    (b"\xff\xf2", 0, "audio"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "doc"),  # OLE2: legacy .doc (and .xls, .ppt)
    (b"\x1f\x8b", 0, "binary"),  # gzip
    (b"7z\xbc\xaf\x27\x1c", 0, "binary"),
    (b"Rar!\x1a\x07", 0, "binary"),
    (b"\x7fELF", 0, "binary"),
)


def _magic_family(data: bytes) -> str | None:
    """ "pdf", "zip", or the family of a format we don't read, judged by signature bytes alone."""
    stripped = data[:1024].lstrip(b"\x00\t\n\x0c\r ")
    if stripped.startswith(b"%PDF-"):
        return "pdf"
    if b"%PDF-" in data[:1024] and (b"%%EOF" in data[-2048:] or looks_binary(data)):
        return "pdf"  # the spec tolerates junk before the header
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    for magic, offset, family in _MEDIA_MAGIC:
        if data.startswith(magic, offset) and looks_binary(data):
            return family
    return None


def _mime_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _kind_from_mime(content_type: str | None) -> str | None:
    return _MIME_KINDS.get(_mime_type(content_type))


def _kind_from_name(name: str | None) -> str | None:
    return _SUFFIX_KINDS.get(PurePosixPath(name).suffix.lower()) if name else None


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lower()
    return b"<!doctype html" in head or b"<html" in head
