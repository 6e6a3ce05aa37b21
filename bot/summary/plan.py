"""How long the summary will really be: a `SummarySpec` weighed against the source, as a `LengthPlan`.

Contract: `plan_length` honours what was asked where the source supports it, never plans a summary
longer than about 80% of its source, and records every compromise as a footer note ("asked for 2,000
words; the source has only about 360"). With nothing asked it scales with the source. Pure.
"""

from __future__ import annotations

import math

from bot.models import LengthPlan, SummarySpec

MIN_WORDS, MAX_WORDS = 10, 5000
MIN_PARAGRAPHS, MAX_PARAGRAPHS = 1, 20
MAX_BULLETS, MAX_SENTENCES = 30, 30
MIN_WORDS_PER_PARAGRAPH = 15
MIN_WORDS_PER_ITEM = 5  # a bullet or a sentence
WORDS_PER_SENTENCE = 20
WORDS_PER_BULLET = 22
TINY_WORDS = 40  # a source shorter than this (or of two sentences and < 80 words) gets a one-line gist


def _about(n: int) -> str:
    return f"{int(n / 10 + 0.5) * 10 if n >= 10 else n:,}"


def default_paragraphs(words: int) -> int:
    """Paragraphs for a summary of `words` when none were asked: 1 below 120, 2 below 220, then ~180 each."""
    if words < 120:
        return 1
    if words < 220:
        return 2
    return min(MAX_PARAGRAPHS, max(3, round(words / 180)))


def tiny_source(words: int, sentences: int) -> bool:
    """True for a source of a sentence or two: there is nothing to shorten, only a gist to give."""
    return words < TINY_WORDS or (sentences <= 2 and words < 2 * TINY_WORDS)


def plan_length(*, source_words: int, spec: SummarySpec, source_sentences: int | None = None) -> LengthPlan:
    """The shape and words to aim for: the request honoured, never longer than the source.

    Nothing asked: about a quarter of the source, 40..300 words, in 1 paragraph below 120 words, 2 below
    220, else 3. Presets: "brief" about half that (25..120 words, one paragraph), "detailed" about 40% of
    the source (150..800 words), "tl;dr" two sentences (one for sources under 300 words). Only paragraphs
    asked: at least 60 words each; only bullets or sentences asked: about 22 or 20 words each. Words are
    part of the contract (`check_words`) only when the user asked for a length, the count
    (`check_count`) only when a shape was asked.
    A request above ~80% of the source is capped (with a note), as are counts out of range. A tiny source
    (see `tiny_source`) gets a one-sentence gist whatever was asked.
    """
    source = max(0, source_words)
    if source_sentences is not None and tiny_source(source, source_sentences):
        return LengthPlan(
            words=max(1, min(25, source)),
            paragraphs=1,
            notes=(
                f"the text is already short ({source:,} word{'s' * (source != 1)}), "
                "so this is a one-line gist",
            ),
            form="sentences",
            count=1,
            language=spec.language,
            check_words=False,
            tiny=True,
            check_count=False,
        )
    notes: list[str] = []
    cap = max(30, round(0.8 * source))
    form = spec.form or ("bullets" if spec.bullets else "sentences" if spec.sentences else "paragraphs")
    default = min(300, max(40, round(source / 4)))
    if spec.preset == "brief":
        default = min(120, max(25, round(source / 8)))
    elif spec.preset == "detailed":
        default = min(800, max(150, round(source * 0.4)))
    if spec.preset == "tldr" and spec.form is None and spec.words is None and spec.paragraphs is None:
        form = "sentences"
    count = _asked_count(spec, form, source, notes)
    words = _planned_words(spec, form=form, count=count, default=default, cap=cap, source=source, notes=notes)
    check_words = spec.words is not None  # a default length is an aim; an asked one is a contract
    if form == "paragraphs":
        count = count or default_paragraphs(words) if spec.preset != "brief" else count or 1
        fit = max(1, math.floor(words / MIN_WORDS_PER_PARAGRAPH))
    else:
        fit = max(1, math.floor(words / MIN_WORDS_PER_ITEM))
    if count > fit:
        notes.append(f"asked for {count} {_unit_name(form, count)}; {words} words fit only {fit}")
        count = fit
    return LengthPlan(
        words=words,
        paragraphs=1 if form == "sentences" else count,
        notes=tuple(notes),
        form=form,
        count=count,
        language=spec.language,
        check_words=check_words,
        check_count=any(x is not None for x in (spec.paragraphs, spec.bullets, spec.sentences, spec.form)),
    )


def _unit_name(form: str, n: int) -> str:
    unit = {"paragraphs": "paragraph", "bullets": "bullet", "sentences": "sentence"}[form]
    return unit + "s" * (n != 1)


def _asked_count(spec: SummarySpec, form: str, source: int, notes: list[str]) -> int:
    """The count asked for `form` (clamped, with a note), a default for lists and sentences, or 0."""
    asked, low, high = {
        "paragraphs": (spec.paragraphs, MIN_PARAGRAPHS, MAX_PARAGRAPHS),
        "bullets": (spec.bullets, 1, MAX_BULLETS),
        "sentences": (spec.sentences, 1, MAX_SENTENCES),
    }[form]
    if asked is None:
        if form == "bullets":
            base = spec.words or min(300, max(40, round(source / 4)))
            return min(7, max(3, round(base / 40)))
        if form == "sentences":
            return 1 if source < 300 else 2
        return 0
    if not low <= asked <= high:
        clamped = max(low, min(high, asked))
        notes.append(f"asked for {asked:,} {_unit_name(form, asked)}; using {clamped}")
        return clamped
    return asked


def _planned_words(
    spec: SummarySpec, *, form: str, count: int, default: int, cap: int, source: int, notes: list[str]
) -> int:
    """The words to aim for: as asked (capped honestly, with a note) or the form's default."""
    if spec.words is None:
        if form == "paragraphs":
            words = min(cap, max(default, 60 * min(MAX_PARAGRAPHS, count)))
        elif form == "bullets":
            words = min(cap, WORDS_PER_BULLET * count)
        else:
            words = min(cap, WORDS_PER_SENTENCE * count)
        return max(MIN_WORDS, min(MAX_WORDS, words))
    asked = words = spec.words
    if asked > min(cap, MAX_WORDS):
        words = min(cap, MAX_WORDS)
        if cap <= MAX_WORDS and asked >= source:
            notes.append(f"asked for {asked:,} words; the source has only about {_about(source)}")
        elif cap <= MAX_WORDS:
            notes.append(
                f"asked for {asked:,} words; capped at {words:,} for a source of about {_about(source)}"
            )
        else:
            notes.append(f"asked for {asked:,} words; the most is {MAX_WORDS:,}")
    elif asked < MIN_WORDS:
        words = MIN_WORDS
        notes.append(f"asked for {asked:,} words; using the minimum of {MIN_WORDS}")
    return max(MIN_WORDS, min(MAX_WORDS, words))
