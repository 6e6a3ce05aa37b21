"""Citation markers: placed before a block's closing punctuation, numbered once per passage, ignored by
counting; extractive summaries cite their own sentences; text-fragment links into web pages."""

from __future__ import annotations

from bot.models import Source
from bot.summary.citations import Cited, cite_extract, fragment_link, marked
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
