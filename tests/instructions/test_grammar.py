"""Tests for `bot.instructions.grammar`: reading the request line and planning an honest length."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.instructions.grammar import parse_request, split_instruction
from bot.models import SummarySpec
from bot.summary.plan import plan_length
from tests.paths import SEED_REQUEST

SEED = SEED_REQUEST
BODY = "Starmer spoke to the press following the summit.\nThe leaders agreed on four steps."

# (first line, the fields it sets (all others None), is an instruction)
PHRASINGS: list[tuple[str, dict[str, object], bool]] = [
    ("Summarize this content to 2000 words in 6 paragraphs", {"words": 2000, "paragraphs": 6}, True),
    ("summarise in 3 paragraphs", {"paragraphs": 3}, True),
    ("Summarize in 3 paragraphs.", {"paragraphs": 3}, True),
    ("tl;dr", {"preset": "tldr"}, True),
    ("TL;DR please", {"preset": "tldr"}, True),
    ("tldr", {"preset": "tldr"}, True),
    ("~150 words please", {"words": 150}, True),
    ("in two paragraphs, 300 words", {"words": 300, "paragraphs": 2}, True),
    ("Summary in one paragraph:", {"paragraphs": 1}, True),
    ("summarize in 3 paragrahs", {"paragraphs": 3}, True),
    ("summarize in 3 paragraps", {"paragraphs": 3}, True),
    ("summarize in 4 pars", {"paragraphs": 4}, True),
    ("4 paras please", {"paragraphs": 4}, True),
    ("in six paras", {"paragraphs": 6}, True),
    ("6 paragraphs", {"paragraphs": 6}, True),
    ("one paragraph", {"paragraphs": 1}, True),
    ("Summarize in a hundred words", {"words": 100}, True),
    ("summarize to 2,000 words", {"words": 2000}, True),
    ("Summarize in five paragraphs", {"paragraphs": 5}, True),
    ("summarize in twenty paragraphs", {"paragraphs": 20}, True),
    ("two hundred and fifty words", {"words": 250}, True),
    ("Can you summarize this in twenty-five words?", {"words": 25}, True),
    ("a 200-word summary please", {"words": 200}, True),
    ("a 500-word summary", {"words": 500}, True),
    ("2000 words", {"words": 2000}, True),
    ("give me the gist in 100 words", {"words": 100}, True),
    ("make it 150 words", {"words": 150}, True),
    ("150-200 words", {"words": 175}, True),
    ("summarize in 300 wrods", {"words": 300}, True),
    ("under 300 words", {"words": 272}, True),
    ("no more than 120 words, in 2 paragraphs", {"words": 109, "paragraphs": 2}, True),
    ("200 words max", {"words": 181}, True),
    ("at least 200 words", {"words": 223}, True),
    ("Please summarise the following article in a single paragraph", {"paragraphs": 1}, True),
    ("I'd like a summary in 3 paragraphs", {"paragraphs": 3}, True),
    ("3 paragraphs of 100 words each", {"words": 300, "paragraphs": 3}, True),
    ("condense to 2k words", {"words": 2000}, True),
    ("sum it up in two short paragraphs", {"paragraphs": 2, "preset": "brief"}, True),
    ("6 paragraphs, about 500 words", {"words": 500, "paragraphs": 6}, True),
    ("Summarize: 400 words / 4 paragraphs", {"words": 400, "paragraphs": 4}, True),
    ("summarize", {}, True),
    ("Summarize this for executives", {}, True),
    ("shorten to fifty words", {"words": 50}, True),
    ("recap this in a paragraph", {"paragraphs": 1}, True),
    ("in a couple of paragraphs", {"paragraphs": 2}, True),
    ("Summarize in one thousand words", {"words": 1000}, True),
    # sentences
    ("Summarize in 3 sentences", {"sentences": 3, "form": "sentences"}, True),
    ("in one sentence", {"sentences": 1, "form": "sentences"}, True),
    ("2 sentences", {"sentences": 2, "form": "sentences"}, True),
    ("Summarize in three sentnces", {"sentences": 3, "form": "sentences"}, True),
    ("a one-liner please", {"sentences": 1, "form": "sentences"}, True),
    ("two sentences, under 40 words", {"sentences": 2, "words": 36, "form": "sentences"}, True),
    # bullets
    ("3 bullet points", {"bullets": 3, "form": "bullets"}, True),
    ("5 key takeaways", {"bullets": 5, "form": "bullets"}, True),
    ("as bullets", {"form": "bullets"}, True),
    ("summarize as bullet points", {"form": "bullets"}, True),
    ("Summarize as a bulleted list", {"form": "bullets"}, True),
    ("sum up as a list", {"form": "bullets"}, True),
    ("summarize in 3 bulet points", {"bullets": 3, "form": "bullets"}, True),
    ("give me seven bullets", {"bullets": 7, "form": "bullets"}, True),
    ("5 highlights please", {"bullets": 5, "form": "bullets"}, True),
    ("top 4 takeaways in 100 words", {"bullets": 4, "words": 100, "form": "bullets"}, True),
    # presets
    ("brief", {"preset": "brief"}, True),
    ("short summary please", {"preset": "brief"}, True),
    ("keep it short", {"preset": "brief"}, True),
    ("summarize briefly", {"preset": "brief"}, True),
    ("detailed summary", {"preset": "detailed"}, True),
    ("Summarize in detail", {"preset": "detailed"}, True),
    ("a long summary in 4 paragraphs", {"paragraphs": 4, "preset": "detailed"}, True),
    # languages
    ("Summarize in French", {"language": "French"}, True),
    ("en español", {"language": "Spanish"}, True),
    ("auf Deutsch bitte", {"language": "German"}, True),
    ("auf Deutsch", {"language": "German"}, True),
    ("tl;dr en español", {"language": "Spanish", "preset": "tldr"}, True),
    ("give me 4 bullets in German", {"bullets": 4, "form": "bullets", "language": "German"}, True),
    ("summarize in 2 paragraphs in Italian", {"paragraphs": 2, "language": "Italian"}, True),
    ("Summarise into Japanese, 100 words", {"words": 100, "language": "Japanese"}, True),
    ("résumé en français, 3 paragraphes", {"paragraphs": 3, "language": "French"}, True),
    ("in Portuguese please", {"language": "Portuguese"}, True),
    (
        "translate to English in 3 sentences",
        {"sentences": 3, "form": "sentences", "language": "English"},
        True,
    ),
    # mixed orders
    ("in 6 paragraphs summarize to 2000 words", {"words": 2000, "paragraphs": 6}, True),
    ("French, 3 bullets, summarize", {"bullets": 3, "form": "bullets", "language": "French"}, True),
    ("100 words, one paragraph, in Spanish", {"words": 100, "paragraphs": 1, "language": "Spanish"}, True),
    # content that merely contains numbers or these words
    ("The treaty has 6 paragraphs and was signed in 1998.", {}, False),
    ("The 6 paragraphs of the treaty were signed in 1998 by both states.", {}, False),
    ("The report runs to 2,000 words over 12 paragraphs.", {}, False),
    ("Summary of the findings: revenue grew 10% in 2024 across 3 regions.", {}, False),
    ("Recap of last night's game: the Lakers beat the Celtics 110-102 in overtime.", {}, False),
    ("Give me liberty or give me death, said Patrick Henry.", {}, False),
    ("Starmer spoke to the press following the summit of leaders.", {}, False),
    ("He wrote 300 words before lunch", {}, False),
    ("The minister made 3 key points in French at the summit.", {}, False),
    ("Our team shipped 5 highlights this quarter, including the new app.", {}, False),
    # questions and polite forms
    ("can you summarize this in 3 bullets?", {"bullets": 3, "form": "bullets"}, True),
    ("Could you sum this up in two paragraphs?", {"paragraphs": 2}, True),
    ("can I get a 100-word summary?", {"words": 100}, True),
    ("what's the tl;dr in 2 sentences?", {"sentences": 2, "form": "sentences", "preset": "tldr"}, True),
    ("How would you summarize this in 3 bullets?", {"bullets": 3, "form": "bullets"}, True),
    ("could you please give me a short summary, two paragraphs", {"paragraphs": 2, "preset": "brief"}, True),
    ("would you kindly summarise this in 150 words, thanks", {"words": 150}, True),
    ("please summarize in five bullets, thank you!", {"bullets": 5, "form": "bullets"}, True),
    ("could we get 3 bullets please", {"bullets": 3, "form": "bullets"}, True),
    # counts in brackets, also after a form or tl;dr
    ("[3 bullets]", {"bullets": 3, "form": "bullets"}, True),
    ("(~200 words)", {"words": 200}, True),
    ("summarize (4 paragraphs)", {"paragraphs": 4}, True),
    ("main points (4)", {"bullets": 4, "form": "bullets"}, True),
    ("key takeaways (5)", {"bullets": 5, "form": "bullets"}, True),
    ("bullets (3)", {"bullets": 3, "form": "bullets"}, True),
    ("tl;dr (2 sentences)", {"sentences": 2, "form": "sentences", "preset": "tldr"}, True),
    ("tl;dr (2)", {"sentences": 2, "form": "sentences", "preset": "tldr"}, True),
    ("give me the main points [3]", {"bullets": 3, "form": "bullets"}, True),
    ("summarize in paragraphs (3)", {"paragraphs": 3}, True),
    ("bullet points (max 5)", {"bullets": 5, "form": "bullets"}, True),
    ("sentences [two]", {"sentences": 2, "form": "sentences"}, True),
    ("in bullet points (6), in Spanish", {"bullets": 6, "form": "bullets", "language": "Spanish"}, True),
    # units right after numbers, and short units
    ("200w", {"words": 200}, True),
    ("3 paras", {"paragraphs": 3}, True),
    ("5 pts", {"bullets": 5, "form": "bullets"}, True),
    ("summarize in 150w, 2 paras", {"words": 150, "paragraphs": 2}, True),
    # typos
    ("sumarize in 2 paragraphs", {"paragraphs": 2}, True),
    ("summarize in 3 paragrahps", {"paragraphs": 3}, True),
    ("summarize in 4 bulets", {"bullets": 4, "form": "bullets"}, True),
    ("summerise this in 200 words", {"words": 200}, True),
    ("sumarise in three sentances", {"sentences": 3, "form": "sentences"}, True),
    ("summarize in 5 bullits", {"bullets": 5, "form": "bullets"}, True),
    # two short sentences, on one line or on lines of their own
    ("Quick summary? Two paragraphs.", {"paragraphs": 2, "preset": "brief"}, True),
    ("Summarize this. 3 bullets please.", {"bullets": 3, "form": "bullets"}, True),
    ("Summarize. Keep it short.", {"preset": "brief"}, True),
    ("Summarize this. Brief.", {"preset": "brief"}, True),
    ("TL;DR? 2 sentences.", {"sentences": 2, "form": "sentences", "preset": "tldr"}, True),
    ("Summary please. In French.", {"language": "French"}, True),
    ("Summarize for the board. Use 4 bullets.", {"bullets": 4, "form": "bullets"}, True),
    ("Quick summary?\nTwo paragraphs.", {"paragraphs": 2, "preset": "brief"}, True),
    ("Summarize this.\n3 bullets please.", {"bullets": 3, "form": "bullets"}, True),
    ("tl;dr\nin French", {"preset": "tldr", "language": "French"}, True),
    ("Summary please.\nIn French.\n2 paragraphs.", {"paragraphs": 2, "language": "French"}, True),
    ("3 paragraphs\n100 words each", {"words": 300, "paragraphs": 3}, True),
    # real words a typo away from a unit are not units
    ("Summarize the 3 budgets in 200 words", {"words": 200}, True),
    ("summarize these five works in 100 words", {"words": 100}, True),
    # content that holds typos, brackets or a summarize verb in a title
    ("Key takeaways (2024) from the annual report of the council", {}, False),
    ("How to sumarize a book in 5 bulets, according to teachers", {}, False),
    ("5 ways to summarise a report in 3 paragraphs", {}, False),
    ("Our editor counted 3 bulets and 12 paragrahps in the draft she returned.", {}, False),
    ("The 3 budgets were approved by the council on Tuesday.", {}, False),
    ("The report runs to 2,000 words (3 paragraphs) and was published today.", {}, False),
    ("Worlds apart: 200 works by Monet arrive in Paris.", {}, False),
]
_FIELDS = ("words", "paragraphs", "bullets", "sentences", "form", "language", "preset")


@pytest.mark.parametrize(("line", "fields", "is_instruction"), PHRASINGS)
def test_phrasings(line: str, fields: dict[str, object], is_instruction: bool) -> None:
    """Each phrasing yields the expected numbers, form, preset and language, and the right split."""
    spec, content = parse_request(f"{line}\n{BODY}")
    if is_instruction:
        assert {f: getattr(spec, f) for f in _FIELDS} == {f: fields.get(f) for f in _FIELDS}
        assert content == BODY
    else:
        assert content == f"{line}\n{BODY}"
        assert spec == SummarySpec()


def test_table_is_large_enough() -> None:
    """The phrasing table covers at least 140 cases."""
    assert len(PHRASINGS) >= 140


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
        ("Summarize in 3 sentences", ()),
        ("2 paragraphs of 3 sentences each", ("3 sentences",)),
        ("Summarize this in plain English", ("in plain English",)),
        ("Summarize this for executives", ("for executives",)),
        ("summarize in 3 bullets for the board, in French", ("for the board",)),
        ("give me the key points in 100 words", ("key points",)),
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


@pytest.mark.parametrize(
    ("spec", "form", "count", "words", "check_words"),
    [
        (SummarySpec(bullets=3, form="bullets"), "bullets", 3, 66, False),
        (SummarySpec(form="bullets"), "bullets", 6, 132, False),
        (SummarySpec(sentences=2, form="sentences"), "sentences", 2, 40, False),
        (SummarySpec(preset="tldr"), "sentences", 2, 40, False),
        (SummarySpec(preset="brief"), "paragraphs", 1, 110, False),
        (SummarySpec(preset="detailed"), "paragraphs", 3, 352, False),
        (SummarySpec(bullets=4, words=100, form="bullets"), "bullets", 4, 100, True),
    ],
)
def test_plan_forms_and_presets(
    spec: SummarySpec, form: str, count: int, words: int, check_words: bool
) -> None:
    """Bullets, sentences and presets plan the right shape for an 880-word source."""
    plan = plan_length(source_words=880, spec=spec)
    assert (plan.form, plan.items, plan.words, plan.check_words) == (form, count, words, check_words)


@pytest.mark.parametrize(("words", "sentences", "tiny"), [(12, 1, True), (60, 2, True), (60, 4, False)])
def test_tiny_sources_get_a_gist(words: int, sentences: int, tiny: bool) -> None:
    """A source of a sentence or two is answered with a one-sentence gist, whatever was asked."""
    plan = plan_length(source_words=words, spec=SummarySpec(paragraphs=6), source_sentences=sentences)
    assert plan.tiny is tiny
    if tiny:
        assert (plan.form, plan.items) == ("sentences", 1)
