"""The summary cache's contract: the `SummaryCache` protocol (Redis in production,
`bot.queue.summaries.Summaries`), the key a summary is kept under, and which summaries may be kept. Pure.

The key is a digest of everything the model's answer depends on: the cleaned text the model reads (and
its word count before any cut), the document's kind and title (both are in the prompt), the resolved
shape (`LengthPlan`), the style notes, the model and `PROMPT_VERSION`. Changed content changes the key,
so a hit is never stale; the team is not in it, so the same content asked the same way in another
channel or workspace of the install is answered from the cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Protocol

from bot.models import OFFLINE_MODEL, Document, LengthPlan, Summary, SummarySpec
from bot.summary.prompt import PROMPT_VERSION
from bot.summary.summarize import UNVERIFIED

CACHED_NOTE = "cached"  # the footer note of a summary served from the cache
# Notes of a summary that a new try may well improve on (written by `bot.summary.summarize`): such a
# summary is posted but never kept, so the next ask gets another chance.
UNKEPT_NOTES = (
    "the model stopped at its output limit",
    "the summary misses the request",
    UNVERIFIED.split("{", 1)[0],
)


class SummaryCache(Protocol):
    """Finished summaries by key (`summary_key`); kept for as long as the implementation's TTL."""

    async def get(self, key: str) -> Summary | None:
        """The summary kept under `key`, or None."""
        ...

    async def put(self, key: str, summary: Summary) -> None:
        """Keep `summary` under `key` (replacing an older one)."""
        ...


def summary_key(*, doc: Document, words: int, plan: LengthPlan, spec: SummarySpec, model: str) -> str:
    """The hex digest a summary of `doc` (already `prepared`: cleaned and cut; `words` its count before
    the cut) shaped by `plan` and `spec` from `model` is kept under."""
    fields = {
        "prompt": PROMPT_VERSION,
        "model": model,
        "kind": doc.kind,
        "title": doc.title,
        "words": words,
        "plan": dataclasses.asdict(plan),
        "style": list(spec.style_notes),
        "language": spec.language,
        "text": doc.text,
    }
    raw = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def keepable(summary: Summary) -> bool:
    """True for a summary worth serving again: written by the model, not cut at its output limit, holding
    to its request and its source (no note in `UNKEPT_NOTES`), and not itself from the cache."""
    if summary.model == OFFLINE_MODEL or not summary.paragraphs:
        return False
    return not any(note == CACHED_NOTE or note.startswith(UNKEPT_NOTES) for note in summary.notes)
