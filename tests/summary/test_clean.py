"""Tests for `bot.summary.clean`: whitespace, glued sentences, boilerplate lines and sentence spans."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.instructions.grammar import parse_request
from bot.summary.clean import (
    clean_text,
    is_boilerplate,
    sentence_spans,
    split_sentences,
)
from bot.text import normalize_text
from tests.paths import SEED_REQUEST

SEED = SEED_REQUEST
SEED_BOILERPLATE = (
    "Keep Reading",
    "Subscribe to Updates",
    "Get the latest creative news from FooBar about art, design and business.",
    "© 2025 Globe Timeline. All Rights Reserved.",
)


def _squeeze(text: str) -> str:
    return "".join(text.split())


def test_seed_boilerplate_dropped() -> None:
    """None of the seed's four trailing boilerplate lines survives cleaning."""
    cleaned = clean_text(SEED.read_text(encoding="utf-8"))
    for line in SEED_BOILERPLATE:
        assert line not in cleaned
    assert "FooBar" not in cleaned
    assert "©" not in cleaned


def test_seed_body_intact() -> None:
    """The seed's article survives cleaning character for character, apart from whitespace."""
    text = SEED.read_text(encoding="utf-8")
    _, content = parse_request(text)
    body = content.rsplit("\n", len(SEED_BOILERPLATE))[0]
    cleaned = clean_text(content)
    assert _squeeze(cleaned) == _squeeze(body)
    assert cleaned.endswith("with US backing,” he said.")


@pytest.mark.parametrize(
    "fragment",
    [
        "following the meeting. The agreement needs US backing",
        "Now we need to deliver together.” He said the leaders",
        "at the negotiating table. In the event of a peace deal",
        "he added. Starmer said leaders",
        "a shared plan. ”We are at a crossroads",
        "a just and enduring peace.” Beyond France",
        "stepping up their own share. Starmer also announced",
        "defence sector. Asked if his confidence",
        "our two countries.” ”This is a plan",
        "£1.6bn of UK export finance",
    ],
)
def test_seed_sentences_repaired(fragment: str) -> None:
    """Every glued sentence of the seed gets its space back, on the right side of the quote."""
    assert fragment in clean_text(SEED.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the meeting.The agreement", "the meeting. The agreement"),
        ("Really?Yes, really!No doubt.", "Really? Yes, really! No doubt."),
        ("said “we will go.”He left.", "said “we will go.” He left."),
        ("the plan.“We start now,” she said.", "the plan. “We start now,” she said."),
        ('he said."We are ready."', 'he said. "We are ready."'),
        ('“Yes.""No."', '“Yes." "No."'),
        ("It ended.’The next day", "It ended.’ The next day"),
        ("the “coalition of the willing”To defend", "the “coalition of the willing” To defend"),
        ("Москва.Сегодня", "Москва. Сегодня"),
        ("in 2024.The year after", "in 2024. The year after"),
        ("Wait...What happened", "Wait... What happened"),
    ],
)
def test_run_together_repaired(text: str, expected: str) -> None:
    """A sentence end or closing quote directly followed by an uppercase letter or quote gets a space."""
    assert clean_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ukraine may use £1.6bn of UK export finance.",
        "Growth was 3.5% and inflation 2.1 per cent.",
        "Officials in the U.S. said so.",
        "The U.S.A. and the U.K.",
        "J.R.R. Tolkien wrote it.",
        "See example.com for details.",
        "Visit https://Example.com/Path?Query=Yes for more.",
        "Visit www.Example.org/About today.",
        "Mail Press@Example.com to ask.",
        "Read it on BBC.CO.UK now.",
        "Version 2.0 shipped, e.g. in March.",
        "Stocks rose 1.2bn; it’s fine.",
    ],
)
def test_no_false_repairs(text: str) -> None:
    """Decimals, initialisms, abbreviations, URLs and domains are left as they are."""
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "line",
    [
        "Keep Reading",
        "Read more",
        "Read more: Starmer hosts summit",
        "Continue reading the main story",
        "Subscribe to Updates",
        "Subscribe now",
        "Sign up for our newsletter",
        "Sign up to our daily briefing newsletter",
        "Get the latest creative news from FooBar about art, design and business.",
        "Share this article",
        "Share on Facebook",
        "Facebook Twitter LinkedIn Email",
        "We use cookies to improve your experience.",
        "Accept all cookies",
        "© 2025 Globe Timeline. All Rights Reserved.",
        "Copyright 2024 Example Media Ltd",
        "All rights reserved.",
        "Advertisement",
        "Story continues below advertisement",
        "Related Articles",
        "You may also like",
        "Most read",
        "Follow us on Instagram",
        "Tags: Ukraine, Europe",
        "5 min read",
        "Listen to this article",
        "» Read more",
    ],
)
def test_boilerplate_lines_dropped(line: str) -> None:
    """Short navigation, newsletter, share, cookie, copyright and ad lines are dropped."""
    assert is_boilerplate(line)
    assert (
        clean_text(f"The summit ended.\n{line}\nLeaders met again.")
        == "The summit ended.\nLeaders met again."
    )


@pytest.mark.parametrize(
    "line",
    [
        "Read more about the treaty in our earlier coverage of the summit.",
        "Advertisement revenue fell by a third last year.",
        "Subscribers to the service rose sharply after the launch of the new plan in March.",
        "Share prices in London fell after the announcement.",
        "Cookies were handed out to every delegate at the summit.",
        "Copyright law in the EU changed in 2019.",
        "More than five thousand missiles will be made in Belfast.",
        "Sign up rates for the scheme were low, ministers admitted in a statement on Friday.",
        "Get the latest figures from the ministry before the vote, he urged, because "
        "the news from the front has changed the calculus for every member of the coalition.",
    ],
)
def test_content_kept(line: str) -> None:
    """Content sentences that merely resemble boilerplate are kept."""
    assert not is_boilerplate(line)
    assert clean_text(line) == line


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
        ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
        ("The U.S. Army moved. It was late.", ["The U.S. Army moved.", "It was late."]),
        ("It cost £1.6bn. Then more.", ["It cost £1.6bn.", "Then more."]),
        ("“We agree.” He left. she stayed", ["“We agree.”", "He left. she stayed"]),
        ("See No. 10 today. Fine.", ["See No. 10 today.", "Fine."]),
        ("Heading\nBody text here. More", ["Heading", "Body text here.", "More"]),
        ("今日は晴れ。明日は雨。", ["今日は晴れ。", "明日は雨。"]),
        (
            "He said: “We agree. Now we act.” Then he left.",
            ["He said: “We agree. Now we act.”", "Then he left."],
        ),
        ('She said "Go. Now." Then she ran.', ['She said "Go. Now."', "Then she ran."]),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    """Sentences end at terminal punctuation before a capital, never after abbreviations or decimals."""
    assert split_sentences(text) == sentences


@given(st.text())
def test_sentence_spans_lose_only_whitespace(text: str) -> None:
    """Joining the sentences gives back every non-whitespace character in order."""
    spans = sentence_spans(text)
    assert _squeeze("".join(text[a:b] for a, b in spans)) == _squeeze(text)
    assert all(a < b and not text[a].isspace() and not text[b - 1].isspace() for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans))


_INVISIBLE = "\u200b\ufeff\u00ad"


@given(st.text(alphabet=st.characters(blacklist_characters=_INVISIBLE)))
def test_clean_text_only_drops_boilerplate(text: str) -> None:
    """Cleaning keeps every non-whitespace character except those of dropped boilerplate lines."""
    cleaned = clean_text(text)
    kept = [line for line in normalize_text(text).split("\n") if not is_boilerplate(line)]
    assert _squeeze(cleaned) == _squeeze("".join(kept))
    assert clean_text(cleaned) == cleaned
