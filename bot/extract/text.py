"""Text plumbing shared by the extractors: bytes → str decoding, whitespace normalisation, Markdown clean-up.

Pure: no I/O. Every extractor ends in `normalize_text`, so every `Document.text` has the same shape:
no control characters, single spaces inside lines, paragraphs separated by exactly one blank line.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass

import charset_normalizer

# Fewer words than this is not a document worth summarizing (an empty page, a lone heading).
MIN_WORDS = 5


@dataclass(frozen=True)
class Extracted:
    """What one format extractor found; `extract()` turns it into a `Document`.

    `url` is the page's own canonical address when it gives one; `notice` a sentence for the reply's
    footer (a limit that cut the document short, a page summarized from its description).
    """

    text: str
    title: str | None = None
    site_name: str | None = None
    author: str | None = None
    date: str | None = None
    pages: int | None = None
    url: str | None = None
    notice: str | None = None


# --- decoding ---------------------------------------------------------------------------------------------

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


# --- normalisation ----------------------------------------------------------------------------------------

_LINE_BREAKS = str.maketrans(
    {"\r": "\n", "\v": "\n", "\u2028": "\n", "\x85": "\n", "\f": "\n\n", "\u2029": "\n\n"}
)
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0e-\x1f\x7f]")
_HSPACE = re.compile(r"[^\S\n]+")
_BLANK_RUN = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """Unify newlines, drop invisible and control characters, single-space each line, one blank line max."""
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS)
    text = _INVISIBLE.sub("", text)
    lines = (_HSPACE.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Normalise each paragraph and join the non-empty ones with a blank line."""
    return normalize_text("\n\n".join(p for p in paragraphs if p.strip()))


# --- plain text and Markdown ------------------------------------------------------------------------------


def extract_plain_text(data: bytes, *, content_type: str | None) -> Extracted:
    """Plain text: decoded and normalised, line breaks inside paragraphs kept as they are."""
    raw = decode_bytes(data, declared=charset_from_content_type(content_type))
    return Extracted(text=normalize_text(raw))


def extract_markdown(data: bytes, *, content_type: str | None) -> Extracted:
    """Markdown: decoded, then stripped of the markup that would read as noise (see `clean_markdown`)."""
    raw = decode_bytes(data, declared=charset_from_content_type(content_type))
    text, title = clean_markdown(normalize_text(raw))
    return Extracted(text=normalize_text(text), title=title)


_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)\n", re.DOTALL)
_FRONT_TITLE = re.compile(r"""^title:\s*["']?(.*?)["']?\s*$""", re.MULTILINE | re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_RULE_OR_UNDERLINE = re.compile(r"^ {0,3}(?:={2,}|-{2,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})[ \t]*$")
_TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$")
_REFERENCE_DEF = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:\s*\S+.*$")
_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_BULLET = re.compile(r"^(\s*)[*+](\s+)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_IMAGE = re.compile(r"!\[[^\]]*\](?:\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\)|\[[^\]]*\])")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+|[^@>\s]+@[^>\s]+)>")
_HTML_TAG = re.compile(
    r"</?(?:br|p|div|span|img|a|b|i|u|em|strong|sup|sub|kbd|details|summary|center|picture|source|hr)"
    r"(?:\s[^>]*)?/?>",
    re.IGNORECASE,
)
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC_UNDERSCORE = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_ESCAPED_BASE = 0xF0000  # Supplementary Private Use Area: escaped characters hide here while rules run
_ESCAPED = re.compile("[\U000f0000-\U000f00ff]")


def clean_markdown(text: str) -> tuple[str, str | None]:
    """Strip Markdown markup lightly; return (text, title).

    Headings lose their hashes and become paragraphs of their own; `[t](u)` becomes `t`; images, rules,
    comments, reference definitions and table delimiter rows go; code fences keep their content verbatim
    (only the fence lines go). The title is the front matter's `title:` or a leading level-1 heading.
    """
    title: str | None = None
    front = _FRONT_MATTER.match(text)
    if front:
        title_match = _FRONT_TITLE.search(front.group(1))
        title = (title_match.group(1).strip() or None) if title_match else None
        text = text[front.end() :]
    if title is None:
        title = _leading_h1(text)
    out: list[str] = []
    for is_code, chunk in _split_fences(text.split("\n")):
        out.extend(chunk if is_code else _clean_prose(chunk))
    return "\n".join(out), title


def _leading_h1(text: str) -> str | None:
    lines = text.lstrip("\n").split("\n", 2)
    if re.match(r"^ {0,3}# ", lines[0]):
        return _ATX.sub(r"\1", lines[0]).strip() or None
    if len(lines) > 1 and lines[0].strip() and re.match(r"^ {0,3}=+\s*$", lines[1]):
        return lines[0].strip()
    return None


def _split_fences(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """Cut lines into (is_code, lines) runs; fence lines are dropped, an unclosed fence runs to the end."""
    chunks: list[tuple[bool, list[str]]] = [(False, [])]
    fence: str | None = None
    for line in lines:
        opener = _FENCE_OPEN.match(line)
        if fence is None and opener:
            fence = opener.group(1)
            chunks.append((True, [""]))
        elif fence is not None and line.strip().startswith(fence) and not line.strip().strip(fence[0]):
            fence = None
            chunks[-1][1].append("")
            chunks.append((False, []))
        else:
            chunks[-1][1].append(line)
    return chunks


def _clean_prose(lines: list[str]) -> list[str]:
    text = _COMMENT.sub("", "\n".join(lines))
    text = _ESCAPE.sub(lambda m: chr(_ESCAPED_BASE + ord(m.group(1))), text)
    out: list[str] = []
    for line in text.split("\n"):
        heading = _ATX.match(line)
        if heading:
            out.extend(["", _clean_inline(heading.group(1) or ""), ""])
        elif _RULE_OR_UNDERLINE.match(line):
            out.append("")
        elif _TABLE_DELIMITER.match(line) or _REFERENCE_DEF.match(line):
            continue
        else:
            line = _QUOTE.sub("", line)
            if line.lstrip().startswith("|"):
                line = line.strip().strip("|")
            out.append(_clean_inline(_BULLET.sub(r"\1-\2", line)))
    return [_ESCAPED.sub(lambda m: chr(ord(m.group()) - _ESCAPED_BASE), line) for line in out]


def _clean_inline(line: str) -> str:
    line = _IMAGE.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _REF_LINK.sub(r"\1", line)
    line = _AUTOLINK.sub(r"\1", line)
    line = _HTML_TAG.sub(" ", line)
    line = _CODE_SPAN.sub(lambda m: m.group(2).strip(), line)
    line = _BOLD.sub(r"\2", line)
    line = _ITALIC_STAR.sub(r"\1", line)
    line = _ITALIC_UNDERSCORE.sub(r"\1", line)
    return _STRIKE.sub(r"\1", line)
