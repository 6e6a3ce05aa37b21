"""Teaser cards: the other stories a page lists around its own text, dropped from the page before extraction.

Pure. A *card* is an element made of a linked headline (a heading whose text is a link, or a heading
inside a link) and a short blurb, at most `CARD_WORDS` words in all (`STREAM_CARD_WORDS` in a stream
of `STREAM_CARDS` or more). Three or more cards that make up most of their parent's children are a
teaser list: a story stream under the article, a "more from" box, a sidebar of headlines with their
first lines. trafilatura drops the linked headlines but keeps
the blurbs, which read like prose; once they reach the text they are another story's lead paragraph in
the summary.

The rule looks only at structure, never at class names or sites. It fires only on a page that has
prose of its own outside the cards (`OWN_PROSE_WORDS` words in runs of `PROSE_RUN_WORDS` or more), so a
listing or search page, which is made of cards, keeps them.
"""

from __future__ import annotations

import re

from lxml import etree

from bot.extract.html_rules import drop_keeping_tail

# A card is a headline and a sentence or two: longer items are content (a blog index, a product grid).
CARD_WORDS = 60
# ...but in a stream of `STREAM_CARDS` or more, each card may run to `STREAM_CARD_WORDS` words (a story
# stream shows three sentences of each story; a page's own content seldom comes as eight such items).
STREAM_CARDS = 8
STREAM_CARD_WORDS = 100
# A teaser list has at least this many cards, and they make up at least this share of their parent.
MIN_CARDS = 3
CARD_SHARE = 0.6
# The page's own prose outside the cards: words in text runs of at least `PROSE_RUN_WORDS` words.
OWN_PROSE_WORDS = 150
PROSE_RUN_WORDS = 15
# A heading is linked when links hold at least this share of its words.
LINKED_SHARE = 0.7

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_NOT_TEXT = frozenset({"script", "style", "noscript", "template"})
_WORD = re.compile(r"\w+")


def drop_teaser_cards(root: etree._Element) -> int:
    """Remove the teaser lists from the page `root` in place (tails kept) and return how many cards went;
    leaves the page alone, returning 0, when it has no prose of its own outside them."""
    cards = [card for group in _card_groups(root) for card in group]
    if not cards:
        return 0
    inside = {element for card in cards for element in card.iter()}
    if _own_prose(root, inside) < OWN_PROSE_WORDS:
        return 0
    for card in cards:
        drop_keeping_tail(card)
    return len(cards)


def _card_groups(root: etree._Element) -> list[list[etree._Element]]:
    """Sets of sibling cards, found from the linked headlines up."""
    candidates: dict[etree._Element, dict[etree._Element, None]] = {}  # parent -> children, in order
    for heading in root.iter(*_HEADINGS):
        if not _linked(heading):
            continue
        child, parent = heading, heading.getparent()
        while parent is not None:
            candidates.setdefault(parent, {})[child] = None
            child, parent = parent, parent.getparent()
    groups = []
    for parent, children in candidates.items():
        needed = max(MIN_CARDS, CARD_SHARE * sum(1 for child in parent if isinstance(child.tag, str)))
        if len(children) < needed:
            continue
        limit = STREAM_CARD_WORDS if len(children) >= STREAM_CARDS else CARD_WORDS
        cards = [child for child in children if _words(child) <= limit]
        if len(cards) >= needed:
            groups.append(cards)
    return groups


def _linked(heading: etree._Element) -> bool:
    """A heading whose words are mostly link text, or that sits inside a link."""
    words = _words(heading)
    if not words:
        return False
    if sum(_words(link) for link in heading.iter("a")) >= LINKED_SHARE * words:
        return True
    return any(ancestor.tag == "a" for ancestor in heading.iterancestors())


def _own_prose(root: etree._Element, inside: set[etree._Element]) -> int:
    """Words of the page outside `inside` (and outside scripts) in runs long enough to be sentences."""
    runs: list[str | None] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element not in inside and element.tag not in _NOT_TEXT:
            runs.append(element.text)
        parent = element.getparent()
        if parent is not None and parent not in inside and parent.tag not in _NOT_TEXT:
            runs.append(element.tail)  # a tail is its parent's text
    counts = (len(_WORD.findall(run)) for run in runs if run)
    return sum(count for count in counts if count >= PROSE_RUN_WORDS)


def _words(element: etree._Element) -> int:
    """Words of `element`, its text nodes taken apart ("a<b>b</b>" is two words, unlike `flat_text`)."""
    return len(_WORD.findall(" ".join(str(text) for text in element.itertext())))
