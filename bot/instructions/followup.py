"""What a reply in a summarized thread asks for: the same source reshaped ("shorter", "as 5 bullets", "in
French", "for executives") or a question about it ("what does it say about the budget?"). Pure.

The instruction grammar reads the shape; words that compare with the last summary ("shorter", "longer",
"more detail") are taken relative to its length; a short wish that is neither ("more on the budget") is
kept as a style note for the new summary. Text that asks something is a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.instructions.grammar import parse_request
from bot.models import SummarySpec

QUESTION_START = re.compile(
    r"^\s*(?:what|what's|whats|who|who's|whom|whose|when|where|why|how|which|is|are|was|were|does|do|did|"
    r"can|could|should|would|will|has|have|had|tell me|explain|describe|list|name|give me|quote|any)\b",
    re.IGNORECASE,
)
SHORTER = re.compile(r"\b(?:shorter|shorten|briefer|more concise|condense|less detail|fewer words)\b", re.I)
LONGER = re.compile(r"\b(?:longer|lengthen|more detail(?:ed|s)?|expand|in more depth|elaborate)\b", re.I)
MIN_WORDS = 10


@dataclass(frozen=True)
class FollowUp:
    """A reshape (`spec` for the new summary) or a question (`question`)."""

    kind: Literal["reshape", "question"]
    spec: SummarySpec = field(default_factory=SummarySpec)
    question: str = ""


def is_question(text: str) -> bool:
    """True when `text` asks something: it ends with "?" or starts like a question or a request to tell."""
    stripped = text.strip()
    return stripped.endswith("?") or bool(QUESTION_START.match(stripped))


def read_followup(text: str, *, previous_words: int | None) -> FollowUp:
    """What `text` (a reply in a summarized thread, without the bot's mention) asks for.

    `previous_words` is the length of the thread's last summary: "shorter" halves it, "longer" doubles it.
    """
    spec, content = parse_request(text)
    if content.strip() and is_question(content):
        return FollowUp("question", question=content.strip())
    if previous_words and SHORTER.search(text):
        spec = replace(spec, words=max(MIN_WORDS, previous_words // 2), preset=None)
    elif previous_words and LONGER.search(text):
        spec = replace(spec, words=previous_words * 2, preset=None)
    if content.strip():
        spec = replace(spec, style_notes=(*spec.style_notes, content.strip()))
    return FollowUp("reshape", spec)
