"""What is this download? Magic bytes first, then the Content-Type, then the file name; never the URL.

Pure. `classify()` answers (kind, family): the kind we read (one of `KINDS`), or None and the family of
what it is instead ("image", "archive", "encrypted", ...) so the reply can say so in one line.
"""

from __future__ import annotations

import io
import re
import zipfile

from bot.extract.decode import charset_from_content_type, looks_binary
from bot.extract.kinds import TEXT_LIKE, ZIPPED, kind_from_mime, kind_from_name, mime_type

_MEDIA_PREFIXES = ("image/", "video/", "audio/", "font/", "model/")
_ARCHIVE_MIMES = frozenset(
    {
        "application/zip",
        "application/x-zip-compressed",
        "application/gzip",
        "application/x-gzip",
        "application/x-tar",
        "application/x-7z-compressed",
        "application/vnd.rar",
        "application/x-rar-compressed",
        "application/x-bzip2",
        "application/x-xz",
    }
)
# Files in an Office Open XML zip that say which application wrote it.
_ZIP_MARKERS = (("word/document.xml", "docx"), ("ppt/presentation.xml", "pptx"), ("xl/workbook.xml", "xlsx"))
# Stream names inside an OLE2 compound file (UTF-16 in its directory), most telling first.
_OLE_STREAMS = (
    ("EncryptedPackage", "encrypted"),  # a password-protected .docx/.pptx/.xlsx
    ("WordDocument", "doc"),
    ("PowerPoint Document", "ppt"),
    ("Workbook", "xls"),
    ("Book", "xls"),
)

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
    (b"\x1f\x8b", 0, "archive"),  # gzip
    (b"7z\xbc\xaf\x27\x1c", 0, "archive"),
    (b"Rar!\x1a\x07", 0, "archive"),
    (b"BZh", 0, "archive"),
    (b"\xfd7zXZ\x00", 0, "archive"),
    (b"ustar", 257, "archive"),
    (b"\x7fELF", 0, "binary"),
    (b"MZ", 0, "binary"),
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EMAIL_HEADER = re.compile(
    rb"^(received|return-path|from|to|date|subject|message-id|mime-version|delivered-to|reply-to|cc"
    rb"|content-type|x-[\w-]+):[ \t]",
    re.IGNORECASE,
)


def classify(data: bytes, *, content_type: str | None, filename: str | None) -> tuple[str | None, str | None]:
    """(kind, family): the kind we read, or None and the family ("image", "archive", ...) if one is known.

    Magic bytes win (a PDF named .txt is a PDF; a PNG served as text/html is an image), then the
    Content-Type, then the file name's suffix. Text kinds also require bytes that are not binary.
    """
    family = _magic_family(data)
    if family == "pdf":
        return "pdf", None
    if family == "zip":
        return _classify_zip(data, content_type=content_type, filename=filename)
    if family == "rtf":
        return "rtf", None
    if family is not None:
        return None, family
    mime = mime_type(content_type)
    if mime.startswith(_MEDIA_PREFIXES):
        return None, mime.split("/", 1)[0]
    if mime in _ARCHIVE_MIMES:
        return None, "archive"
    kind = kind_from_mime(mime) or kind_from_name(filename)
    if kind == "text" and kind_from_name(filename) in TEXT_LIKE:
        kind = kind_from_name(filename)  # text/plain is what servers and Slack call .csv, .md and .eml too
    if kind is None and (mime.startswith("text/") or mime in ("", "application/octet-stream")):
        kind = "email" if _looks_like_email(data) else "html" if looks_like_html(data) else "text"
    if kind in ("pdf", *ZIPPED) and looks_like_html(data):
        return "html", None  # an error page served in the file's place; its text will say what went wrong
    if kind in TEXT_LIKE and looks_binary(data, declared=charset_from_content_type(content_type)):
        return None, "binary"
    return kind, None  # a "pdf" or "docx" without its magic bytes is damaged: its extractor says so


def _classify_zip(
    data: bytes, *, content_type: str | None, filename: str | None
) -> tuple[str | None, str | None]:
    claimed = kind_from_mime(content_type) or kind_from_name(filename)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except Exception:  # zipfile on untrusted bytes: BadZipFile, NotImplementedError, EOFError, ...
        # Unreadable zip: a damaged Office file if it claims to be one, so the user hears "damaged".
        return (claimed, None) if claimed in ZIPPED else (None, "archive")
    for marker, kind in _ZIP_MARKERS:
        if marker in names:
            return kind, None
    return None, "archive"


def _magic_family(data: bytes) -> str | None:
    """ "pdf", "zip", "rtf", or the family of a format we don't read, judged by signature bytes alone."""
    stripped = data[:1024].lstrip(b"\x00\t\n\x0c\r ")
    if stripped.startswith(b"%PDF-"):
        return "pdf"
    if b"%PDF-" in data[:1024] and (b"%%EOF" in data[-2048:] or looks_binary(data)):
        return "pdf"  # the spec tolerates junk before the header
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if stripped.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(_OLE_MAGIC):
        for stream, family in _OLE_STREAMS:
            if stream.encode("utf-16-le") in data:
                return family
        return "doc"
    for magic, offset, family in _MEDIA_MAGIC:
        if data.startswith(magic, offset) and looks_binary(data):
            return family
    return None


def _looks_like_email(data: bytes) -> bool:
    """Whether the bytes open with a block of RFC 5322 headers: at least three, From among them."""
    head = data[:4096].replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].split(b"\n")
    names = {m.group(1).lower() for line in head if (m := _EMAIL_HEADER.match(line))}
    return len(names) >= 3 and b"from" in names


def looks_like_html(data: bytes) -> bool:
    """Whether the first KB holds an HTML doctype or `<html` tag."""
    head = data[:1024].lower()
    return b"<!doctype html" in head or b"<html" in head
