"""Tests for `bot.summary.chunking`: splitting long documents on structure within a token budget."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.summary.chunking import estimate_tokens, split_document, split_spans


def _report(sections: int, paragraphs: int = 4, sentences: int = 5) -> str:
    out = []
    for s in range(sections):
        out.append(f"# Section {s}")
        for p in range(paragraphs):
            out.append(
                " ".join(
                    f"Section {s} paragraph {p} sentence {i} is about the budget." for i in range(sentences)
                )
            )
    return "\n\n".join(out)


def test_a_short_document_is_one_part() -> None:
    """A document within the budget is not split."""
    assert split_document("Hello there.", max_tokens=1000) == ["Hello there."]


def test_parts_fit_and_keep_every_word_once() -> None:
    """Each part is within the budget and together they hold every word of the document, in order."""
    text = _report(12)
    parts = split_document(text, max_tokens=600)
    assert len(parts) > 1
    assert all(estimate_tokens(p) <= 600 for p in parts)
    assert " ".join(parts).split() == text.split()


def test_parts_start_at_headings_when_they_can() -> None:
    """With sections smaller than a part, parts begin at a heading."""
    parts = split_document(_report(12), max_tokens=900)
    assert all(p.startswith("# Section") for p in parts)


def test_parts_are_balanced() -> None:
    """No part is much smaller than the others (the last one included)."""
    parts = split_document(_report(20), max_tokens=700)
    sizes = [estimate_tokens(p) for p in parts]
    assert min(sizes) >= 0.4 * max(sizes)


def test_a_single_huge_paragraph_is_split_on_sentences_then_words() -> None:
    """A wall of text without blank lines still splits, and a word run with no sentence ends too."""
    wall = " ".join(f"Sentence {i} has a few words in it." for i in range(2000))
    parts = split_document(wall, max_tokens=500)
    assert all(estimate_tokens(p) <= 500 for p in parts)
    assert " ".join(parts).split() == wall.split()
    words = "word " * 5000
    assert " ".join(split_document(words, max_tokens=300)).split() == words.split()


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=3000), st.integers(50, 400))
def test_never_loses_or_duplicates_words(text: str, budget: int) -> None:
    """Whatever the text and budget, the parts hold exactly the document's words, each part within budget."""
    parts = split_document(text, max_tokens=budget)
    assert Counter(" ".join(parts).split()) == Counter(text.split())
    assert all(estimate_tokens(p) <= max(50, budget) for p in parts)


def test_part_spans_say_where_each_part_lies_in_the_text() -> None:
    """`split_spans` gives each part's place, so a part's offsets can be moved into the whole."""
    text = "\n\n" + _report(12) + "\n"
    spans = split_spans(text, max_tokens=600)
    assert [text[a:b] for a, b in spans] == split_document(text, max_tokens=600)
    assert all(a < b and not text[a].isspace() and not text[b - 1].isspace() for a, b in spans)
