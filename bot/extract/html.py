"""HTML → main text and metadata: trafilatura first, a plain lxml text pass when it finds nothing.

The page is parsed once, and teaser lists of other stories are removed from it (`cards`) before
trafilatura reads it. trafilatura runs tuned for precision and at its default balance; the precise
text wins unless it is a fragment of the balanced one (a forum thread, a product page), and takes
from the balanced one the prose paragraphs it skipped between its own or just before them, and the
subheadings above them. Either is pruned of the boilerplate trafilatura lets through by `html_rules`,
and loses an opening headline that repeats the title (`without_headline`). Pure: takes the page's
bytes (and the URL only as a hint for metadata), never fetches anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import Document as TrafilaturaDocument
from trafilatura.utils import load_html

from bot.extract.cards import drop_teaser_cards
from bot.extract.common import MIN_WORDS, Extracted
from bot.extract.decode import charset_from_content_type, decode_bytes, lookup_codec
from bot.extract.html_rules import PROSE_WORDS, UNSPACED, mend_split_links, prune
from bot.text import count_words, normalize_text

# A precise extraction this short is suspicious: retry trafilatura tuned for recall, and prefer that
# result only if it is much longer (on short pages the extra words are usually navigation).
_RETRY_BELOW_WORDS = 40
_MUCH_LONGER = 2
_WITHIN_SHARE = 0.8
# trafilatura tuned for precision can cut a page that is not one article (a forum thread, a product
# page) down to a fragment; its default balance keeps the rest. Take the default when the precise
# text is under this share of it and at least `_MUCH_MORE` words shorter (pruned of boilerplate first).
_FRAGMENT_SHARE = 0.7
_MUCH_MORE = 50
_SUBSTANTIAL_WORDS = 250
_DISCUSSION = re.compile(
    r"""["']@type["']\s*:\s*\[?\s*["'](?:https?://schema\.org/)?(?:DiscussionForumPosting|QAPage|SocialMediaPosting)["']"""
    r"""|itemtype\s*=\s*["']https?://schema\.org/(?:DiscussionForumPosting|QAPage|SocialMediaPosting)["']""",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
# A title's parts: "Headline | Site", "Site: Headline", "Headline - Site".
_TITLE_PARTS = re.compile(r"\s+[|:\u2013\u2014-]\s+|:\s+")
# A first paragraph shorter than this is not taken for the headline ("News", "Blog").
_HEADLINE_MIN_WORDS = 2
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
    "row": ("\n\n", "\n\n"),
    "cell": ("\n\n", "\n\n"),
    "lb": ("\n", ""),
}
_SKIPPED_OUTPUT_TAGS = frozenset({"graphic"})
# A table row holding these is page layout, not data: its cells are rendered as blocks, not `a | b`.
_LAYOUT_BLOCKS = frozenset({"p", "head", "list", "table", "quote"})

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
    """Main content of a page with its title, site name, author and date (ISO `YYYY-MM-DD`); the text
    does not open with a headline that repeats the title."""
    found = _main_content(decode_html(data, content_type=content_type), url=url)
    return replace(found, text=without_headline(found.text, found.title))


def _main_content(page: str, *, url: str | None) -> Extracted:
    # A page that declares itself a discussion (schema.org) is made of its replies: keep them.
    replies = bool(_DISCUSSION.search(page))
    tree = _parsed(page)
    precise = _trafilatura(tree, url=url, favor_precision=True, replies=replies)
    found = precise.found if precise else None
    balanced_pass = _trafilatura(tree, url=url, metadata=False, replies=replies)  # metadata: read once
    balanced = balanced_pass.found if balanced_pass else None
    if found is not None and page_words(found.text) >= _RETRY_BELOW_WORDS:
        if balanced_pass is None:
            return found
        wider_text = balanced_pass.found.text
        if _is_fragment_of(found.text, wider_text):
            return replace(found, text=wider_text)
        return replace(found, text=_filled(found.text, wider_text, balanced_pass.headings))
    plain_title, plain_text = _plain_pass(page)
    wider_pass = _trafilatura(tree, url=url, favor_recall=True, replies=replies)
    wider = wider_pass.found if wider_pass else None
    # Tuned for recall, trafilatura will return a footer when there is nothing else: take its text only
    # if it is page content, i.e. survives the plain pass that drops header, nav, footer and aside.
    for candidate in (balanced, wider):
        if (
            candidate is not None
            and (_mostly_within(candidate.text, plain_text) or _substantial(candidate, wider))
            and (
                found is None
                or page_words(candidate.text) > _MUCH_LONGER * page_words(found.text) + MIN_WORDS
            )
        ):
            found = (
                candidate if candidate is wider else replace(found or wider or candidate, text=candidate.text)
            )
            break
    if found is None or not found.text:
        return Extracted(
            text=plain_text,
            title=plain_title or (wider.title if wider else None),
            url=wider.url if wider else None,
        )
    return found


def without_headline(text: str, title: str | None) -> str:
    """`text` without the opening paragraphs that only repeat the page's title (the headline, once or
    twice), which the reply shows on its own line. A paragraph repeats the title when its words are the
    title's, or all of one part of a title such as "Headline | Site". Never the whole text."""
    if not title:
        return text
    titled = _words(title)
    parts = [_words(part) for part in _TITLE_PARTS.split(title)]
    paragraphs = text.split("\n\n")
    while len(paragraphs) > 1:
        first = _words(paragraphs[0])
        if len(first) < _HEADLINE_MIN_WORDS or (first != titled and first not in parts):
            break
        paragraphs.pop(0)
    return "\n\n".join(paragraphs)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def page_words(text: str) -> int:
    """Words in `text`, counting runs of Chinese, Japanese or Korean characters at two characters a word."""
    unspaced = len(UNSPACED.findall(text))
    if not unspaced:
        return count_words(text)
    return count_words(UNSPACED.sub(" ", text)) + unspaced // 2


def _substantial(candidate: Extracted, wider: Extracted | None) -> bool:
    """Default-balance text too long to be a footer (forum posts inside a `<form>` fail the plain pass)."""
    return candidate is not wider and page_words(candidate.text) >= _SUBSTANTIAL_WORDS


def _filled(precise: str, balanced: str, headings: frozenset[str]) -> str:
    """The precise text with the prose paragraphs that the balanced text has between two of its
    paragraphs, or just before the first: a lead paragraph written outside any `<p>`, which the precise
    pass skips; and the balanced text's `headings` that stand right above a paragraph kept (subheadings
    that are links, which the precise pass drops). A precise paragraph that the balanced text runs on
    with prose is taken in its longer form. Unchanged unless every precise paragraph is in the balanced
    text, in the same order."""
    mine, theirs = precise.split("\n\n"), balanced.split("\n\n")
    places = _places(mine, theirs)
    if -1 in places or places != sorted(places):
        return precise
    start = places[0] - 1 if places[0] > 0 and _plain_prose(theirs[places[0] - 1]) else places[0]
    kept = {theirs[place] for place in places}
    span = theirs[start : places[-1] + 1]
    wanted = [paragraph in kept or _plain_prose(paragraph) for paragraph in span]
    return "\n\n".join(
        paragraph
        for index, paragraph in enumerate(span)
        if wanted[index] or (paragraph in headings and index + 1 < len(span) and wanted[index + 1])
    )


def _places(mine: list[str], theirs: list[str]) -> list[int]:
    """Where each of `mine` is in `theirs` (-1 if nowhere): the same paragraph, or one that starts with
    it and runs on with prose the precise pass cut off (an intro line with the loose lead after it)."""
    where = {paragraph: index for index, paragraph in enumerate(theirs)}
    return [where[paragraph] if paragraph in where else _run_on(paragraph, theirs) for paragraph in mine]


def _run_on(paragraph: str, theirs: list[str]) -> int:
    for index, candidate in enumerate(theirs):
        if candidate.startswith(paragraph + " ") and _plain_prose(candidate[len(paragraph) :].strip()):
            return index
    return -1


def _plain_prose(paragraph: str) -> bool:
    """A paragraph of running text: long enough, on one line, not a list or a table row."""
    return (
        page_words(paragraph) >= PROSE_WORDS
        and "\n" not in paragraph
        and not paragraph.startswith("- ")
        and " | " not in paragraph
    )


def _is_fragment_of(precise: str, balanced: str) -> bool:
    short, long = page_words(precise), page_words(balanced)
    return short < _FRAGMENT_SHARE * long and long - short > _MUCH_MORE


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


def _parsed(page: str) -> HtmlElement | str:
    """The page parsed once as trafilatura parses it (each extraction works on its own copy), without its
    teaser lists; the text itself if it does not parse as HTML (trafilatura then says so)."""
    tree = load_html(page)
    if tree is None:
        return page
    drop_teaser_cards(tree)
    return tree


@dataclass(frozen=True)
class _Pass:
    """One trafilatura pass: what it found, and the text of each heading it kept."""

    found: Extracted
    headings: frozenset[str]


def _trafilatura(
    page: HtmlElement | str,
    *,
    url: str | None,
    favor_precision: bool = False,
    favor_recall: bool = False,
    metadata: bool = True,
    replies: bool = False,
) -> _Pass | None:
    result = trafilatura.bare_extraction(
        page,
        url=url,
        favor_precision=favor_precision,
        favor_recall=favor_recall,
        include_comments=replies,
        include_tables=True,
        include_links=True,
        with_metadata=metadata,
        date_extraction_params=dict(_DATE_PARAMS),
    )
    if not isinstance(result, TrafilaturaDocument) or result.body is None:
        return None
    if replies and result.commentsbody is not None:
        result.body.extend(list(result.commentsbody))  # trafilatura sets the replies apart: they are content
    prune(result.body, replies=replies)
    mend_split_links(result.body)
    headings = frozenset(normalize_text(_one_line(head)) for head in result.body.iter("head"))
    found = Extracted(
        text=_render(result.body),
        title=_clean(result.title),
        site_name=_clean(result.sitename),
        author=_clean(result.author),
        date=_clean(result.date),
        url=canonical_url(result.url, url),
    )
    return _Pass(found, headings)


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
    if tag == "row" and not any(block.tag in _LAYOUT_BLOCKS for block in element.iterdescendants()):
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
