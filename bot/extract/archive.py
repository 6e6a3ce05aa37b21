"""The zip-bomb guard for Office Open XML files (.docx, .pptx, .xlsx), run before any parser sees them.

Pure. `zipfile` never yields more than a member's declared size (a member that inflates further fails
its CRC check), so the sum of the declared sizes bounds what the parsers can unpack; the member count is
capped too, since each member costs memory before anything is read.
"""

from __future__ import annotations

import io
import zipfile

from bot.errors import ContentTooLarge, UnsupportedContent

# Real Office files hold tens to a few thousand parts; more is an archive built to exhaust memory.
MAX_MEMBERS = 20_000


def check_archive(data: bytes, *, max_unpacked_bytes: int, what: str, damaged: str) -> None:
    """Raise `ContentTooLarge` if the zip unpacks past `max_unpacked_bytes` or has too many members,
    `UnsupportedContent(damaged)` if it is not a readable zip. `what` names the file ("This Word file")."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception as exc:  # zipfile on untrusted bytes: BadZipFile, NotImplementedError, EOFError, ...
        raise UnsupportedContent(damaged, detail=repr(exc)) from exc
    if len(members) > MAX_MEMBERS:
        raise ContentTooLarge(
            f"{what} is made of {len(members):,} parts, more than the {MAX_MEMBERS:,} I open. "
            "Save a simpler copy (or a PDF) and share that.",
            detail=f"zip has {len(members)} members",
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_unpacked_bytes:
        raise ContentTooLarge(
            f"{what} unpacks to more than {_megabytes(max_unpacked_bytes)}, my limit for one file. "
            "Save a shorter copy (or a PDF) and share that.",
            detail=f"zip unpacks to {unpacked} bytes",
        )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"
