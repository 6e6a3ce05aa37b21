"""The kinds of document the bot reads, and how a Content-Type, a file name or a Slack file object names
them. Pure and stdlib only: the web process imports this (to answer "is this upload worth a job?")
without loading any parser.
"""

from __future__ import annotations

from pathlib import PurePosixPath

SUPPORTED_FILE_TYPES_TEXT = (
    "PDF, Word (.docx), PowerPoint (.pptx), Excel (.xlsx), CSV, RTF, email (.eml), plain text, "
    "Markdown and HTML"
)

KINDS = ("html", "pdf", "docx", "pptx", "xlsx", "csv", "rtf", "email", "text", "markdown")
TEXT_LIKE = frozenset({"html", "text", "markdown", "csv", "rtf", "email"})
ZIPPED = frozenset({"docx", "pptx", "xlsx"})

_DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MIME_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    _DOCX_MIME: "docx",
    _PPTX_MIME: "pptx",
    _XLSX_MIME: "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": "xlsx",
    "text/csv": "csv",
    "application/csv": "csv",
    "text/tab-separated-values": "csv",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
    "message/rfc822": "email",
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
    ".pptx": "pptx",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".csv": "csv",
    ".tsv": "csv",
    ".rtf": "rtf",
    ".eml": "email",
}
# Slack's `filetype` values for what we read ("md" and "eml" are not documented, but harmless to accept).
SLACK_FILETYPES = {
    "pdf": "pdf",
    "docx": "docx",
    "pptx": "pptx",
    "xlsx": "xlsx",
    "xlsm": "xlsx",
    "csv": "csv",
    "tsv": "csv",
    "rtf": "rtf",
    "email": "email",
    "eml": "email",
    "text": "text",
    "markdown": "markdown",
    "md": "markdown",
    "html": "html",
}


def mime_type(content_type: str | None) -> str:
    """The bare, lower-cased media type of a Content-Type header ("" when there is none)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def kind_from_mime(content_type: str | None) -> str | None:
    """The kind a Content-Type names, if we read it."""
    return _MIME_KINDS.get(mime_type(content_type))


def kind_from_name(name: str | None) -> str | None:
    """The kind a file name's suffix names, if we read it."""
    return _SUFFIX_KINDS.get(PurePosixPath(name).suffix.lower()) if name else None


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
