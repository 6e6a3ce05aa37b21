"""Tests for `bot.instructions`: reading the request line and planning an honest length."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.instructions import parse_request, plan_length, split_instruction
from bot.models import SummarySpec

SEED = Path(__file__).resolve().parent.parent / "examples" / "seed-request.txt"
BODY = "Starmer spoke to the press following the summit.\nThe leaders agreed on four steps."

# (first line, words, paragraphs, is an instruction)
PHRASINGS: list[tuple[str, int | None, int | None, bool]] = [
    ("Summarize this content to 2000 words in 6 paragraphs", 2000, 6, True),
    ("summarise in 3 paragraphs", None, 3, True),
    ("Summarize in 3 paragraphs.", None, 3, True),
    ("tl;dr", None, None, True),
    ("TL;DR please", None, None, True),
    ("tldr", None, None, True),
    ("~150 words please", 150, None, True),
    ("in two paragraphs, 300 words", 300, 2, True),
    ("Summary in one paragraph:", None, 1, True),
    ("summarize in 3 paragrahs", None, 3, True),
    ("summarize in 3 paragraps", None, 3, True),
    ("summarize in 4 pars", None, 4, True),
    ("4 paras please", None, 4, True),
    ("Summarize in a hundred words", 100, None, True),
    ("summarize to 2,000 words", 2000, None, True),
    ("Summarize in five paragraphs", None, 5, True),
    ("summarize in twenty paragraphs", None, 20, True),
    ("two hundred and fifty words", 250, None, True),
    ("Can you summarize this in twenty-five words?", 25, None, True),
    ("a 200-word summary please", 200, None, True),
    ("give me the gist in 100 words", 100, None, True),
    ("make it 150 words", 150, None, True),
    ("Summarize in 3 sentences", 60, 1, True),
    ("150-200 words", 175, None, True),
    ("Please summarise the following article in a single paragraph", None, 1, True),
    ("I'd like a summary in 3 paragraphs", None, 3, True),
    ("3 paragraphs of 100 words each", 300, 3, True),
    ("condense to 2k words", 2000, None, True),
    ("sum it up in two short paragraphs", None, 2, True),
    ("no more than 120 words, in 2 paragraphs", 120, 2, True),
    ("6 paragraphs, about 500 words", 500, 6, True),
    ("Summarize: 400 words / 4 paragraphs", 400, 4, True),
    ("summarize", None, None, True),
    ("Summarize this for executives", None, None, True),
    ("shorten to fifty words", 50, None, True),
    ("recap this in a paragraph", None, 1, True),
    ("in a couple of paragraphs", None, 2, True),
    ("Summarize in one thousand words", 1000, None, True),
    ("The treaty has 6 paragraphs and was signed in 1998.", None, None, False),
    ("The report runs to 2,000 words over 12 paragraphs.", None, None, False),
    ("Summary of the findings: revenue grew 10% in 2024 across 3 regions.", None, None, False),
    ("Recap of last night's game: the Lakers beat the Celtics 110-102 in overtime.", None, None, False),
    ("Give me liberty or give me death, said Patrick Henry.", None, None, False),
    ("Starmer spoke to the press following the summit of leaders.", None, None, False),
    ("He wrote 300 words before lunch", None, None, False),
]


@pytest.mark.parametrize(("line", "words", "paragraphs", "is_instruction"), PHRASINGS)
def test_phrasings(line: str, words: int | None, paragraphs: int | None, is_instruction: bool) -> None:
    """Each phrasing yields the expected words, paragraphs, and instruction/content split."""
    spec, content = parse_request(f"{line}\n{BODY}")
    assert (spec.words, spec.paragraphs) == (words, paragraphs)
    if is_instruction:
        assert content == BODY
    else:
        assert content == f"{line}\n{BODY}"
        assert spec == SummarySpec()


def test_table_is_large_enough() -> None:
    """The phrasing table covers at least forty cases."""
    assert len(PHRASINGS) >= 40


@pytest.mark.parametrize(
    ("line", "notes"),
    [
        (
            "Summarize for executives in 3 paragraphs, focus on the numbers",
            ("for executives", "focus on the numbers"),
        ),
        (
            "Please summarise the article in a single paragraph for a non-technical audience",
            ("for a non-technical audience",),
        ),
        ("Summarize this content to 2000 words in 6 paragraphs", ()),
        ("Can you summarize this for me please?", ()),
        ("Summarize in 3 sentences", ("3 sentences",)),
        ("give me the key points in 100 words", ("the key points",)),
    ],
)
def test_style_notes(line: str, notes: tuple[str, ...]) -> None:
    """Instruction words the grammar does not turn into numbers are kept as style notes."""
    spec, _ = parse_request(f"{line}\n{BODY}")
    assert spec.style_notes == notes


def test_seed_request() -> None:
    """The seed's first line is the instruction and the article (with its first sentence) is the content."""
    text = SEED.read_text(encoding="utf-8")
    spec, content = parse_request(text)
    assert (spec.words, spec.paragraphs, spec.style_notes) == (2000, 6, ())
    assert content.startswith("Starmer spoke to the press")
    assert content.endswith("All Rights Reserved.")


@pytest.mark.parametrize(
    ("text", "instruction"),
    [
        ("Summarize in 3 paragraphs: " + "word " * 60, "Summarize in 3 paragraphs:"),
        (
            "Please summarise this in 200 words. Starmer spoke to the press after a long summit in London "
            "today and said that the leaders would meet again soon.",
            "Please summarise this in 200 words.",
        ),
        (
            "Summarize approx. 200 words. Starmer spoke to the press following the summit of Canadian, "
            "Turkish and European leaders held at Lancaster House.",
            "Summarize approx. 200 words.",
        ),
    ],
)
def test_leading_sentence(text: str, instruction: str) -> None:
    """When the first line is long content, a leading instruction sentence is split off it."""
    found, content = split_instruction(text)
    assert found == instruction
    assert content == text[len(instruction) :].strip()


def test_tldr_prefix_on_content_is_content() -> None:
    """A "TL;DR:" opening a long post is not treated as a request when no length is given."""
    text = "TL;DR: " + "the company lost money this quarter and will cut costs across every region " * 3
    assert split_instruction(text)[0] == ""


@given(st.text())
def test_parse_request_never_raises(text: str) -> None:
    """Any text at all parses into a spec and a string."""
    spec, content = parse_request(text)
    assert isinstance(content, str)
    assert spec.words is None or spec.words >= 0


_LINES = st.sampled_from([p[0] for p in PHRASINGS] + ["", "tl;dr:", "Summarize in 3 paragraphs:"])


@given(st.one_of(st.text(), st.tuples(_LINES, st.sampled_from(["\n", " ", ": "]), st.text()).map("".join)))
def test_no_content_is_lost(text: str) -> None:
    """The instruction and the content together hold every non-whitespace word of the input."""
    instruction, content = split_instruction(text)
    assert Counter(instruction.split()) + Counter(content.split()) == Counter(text.split())
    assert parse_request(text)[1] == content


@pytest.mark.parametrize(
    ("source", "spec", "words", "paragraphs"),
    [
        (100, SummarySpec(), 40, 1),
        (400, SummarySpec(), 100, 1),
        (800, SummarySpec(), 200, 2),
        (5000, SummarySpec(), 300, 3),
        (20, SummarySpec(), 30, 1),
        (5000, SummarySpec(words=150), 150, 2),
        (5000, SummarySpec(paragraphs=4), 300, 4),
        (5000, SummarySpec(words=1000), 1000, 6),
    ],
)
def test_plan_defaults(source: int, spec: SummarySpec, words: int, paragraphs: int) -> None:
    """The plan scales with the source when nothing (or only part) is asked."""
    plan = plan_length(source_words=source, spec=spec)
    assert (plan.words, plan.paragraphs, plan.notes) == (words, paragraphs, ())


def test_plan_caps_at_the_source() -> None:
    """Asking for more than the source holds is capped at ~80% of it, with the documented note."""
    plan = plan_length(source_words=360, spec=SummarySpec(words=2000, paragraphs=6))
    assert (plan.words, plan.paragraphs) == (288, 6)
    assert plan.notes == ("asked for 2,000 words; the source has only about 360",)


def test_plan_rounds_the_source_to_tens() -> None:
    """The source size in the note is rounded to the nearest ten, with thousands separators."""
    plan = plan_length(source_words=1234, spec=SummarySpec(words=4000))
    assert plan.notes == ("asked for 4,000 words; the source has only about 1,230",)


def test_plan_cap_below_source_size() -> None:
    """A request between 80% and 100% of the source is capped with a note saying so."""
    plan = plan_length(source_words=1000, spec=SummarySpec(words=950))
    assert plan.words == 800
    assert plan.notes == ("asked for 950 words; capped at 800 for a source of about 1,000",)


def test_plan_reduces_paragraphs() -> None:
    """Paragraphs shrink (with a note) when fewer than 15 words each would remain."""
    plan = plan_length(source_words=1000, spec=SummarySpec(words=50, paragraphs=6))
    assert (plan.words, plan.paragraphs) == (50, 3)
    assert plan.notes == ("asked for 6 paragraphs; 50 words fit only 3",)


@pytest.mark.parametrize(
    ("spec", "words", "paragraphs", "note"),
    [
        (SummarySpec(words=3), 10, 1, "asked for 3 words; using the minimum of 10"),
        (SummarySpec(words=90_000), 5000, 20, "asked for 90,000 words; the most is 5,000"),
        (SummarySpec(paragraphs=40), 1200, 20, "asked for 40 paragraphs; using 20"),
        (SummarySpec(paragraphs=0), 300, 1, "asked for 0 paragraphs; using 1"),
    ],
)
def test_plan_clamps(spec: SummarySpec, words: int, paragraphs: int, note: str) -> None:
    """Out-of-range requests are clamped to 10..5000 words and 1..20 paragraphs, with a note."""
    plan = plan_length(source_words=1_000_000, spec=spec)
    assert (plan.words, plan.paragraphs) == (words, paragraphs)
    assert note in plan.notes


@given(
    st.integers(0, 2_000_000),
    st.one_of(st.none(), st.integers(0, 10**9)),
    st.one_of(st.none(), st.integers(0, 10**6)),
)
def test_plan_always_in_range(source: int, words: int | None, paragraphs: int | None) -> None:
    """Whatever is asked, the plan stays within 10..5000 words, 1..20 paragraphs, ≥ 15 words each."""
    plan = plan_length(source_words=source, spec=SummarySpec(words=words, paragraphs=paragraphs))
    assert 10 <= plan.words <= 5000
    assert 1 <= plan.paragraphs <= 20
    assert plan.paragraphs == 1 or plan.words / plan.paragraphs >= 15
    assert plan.words <= max(30, round(0.8 * source)) or plan.words == 10
