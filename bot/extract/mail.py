"""E-mail (.eml, message/rfc822) → text with the stdlib `email` package.

Pure. The subject is the title, the sender the author, the date an ISO date; the text is a short
From/To/Date block, then the plain-text body (or the HTML body's main text when there is no plain one),
then the names of any attachments, which are listed but never opened.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from typing import TypeVar

from bot.extract.common import Extracted, join_paragraphs
from bot.extract.html import extract_html
from bot.text import normalize_text

_MAX_ATTACHMENT_NAMES = 20
_T = TypeVar("_T")


def extract_email(data: bytes) -> Extracted:
    """The message's headers, body and attachment names (see the module docstring)."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # what policy.default always builds
    subject = _safe(lambda: str(message.get("subject") or ""))
    sender = _safe(lambda: str(message.get("from") or ""))
    recipients = _safe(lambda: str(message.get("to") or ""))
    date = _safe(lambda: parsedate_to_datetime(str(message.get("date"))).date().isoformat())
    head = "\n".join(
        f"{name}: {value}" for name, value in (("From", sender), ("To", recipients), ("Date", date)) if value
    )
    attachments = _attachment_names(message)
    listed = f"Attachments (not read): {', '.join(attachments)}" if attachments else ""
    body = _body(message)
    return Extracted(
        text=join_paragraphs([head, body, listed]) if body else "",
        title=_one_line(subject),
        author=_sender_name(sender or ""),
        date=date,
    )


def _body(message: EmailMessage) -> str:
    part = _safe_part(message, ("plain",)) or _safe_part(message, ("html",))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except Exception:  # an unknown charset or a broken transfer encoding: read what decodes
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        return extract_html(content.encode("utf-8"), content_type="text/html; charset=utf-8", url=None).text
    return normalize_text(content)


def _safe_part(message: EmailMessage, preference: tuple[str, ...]) -> EmailMessage | None:
    try:
        part = message.get_body(preferencelist=preference)
    except Exception:  # a malformed MIME tree: no body of that kind
        return None
    return part if isinstance(part, EmailMessage) else None


def _attachment_names(message: EmailMessage) -> list[str]:
    names: list[str] = []
    try:
        for part in message.iter_attachments():
            if isinstance(part, EmailMessage):
                names.append(_one_line(part.get_filename() or "") or f"unnamed {part.get_content_type()}")
    except Exception:  # a malformed MIME tree: list what was found so far
        pass
    if len(names) > _MAX_ATTACHMENT_NAMES:
        names = [*names[:_MAX_ATTACHMENT_NAMES], f"and {len(names) - _MAX_ATTACHMENT_NAMES} more"]
    return names


def _sender_name(sender: str) -> str | None:
    addresses = _safe(lambda: getaddresses([sender]))
    if not addresses:
        return _one_line(sender)
    name, address = addresses[0]
    return _one_line(name) or _one_line(address)


def _safe(read: Callable[[], _T]) -> _T | None:
    """A header as parsed by `email`, or None when it is malformed beyond what the parser forgives."""
    try:
        return read()
    except Exception:
        return None


def _one_line(text: str | None) -> str | None:
    return normalize_text(text or "").replace("\n", " ") or None
