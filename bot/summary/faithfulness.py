"""Is every number, amount, percentage, date and proper name of a summary in its source? Pure, no model.

`unsupported(summary_items, source)` lists what the source does not support, in the summary's words
("2027", "£2.1bn", "Macron"). What counts as support:
- **Numbers** are compared by value, however written: "5,000" ~ "5000" ~ "five thousand" ~ "5k";
  "£1.6bn" ~ "1.6 billion pounds" ~ "1,600,000,000"; "40%" ~ "40 per cent". A rounded figure matches
  what it rounds ("1.6bn" for 1.58bn, "nearly 5,000" for 4,970: within half a unit of its last
  significant digit). Years (1800–2100, written bare) must match exactly. "one" and ordinals are not
  checked (too often not numbers at all).
- **Names** (capitalised words and acronyms that are not merely a sentence's first word) match a source
  word case-insensitively, after dropping a possessive ("Macron's"); a demonym matches its country
  ("French" ~ "France") and a longer form its stem ("Russian" ~ "Russia"). Consecutive capitalised words
  are reported together ("Angela Merkel"). Names are not checked when the summary is in another language
  than the source (a translation may spell them its own way).
Citation markers ("[12]") and Slack/Markdown emphasis are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_MARKERS = re.compile(r"\[\d{1,4}\]")
_SCALES = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9,
    "billion": 1e9, "tn": 1e12, "trillion": 1e12, "hundred": 1e2,
}  # fmt: skip
_NUMBER = re.compile(
    r"(?<![\w.])(?P<cur>[£$€¥])?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>k|m|mn|bn|b|tn|thousand|million|billion|trillion|hundred)\b)?"
    r"(?P<pct>\s?%|\s?per\s?cent\b|\s?percent\b)?(?:st|nd|rd|th)?",
    re.IGNORECASE,
)
_UNITS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_WORDS = re.compile(
    r"\b(?P<n>(?:" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")(?:[- ](?:two|three|four|five|six|"
    r"seven|eight|nine))?|a|one)\s+(?P<scale>hundred|thousand|million|billion|trillion)\b"
    r"|\b(?P<alone>" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")(?:-(?P<unit>two|three|four|five|"
    r"six|seven|eight|nine))?\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:[.!?:;]\s+|\n\s*|[•\-*]\s+|[\"“]\s*)$")
LOOK_BACK = 12  # characters read before a word to tell whether it opens a sentence
_DEMONYMS = {
    "french": "france", "british": "britain", "dutch": "netherlands", "swiss": "switzerland",
    "welsh": "wales", "scottish": "scotland", "scots": "scotland", "irish": "ireland", "english": "england",
    "chinese": "china", "japanese": "japan", "spanish": "spain", "greek": "greece", "turkish": "turkey",
    "danish": "denmark", "swedish": "sweden", "norwegian": "norway", "finnish": "finland",
    "polish": "poland", "thai": "thailand", "filipino": "philippines", "portuguese": "portugal",
    "belgian": "belgium", "american": "america", "american's": "america", "us": "america",
}  # fmt: skip
_COUNTRY_OF: dict[str, tuple[str, ...]] = {}
for _demonym, _country in _DEMONYMS.items():  # "France" is supported by "French" too
    _COUNTRY_OF[_country] = (*_COUNTRY_OF.get(_country, ()), _demonym)
_NOT_NAMES = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we", "you", "i",
    "his", "her", "their", "our", "my", "your", "there", "here", "what", "when", "where", "why", "how",
    "who", "which", "while", "after", "before", "during", "since", "as", "at", "in", "on", "of", "for",
    "by", "with", "from", "to", "and", "but", "or", "nor", "so", "yet", "if", "then", "than", "also",
    "both", "all", "some", "many", "most", "more", "no", "not", "one", "two", "three", "each", "every",
    "other", "another", "such", "only", "just", "even", "still", "meanwhile", "however", "although",
    "though", "because", "despite", "according", "mr", "mrs", "ms", "dr", "sir",
    "later", "earlier", "today", "yesterday", "tomorrow", "now", "soon", "once", "instead",
    "overall", "finally", "first", "second", "third", "next", "last", "officials", "police", "experts",
    "critics", "analysts", "researchers", "scientists", "residents", "people", "authorities",
    "investigators", "shares", "prices", "sales", "profits", "it's", "there's", "that's", "here's",
})  # fmt: skip


@dataclass(frozen=True)
class _Figure:
    value: float
    tolerance: float
    year: bool
    text: str


def unsupported(items: Sequence[str], source: str, *, check_names: bool = True) -> list[str]:
    """What `items` (a summary's paragraphs or bullets) say that `source` does not support, in order,
    each once (see the module docstring)."""
    text = _plain(" \n".join(items))
    source_text = _plain(source)
    figures = list(_figures(source_text, bare_scaled=True))
    known = [f.value for f in figures]
    years = {f.value for f in figures if f.year}
    missing: list[str] = []
    for figure in _figures(text):
        if (figure.year and figure.value not in years and figure.value not in known) or (
            not figure.year and not any(abs(v - figure.value) <= figure.tolerance for v in known)
        ):
            missing.append(figure.text)
    if check_names:
        words = {_bare(w).lower() for w in _TOKEN.findall(source_text)}
        stems = {w[:5] for w in words if len(w) >= 5}
        for name in _names(
            text
        ):  # report the unsupported words of a name: "Mayor Gavin Newsom" → "Gavin Newsom"
            groups = " ".join(p if not _known(p, words, stems) else "|" for p in name.split()).split("|")
            missing.extend(g.strip() for g in groups if g.strip())
    reported = list(dict.fromkeys(missing))  # each once; "Merkel" is not repeated after "Angela Merkel"
    return [m for m in reported if not any(m != o and set(m.split()) <= set(o.split()) for o in reported)]


def _plain(text: str) -> str:
    return _MARKERS.sub("", text).replace("*", "").replace("_", " ")


def _figures(text: str, *, bare_scaled: bool = False) -> Iterable[_Figure]:
    """The numbers of `text`, with values; with `bare_scaled`, "£1.6bn" also yields a bare 1.6."""
    taken: list[tuple[int, int]] = []
    for match in _WORDS.finditer(text):
        value = _word_value(match)
        if value is not None:
            taken.append(match.span())
            yield _Figure(value, 0.0, False, match.group(0))
    for match in _NUMBER.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        raw = match.group("num")
        number = float(raw.replace(",", ""))
        scale = _SCALES.get((match.group("scale") or "").lower(), 1.0)
        bare = not (match.group("cur") or match.group("scale") or match.group("pct"))
        year = bare and "." not in raw and "," not in raw and len(raw) == 4 and 1800 <= number <= 2100
        yield _Figure(number * scale, _half_unit(raw) * scale, year, match.group(0).strip())
        if bare_scaled and scale != 1.0:
            yield _Figure(number, _half_unit(raw), False, raw)


def _word_value(match: re.Match[str]) -> float | None:
    if match.group("scale"):
        head = match.group("n").lower().replace("-", " ").split()
        base = 1.0 if head[0] in {"a", "one"} else float(sum(_UNITS.get(h, 0) for h in head))
        return base * _SCALES[match.group("scale").lower()]
    alone = match.group("alone")
    if alone is None:
        return None
    unit = match.group("unit")
    return float(_UNITS[alone.lower()] + (_UNITS[unit.lower()] if unit else 0))


def _half_unit(raw: str) -> float:
    """Half the unit of the last significant digit: "1.6" → 0.05, "5,000" → 500, "4,970" → 5."""
    digits = raw.replace(",", "")
    if "." in digits:
        return 0.5 * 10.0 ** -len(digits.split(".")[1])
    stripped = digits.rstrip("0")
    zeros = len(digits) - len(stripped) if stripped else 0
    return 0.5 * 10.0**zeros if zeros else 0.0


def _names(text: str) -> list[str]:
    """Runs of capitalised words that are names. A sentence's first word counts only when a capitalised
    word follows it ("Angela Merkel said") or it is capitalised mid-sentence elsewhere in the summary:
    otherwise it is an ordinary opening word ("Decision:", "Later,")."""
    tokens = [(_bare(m.group(0)), _opens_sentence(text, m.start())) for m in _TOKEN.finditer(text)]
    inside = {word for word, first in tokens if not first and word[:1].isupper()}
    found: list[str] = []
    run: list[str] = []
    for n, (word, first) in enumerate(tokens):
        following = tokens[n + 1][0] if n + 1 < len(tokens) else ""
        opening_name = (following[:1].isupper() and following.lower() not in _NOT_NAMES) or word in inside
        if (
            word[:1].isupper()
            and len(word) > 1
            and word.lower() not in _NOT_NAMES
            and (not first or opening_name)
        ):
            run.append(word)
            continue
        if run:
            found.append(" ".join(run))
            run = []
    if run:
        found.append(" ".join(run))
    return found


def _opens_sentence(text: str, start: int) -> bool:
    """True when the word at `start` begins a sentence, line, list item or quotation (only the few
    characters before it are read, so a long summary is checked in linear time)."""
    before = text[max(0, start - LOOK_BACK) : start]
    return (not before.strip() and start <= LOOK_BACK) or bool(_SENTENCE_START.search(before))


def _bare(word: str) -> str:
    for suffix in ("'s", "’s", "'", "’", "."):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            word = word[: -len(suffix)]
    return word


def _known(word: str, words: set[str], stems: set[str]) -> bool:
    low = word.lower()
    if low in words or _DEMONYMS.get(low, "") in words or any(d in words for d in _COUNTRY_OF.get(low, ())):
        return True
    return len(low) >= 6 and low[:5] in stems
