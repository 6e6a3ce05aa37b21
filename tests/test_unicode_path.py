"""Words joined by ZWJ/ZWNJ survive the whole way: extract → clean → offline summary → Slack blocks."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.extract import extract
from bot.models import SummarySpec
from bot.slack.render import render_summary
from bot.summary.engine import Engine

PERSIAN = "می\u200cخواهم"
HINDI = "क्\u200dष"
EMOJI = "👩\u200d💻"
FAMILY = "👨\u200d👩\u200d👧\u200d👦"


@pytest.mark.parametrize("word", [PERSIAN, HINDI, EMOJI, FAMILY])
def test_joined_words_reach_the_reply_unchanged(word: str) -> None:
    """Every sentence carries the word; whichever the offline summary keeps, the reply has it intact."""
    sentences = [
        f"Sentence {n} of the memo mentions {word} next to the budget figures for the year."
        for n in range(1, 9)
    ]
    document = extract("\n\n".join(sentences).encode("utf-8"), content_type="text/plain; charset=utf-8")
    assert document.text.count(word) == 8
    summary = asyncio.run(Engine(writer=None).summarize(document, spec=SummarySpec(paragraphs=1)))
    assert all(word in paragraph for paragraph in summary.paragraphs)
    blocks = json.dumps([m.blocks for m in render_summary(document, summary)], ensure_ascii=False)
    assert word in blocks
    stripped = word.replace("\u200c", "").replace("\u200d", "")
    assert stripped not in blocks.replace(word, "")  # no copy lost its joiner on the way
