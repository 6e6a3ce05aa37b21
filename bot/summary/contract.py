"""The output contract: count a summary's paragraphs, bullets, sentences and words, and check them.

Contract: a summary meets its `LengthPlan` when it has exactly `plan.items` paragraphs / bullets /
sentences (by `plan.form`; when `plan.check_count`), its words are within ±10% of `plan.words` (when
`plan.check_words`), and it is written in the language asked for (otherwise the source's) as far as
`guess_language` can tell. The same counting serves the check, the revision request and the footer.
Pure: stdlib only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.models import Form, LengthPlan
from bot.summary.clean import split_sentences
from bot.summary.language import guess_language, same_language
from bot.text import count_words

WORD_TOLERANCE = 0.10

_UNITS = {"paragraphs": ("paragraph", "paragraphs"), "bullets": ("bullet", "bullets")}
_UNITS["sentences"] = ("sentence", "sentences")

_BULLET = re.compile(r"^\s*(?:[-*•‣◦▪–]|\d{1,2}[.)])\s+")


@dataclass(frozen=True)
class Counts:
    """What a summary contains: its items (paragraphs or bullets), sentences and words."""

    form: Form
    items: int
    sentences: int
    words: int

    def describe(self) -> str:
        """The footer's shape text: "6 paragraphs · 352 words", "3 bullets · 90 words", "1 sentence · …"."""
        number = self.sentences if self.form == "sentences" else self.items
        return f"{plural(number, *_UNITS[self.form])} · {plural(self.words, 'word', 'words')}"


def plural(n: int, one: str, many: str) -> str:
    """ "1 paragraph", "6 paragraphs", "2,000 words"."""
    return f"{n:,} {one if n == 1 else many}"


def count(items: tuple[str, ...], form: Form) -> Counts:
    """Count a summary's items (empty ones ignored), sentences and words."""
    kept = [item for item in items if item.strip()]
    sentences = sum(len(split_sentences(item)) for item in kept)
    return Counts(form=form, items=len(kept), sentences=sentences, words=sum(count_words(i) for i in kept))


def word_window(target: int) -> tuple[int, int]:
    """The accepted word counts for a target: ±10%, at least ±1."""
    slack = max(1, round(target * WORD_TOLERANCE))
    return max(1, target - slack), target + slack


def problems(items: tuple[str, ...], plan: LengthPlan, *, source_language: str | None = None) -> list[str]:
    """How the summary misses its contract, in words fit for the model and the footer; [] if it meets it."""
    counts = count(items, plan.form)
    found: list[str] = []
    one, many = _UNITS[plan.form]
    have = counts.sentences if plan.form == "sentences" else counts.items
    if plan.check_count and have != plan.items:
        found.append(f"it has {plural(have, one, many)}, not {plan.items}")
    if plan.check_words:
        low, high = word_window(plan.words)
        if not low <= counts.words <= high:
            found.append(f"it has {counts.words:,} words, not {low:,}–{high:,}")
    wanted = plan.language or source_language
    written = guess_language(" ".join(items))
    if wanted and written and not same_language(wanted, written):
        found.append(f"it is written in {written}, not {wanted}")
    return found


def parse_items(text: str, form: Form) -> tuple[str, ...]:
    """The model's answer as items: bullet lines for "bullets", blank-line paragraphs otherwise.

    Stray markdown headings are dropped; a sentence-shaped answer is one paragraph. A bulleted answer
    without markers falls back to one item per line (or paragraph).
    """
    blocks = [_unheaded(b) for b in re.split(r"\n\s*\n", text.strip())]
    blocks = [b for b in blocks if b]
    if form == "paragraphs":
        return tuple(" ".join(ln.strip() for ln in b) for b in blocks)
    if form == "sentences":
        joined = " ".join(ln.strip() for b in blocks for ln in b)
        return (joined,) if joined else ()
    lines = [ln for b in blocks for ln in b]
    if not any(_BULLET.match(ln) for ln in lines):
        lines = [" ".join(ln.strip() for ln in b) for b in blocks] if len(blocks) > 1 else lines
        return tuple(ln.strip() for ln in lines if ln.strip())
    items: list[str] = []
    for line in lines:
        marker = _BULLET.match(line)
        if marker:
            items.append(line[marker.end() :].strip())
        elif items:  # a wrapped continuation of the previous bullet
            items[-1] = f"{items[-1]} {line.strip()}"
        else:  # a lead-in line before the list ("Key points:") is not an item
            continue
    return tuple(i for i in items if i)


_HEADING = re.compile(r"^\s*(#{1,6}\s+|\*\*[^*]+\*\*\s*:?\s*$)")


def _unheaded(block: str) -> list[str]:
    return [ln for ln in block.strip().splitlines() if ln.strip() and not _HEADING.match(ln)]
