"""bot.extract.cards and the HTML pass around it: a list of other stories' linked headlines and blurbs is
removed from an article page, and kept on a page made of such cards. Synthetic pages only."""

from __future__ import annotations

import lxml.html
from lxml import etree

from bot.extract import extract
from bot.extract.cards import CARD_WORDS, STREAM_CARD_WORDS, drop_teaser_cards
from tests.documents import TRAM_PROSE, html_page

PROSE = TRAM_PROSE
BLURBS = (
    (
        "Mayor opens new bridge",
        "The footbridge over the river links the old town to the park and cost less "
        "than planned, the mayor said at the opening.",
    ),
    (
        "Schools close for storm",
        "Every school in the district will stay shut on Friday as winds of up to "
        "ninety kilometres an hour are forecast.",
    ),
    (
        "Budget vote delayed again",
        "The vote on next year's budget has been put off for a second time while "
        "the parties argue over the cost of the new pool.",
    ),
    (
        "Library wins design prize",
        "The glass reading room added last year won the national prize for public "
        "buildings, beating forty other entries.",
    ),
)


def text_of(root: etree._Element) -> str:
    """All the text of the page `root`."""
    return str(etree.tostring(root, method="text", encoding="unicode"))


def stream(blurbs: tuple[tuple[str, str], ...] = BLURBS, *, heading_in_link: bool = False) -> str:
    """A story stream: one `<li>` per story, a linked headline and its first lines."""
    items = []
    for index, (title, blurb) in enumerate(blurbs):
        headline = (
            f"<a href='/story/{index}'><h3>{title}</h3></a>"
            if heading_in_link
            else f"<h3><a href='/story/{index}'>{title}</a></h3>"
        )
        items.append(f"<li>{headline}<p>{blurb}</p></li>")
    return f"<ul class='stream'>{''.join(items)}</ul>"


def article(*extra: str) -> str:
    """An article page (headline and six paragraphs) with `extra` markup after its text."""
    return html_page(
        "<h1>Tram line to grow by four kilometres</h1>"
        + "".join(f"<p>{t}</p>" for t in PROSE)
        + "".join(extra)
    )


def test_story_stream_after_an_article_is_dropped_and_the_article_kept() -> None:
    """End to end: the blurbs of other stories, which trafilatura reads as prose, do not reach the text."""
    document = extract(article(stream()).encode(), content_type="text/html", url="https://news.example.com/t")
    assert document.text.endswith("\n\n".join(PROSE))
    for title, blurb in BLURBS:
        assert title not in document.text and blurb not in document.text


def test_a_long_stream_may_have_longer_blurbs() -> None:
    """Eight or more cards are a story stream even with three-sentence blurbs; four such cards are not."""
    long_blurbs = tuple(
        (title, f"{blurb} {blurb} {blurb} More on this story later today.") for title, blurb in BLURBS
    )
    assert all(
        CARD_WORDS < len((title + " " + blurb).split()) <= STREAM_CARD_WORDS for title, blurb in long_blurbs
    )
    root = lxml.html.document_fromstring(article(stream(long_blurbs * 2)))
    assert drop_teaser_cards(root) == 2 * len(BLURBS)
    root = lxml.html.document_fromstring(article(stream(long_blurbs)))
    assert drop_teaser_cards(root) == 0


def test_heading_inside_the_link_counts_as_a_linked_headline() -> None:
    """`<a><h3>…</h3></a>` is the same card as `<h3><a>…</a></h3>`."""
    root = lxml.html.document_fromstring(article(stream(heading_in_link=True)))
    assert drop_teaser_cards(root) == len(BLURBS)
    assert BLURBS[0][1] not in text_of(root)
    assert PROSE[0] in text_of(root)


def test_a_page_made_of_cards_keeps_them() -> None:
    """A listing (cards and little prose of its own) is its cards: nothing is removed."""
    page = html_page("<h1>Latest news</h1>" + stream())
    root = lxml.html.document_fromstring(page)
    assert drop_teaser_cards(root) == 0
    document = extract(page.encode(), content_type="text/html")
    for _, blurb in BLURBS:
        assert blurb in document.text


def test_items_too_long_for_a_teaser_are_kept() -> None:
    """An item longer than a headline and a sentence or two is content (a blog index, say), not a card."""
    long_blurbs = tuple((title, " ".join([blurb] * 4)) for title, blurb in BLURBS)
    assert all(len((title + " " + blurb).split()) > CARD_WORDS for title, blurb in long_blurbs)
    root = lxml.html.document_fromstring(article(stream(long_blurbs)))
    assert drop_teaser_cards(root) == 0


def test_too_few_cards_or_unlinked_headings_are_kept() -> None:
    """Two teasers are not a list of them; sections with plain headings are the article's own."""
    root = lxml.html.document_fromstring(article(stream(BLURBS[:2])))
    assert drop_teaser_cards(root) == 0
    sections = "".join(f"<div><h3>{title}</h3><p>{blurb}</p></div>" for title, blurb in BLURBS)
    root = lxml.html.document_fromstring(article(sections))
    assert drop_teaser_cards(root) == 0


def test_text_after_a_card_stays_on_the_page() -> None:
    """A removed card's tail belongs to its parent and is kept."""
    items = "".join(f"<h3><a href='/s/{i}'>{title}</a></h3>tail {i} " for i, (title, _) in enumerate(BLURBS))
    root = lxml.html.document_fromstring(article(f"<div>{items}</div>"))
    assert drop_teaser_cards(root) == len(BLURBS)
    text = text_of(root)
    assert all(f"tail {i}" in text for i in range(len(BLURBS)))
    assert BLURBS[0][0] not in text
