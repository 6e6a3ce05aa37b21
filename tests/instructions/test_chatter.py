"""`bot.instructions.chatter`: small talk addressed to the bot gets the help line; content gets summarized."""

from __future__ import annotations

import pytest

from bot.instructions.chatter import is_chatter


@pytest.mark.parametrize(
    "text",
    [
        "hey",
        "Hi there!",
        "test",
        "testing 1 2 3",
        "help",
        "help me with something",
        "hello, can you help me with something please?",
        "what can you do?",
        "How do I use this bot?",
        "How do you decide what to include in a summary?",
        "is it everything a river should be?",
        "What does the report say about the budget for next year?",
        "are you there?",
        "thanks a lot!",
        "ok cool",
        "The plan works.",  # a few words are never worth a summary
    ],
)
def test_small_talk_and_scraps_are_chatter(text: str) -> None:
    """Greetings, tests, calls for help, lone short questions and scraps under five words."""
    assert is_chatter(text)


@pytest.mark.parametrize(
    "text",
    [
        "The council approved the transit budget of 2.4 billion on Tuesday.",
        "Our revenue grew 12% in the third quarter, driven by new customers.",
        "Hi team, the board met yesterday and agreed to close the Berlin office by June.",
        "help " * 20,  # long text is content, whatever its words
    ],
)
def test_content_of_substance_is_not_chatter(text: str) -> None:
    """A sentence with its own nouns and facts is content, even when it is short or starts with a greeting."""
    assert not is_chatter(text)
