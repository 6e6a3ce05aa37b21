"""Random damage for extractor fuzz tests: truncate a sample and overwrite bytes in it."""

from __future__ import annotations

from bot.errors import UserFacingError
from bot.extract import extract


def damaged(data: bytes, *, patches: list[tuple[float, bytes]], keep: float) -> bytes:
    """`data` cut to `keep` of its length, then each (where, chunk) written over at that fraction."""
    out = bytearray(data[: max(1, int(len(data) * keep))])
    for where, chunk in patches:
        start = int(where * len(out))
        out[start : start + len(chunk)] = chunk
    return bytes(out)


def assert_extracts_or_refuses_cleanly(data: bytes, filename: str) -> None:
    """`extract` either returns a document with some words or raises a UserFacingError with a message."""
    try:
        document = extract(data, filename=filename)
    except UserFacingError as error:
        assert error.user_message
    else:
        assert document.words >= 5
