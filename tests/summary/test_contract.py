"""Tests for `bot.summary.contract`: counting a summary, checking it against its plan, parsing answers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.models import LengthPlan
from bot.summary.contract import count, parse_items, problems, word_window
from bot.summary.language import guess_language

_WORDS = st.sampled_from(["alpha", "beta", "gamma", "delta", "leaders", "agreed", "summit", "budget"])
_SENTENCE = st.lists(_WORDS, min_size=3, max_size=12).map(lambda w: " ".join(w).capitalize() + ".")
_PARAGRAPH = st.lists(_SENTENCE, min_size=1, max_size=5).map(" ".join)


@given(st.lists(_PARAGRAPH, min_size=1, max_size=20))
def test_paragraph_round_trip(paragraphs: list[str]) -> None:
    """Rendering N paragraphs as the model would and parsing them back counts N, with every word."""
    items = parse_items("\n\n".join(paragraphs), "paragraphs")
    counts = count(items, "paragraphs")
    assert counts.items == len(paragraphs)
    assert counts.words == sum(len(p.split()) for p in paragraphs)


@given(st.lists(_SENTENCE, min_size=1, max_size=20), st.sampled_from(["- ", "* ", "• ", "1. "]))
def test_bullet_round_trip(bullets: list[str], marker: str) -> None:
    """N bullet lines (any common marker) parse back as N bullets with their text."""
    items = parse_items("Key points:\n" + "\n".join(marker + b for b in bullets), "bullets")
    assert items == tuple(bullets)
    assert count(items, "bullets").items == len(bullets)


@given(st.lists(_SENTENCE, min_size=1, max_size=15))
def test_sentence_round_trip(sentences: list[str]) -> None:
    """N sentences written as one paragraph count N sentences."""
    items = parse_items(" ".join(sentences), "sentences")
    assert count(items, "sentences").sentences == len(sentences)


@given(st.text())
def test_parsing_and_counting_never_raise(text: str) -> None:
    """Any model answer parses and counts in every form."""
    for form in ("paragraphs", "bullets", "sentences"):
        count(parse_items(text, form), form)
    guess_language(text)


def test_unmarked_bullets_fall_back_to_lines() -> None:
    """A "bulleted" answer without markers is read one item per paragraph (or line)."""
    assert parse_items("One thing.\n\nAnother thing.", "bullets") == ("One thing.", "Another thing.")
    assert parse_items("One thing.\nAnother thing.", "bullets") == ("One thing.", "Another thing.")


def test_headings_are_dropped() -> None:
    """Markdown headings the model adds are not paragraphs."""
    assert parse_items("# Summary\n\nBody one.\n\n**Next**\n\nBody two.", "paragraphs") == (
        "Body one.",
        "Body two.",
    )


@pytest.mark.parametrize(("target", "window"), [(300, (270, 330)), (288, (259, 317)), (5, (4, 6))])
def test_word_window(target: int, window: tuple[int, int]) -> None:
    """The accepted words are the target ±10% (at least ±1)."""
    assert word_window(target) == window


def test_problems_name_counts() -> None:
    """A summary off in count, words and language is told exactly how, in words the model can act on."""
    plan = LengthPlan(words=100, paragraphs=6, count=6, language="French")
    items = tuple(["The leaders agreed on the plan and the budget for the year."] * 4)
    assert problems(items, plan) == [
        "it has 4 paragraphs, not 6",
        "it has 48 words, not 90–110",
        "it is written in English, not French",
    ]


def test_unasked_shape_and_length_are_not_checked() -> None:
    """A default plan is an aim: other counts are not problems."""
    plan = LengthPlan(words=100, paragraphs=3, check_words=False, check_count=False)
    assert problems(("Short one.",), plan) == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The leaders agreed that the plan would be funded by the state and the city.", "English"),
        ("Les dirigeants ont convenu que le plan sera financé par l'État et par la ville.", "French"),
        ("Los líderes acordaron que el plan será financiado por el estado y por la ciudad.", "Spanish"),
        (
            "Die Staats- und Regierungschefs sind sich einig, dass der Plan von dem Staat und der Stadt "
            "finanziert wird.",
            "German",
        ),
        ("首脳らは計画を国と市が資金提供することで合意した。", "Japanese"),
        ("Лидеры договорились, что план будет финансироваться государством.", "Cyrillic"),
        ("Starmer Macron Trudeau Erdogan", None),
    ],
)
def test_guess_language(text: str, language: str | None) -> None:
    """Clear text is recognised; names alone are not a language."""
    assert guess_language(text) == language


def test_a_job_with_a_full_spec_round_trips() -> None:
    """Every field the grammar sets survives the queue's JSON."""
    from bot.instructions.grammar import parse_request
    from bot.queue.jobs import Job

    spec, _ = parse_request("Summarize in 4 bullets in French for executives, under 100 words\nBody.")
    job = Job(
        id="j",
        kind="text",
        team="T",
        channel="C",
        message_ts="1",
        thread_ts="1",
        user="U",
        source="text",
        text="Body.",
        spec=spec,
    )
    assert Job.from_json(job.to_json()) == job
    assert (spec.bullets, spec.language, spec.words, spec.style_notes) == (
        4,
        "French",
        90,
        ("for executives",),
    )
