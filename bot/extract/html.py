"""HTML → main text and metadata: trafilatura first, a plain lxml text pass when it finds nothing.

Pure: takes the page's bytes (and the URL only as a hint for metadata), never fetches anything.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Document as TrafilaturaDocument

from bot.extract.common import MIN_WORDS, Extracted
from bot.extract.decode import charset_from_content_type, decode_bytes, lookup_codec
from bot.text import count_words, normalize_text

# A precise extraction this short is suspicious: retry trafilatura tuned for recall, and prefer that
# result only if it is much longer (on short pages the extra words are usually navigation).
_RETRY_BELOW_WORDS = 40
_MUCH_LONGER = 2
_WITHIN_SHARE = 0.8
_WORD = re.compile(r"\w+")
# No guessing a date from "© 2024" in the footer: a wrong date in the summary header is worse than none.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}

# The meta prescan window. WHATWG says 1024 bytes; real pages often put the tag later.
_PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:()+-]+)""", re.IGNORECASE)
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:()+-]+)""", re.IGNORECASE)

# How trafilatura's output tree is rendered: block elements become paragraphs, list items bullet lines.
_AROUND = {
    "p": ("\n\n", "\n\n"),
    "head": ("\n\n", "\n\n"),
    "quote": ("\n\n", "\n\n"),
    "code": ("\n\n", "\n\n"),
    "list": ("\n\n", "\n\n"),
    "table": ("\n\n", "\n\n"),
    "div": ("\n\n", "\n\n"),
    "lb": ("\n", ""),
}
_SKIPPED_OUTPUT_TAGS = frozenset({"graphic"})

# Fallback pass over the raw page: what is never article text, and what starts a new paragraph.
_NOISE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "head",
    "nav",
    "header",
    "footer",
    "aside",
    "menu",
    "dialog",
    "figure",
    "form",
    "button",
    "select",
    "textarea",
)
_FALLBACK_BLOCKS = frozenset(
    (
        "p",
        "div",
        "section",
        "article",
        "main",
        "blockquote",
        "pre",
        "br",
        "hr",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "tr",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    )
)


def decode_html(data: bytes, *, content_type: str | None) -> str:
    """Decode a page: BOM, Content-Type charset, `<meta charset>` or XML declaration, then a guess."""
    declared = charset_from_content_type(content_type) or sniff_declared_charset(data)
    # lxml refuses text containing characters XML forbids; browsers ignore them anyway.
    return _XML_FORBIDDEN.sub("", decode_bytes(data, declared=declared))


def sniff_declared_charset(data: bytes) -> str | None:
    """The charset the page declares about itself in its first few KB, if any (and if Python knows it)."""
    head = data[:_PRESCAN_BYTES]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    codec = lookup_codec(match.group(1).decode("ascii", errors="replace")) if match else None
    if codec and codec.startswith(("utf-16", "utf-32")):
        return None  # a page that can declare itself in ASCII is not UTF-16: the label is wrong (WHATWG)
    return codec


def extract_html(data: bytes, *, content_type: str | None, url: str | None) -> Extracted:
    """Main content of a page with its title, site name, author and date (ISO `YYYY-MM-DD`)."""
    page = decode_html(data, content_type=content_type)
    found = _trafilatura(page, url=url, favor_precision=True)
    if found is not None and count_words(found.text) >= _RETRY_BELOW_WORDS:
        return found
    plain_title, plain_text = _plain_pass(page)
    wider = _trafilatura(page, url=url, favor_recall=True)
    # Tuned for recall, trafilatura will return a footer when there is nothing else: take its text only
    # if it is page content, i.e. survives the plain pass that drops header, nav, footer and aside.
    if (
        wider is not None
        and _mostly_within(wider.text, plain_text)
        and (found is None or count_words(wider.text) > _MUCH_LONGER * count_words(found.text) + MIN_WORDS)
    ):
        found = wider
    if found is None or not found.text:
        return Extracted(
            text=plain_text,
            title=plain_title or (wider.title if wider else None),
            url=wider.url if wider else None,
        )
    return found


def canonical_url(candidate: str | None, fetched: str | None) -> str | None:
    """The page's own canonical address if it is an http(s) URL on the same site as where it was
    fetched from (ignoring "www."): a page may not send readers elsewhere through the summary header."""
    parts = urlsplit(candidate or "")
    if not candidate or parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if fetched is None:
        return candidate
    return candidate if _site(parts.hostname) == _site(urlsplit(fetched).hostname or "") else None


def _site(host: str) -> str:
    host = host.lower().rstrip(".")
    return host.removeprefix("www.")


def _mostly_within(text: str, container: str) -> bool:
    words = _WORD.findall(text.lower())
    known = set(_WORD.findall(container.lower()))
    return bool(words) and sum(word in known for word in words) >= _WITHIN_SHARE * len(words)


def _trafilatura(
    page: str, *, url: str | None, favor_precision: bool = False, favor_recall: bool = False
) -> Extracted | None:
    result = trafilatura.bare_extraction(
        page,
        url=url,
        favor_precision=favor_precision,
        favor_recall=favor_recall,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        date_extraction_params=dict(_DATE_PARAMS),
    )
    if not isinstance(result, TrafilaturaDocument) or result.body is None:
        return None
    return Extracted(
        text=_render(result.body),
        title=_clean(result.title),
        site_name=_clean(result.sitename),
        author=_clean(result.author),
        date=_clean(result.date),
        url=canonical_url(result.url, url),
    )


def _render(body: etree._Element) -> str:
    """trafilatura's output tree as text: one paragraph per block, bullets for items, ` | ` between cells."""
    parts: list[str] = []
    _render_into(body, parts)
    return normalize_text("".join(parts))


def _render_into(element: etree._Element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIPPED_OUTPUT_TAGS:
        parts.append(element.tail or "")
        return
    if tag == "item":
        parts.append("\n- " + _one_line(element) + (element.tail or ""))
        return
    if tag == "row":
        cells = (_one_line(cell) for cell in element)
        parts.append("\n" + " | ".join(cell for cell in cells if cell) + (element.tail or ""))
        return
    before, after = _AROUND.get(tag, ("", ""))
    parts.append(before + (element.text or ""))
    for child in element:
        _render_into(child, parts)
    parts.append(after + (element.tail or ""))


def _one_line(element: etree._Element) -> str:
    text = etree.tostring(element, method="text", encoding="unicode", with_tail=False)
    return " ".join(text.split())


def _plain_pass(page: str) -> tuple[str | None, str]:
    """(title, text) of the whole page minus obvious chrome: the fallback when trafilatura finds nothing."""
    try:
        root = lxml.html.document_fromstring(
            page.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
        )
    except (etree.ParserError, ValueError):
        return None, ""
    title = _clean(root.findtext(".//title"))
    for element in list(root.iter(*_NOISE_TAGS)):
        if isinstance(element, lxml.html.HtmlElement):
            element.drop_tree()  # keeps the tail text, which belongs to the parent
    parts: list[str] = []
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        block = tag in _FALLBACK_BLOCKS
        if event == "start":
            parts.append(("\n\n" if block else "") + (element.text or ""))
        else:
            parts.append(("\n\n" if block else "") + (element.tail or ""))
    return title, normalize_text("".join(parts))


def _clean(value: str | None) -> str | None:
    value = normalize_text(value).replace("\n", " ") if value else None
    return value or None
