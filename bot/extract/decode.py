"""Bytes to text: byte-order marks, declared charsets, UTF-8, then charset-normalizer's guess; and
whether bytes are text at all. Pure: no I/O. charset-normalizer is imported only when a guess is needed.
"""

from __future__ import annotations

import codecs
import re

# UTF-32 LE must be tested before UTF-16 LE: its BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels that browsers (WHATWG Encoding) read as windows-1252, a superset in the printable range.
_AS_CP1252 = frozenset({"ascii", "latin-1", "iso8859-1"})
# How much more "chaos" (charset-normalizer's mess score) windows-1252 may show and still win.
_NEAR_TIE = 0.02
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([\w.:()+-]+)""", re.IGNORECASE)


def bom_encoding(data: bytes) -> str | None:
    """The codec named by a byte-order mark at the start of `data`, if there is one."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def charset_from_content_type(content_type: str | None) -> str | None:
    """The `charset=` parameter of a Content-Type header, as a Python codec name, if valid."""
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type)
    return lookup_codec(match.group(1)) if match else None


def lookup_codec(label: str) -> str | None:
    """Python's codec name for a charset label, or None for an unknown label."""
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    return "cp1252" if name in _AS_CP1252 else name


def decode_bytes(data: bytes, *, declared: str | None = None) -> str:
    """Decode `data`: BOM first, then the declared charset, then UTF-8, then charset-normalizer's guess.

    A declared single-byte charset loses to UTF-8 when the bytes are valid, non-ASCII UTF-8: servers
    routinely label UTF-8 as ISO-8859-1, and real Latin-1 text is almost never valid UTF-8 by accident.
    Never raises: undecodable bytes become U+FFFD.
    """
    bom = bom_encoding(data)
    if bom:
        return data.decode(bom, errors="replace")
    utf8 = _try_utf8(data)
    if declared and not (utf8 is not None and not data.isascii() and _is_single_byte(declared)):
        return data.decode(declared, errors="replace")
    if utf8 is not None:
        return utf8
    return _guess(data)


def _guess(data: bytes) -> str:
    """charset-normalizer's guess, except that windows-1252 wins a near tie (it does for browsers too).

    On mostly-ASCII Western text the detector often finds a Baltic or Central European code page just
    as plausible and may pick it, turning "crème" into "crčme".
    """
    import charset_normalizer  # only here: most bytes are UTF-8 or declare their charset

    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return data.decode("cp1252", errors="replace")
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + _NEAR_TIE:
            return str(match)
    return str(best)


def _try_utf8(data: bytes) -> str | None:
    """`data` as strict UTF-8, forgiving only a character cut in half at the very end (a capped download)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8", errors="replace")
        return None


def _is_single_byte(codec: str) -> bool:
    return codec.startswith(("cp12", "iso8859", "latin", "mac-"))


# Control characters that text files don't contain. \t \n \r \f \v and ESC do appear in real ones.
_BINARY_CONTROLS = bytes(sorted(set(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}))


def looks_binary(data: bytes, *, declared: str | None = None, sample_size: int = 8192) -> bool:
    """True when the start of `data` is mostly not text: over 0.5% NUL bytes, or over 5% control bytes.

    UTF-16 and UTF-32 are full of NULs, so a BOM or a `declared` codec of either family means text.
    A stray NUL or two in a long text file does not make it binary.
    """
    sample = data[:sample_size]
    wide = bom_encoding(sample) or declared or ""
    if not sample or wide.startswith(("utf-16", "utf-32")):
        return False
    nuls = sample.count(0)
    controls = len(sample) - len(sample.translate(None, _BINARY_CONTROLS))
    return nuls > len(sample) // 200 + 1 or controls * 20 > len(sample)
