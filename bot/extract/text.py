"""Plain text and Markdown files: decoded, normalised, and (Markdown) stripped of noisy markup. Pure."""

from __future__ import annotations

import re

from bot.extract.common import Extracted
from bot.extract.decode import charset_from_content_type, decode_bytes
from bot.text import normalize_text


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
