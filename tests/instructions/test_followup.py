"""`bot.instructions.followup`: a reply in a summarized thread is a reshape or a question."""

from __future__ import annotations

import pytest

from bot.instructions.followup import read_followup


@pytest.mark.parametrize(
    "text",
    [
        "what does it say about the budget?",
        "who is Starmer?",
        "does it mention Belfast",
        "tell me the main risks",
    ],
)
def test_questions(text: str) -> None:
    """Questions, with or without a question mark, and requests to tell or list, are questions."""
    ask = read_followup(text, previous_words=200)
    assert (ask.kind, ask.question) == ("question", text)


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("shorter", "words", 100),
        ("make it longer", "words", 400),
        ("as 5 bullets", "bullets", 5),
        ("in French", "language", "French"),
        ("tl;dr", "preset", "tldr"),
        ("for executives", "style_notes", ("for executives",)),
        ("more on the budget", "style_notes", ("more on the budget",)),
    ],
)
def test_reshapes(text: str, field: str, value: object) -> None:
    """Shapes come from the grammar, "shorter"/"longer" from the last summary, other wishes as notes."""
    ask = read_followup(text, previous_words=200)
    assert ask.kind == "reshape" and getattr(ask.spec, field) == value


def test_shorter_without_a_previous_summary_uses_the_brief_preset() -> None:
    """With no summary to compare with, "shorter" is the grammar's "brief"."""
    assert read_followup("shorter", previous_words=None).spec.preset == "brief"
