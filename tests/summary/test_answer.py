"""`bot.summary.answer`: the offline answer quotes the best matching source sentences, or finds none."""

from __future__ import annotations

from bot.models import Document
from bot.summary.answer import NOT_FOUND, answer_offline, keywords

DOC = Document(
    text="The council met on Tuesday. The budget is 2.4 billion dollars over ten years. "
    "The board will vote in March. Buses run every ten minutes.",
    kind="text",
    label="memo",
)


def test_the_best_matching_sentence_is_quoted_word_for_word() -> None:
    """The answer is the source's own sentence in quotation marks."""
    (answer,) = answer_offline([DOC], "How big is the budget?")
    assert answer == "The source says: “The budget is 2.4 billion dollars over ten years.”"


def test_a_question_the_source_does_not_answer_says_so() -> None:
    """No shared meaningful word: a plain "couldn't find"."""
    assert answer_offline([DOC], "What is the weather in Oslo?") == (NOT_FOUND,)
    assert answer_offline([DOC], "what does it say?") == (NOT_FOUND,)


def test_keywords_drop_function_words_and_plurals() -> None:
    """Question words, pronouns and "say"/"mention" carry no meaning; a plural loses its "s" either side."""
    assert (
        keywords("What does it say about the buses?") == {"buse"} <= keywords("Buses run every ten minutes")
    )
    assert keywords("Does it mention the votes in March") == {"vote", "march"}
