"""`bot.summary.clutter`: a text's layout, and which of its sentences are page furniture or captions."""

from __future__ import annotations

import pytest

from bot.summary.clutter import is_furniture, read_layout, spans


@pytest.mark.parametrize(
    ("sentence", "story", "furniture"),
    [
        ("Scroll down for video", True, True),
        ("The mayor (pictured) spoke on Monday.", True, True),
        ("Flames lit the sky above the port. Getty Images", True, True),
        ("Breaking sweat: NBC filmed the race from a helicopter.", True, True),
        ("Breaking sweat: NBC filmed the race from a helicopter.", False, False),  # a label only in a story
        ("But he said: We will not give up.", True, False),
        ("The council approved the plan on Tuesday.", True, False),
    ],
)
def test_furniture_and_captions(sentence: str, story: bool, furniture: bool) -> None:
    """Page furniture, captions and credits are found; a sentence that merely has a colon is not."""
    assert is_furniture(sentence, story=story) is furniture


def test_a_run_in_furniture_lead_is_split_off() -> None:
    """ "Media playback…" glued to the next sentence becomes a sentence of its own."""
    text = "Media playback is not supported on this device The 19-year-old won the race."
    assert [text[a:b] for a, b in spans(text)] == [
        "Media playback is not supported on this device",
        "The 19-year-old won the race.",
    ]


def test_layout_tells_a_story_from_a_report() -> None:
    """Prose is a story; a text with headings is a document, whose summary section is known."""
    story = read_layout("Title\nThe plan passed. Costs rose.\nCritics were loud.")
    assert story.story and story.headings == frozenset({0})
    report = read_layout(
        "Report\nIntro text here.\nBackground\nSome history.\nKey findings\nCosts rose.\nRisks\nDelays."
    )
    assert not report.story
    assert report.summary == frozenset({5}) and {0, 2, 4, 6} <= report.headings
