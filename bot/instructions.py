"""What the user asked for, and how long the summary will really be.

Contract: `parse_request` splits pasted text into a `SummarySpec` and the content; it never raises and never
loses text (the instruction it removes is the first line or leading sentence, and only when that reads as an
instruction). `plan_length` turns a spec into an honest `LengthPlan` for a source. Pure: stdlib only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from bot.models import LengthPlan, SummarySpec, count_words


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


MIN_WORDS, MAX_WORDS = 10, 5000
MIN_PARAGRAPHS, MAX_PARAGRAPHS = 1, 20
MIN_WORDS_PER_PARAGRAPH = 15
WORDS_PER_SENTENCE = 20
MAX_INSTRUCTION_CHARS = 400  # an instruction is a short line; longer first lines are content

_TOKEN = re.compile(
    r"tl\s?[;:,/.]?\s?dr|<[^<>\s]+>|\d+(?:[.,]\d+)*(?:k\b)?|[^\W\d_]+(?:['’][^\W\d_]+)*|[^\w\s]",
    re.IGNORECASE,
)
_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "single": 1, "dozen": 12,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_VAGUE = {"couple": 2, "few": 3, "several": 4}
_QUALIFIERS = _set(
    "~ ≈ about around approximately approx roughly circa ca max maximum min minimum under below within "
    "over exactly just only some at most least no not less fewer more than up to longer shorter"
)
_ADJECTIVES = _set("short brief concise long detailed quick")
_PREPOSITIONS = _set("to in into with of at using as")
_TRAILERS = _set("or so less fewer max maximum tops long total")
_WORD_UNITS = _set("words word wds wd w")
_SENTENCE_UNITS = _set("sentences sentence sentance sentances sentenses lines")

_SUMMARIZE = re.compile(r"s[ua]mm?[ae]ri[sz]e")
_STRONG = _set("condense shorten recap digest")
_WEAK = _set("summary summaries summarized summarised summarization summarisation tldr")
_SUMMARY_NOUNS = _set("summary summaries tldr gist overview synopsis recap digest highlights takeaways")
_LEAD_FILLER = _set("hey hi hello bot please pls plz kindly can could would will you u ok okay now")
_FILLER = _set(
    "please pls plz kindly thanks thank you thx ty can could would will u me us this that these it its the "
    "a an following above text content article message post page thread doc document story piece link hey hi "
    "hello bot for to in into of with and or as at on up down is be so just here ok okay summary summaries "
    "gist overview version tldr synopsis recap digest give make write sum boil each per i i'd id like want "
    "need we now quick"
)
_TRIM = _set("and or but then also plus so please pls plz thanks thank you thx")
_VERB_PAIRS = frozenset(
    {("give", "me"), ("give", "us"), ("make", "it"), ("make", "this"), ("write", "me"), ("write", "a")}
)
_BREAKS = frozenset(",;:.!?()[]")


@dataclass
class _Token:
    text: str
    low: str
    start: int
    end: int
    used: bool = False


@dataclass
class _Analysis:
    words: int | None = None
    paragraphs: int | None = None
    sentences: int | None = None
    quantities: int = 0
    notes: list[str] = field(default_factory=list)
    leftover: int = 0
    instruction: bool = False
    strong: bool = False


def _tokens(line: str) -> list[_Token]:
    out = []
    for m in _TOKEN.finditer(line):
        low = m.group().lower()
        if low.startswith("tl") and low.endswith("dr") and len(low) <= 7 and not low.isalpha():
            low = "tldr"
        out.append(_Token(m.group(), low, m.start(), m.end()))
    return out


def _is_paragraph(word: str) -> bool:
    """True for "paragraphs" and its typos and short forms ("paragrahs", "paragraps", "pars", "paras")."""
    if word in {"par", "pars", "para", "paras", "paragraf", "paragrafs", "paragraphe", "paragraphes", "pgs"}:
        return True
    if not word.startswith("par") or len(word) < 7:
        return False
    target = "paragraphs" if word.endswith("s") else "paragraph"
    return _distance(word, target) <= 2


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _digits(text: str) -> int:
    low = text.lower()
    scale = 1000 if low.endswith("k") else 1
    low = low.rstrip("k")
    if re.fullmatch(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*", low):
        low = re.sub(r"[.,]", "", low)
    low = low.replace(",", ".")
    try:
        return min(10**9, round(float(low) * scale)) if low.count(".") <= 1 and len(low) <= 12 else 10**9
    except ValueError:  # a digit Python's float() does not read
        return 0


def _quantity(tokens: list[_Token], i: int) -> tuple[int, int] | None:
    """A number starting at token `i` (digits, number words, "a couple of"), and the index after it."""
    low = tokens[i].low
    if low[0].isdecimal():
        return _digits(tokens[i].text), i + 1
    nxt = tokens[i + 1].low if i + 1 < len(tokens) else ""
    if low in {"a", "an"}:
        if nxt in _VAGUE:
            return _VAGUE[nxt], i + 2 + (i + 2 < len(tokens) and tokens[i + 2].low == "of")
        if nxt in {"single", "dozen"}:
            return _ONES[nxt], i + 2
        if _is_paragraph(nxt) or nxt in _SENTENCE_UNITS:
            return 1, i + 1
        if nxt not in {"hundred", "thousand"}:
            return None
    if low in _VAGUE:
        return _VAGUE[low], i + 1 + (nxt == "of")
    total = current = 0
    j, seen = i, False
    while j < len(tokens):
        word = "one" if j == i and low in {"a", "an"} else tokens[j].low
        following = tokens[j + 1].low if j + 1 < len(tokens) else ""
        if word in _ONES:
            current += _ONES[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred" and seen:
            current = max(current, 1) * 100
        elif word == "thousand" and seen:
            total, current = total + max(current, 1) * 1000, 0
        elif not (word in {"-", "and"} and seen and (following in _ONES or following in _TENS)):
            break
        seen = True
        j += 1
    return (total + current, j) if seen else None


def _analyse(line: str) -> _Analysis:
    """Find length phrases, verbs and the leftover style notes in one candidate instruction line."""
    tokens = _tokens(line)
    result = _Analysis()
    per_paragraph = False
    i = 0
    while i < len(tokens):
        found = _quantity(tokens, i)
        if found is None:
            i += 1
            continue
        value, j = found
        if (
            j + 1 < len(tokens)
            and tokens[j].low in {"-", "–", "to", "or"}
            and tokens[j + 1].low[0].isdecimal()
        ):
            value = round((value + _digits(tokens[j + 1].text)) / 2)
            j += 2
        k = j + (j < len(tokens) and tokens[j].low in {"-", "–"})
        adjective = k < len(tokens) and tokens[k].low in _ADJECTIVES
        unit = tokens[k + adjective].low if k + adjective < len(tokens) else ""
        kind = (
            "words" if unit in _WORD_UNITS
            else "paragraphs" if _is_paragraph(unit)
            else "sentences" if unit in _SENTENCE_UNITS
            else None
        )  # fmt: skip
        if kind is None:
            i += 1
            continue
        if getattr(result, kind) is None:
            setattr(result, kind, value)
        result.quantities += 1
        end = k + adjective
        while end + 1 < len(tokens) and tokens[end + 1].low in _TRAILERS | {"each", "apiece"}:
            per_paragraph = per_paragraph or (kind == "words" and tokens[end + 1].low in {"each", "apiece"})
            end += 1
        if (
            kind == "words"
            and end + 2 < len(tokens)
            and tokens[end + 1].low == "per"
            and _is_paragraph(tokens[end + 2].low)
        ):
            per_paragraph, end = True, end + 2
        start = i
        while start > 0 and tokens[start - 1].low in _QUALIFIERS | _PREPOSITIONS:
            start -= 1
        for t in tokens[start : end + 1]:
            t.used = t.used or not (adjective and t is tokens[k])
        i = end + 1
    if per_paragraph and result.words is not None and result.paragraphs:
        result.words *= result.paragraphs
    if result.sentences is not None:
        result.notes.append(f"{result.sentences} sentence{'s' * (result.sentences != 1)}")
        if result.words is None:
            result.words = result.sentences * WORDS_PER_SENTENCE
        if result.paragraphs is None:
            result.paragraphs = 1
    verb = _mark_verbs(tokens)
    words = [t for t in tokens if not t.used and t.low not in _FILLER and t.low not in _BREAKS]
    result.leftover = len([t for t in words if t.low[0].isalnum()])
    nouns = any(t.low in _SUMMARY_NOUNS for t in tokens)
    result.strong = verb not in {None, "weak"}
    if verb == "summarize":
        result.instruction = result.leftover <= 25
    elif verb in {"recap", "digest"}:  # also nouns that start headings ("Recap of last night's game")
        result.instruction = result.quantities > 0 or result.leftover == 0
    elif verb in _STRONG:
        result.instruction = result.quantities > 0 or result.leftover <= 8
    elif verb in {"give", "make", "write"}:
        result.instruction = (result.quantities > 0 or nouns) and result.leftover <= 15
    elif verb == "weak":
        result.instruction = result.leftover <= 6
    else:
        result.instruction = result.quantities > 0 and result.leftover == 0 and count_words(line) <= 12
    result.notes = _notes(line, tokens) + result.notes
    return result


def _mark_verbs(tokens: list[_Token]) -> str | None:
    """Mark the summarize-ish verb as used; return its kind ("summarize", "condense", …, "weak") or None."""
    lead = next((n for n, t in enumerate(tokens) if t.low not in _LEAD_FILLER and t.low[0].isalnum()), None)
    if lead is None:
        return None
    first = tokens[lead].low
    nxt = tokens[lead + 1].low if lead + 1 < len(tokens) else ""
    kind: str | None = None
    if _SUMMARIZE.fullmatch(first):
        kind = "summarize"
    elif first in _STRONG or (first, nxt) in _VERB_PAIRS:
        kind = first
    elif first in {"sum", "boil"} and any(t.low in {"up", "down"} for t in tokens[lead + 1 : lead + 5]):
        kind = "condense"
    if kind is not None:
        tokens[lead].used = True
        if (first, nxt) in _VERB_PAIRS:
            tokens[lead + 1].used = True
        return kind
    for t in tokens[:6]:
        if t.low in _WEAK:
            t.used = True
            return "weak"
    return None


def _notes(line: str, tokens: list[_Token]) -> list[str]:
    """Runs of unparsed tokens that carry meaning ("for executives", "focus on the numbers")."""
    notes: list[str] = []
    run: list[_Token] = []
    for t in [*tokens, None]:
        if t is not None and not t.used and t.low not in _BREAKS:
            run.append(t)
            continue
        first, last = 0, len(run)
        while first < last and (run[first].low in _TRIM or not run[first].low[0].isalnum()):
            first += 1
        while last > first and (run[last - 1].low in _TRIM or not run[last - 1].low[-1].isalnum()):
            last -= 1
        if any(r.low not in _FILLER and r.low[0].isalnum() for r in run[first:last]):
            notes.append(line[run[first].start : run[last - 1].end])
        run = []
    return notes


def split_instruction(text: str) -> tuple[str, str]:
    """(instruction text or "", content); together they hold all of `text` but the whitespace between them.

    The instruction is the leading sentence (or text up to a colon) of the first line when more than a few
    words of content follow it on that line; otherwise the whole first line (≤ 40 words) if it reads as
    an instruction. Anything else is all content.
    """
    stripped = text.strip()
    line, _, rest = stripped.partition("\n")
    line = line.strip()
    segment = _leading_segment(line)
    tail = line[len(segment) :].strip() if segment else ""
    if segment and count_words(tail) > 12:
        return segment, f"{tail}\n{rest}".strip()
    if len(line) <= MAX_INSTRUCTION_CHARS and count_words(line) <= 40 and _analyse(line).instruction:
        return line, rest.strip()
    if segment:
        return segment, f"{tail}\n{rest}".strip()
    return "", stripped


def _leading_segment(line: str) -> str:
    """The leading sentence (or text before a colon) of `line` that reads best as an instruction, or ""."""
    best, best_score = "", -1
    for m in re.finditer(r"[.!?:](?=\s+\S)", line[:MAX_INSTRUCTION_CHARS]):
        prefix = line[: m.end()]
        if count_words(prefix) > 25:
            break
        analysis = _analyse(prefix)
        acceptable = analysis.instruction and (analysis.strong or analysis.quantities > 0)
        if acceptable and analysis.quantities > best_score:
            best, best_score = prefix, analysis.quantities
    return best


def parse_request(text: str) -> tuple[SummarySpec, str]:
    """(what was asked, the content to summarize) for pasted text; a spec of Nones when nothing was asked."""
    instruction, content = split_instruction(text)
    if not instruction:
        return SummarySpec(), content
    analysis = _analyse(instruction)
    notes = tuple(analysis.notes)
    return SummarySpec(words=analysis.words, paragraphs=analysis.paragraphs, style_notes=notes), content


def _about(n: int) -> str:
    return f"{int(n / 10 + 0.5) * 10 if n >= 10 else n:,}"


def default_paragraphs(words: int) -> int:
    """Paragraphs for a summary of `words` when none were asked: 1 below 120, 2 below 220, then ~180 each."""
    if words < 120:
        return 1
    if words < 220:
        return 2
    return min(MAX_PARAGRAPHS, max(3, round(words / 180)))


def plan_length(*, source_words: int, spec: SummarySpec) -> LengthPlan:
    """The words and paragraphs to aim for: the request honoured, never longer than the source.

    Nothing asked: about a quarter of the source, 40..300 words. Only paragraphs asked: at least 60 words
    each. A request above ~80% of the source is capped (with a note), as are values out of range.
    """
    notes: list[str] = []
    source = max(0, source_words)
    cap = max(30, round(0.8 * source))
    default = min(300, max(40, round(source / 4)))
    if spec.words is None:
        asked_paragraphs = min(MAX_PARAGRAPHS, spec.paragraphs or 0)
        words = min(cap, max(default, 60 * asked_paragraphs))
    else:
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
    words = max(MIN_WORDS, min(MAX_WORDS, words))
    if spec.paragraphs is None:
        return LengthPlan(words=words, paragraphs=default_paragraphs(words), notes=tuple(notes))
    paragraphs = spec.paragraphs
    if paragraphs > MAX_PARAGRAPHS or paragraphs < MIN_PARAGRAPHS:
        paragraphs = max(MIN_PARAGRAPHS, min(MAX_PARAGRAPHS, paragraphs))
        notes.append(f"asked for {spec.paragraphs:,} paragraphs; using {paragraphs}")
    fit = max(1, math.floor(words / MIN_WORDS_PER_PARAGRAPH))
    if paragraphs > fit:
        notes.append(f"asked for {paragraphs} paragraphs; {words} words fit only {fit}")
        paragraphs = fit
    return LengthPlan(words=words, paragraphs=paragraphs, notes=tuple(notes))
