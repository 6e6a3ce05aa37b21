"""The instruction grammar: pasted text → what the person asked for (`SummarySpec`) and the content.

Contract: `parse_request` splits pasted text into a `SummarySpec` and the content; it never raises and never
loses text (the instruction it removes is the first line or leading sentence, and only when that reads as an
instruction). It reads lengths in words, paragraphs, bullets and sentences (digits, number words, common
typos), presets (tl;dr, brief, detailed), an output language ("in French", "en español", "auf Deutsch"),
and keeps every other meaningful word as a style note (`bot.summary.plan` turns a spec into a length plan).
Pure: stdlib only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from bot.instructions import lexicon as lex
from bot.models import SummarySpec
from bot.text import count_words


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
    bullets: int | None = None
    form: str | None = None
    preset: str | None = None
    language: str | None = None
    bound: str | None = None  # "most" or "least" for "under 300 words", "at least 200 words"
    quantities: int = 0
    signals: int = 0  # quantities, and forms, presets and languages without numbers
    notes: list[str] = field(default_factory=list)
    leftover: int = 0
    instruction: bool = False
    strong: bool = False


def _tokens(line: str) -> list[_Token]:
    out = []
    for m in lex.TOKEN.finditer(line):
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
    """Edit distance where swapping two neighbours counts once ("wrods" is one edit from "words")."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            best = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, rows[-2][j - 2] + 1)
            row.append(best)
        rows.append(row)
    return rows[-1][-1]


def _unit(tokens: list[_Token], k: int) -> tuple[str, int] | None:
    """The unit ("words", "paragraphs", "sentences", "bullets") at token `k`, and its last index."""
    if k >= len(tokens):
        return None
    word = tokens[k].low
    nxt = tokens[k + 1].low if k + 1 < len(tokens) else ""
    if word in lex.WORD_UNITS or (len(word) >= 4 and _distance(word, "words") <= 1):
        return "words", k
    if _is_paragraph(word):
        return "paragraphs", k
    if word in lex.SENTENCE_UNITS or (len(word) >= 7 and _distance(word, "sentences") <= 2):
        return "sentences", k
    bulletish = word in lex.BULLET_FORM or (
        word.startswith("bu") and len(word) >= 5 and _distance(word, "bullets") <= 2
    )
    if bulletish and nxt in {"points", "point", "pts", "items", "list"}:
        return "bullets", k + 1
    if word in lex.BULLET_UNITS or bulletish:
        return "bullets", k
    return None


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
        if nxt in lex.VAGUE:
            return lex.VAGUE[nxt], i + 2 + (i + 2 < len(tokens) and tokens[i + 2].low == "of")
        if nxt in {"single", "dozen"}:
            return lex.ONES[nxt], i + 2
        if _is_paragraph(nxt) or nxt in lex.SENTENCE_UNITS:
            return 1, i + 1
        if nxt not in {"hundred", "thousand"}:
            return None
    if low in lex.VAGUE:
        return lex.VAGUE[low], i + 1 + (nxt == "of")
    return _number_words(tokens, i)


def _number_words(tokens: list[_Token], i: int) -> tuple[int, int] | None:
    """A number spelled out from token `i` ("two hundred and fifty", "a thousand"), and the index after it."""
    total = current = 0
    j, seen = i, False
    while j < len(tokens):
        word = "one" if j == i and tokens[i].low in {"a", "an"} else tokens[j].low
        following = tokens[j + 1].low if j + 1 < len(tokens) else ""
        if word in lex.ONES:
            current += lex.ONES[word]
        elif word in lex.TENS:
            current += lex.TENS[word]
        elif word == "hundred" and seen:
            current = max(current, 1) * 100
        elif word == "thousand" and seen:
            total, current = total + max(current, 1) * 1000, 0
        elif not (word in {"-", "and"} and seen and (following in lex.ONES or following in lex.TENS)):
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
        found = _length_phrase(tokens, i, result)
        if found is None:
            i += 1
            continue
        i, each = found
        per_paragraph = per_paragraph or each
    if per_paragraph and result.words is not None and result.paragraphs:
        result.words *= result.paragraphs
    result.signals = result.quantities + _mark_shapes(tokens, result)
    verb = _mark_verbs(tokens)
    words = [t for t in tokens if not t.used and t.low not in lex.FILLER and t.low not in lex.BREAKS]
    result.leftover = len([t for t in words if t.low[0].isalnum()])
    result.strong = verb not in {None, "weak"}
    nouns = any(t.low in lex.SUMMARY_NOUNS for t in tokens)
    result.instruction = _reads_as_instruction(verb, result, nouns=nouns, line=line)
    result.notes = _notes(line, tokens) + result.notes
    return result


def _length_phrase(tokens: list[_Token], i: int, result: _Analysis) -> tuple[int, bool] | None:
    """Read a quantity and its unit at token `i` ("about 300 words", "6 short paragraphs", "two to three
    bullets") into `result`, marking its tokens used. Returns the index after it and whether the words
    were asked per paragraph ("100 words each"), or None when no length phrase starts there."""
    found = _quantity(tokens, i)
    if found is None:
        return None
    value, j = found
    if j + 1 < len(tokens) and tokens[j].low in {"-", "–", "to", "or"} and tokens[j + 1].low[0].isdecimal():
        value = round((value + _digits(tokens[j + 1].text)) / 2)
        j += 2
    k = j + (j < len(tokens) and tokens[j].low in {"-", "–"})
    adjectives: list[_Token] = []
    found_unit = _unit(tokens, k)
    while found_unit is None and len(adjectives) < 2 and k < len(tokens) and tokens[k].low in lex.ADJECTIVES:
        adjectives.append(tokens[k])
        k += 1
        found_unit = _unit(tokens, k)
    if found_unit is None:
        return None
    kind, end = found_unit
    if getattr(result, kind) is None:
        setattr(result, kind, value)
    result.quantities += 1
    per_paragraph = False
    while end + 1 < len(tokens) and tokens[end + 1].low in lex.TRAILERS | {"each", "apiece", "more"}:
        trailer = tokens[end + 1].low
        per_paragraph = per_paragraph or (kind == "words" and trailer in {"each", "apiece"})
        if kind == "words" and trailer in {"max", "maximum", "tops", "less", "fewer"}:
            result.bound = "most"
        elif kind == "words" and trailer == "more":
            result.bound = "least"
        end += 1
    if (
        kind == "words"
        and end + 2 < len(tokens)
        and tokens[end + 1].low == "per"
        and _is_paragraph(tokens[end + 2].low)
    ):
        per_paragraph, end = True, end + 2
    start = i
    while start > 0 and tokens[start - 1].low in lex.QUALIFIERS | lex.PREPOSITIONS:
        start -= 1
    if kind == "words":
        result.bound = _bound([t.low for t in tokens[start:i]]) or result.bound
    for t in tokens[start : end + 1]:
        t.used = t.used or not any(t is a and a.low in lex.PRESETS for a in adjectives)
    return end + 1, per_paragraph


def _reads_as_instruction(verb: str | None, result: _Analysis, *, nouns: bool, line: str) -> bool:
    """Whether a line with this verb, these length signals and this much leftover is an instruction."""
    if verb == "summarize":
        return result.leftover <= 25
    if verb in {"recap", "digest"}:  # also nouns that start headings ("Recap of last night's game")
        return result.signals > 0 or result.leftover == 0
    if verb in lex.STRONG:
        return result.signals > 0 or result.leftover <= 8
    if verb in {"give", "make", "write"}:
        return (result.signals > 0 or nouns) and result.leftover <= 15
    if verb == "weak":
        return result.leftover <= 6
    if verb == "late":
        return result.signals > 0 and result.leftover <= 3
    return result.signals > 0 and result.leftover == 0 and count_words(line) <= 12


def _bound(words: list[str]) -> str | None:
    """ "most" for "under/at most/no more than/up to", "least" for "at least/over/more than"."""
    if (
        any(w in lex.AT_MOST for w in words)
        or "up" in words
        or ("more" in words and ("no" in words or "not" in words))
    ):
        return "most"
    if any(w in lex.AT_LEAST for w in words) or "more" in words:
        return "least"
    return None


def _mark_shapes(tokens: list[_Token], result: _Analysis) -> int:
    """Find forms without a number ("as bullets"), presets ("tl;dr", "brief") and the output language.

    Marks what it reads as used and returns how many such signals it found.
    """
    signals = 0
    lead = next((n for n, t in enumerate(tokens) if t.low not in lex.LEAD_FILLER and t.low[0].isalnum()), -1)
    for n, t in enumerate(tokens):
        prev = tokens[n - 1].low if n > 0 else ""
        nxt = tokens[n + 1].low if n + 1 < len(tokens) else ""
        if t.low in lex.BULLET_FORM or (t.low == "list" and prev in {"a", "as"}):
            if result.form is None:
                result.form = "bullets"
            signals += 1
            t.used = True
            back = n - 1
            while back >= 0 and tokens[back].low in lex.FORM_FILLER and not tokens[back].used:
                tokens[back].used = True
                back -= 1
            ahead = n + 1
            while ahead < len(tokens) and tokens[ahead].low in lex.FORM_FILLER - {"a", "an", "in"}:
                tokens[ahead].used = True
                ahead += 1
        elif t.low in lex.PRESETS and not t.used:
            depth = t.low in {"detail", "depth"}
            if depth and prev != "in":
                continue
            near = (
                n == lead or prev in lex.PRESET_NEIGHBOURS or nxt in lex.PRESET_NEIGHBOURS or t.low == "tldr"
            )
            if not (near or t.low.endswith("ly")):
                continue
            if t.low == "long" and nxt not in lex.PRESET_NEIGHBOURS and prev not in {"it", "be", "very"}:
                continue
            result.preset = result.preset or lex.PRESETS[t.low]
            signals += 1
            t.used = True
            if prev == "in" and (depth or t.low in {"brief", "short"}):
                tokens[n - 1].used = True
        elif (
            t.low in lex.LANGUAGES
            and not t.used
            and (
                prev in lex.LANGUAGE_PREPOSITIONS or (prev in lex.BREAKS | {""} and nxt in lex.BREAKS | {""})
            )
        ):
            result.language = result.language or lex.LANGUAGES[t.low]
            signals += 1
            t.used = True
            if prev in lex.LANGUAGE_PREPOSITIONS:
                tokens[n - 1].used = True
    return signals


def _mark_verbs(tokens: list[_Token]) -> str | None:
    """Mark the summarize-ish verb as used; return its kind ("summarize", "condense", …, "weak") or None."""
    lead = next(
        (n for n, t in enumerate(tokens) if t.low not in lex.LEAD_FILLER and t.low[0].isalnum()), None
    )
    if lead is None:
        return None
    first = tokens[lead].low
    nxt = tokens[lead + 1].low if lead + 1 < len(tokens) else ""
    kind: str | None = None
    if lex.SUMMARIZE.fullmatch(first):
        kind = "summarize"
    elif first in lex.STRONG or (first, nxt) in lex.VERB_PAIRS:
        kind = first
    elif first in {"sum", "boil"} and any(t.low in {"up", "down"} for t in tokens[lead + 1 : lead + 5]):
        kind = "condense"
    if kind is not None:
        tokens[lead].used = True
        if (first, nxt) in lex.VERB_PAIRS:
            tokens[lead + 1].used = True
        return kind
    for t in tokens[:6]:
        if t.low in lex.WEAK:
            t.used = True
            return "weak"
    for t in tokens[lead + 1 : lead + 10]:  # "in 6 paragraphs, summarize": a verb after the shape
        if lex.SUMMARIZE.fullmatch(t.low) and not t.used:
            t.used = True
            return "late"
    return None


def _notes(line: str, tokens: list[_Token]) -> list[str]:
    """Runs of unparsed tokens that carry meaning ("for executives", "focus on the numbers")."""
    notes: list[str] = []
    run: list[_Token] = []
    for t in [*tokens, None]:
        if t is not None and not t.used and t.low not in lex.BREAKS:
            run.append(t)
            continue
        first, last = 0, len(run)
        while first < last and (run[first].low in lex.LEAD_TRIM or not run[first].low[0].isalnum()):
            first += 1
        while last > first and (run[last - 1].low in lex.TRIM or not run[last - 1].low[-1].isalnum()):
            last -= 1
        if any(r.low not in lex.FILLER and r.low[0].isalnum() for r in run[first:last]):
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
    if len(line) <= lex.MAX_INSTRUCTION_CHARS and count_words(line) <= 40 and _analyse(line).instruction:
        return line, rest.strip()
    if segment:
        return segment, f"{tail}\n{rest}".strip()
    return "", stripped


def _leading_segment(line: str) -> str:
    """The leading sentence (or text before a colon) of `line` that reads best as an instruction, or ""."""
    best, best_score = "", -1
    for m in re.finditer(r"[.!?:](?=\s+\S)", line[: lex.MAX_INSTRUCTION_CHARS]):
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
    words = analysis.words
    if words is not None and analysis.bound == "most":
        words = max(1, math.floor(words / 1.1))  # "under 300 words": aim so that +10% stays under
    elif words is not None and analysis.bound == "least":
        words = math.ceil(words / 0.9)
    form = analysis.form
    if analysis.bullets is not None:
        form = "bullets"
    elif analysis.sentences is not None and analysis.paragraphs is None and form is None:
        form = "sentences"
    notes = list(analysis.notes)
    if analysis.sentences is not None and form != "sentences":  # "2 paragraphs of 3 sentences each"
        notes.append(f"{analysis.sentences} sentence{'s' * (analysis.sentences != 1)}")
    if form == "bullets" and analysis.paragraphs is not None:
        notes.append(f"{analysis.paragraphs} paragraph{'s' * (analysis.paragraphs != 1)}")
    spec = SummarySpec(
        words=words,
        paragraphs=analysis.paragraphs,
        style_notes=tuple(notes),
        bullets=analysis.bullets,
        sentences=analysis.sentences,
        form=form,  # type: ignore[arg-type]
        language=analysis.language,
        preset=analysis.preset,
    )
    return spec, content
