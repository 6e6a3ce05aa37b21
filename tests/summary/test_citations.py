"""Citation markers: placed before a block's closing punctuation, numbered once per passage, ignored by
counting; extractive summaries cite their own sentences; text-fragment links into web pages; a PDF's
cited passages get their page, through the text cleaning's shifts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.models import Document, Source
from bot.summary.citations import (
    Cited,
    cite_extract,
    cleaned_page_starts,
    combine_parts,
    fragment_link,
    marked,
    through,
    with_pages,
)
from bot.summary.clean import clean_text
from bot.summary.contract import count
from bot.text import count_words, without_markers

SOURCE = "The council approved the plan on Tuesday. It costs 1.2 billion dollars. Critics were loud."


def test_cited_blocks_get_numbered_markers_and_a_passage_cited_twice_keeps_its_number() -> None:
    text, sources = marked(
        [
            ("The council ", []),
            ("approved the plan", [Cited("The council approved the plan on Tuesday.", 0)]),
            (". It will cost 1.2 billion dollars.", [Cited("It costs 1.2 billion dollars.", 42)]),
            ("\n\nThe plan passed!", [Cited("The council approved the plan on Tuesday.", 0)]),
        ]
    )
    assert text == (
        "The council approved the plan [1]. It will cost 1.2 billion dollars [2].\n\nThe plan passed [1]!"
    )
    assert sources == (
        Source(1, "The council approved the plan on Tuesday."),
        Source(2, "It costs 1.2 billion dollars."),
    )


def test_markers_are_not_counted() -> None:
    assert count_words("The plan passed [1][2]. It costs 1.2 billion dollars [3].") == 8
    counts = count(("The plan passed [1]. It costs a lot [2].",), "paragraphs")
    assert (counts.words, counts.sentences) == (7, 2)
    assert without_markers("passed [1][12].") == "passed."


def test_an_extract_cites_each_of_its_sentences_exactly() -> None:
    items, sources = cite_extract(("The council approved the plan on Tuesday. Critics were loud.",), SOURCE)
    assert items == ("The council approved the plan on Tuesday [1]. Critics were loud [2].",)
    assert [s.quote for s in sources] == ["The council approved the plan on Tuesday.", "Critics were loud."]
    assert all(SOURCE.find(s.quote) >= 0 for s in sources)


def test_fragment_links_quote_the_start_and_end_of_long_passages() -> None:
    short = fragment_link("https://e.com/a#top", "Costs rose 5% - again, & fast.")
    assert short == "https://e.com/a#:~:text=Costs%20rose%205%25%20%2D%20again%2C%20%26%20fast"
    long = fragment_link("https://e.com/a", " ".join(f"w{n}" for n in range(20)))
    assert long == "https://e.com/a#:~:text=w0%20w1%20w2%20w3%20w4,w15%20w16%20w17%20w18%20w19"


# --- PDF pages ----------------------------------------------------------------------------------------------

PAGES = Document(text="Page one text.\n\nPage two text.\n\nPage three.", kind="pdf", label="r.pdf")


@pytest.mark.parametrize(
    ("starts", "offset", "page"),
    [
        ((0, 16, 32), 0, 1),
        ((0, 16, 32), 15, 1),
        ((0, 16, 32), 16, 2),
        ((0, 16, 32), 40, 3),
        ((0, 16, 16, 32), 20, 3),  # page 2 has no text: it starts where page 3 does
        ((5, 16), 2, None),  # before the first page: no page
        (None, 20, None),
    ],
)
def test_an_offset_maps_to_the_page_that_holds_it(
    starts: tuple[int, ...] | None, offset: int, page: int | None
) -> None:
    """`Document.page_of` counts the pages that start at or before the offset."""
    assert replace(PAGES, page_starts=starts).page_of(offset) == page


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        # nothing to clean: the starts stay
        (("One is here.", "Two is here."), ("One is here.", "Two is here.")),
        # a boilerplate line dropped on page 1, a glued sentence repaired on page 2
        (
            ("Advertisement\nThe council met.", "Costs rose.The mayor spoke.", "Page three ends."),
            ("The council met.", "Costs rose. The mayor spoke.", "Page three ends."),
        ),
        # a page that cleaning empties starts where the next one does
        (("Real text here.", "Subscribe now", "Last page."), ("Real text here.", "Last page.", "Last page.")),
        # running headers repeat on every page: each page is found after the page before it
        (("Annual report\nFirst.", "Annual report\nSecond.", "Annual report\nThird."), None),
    ],
)
def test_page_starts_survive_cleaning(pages: tuple[str, ...], expected: tuple[str, ...] | None) -> None:
    """Each page starts in the cleaned text exactly where its own first (kept) line is."""
    raw = "\n\n".join(pages)
    starts = tuple(raw.index(page) for page in pages)
    cleaned = clean_text(raw)
    found = cleaned_page_starts(raw, starts, cleaned)
    heads = expected or tuple(clean_text(page) for page in pages)
    assert [cleaned[at:].startswith(head) for at, head in zip(found, heads, strict=True)] == [True] * len(
        pages
    )
    assert list(found) == sorted(found) and len(set(found)) == len(set(heads))


def test_cited_passages_get_the_page_of_where_they_start() -> None:
    """Character-range citations of a paged document get their page; page citations keep theirs."""
    doc = replace(PAGES, page_starts=(0, 16, 32))
    _, sources = marked(
        [
            ("Two.", [Cited("Page two text.", 16)]),
            (" Three.", [Cited("Page three.", 32)]),
            (" Scan.", [Cited("A scanned page.", 0, 7)]),
        ]
    )
    assert [s.start for s in sources] == [16, 32, None]
    assert [s.page for s in with_pages(sources, doc)] == [2, 3, 7]
    assert with_pages(sources, PAGES) == sources  # no page starts: nothing to say


def test_an_extract_of_a_pdf_names_the_pages_of_its_sentences() -> None:
    """The offline summary's sentences are found in the text, so their pages are known."""
    text = "The council approved the plan.\n\nIt costs 1.2 billion dollars.\n\nCritics were very loud."
    doc = Document(text=text, kind="pdf", label="r.pdf", page_starts=(0, 32, 63))
    _, sources = cite_extract(("The council approved the plan. Critics were very loud.",), text)
    assert [s.page for s in with_pages(sources, doc)] == [1, 3]


# --- long documents: citations through the parts' summaries -------------------------------------------------


def test_part_summaries_are_combined_without_markers_and_remember_their_passages() -> None:
    """The combined text is the parts' summaries as before, bare; each marked sentence keeps the
    passages it cited, moved to their place in the whole document."""
    text, backed = combine_parts(
        [
            (("Costs rose [1]. Nobody objected.",), (Source(1, "Costs rose by 5%.", start=10),), 0),
            (
                ("The mayor spoke [1][2].", "Buses come [2]."),
                (Source(1, "M.", start=3), Source(2, "B.", start=40)),
                500,
            ),
        ]
    )
    assert (
        text == "Part 1 of 2:\nCosts rose. Nobody objected.\n\nPart 2 of 2:\nThe mayor spoke.\n\nBuses come."
    )
    assert [text[b.start : b.end] for b in backed] == ["Costs rose.", "The mayor spoke.", "Buses come."]
    assert [[s.start for s in b.sources] for b in backed] == [[10], [503, 540], [540]]


def test_the_combined_summarys_markers_point_to_the_passages_behind_the_sentences_they_cite() -> None:
    """A marker citing a part summary's sentence becomes the markers of that sentence's passages,
    numbered afresh; one citing an uncited sentence is dropped."""
    text, backed = combine_parts(
        [
            (("Costs rose [1]. Nobody objected.",), (Source(1, "Costs rose by 5%.", start=10),), 0),
            (
                ("The mayor spoke [1][2].",),
                (Source(1, "M said.", start=3), Source(2, "B said.", start=40)),
                500,
            ),
        ]
    )
    final = (
        Source(1, "The mayor spoke.", start=text.index("The mayor")),
        Source(2, "Costs rose.", start=text.index("Costs")),
        Source(3, "Nobody objected.", start=text.index("Nobody")),
    )
    items, sources = through(("The mayor had a say [1]. Costs went up [2][3].",), final, backed)
    assert items == ("The mayor had a say [1][2]. Costs went up [3].",)
    assert [(s.quote, s.start) for s in sources] == [
        ("M said.", 503),
        ("B said.", 540),
        ("Costs rose by 5%.", 10),
    ]
