"""Tests for `bot.summary.offline`: the extractive summarizer's length, paragraphs and determinism."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.instructions.grammar import parse_request
from bot.models import LengthPlan, SummarySpec
from bot.summary.clean import clean_text
from bot.summary.offline import summarize_offline
from bot.summary.plan import plan_length
from bot.text import count_words
from tests.paths import SEED_REQUEST

SEED = SEED_REQUEST
_WORDS = """
summit leaders agreed Ukraine peace coalition defence missiles Europe Canada Turkey minister talks budget
export finance jobs Belfast security guarantee sovereignty negotiations ceasefire troops aid the a of and
to in on for with that said will would
"""
VOCABULARY = tuple(_WORDS.split())


def _article(sentences: int, *, seed: int = 7) -> str:
    """A deterministic fake article: sentences of 8 to 30 words in paragraphs of five."""
    rng = random.Random(seed)
    out: list[str] = []
    for n in range(sentences):
        words = [rng.choice(VOCABULARY) for _ in range(rng.randint(8, 30))]
        sentence = " ".join(words).capitalize() + "."
        out.append(("\n" if n and n % 5 == 0 else " ") + sentence if n else sentence)
    return "".join(out)


def _words(paragraphs: tuple[str, ...]) -> int:
    return sum(count_words(p) for p in paragraphs)


def _squeeze(paragraphs: tuple[str, ...]) -> str:
    return "".join("".join(paragraphs).split())


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(word in it for word in small)


ARTICLE = _article(120)


@pytest.mark.parametrize(
    ("words", "paragraphs"),
    [(40, 1), (100, 1), (150, 2), (300, 3), (300, 6), (500, 5), (800, 8), (1000, 20), (60, 4)],
)
def test_exact_paragraphs_and_length(words: int, paragraphs: int) -> None:
    """With a long enough source the summary has exactly the paragraphs asked and words within ±10%."""
    out = summarize_offline(ARTICLE, plan=LengthPlan(words=words, paragraphs=paragraphs))
    assert len(out) == paragraphs
    assert all(p.strip() for p in out)
    assert 0.9 * words <= _words(out) <= 1.1 * words


def test_paragraphs_are_balanced() -> None:
    """No paragraph is more than about twice the length of another when sentences allow it."""
    out = summarize_offline(ARTICLE, plan=LengthPlan(words=600, paragraphs=4))
    sizes = [count_words(p) for p in out]
    assert max(sizes) <= 2 * min(sizes)


def test_deterministic() -> None:
    """The same text and plan always give the same summary."""
    plan = LengthPlan(words=250, paragraphs=3)
    assert summarize_offline(ARTICLE, plan=plan) == summarize_offline(ARTICLE, plan=plan)


def test_sentences_are_verbatim_and_in_order() -> None:
    """Every sentence of the summary is a sentence of the source, in the source's order."""
    out = summarize_offline(ARTICLE, plan=LengthPlan(words=300, paragraphs=3))
    positions = [
        ARTICLE.index(sentence.strip() + ".") for p in out for sentence in p.split(".") if sentence.strip()
    ]
    assert positions == sorted(positions)


@pytest.mark.parametrize("words", [30, 100, 1000, 5000])
def test_never_longer_than_source(words: int) -> None:
    """A plan larger than a short source returns the source's sentences, never more words."""
    source = "The summit ended late. Leaders agreed to meet again. Nothing else was decided."
    out = summarize_offline(source, plan=LengthPlan(words=words, paragraphs=1))
    assert _words(out) <= count_words(source)
    assert out == (source,)


def test_seed_request() -> None:
    """The seed request gives six paragraphs close to its capped length from the article's sentences."""
    spec, content = parse_request(SEED.read_text(encoding="utf-8"))
    text = clean_text(content)
    plan = plan_length(source_words=count_words(text), spec=spec)
    out = summarize_offline(text, plan=plan)
    assert len(out) == plan.paragraphs == 6
    assert 0.9 * plan.words <= _words(out) <= 1.1 * plan.words
    assert out[0].startswith("Starmer spoke to the press")
    assert "Keep Reading" not in " ".join(out)


def test_fewer_sentences_than_paragraphs_splits_clauses() -> None:
    """With fewer sentences than paragraphs, long sentences are split at clause boundaries."""
    source = (
        "The leaders met in London on Sunday, and they agreed on four steps for Ukraine, "
        "while the United States watched closely; the plan needs American backing to work."
    )
    out = summarize_offline(source, plan=LengthPlan(words=30, paragraphs=3))
    assert len(out) == 3
    assert " ".join(out).split() == source.split()


def test_fewer_paragraphs_as_last_resort() -> None:
    """When sentences and clauses run out, fewer paragraphs come back instead of broken sentences."""
    out = summarize_offline("Short one. Short two.", plan=LengthPlan(words=30, paragraphs=5))
    assert out == ("Short one.", "Short two.")


def test_empty_text() -> None:
    """Empty or whitespace-only text gives no paragraphs."""
    assert summarize_offline("  \n ", plan=LengthPlan(words=100, paragraphs=2)) == ()


def test_long_unpunctuated_text() -> None:
    """A text without sentence punctuation is still cut into units and summarized to length."""
    text = " ".join(VOCABULARY[i % len(VOCABULARY)] for i in range(3000))
    out = summarize_offline(text, plan=LengthPlan(words=200, paragraphs=2))
    assert len(out) == 2
    assert 0.9 * 200 <= _words(out) <= 1.1 * 200


@pytest.mark.parametrize(
    "text",
    [
        "Der Gipfel endete spät. Die Staats- und Regierungschefs einigten sich auf vier Schritte. "
        "Ein Waffenstillstand wird angestrebt. Die USA müssen zustimmen.",
        "Москва заявила о переговорах. Лидеры Европы встретились в Лондоне. Решение ещё не принято.",
        "首脳会議は遅くに終わった。指導者たちは四つの措置で合意した。米国の支持が必要だ。",
        "القمة انتهت متأخرة. اتفق القادة على أربع خطوات. يجب أن توافق الولايات المتحدة.",
    ],
)
def test_other_languages(text: str) -> None:
    """Non-English text is summarized without errors, in whole sentences, and without growing."""
    out = summarize_offline(text, plan=LengthPlan(words=10, paragraphs=2))
    assert out
    assert len(_squeeze(out)) <= len(_squeeze((text,)))
    assert all(p in text for p in out)


_SENTENCE = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=40).map(
    lambda ws: " ".join(ws).capitalize() + "."
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_SENTENCE, min_size=1, max_size=60).map(" ".join),
    st.integers(10, 600),
    st.integers(1, 20),
)
def test_round_trip(text: str, words: int, paragraphs: int) -> None:
    """The summary's words are an in-order subset of the source's; paragraph count never exceeds the plan."""
    out = summarize_offline(text, plan=LengthPlan(words=words, paragraphs=paragraphs))
    assert 1 <= len(out) <= paragraphs
    assert _is_subsequence(" ".join(out).split(), text.split())
    assert out == summarize_offline(text, plan=LengthPlan(words=words, paragraphs=paragraphs))


@settings(max_examples=200, deadline=None)
@given(st.text(), st.integers(10, 5000), st.integers(1, 20))
def test_any_text(text: str, words: int, paragraphs: int) -> None:
    """Any text gives at most `paragraphs` non-empty paragraphs and never more text than it has."""
    # Words are counted between spaces, so a CJK run split across two paragraphs counts one more.
    out = summarize_offline(text, plan=LengthPlan(words=words, paragraphs=paragraphs))
    assert len(out) <= paragraphs
    assert all(p.strip() for p in out)
    assert len(_squeeze(out)) <= len(_squeeze((text,)))
    assert _words(out) <= count_words(text) + max(0, len(out) - 1)
    assert bool(out) == bool(text.strip())


def test_default_plan_for_a_long_article() -> None:
    """With the default plan the summary lands near a quarter of a short article's length."""
    plan = plan_length(source_words=count_words(ARTICLE), spec=SummarySpec())
    out = summarize_offline(ARTICLE, plan=plan)
    assert len(out) == plan.paragraphs
    assert 0.9 * plan.words <= _words(out) <= 1.1 * plan.words


@pytest.mark.parametrize(
    ("line", "form", "count"),
    [
        ("3 bullet points", "bullets", 3),
        ("5 key takeaways in 120 words", "bullets", 5),
        ("as bullets", "bullets", None),
        ("in one sentence", "sentences", 1),
        ("summarize in 3 sentences", "sentences", 3),
        ("6 paragraphs, 300 words", "paragraphs", 6),
        ("brief", "paragraphs", 1),
        ("tl;dr", "sentences", 2),
    ],
)
def test_offline_honours_every_form(line: str, form: str, count: int | None) -> None:
    """Bullets, sentences and paragraphs come out in the exact count asked, and words within ±10% if asked."""
    from bot.summary.contract import count as count_items
    from bot.summary.contract import problems

    spec, _ = parse_request(f"{line}\nBody.")
    plan = plan_length(source_words=count_words(ARTICLE), spec=spec)
    out = summarize_offline(ARTICLE, plan=plan)
    counts = count_items(out, plan.form)
    assert plan.form == form
    assert (counts.sentences if form == "sentences" else counts.items) == (count or plan.items)
    assert problems(out, plan) == []


def test_offline_gist_for_a_tiny_source() -> None:
    """A two-sentence source gets a one-sentence gist taken from it."""
    text = "The council approved the plan on Tuesday. Work starts next spring."
    plan = plan_length(source_words=count_words(text), spec=SummarySpec(paragraphs=3), source_sentences=2)
    assert plan.tiny and plan.notes == ("the text is already short (11 words), so this is a one-line gist",)
    (gist,) = summarize_offline(text, plan=plan)
    assert gist in text and gist.endswith(".")
