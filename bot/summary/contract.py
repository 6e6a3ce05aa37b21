"""The output contract: count a summary's paragraphs, bullets, sentences and words, and check them.

Contract: a summary meets its `LengthPlan` when it has exactly `plan.items` paragraphs / bullets /
sentences (by `plan.form`; when `plan.check_count`), its words are within ±10% of `plan.words` (when
`plan.check_words`), and it is written in the language asked for (otherwise the source's) as far as
`guess_language` can tell. The same counting serves the check, the revision request and the footer.
Pure: stdlib only.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from bot.models import Form, LengthPlan, count_words
from bot.summary.clean import split_sentences

WORD_TOLERANCE = 0.10

_UNITS = {"paragraphs": ("paragraph", "paragraphs"), "bullets": ("bullet", "bullets")}
_UNITS["sentences"] = ("sentence", "sentences")

# Function words per language: enough to tell these languages apart on a few sentences.
_STOPWORDS: dict[str, frozenset[str]] = {
    name: frozenset(words.split())
    for name, words in {
        "English": "the and of to is in that it was for on are with as be by this have from not they "
        "which but has at were their been will would said its also an or",
        "French": "le la les des du de et est une un que qui dans pour pas sur au aux avec ce cette il elle "
        "ils sont ont été par plus ne se son sa ses leur",
        "Spanish": "el la los las del de y que en un una es por con para se su sus no lo como más pero "
        "fue ha han al este esta está son",
        "German": "der die das und ist nicht ein eine einer eines dem den des mit von zu im auf für sich "
        "auch als wie es sie er wir dass wird wurde sind hat haben",
        "Italian": "il lo la gli le di del della che e è un una per con non sono ha hanno nel nella alla "
        "dei delle anche come più questo questa",
        "Portuguese": "o a os as do da dos das de e que em um uma é não com para por se no na ao mais foi "
        "são seu sua como também",
        "Dutch": "de het een en van is dat die niet op te in voor met zijn aan er ook als om maar wordt "
        "werd naar door hij zij",
    }.items()
}
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Japanese", re.compile(r"[\u3040-\u30ff]")),
    ("Korean", re.compile(r"[\uac00-\ud7af]")),
    ("Chinese", re.compile(r"[\u4e00-\u9fff]")),
    ("Cyrillic", re.compile(r"[\u0400-\u04ff]")),
    ("Arabic", re.compile(r"[\u0600-\u06ff]")),
    ("Greek", re.compile(r"[\u0370-\u03ff]")),
    ("Hebrew", re.compile(r"[\u0590-\u05ff]")),
    ("Devanagari", re.compile(r"[\u0900-\u097f]")),
)
# Languages written in a script of their own: a guess can only name the script.
_SCRIPT_OF = {
    "Russian": "Cyrillic",
    "Ukrainian": "Cyrillic",
    "Bulgarian": "Cyrillic",
    "Serbian": "Cyrillic",
    "Hindi": "Devanagari",
    "Persian": "Arabic",
    "Urdu": "Arabic",
}
_LETTERS = re.compile(r"[^\W\d_]+")
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


def same_language(a: str, b: str) -> bool:
    """True when `a` and `b` name the same language (or a language and its script, as guesses do)."""
    a, b = a.strip().capitalize(), b.strip().capitalize()
    return a == b or _SCRIPT_OF.get(a, a) == _SCRIPT_OF.get(b, b)


def guess_language(text: str) -> str | None:
    """The language of `text` when it is clear: a name from the stopword table, or a script's name.

    None when the text is short or mixed; callers treat None as "don't know", never as a mismatch.
    """
    letters = _LETTERS.findall(text)
    if not letters:
        return None
    joined = "".join(letters)
    for name, pattern in _SCRIPTS:
        if len(pattern.findall(joined)) > 0.3 * len(joined):
            return name
    words = [w.lower() for w in letters]
    if len(words) < 8:
        return None
    scores = Counter({name: sum(w in stop for w in words) for name, stop in _STOPWORDS.items()})
    (best, top), (_, second) = [*scores.most_common(2), ("", 0)][:2]
    if top >= max(3, 0.12 * len(words)) and top >= 1.5 * second:
        return best
    return None


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
