"""`bot.text`: the one normaliser keeps every meaningful character (ZWJ, ZWNJ, bidi marks, variation
selectors) and drops only what gets in the way; words are counted one way everywhere."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.text import count_words, human_size, normalize_text

PERSIAN = "می\u200cخواهم"  # "I want": the ZWNJ keeps the prefix apart without a space
HINDI = "क्\u200dष"  # a half-form conjunct asked for with ZWJ
EMOJI = "👩\u200d💻"  # woman technologist: one emoji only while the ZWJ stays
FAMILY = "👨\u200d👩\u200d👧\u200d👦"
HEART = "❤\ufe0f"  # the variation selector asks for the emoji presentation
HEBREW_MARKED = "\u200fשלום\u200e"  # right-to-left and left-to-right marks


@pytest.mark.parametrize("word", [PERSIAN, HINDI, EMOJI, FAMILY, HEART, HEBREW_MARKED, "a\u2060b"])
def test_meaningful_invisible_characters_survive(word: str) -> None:
    """ZWJ, ZWNJ, the word joiner, bidi marks and variation selectors are kept byte for byte."""
    assert normalize_text(f"  {word}  and more ") == f"{word} and more"


def test_whitespace_and_noise_are_tidied() -> None:
    """Tabs, no-break spaces, CRLF, zero-width spaces, soft hyphens, BOMs and blank-line runs go."""
    text = (
        "\ufeff  Hello\u00a0\u00a0world\t!\r\n\r\n\r\n\r\nSecond\u200b line  \u2028Third co\u00adoperate\x00"
    )
    assert normalize_text(text) == "Hello world !\n\nSecond line\nThird cooperate"


def test_form_feed_and_paragraph_separator_break_paragraphs() -> None:
    """A form feed or U+2029 ends a paragraph, like a blank line."""
    assert normalize_text("one\ftwo\u2029three") == "one\n\ntwo\n\nthree"


@given(st.text())
def test_normalising_is_idempotent(text: str) -> None:
    """Normalising twice changes nothing more than normalising once."""
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_words_are_whitespace_separated_runs() -> None:
    """A ZWNJ or ZWJ joins, it does not split: «می‌خواهم» and 👩‍💻 are one word each."""
    assert count_words(f"{PERSIAN} {EMOJI}  two\tthree\n") == 4


@pytest.mark.parametrize(
    ("size", "said"), [(900, "900 bytes"), (50_000, "50 KB"), (2_500_000, "2.5 MB"), (25_000_000, "25 MB")]
)
def test_sizes_as_people_say_them(size: int, said: str) -> None:
    """Byte counts read as bytes, KB or MB."""
    assert human_size(size) == said
