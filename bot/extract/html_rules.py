"""Boilerplate that trafilatura lets through, dropped from its output tree by structural signals.

Pure. Works on the tree `trafilatura.bare_extraction(include_links=True)` returns (`p`, `head`, `list`/
`item`, `table`, `quote`, with `ref` around link text), one top-level block at a time. Each rule
looks at what a block is made of (how much of its text is link text, how long it is, what sits
around it, a generic lead-in such as "Related:"), never at a site's name or class names, so it
applies to pages it was never tried on:

- runs of link-dense blocks (menus, "A | B | C" bars, headline lists) are dropped unless prose
  surrounds them (a list of links inside the article body is content) or a sentence ending in ":"
  introduces them; a run of eight or more one- or two-word links is a menu even between paragraphs;
- three or more short paragraphs in a row that each open with a headline link and go on with a new
  line or sentence (teasers, ads, white papers) are dropped, unless they outweigh the other prose;
- a heading like "Related stories" or "Most read" is dropped with the link-dense or short blocks
  under it, and an ad label ("Sponsored links") with the list under it;
- a short block led by "Related:", "Read more:", "See also:", "Also on …" is dropped;
- short calls to action (newsletter sign-ups, "share this story", "follow us on …") and lines of
  page furniture ("Continue reading the main story", "Advertisement", "Image caption …") are dropped;
- a short copyright line after the prose is dropped with the short lines that follow it (a footer),
  and so is a longer rights notice ("©", "All rights reserved") that closes the page;
- (not a drop) a line that trafilatura cut in two at a link, losing the space after it, is mended;
- loose separators left by a dropped block ("|", "(31 Dec 07 |", at most four words) go with it;
- on a page that is not a discussion, a short "Comments"/"Leave a reply" block after the prose
  starts the comment section, dropped to the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

# A block whose link text is at least this share of its text is "link-dense".
LINK_DENSE = 0.7
# A block of at least this many words, not link-dense, is prose: what an article body is made of.
PROSE_WORDS = 15
# Blocks this short (dates, "|", "(31 Dec 07") join the link-dense run they sit in.
FILLER_WORDS = 4
# A run of link-dense blocks with fewer links than this is left alone (one link is a citation).
RUN_LINKS = 3
# A run of at least this many links of at most `MENU_LABEL_WORDS` words each on average is a menu, even
# between paragraphs (a table layout puts the site's menu between the teasers and the article).
MENU_LINKS = 8
MENU_LABEL_WORDS = 2.5
# Paragraphs of at most `TEASER_WORDS` words that open with a link, `TEASER_RUN` or more in a row, are
# teasers (a headline link and its blurb).
TEASER_RUN = 3
TEASER_WORDS = 60
# ... unless they hold more than this share of the words of the page's other prose: then they are its content
# (a home page, a list of questions that link to their answers).
TEASER_SHARE = 0.5
# Lead-ins and calls to action are only boilerplate in short blocks.
SHORT_WORDS = 40

# A heading longer than this is a title, not a section label such as "Related stories".
_HEADING_WORDS = 8
_WORD = re.compile(r"\w+")
# Wrappers whose children are blocks (a layout table, trafilatura's fallback `div`): judged child by child.
_CONTAINERS = frozenset({"div", "table", "row", "cell"})
_BLOCKS = frozenset({"p", "head", "list", "table", "quote", "code", "div", "row", "cell"})
_RELATED_HEADING = re.compile(
    r"^\W*(?:related\b|more (?:from|in|on|like this)\b|"
    r"more\b.{0,40}\b(?:stories|news|articles|headlines|posts|videos)\b|"
    r"(?:you|we think you) (?:may|might|could) (?:also )?(?:like|enjoy|be interested)|"
    r"recommended\b|most (?:read|popular|viewed|shared|emailed|commented)\b|trending\b|"
    r"(?:top|latest|popular|other|recent) (?:stories|news|posts|articles|headlines)\b|"
    r"read (?:next|more|also)\b|also (?:read|see|on)\b|elsewhere on\b|in other news\b|"
    r"don'?t miss\b|editor'?s picks?\b|sponsored\b|advertisements?\b|ads by\b|internal links\b)",
    re.IGNORECASE,
)
_AD_LABEL = re.compile(
    r"^\W*(?:sponsored(?: (?:links?|results|content|listings|stories))?|advertisements?|ads by \w+)\W*$",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(
    r"^\W*(?:related(?: (?:stories|articles|content|coverage|links|news))?|read(?: more| also| next)?|"
    r"see also|also read|more (?:on|from|about) [^:|]{1,40}|recommended(?: reading)?|watch|listen|"
    r"must read|don'?t miss)\s*(?:[:|»>\u2013\u2014-])|^\W*also on [\w.-]+\.[a-z]{2,}\b",
    re.IGNORECASE,
)
_COMMENTS_START = re.compile(
    r"^\W*(?:\d+\s+)?(?:comments?|reader(?:s'?)? (?:comments|views|reactions)|user comments|"
    r"your (?:comments|views|say)|have your say|leave a (?:comment|reply)|post a comment|"
    r"add (?:a|your) comment|comments are (?:now )?closed|join the (?:discussion|conversation)|"
    r"discuss this (?:article|story)|\d+ responses? to\b|one response to\b)(?:\W|$)",
    re.IGNORECASE,
)
# Page furniture that comes as a line of its own: only a whole block of at most `_HEADING_WORDS` words.
_FURNITURE = re.compile(
    r"^\W*(?:continue reading(?: the main story| below)?|story continues below(?: advertisement)?|"
    r"advertisement|skip to (?:main )?content|back to top|read more|show more|load more|"
    r"(?:this )?video is (?:unavailable|not available)\b.*|click here\b.*|"
    r"(?:image|photo|picture) (?:caption|copyright|credit|source)\b.*)\W*$",
    re.IGNORECASE,
)
# A video player's own words (video.js, JW Player and the like), which trafilatura reads as text: its
# dialogs and menus ("This is a modal window.", "subtitles off, selected"), "Now watching", "Next video
# starts in: 7". Only whole blocks of at most `SHORT_WORDS` words.
_PLAYER = re.compile(
    r"^\W*(?:this is a modal window\b.*|beginning of dialog window\b.*|end of dialog window\b.*|"
    r"[\w ]{1,30}, selected|captions settings\b.*|now (?:watching|playing)|"
    r"(?:next video|up next)\b.{0,30}\bstarts? in\b.*|"
    r"(?:unfortunately, )?this video is (?:unavailable|not available)\b.*)\W*$",
    re.IGNORECASE,
)
_ENDS_SENTENCE = re.compile(r"[.!?:;…\"”’)\]]\s*$")
# Scripts written without spaces (Chinese, Japanese, Korean): about two characters make a word.
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SLIDE = re.compile(r"^\W*(\d{1,3})\s*/\s*(\d{1,3})(?=\s|[A-Z])")  # "3/50 Title…"
# A rights notice ("©", "All rights reserved") closing the page is a footer up to this many words.
FOOTER_WORDS = 150
_RIGHTS = re.compile(r"©|\ball rights reserved\b", re.IGNORECASE)
_LEGAL = re.compile(r"©|\(c\) \d{4}|\bcopyright\b|\ball rights reserved\b", re.IGNORECASE)
_CALL_TO_ACTION = re.compile(
    r"\b(?:sign up|subscribe|register)\b[^.!?]{0,80}\bnewsletters?\b|"
    r"\bnewsletters?\b[^.!?]{0,40}\b(?:sign up|subscribe)\b|"
    r"\bdelivered (?:straight |directly )?to your inbox\b|"
    r"\bshare (?:this|it)(?: (?:story|article|post|page))?(?: with (?:a|your) friends?)\b|"
    r"^\W*(?:share|tweet|email) this\b|^\W*like this (?:story|article)\?|"
    r"^\W*follow us on (?:twitter|facebook|instagram|linkedin|x)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Block:
    """What a rule needs to know about one top-level block of the output."""

    element: etree._Element
    tag: str
    text: str
    words: int
    links: int
    density: float

    @property
    def link_dense(self) -> bool:
        """Mostly link text, with at least one link."""
        return self.links > 0 and self.density >= LINK_DENSE

    @property
    def prose(self) -> bool:
        """Long enough and not mostly links: article text."""
        return self.tag not in ("head", "list") and self.words >= PROSE_WORDS and not self.link_dense


def prune(body: etree._Element, *, replies: bool = False) -> None:
    """Drop the boilerplate blocks of trafilatura's output tree `body`, in place (a page of `replies`,
    such as a forum thread, keeps its comment section)."""
    blocks = [_block(element) for element in _top_blocks(body)]
    doomed: set[int] = set()
    doomed |= _short_boilerplate(blocks)
    doomed |= _related_sections(blocks, doomed)
    if not replies:
        doomed |= _comment_section(blocks)
    doomed |= _legal_footer(blocks)
    doomed |= _link_runs(blocks, doomed)
    doomed |= _slideshows(blocks)
    doomed |= _teaser_paragraphs(blocks)
    if len(doomed) == len(blocks):
        return  # all of it looks like boilerplate: better to let the caller's fallbacks judge
    for index in sorted(doomed):
        element = blocks[index].element
        if len(_WORD.findall(element.tail or "")) <= FILLER_WORDS:
            element.tail = None  # "|", "(31 Dec 07 |": a dropped menu's separators, a link list's dates
        drop_keeping_tail(element)


def _top_blocks(parent: etree._Element) -> list[etree._Element]:
    """The blocks under `parent`, descending into wrappers made of blocks."""
    found: list[etree._Element] = []
    for element in parent:
        if not isinstance(element.tag, str):
            continue
        if element.tag == "table" or (
            element.tag in _CONTAINERS and any(child.tag in _BLOCKS for child in element)
        ):
            found += _top_blocks(element)
        elif element.tag != "lb" and (element.tag != "ref" or element.text):
            found.append(element)
    return found


def _block(element: etree._Element) -> Block:
    text = _flat(element)
    refs = list(element.iter("ref"))
    linked = sum(_letters(_flat(ref)) for ref in refs)
    return Block(
        element=element,
        tag=str(element.tag),
        text=text,
        words=len(_WORD.findall(text)),
        links=len(refs),
        density=min(1.0, linked / _letters(text)) if _letters(text) else 0.0,
    )


def _letters(text: str) -> int:
    """Letters and digits in `text`: separators such as " | " between menu links do not dilute density."""
    return sum(len(word) for word in _WORD.findall(text))


def _flat(element: etree._Element) -> str:
    """The text of `element` (not its tail), whitespace collapsed."""
    return " ".join(etree.tostring(element, method="text", encoding="unicode", with_tail=False).split())


def _short_boilerplate(blocks: list[Block]) -> set[int]:
    """Short blocks led by "Related:"/"Read more:" or calling to sign up, share or follow; furniture
    lines; a video player's own words."""
    return {
        index
        for index, block in enumerate(blocks)
        if (
            block.words <= SHORT_WORDS and (_LEAD_IN.search(block.text) or _CALL_TO_ACTION.search(block.text))
        )
        or (block.words <= _HEADING_WORDS and _FURNITURE.search(block.text))
        or (block.words <= SHORT_WORDS and _PLAYER.search(block.text))
    }


def _slideshows(blocks: list[Block]) -> set[int]:
    """A slideshow's captions, numbered "1/50 …", "2/50 …": a list whose items mostly are (3 or more,
    one total), or a run of 3 or more blocks that are. A gallery beside an article is another story's,
    or many; its captions are not the article."""
    doomed: set[int] = set()
    run: list[int] = []
    for index, block in enumerate(blocks):
        if block.tag == "list" and _captions([_flat(i) for i in block.element if isinstance(i.tag, str)]):
            doomed.add(index)
        total = _slide_total(block.text)
        if total is not None and run and _slide_total(blocks[run[-1]].text) == total:
            run.append(index)
            continue
        if len(run) >= 3:
            doomed.update(run)
        run = [index] if total is not None else []
    if len(run) >= 3:
        doomed.update(run)
    return doomed


def _captions(texts: list[str]) -> bool:
    """Mostly (80%, and 3 or more) slide captions of one and the same total."""
    totals = [total for total in map(_slide_total, texts) if total is not None]
    if len(totals) < 3:
        return False
    return totals.count(max(set(totals), key=totals.count)) >= 0.8 * len(texts)


def _slide_total(text: str) -> str | None:
    """N of a text that opens with a slide number "k/N", else None."""
    found = _SLIDE.match(text)
    return found.group(2) if found else None


def _related_sections(blocks: list[Block], dropped: set[int]) -> set[int]:
    """A "Related stories"-like heading, with the link-dense or short blocks (or ones already
    `dropped`) that follow it, and the list under an ad label ("Sponsored links"); alone at the end, the
    heading goes too."""
    doomed: set[int] = set()
    for index, block in enumerate(blocks):
        if block.tag != "head" or block.words > _HEADING_WORDS or not _RELATED_HEADING.search(block.text):
            continue
        following = index + 1
        if following < len(blocks) and blocks[following].tag == "list" and _AD_LABEL.match(block.text):
            following += 1  # under "Sponsored links", the list is ads whatever it looks like
        while following < len(blocks) and (following in dropped or _under_related(blocks[following])):
            following += 1
        if following > index + 1 or following == len(blocks):
            doomed.update(range(index, following))
    return doomed


def _comment_section(blocks: list[Block]) -> set[int]:
    """From a short "Comments"/"Leave a reply"/"Comments are closed" block after prose to the end."""
    seen_prose = False
    for index, block in enumerate(blocks):
        if seen_prose and block.words <= _HEADING_WORDS and _COMMENTS_START.search(block.text):
            return set(range(index, len(blocks)))
        seen_prose = seen_prose or block.prose
    return set()


def _legal_footer(blocks: list[Block]) -> set[int]:
    """Short copyright lines after the prose, with the short paragraphs that follow (a footer's address,
    phone, credits) unless something else comes after them; and a longer rights notice ("©", "All rights
    reserved", up to `FOOTER_WORDS` words) that is the page's last block."""
    doomed: set[int] = set()
    seen_prose = False
    last = max((index for index, block in enumerate(blocks) if block.words), default=-1)
    for index, block in enumerate(blocks):
        notice = index == last and block.words <= FOOTER_WORDS and bool(_RIGHTS.search(block.text))
        legal = seen_prose and (block.words <= SHORT_WORDS or notice) and bool(_LEGAL.search(block.text))
        if legal or (doomed and not block.prose and block.tag == "p" and block.words <= SHORT_WORDS):
            doomed.add(index)
        elif doomed:
            doomed = {index for index in doomed if _LEGAL.search(blocks[index].text)}
        seen_prose = seen_prose or block.prose
    return doomed


def _under_related(block: Block) -> bool:
    """What a related-content heading governs: links, teaser lists, fillers, and further such headings."""
    if block.tag == "head":
        return block.words <= _HEADING_WORDS and (
            block.link_dense or bool(_RELATED_HEADING.search(block.text))
        )
    return block.link_dense or block.words <= FILLER_WORDS or _teasers(block)


def _teasers(block: Block) -> bool:
    """A list whose items mostly open with a link: headlines, each with its blurb."""
    items = [item for item in block.element if item.tag == "item"]
    led = sum(1 for item in items if not (item.text or "").strip() and len(item) and item[0].tag == "ref")
    return block.tag == "list" and len(items) >= 2 and led * 2 >= len(items)


def _link_runs(blocks: list[Block], doomed: set[int]) -> set[int]:
    """Runs of link-dense blocks (short fillers included) with no prose on both sides."""
    found: set[int] = set()
    index = 0
    while index < len(blocks):
        if not blocks[index].link_dense:
            index += 1
            continue
        start = index
        while start > 0 and _filler(blocks[start - 1]):
            start -= 1
        end = index
        while end + 1 < len(blocks) and (blocks[end + 1].link_dense or _filler(blocks[end + 1])):
            end += 1
        run = blocks[start : end + 1]
        if sum(block.links for block in run) >= RUN_LINKS and (
            _menu(run) or not _in_body(blocks, start, end, doomed)
        ):
            found.update(range(start, end + 1))
        index = end + 1
    return found


def _teaser_paragraphs(blocks: list[Block]) -> set[int]:
    """Three or more short paragraphs in a row that each open with a link (a headline, then its blurb):
    other stories, ads or white papers. An article's paragraphs seldom start with a link, never in a row."""
    runs: list[list[int]] = [[]]
    for index, block in enumerate(blocks):
        if _link_led(block):
            runs[-1].append(index)
        elif block.words and runs[-1]:
            runs.append([])
    teasers = {index for run in runs if len(run) >= TEASER_RUN for index in run}
    prose = sum(block.words for index, block in enumerate(blocks) if block.prose and index not in teasers)
    return teasers if sum(blocks[index].words for index in teasers) <= TEASER_SHARE * prose else set()


def _link_led(block: Block) -> bool:
    """A short paragraph that opens with a link of two words or more, a headline: the text after it starts
    a new line or a new sentence (a link that begins a sentence of the article runs on into it)."""
    element = block.element
    if block.tag != "p" or block.words > TEASER_WORDS or (element.text or "").strip() or not len(element):
        return False
    first = element[0]
    if first.tag != "ref" or len(_WORD.findall(_flat(first))) < 2 or block.link_dense:
        return False
    after = (first.tail or "").strip()
    return (not after and len(element) > 1 and element[1].tag == "lb") or after[:1].isupper()


def _menu(run: list[Block]) -> bool:
    """A site menu: `MENU_LINKS` or more links, one short label each (a few words), one after another.
    An article's own list of links names documents or stories, in longer titles."""
    labels = [block for block in run if block.link_dense]
    links = sum(block.links for block in labels)
    return links >= MENU_LINKS and sum(block.words for block in labels) <= MENU_LABEL_WORDS * links


def _filler(block: Block) -> bool:
    return block.tag != "head" and block.words <= FILLER_WORDS and not block.link_dense


def _in_body(blocks: list[Block], start: int, end: int, doomed: set[int]) -> bool:
    """Prose (not already dropped) on both sides, or a sentence ending in ":" just before."""
    before = [block for index, block in enumerate(blocks[:start]) if index not in doomed]
    after = [block for index, block in enumerate(blocks[end + 1 :], end + 1) if index not in doomed]
    if before and before[-1].words >= PROSE_WORDS // 2 and before[-1].text.endswith(":"):
        return not _RELATED_HEADING.search(before[-1].text)
    return any(block.prose for block in before) and any(block.prose for block in after)


def mend_split_links(body: etree._Element) -> None:
    """Undo how trafilatura (with links kept) cuts a line of text at a link: "<p>This year at</p>
    <p><ref>Comic-Con</ref>I got…</p>" becomes one paragraph again, with the spaces it lost."""
    for paragraph in list(body.iter("p")):
        first = paragraph[0] if len(paragraph) else None
        if first is None or first.tag != "ref" or (paragraph.text or "").strip():
            continue
        if _glued(first.text or "", first.tail or ""):
            first.tail = " " + (first.tail or "")
        previous = paragraph.getprevious()
        if previous is None or not _unfinished_line(previous):
            continue
        previous.text = (previous.text or "").rstrip() + " "
        previous.extend(list(paragraph))
        previous.tail, paragraph.tail = paragraph.tail, None
        drop_keeping_tail(paragraph)


def _unfinished_line(element: etree._Element) -> bool:
    """A paragraph of bare text (no markup in it, no text after it) that stops mid-sentence."""
    text = (element.text or "").strip()
    bare = element.tag == "p" and not len(element) and not (element.tail or "").strip()
    return bare and bool(text) and not _ENDS_SENTENCE.search(text)


def _glued(before: str, after: str) -> bool:
    """Two words run together ("InternationalI"), neither in a script written without spaces (there a
    missing space is no loss)."""
    end, start = before[-1:], after[:1]
    return end.isalnum() and start.isalnum() and not UNSPACED.match(end) and not UNSPACED.match(start)


def drop_keeping_tail(element: etree._Element) -> None:
    """Remove `element`, keeping its tail text (it belongs to the parent)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
