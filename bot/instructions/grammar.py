"""The instruction grammar: pasted text → what the person asked for (`SummarySpec`) and the content.

Contract: `parse_request` splits pasted text into a `SummarySpec` and the content; it never raises and never
loses text (the instruction it removes is the first line or leading sentences, with at most two short lines
under it that only add to it, and only when that reads as an instruction; a sentence of prose that mentions
numbers is content). It reads lengths in words, paragraphs, bullets and sentences (digits, number words,
common typos, a count in brackets after a form: "main points (4)"), presets (tl;dr, brief, detailed), an
output language ("in French", "en español", "auf Deutsch"), and keeps every other meaningful word as a
style note (`bot.summary.plan` turns a spec into a length plan). Pure: stdlib only.
"""

from __future__ import annotations

import itertools
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
    each: bool = False  # the words were asked per paragraph ("100 words each")
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


def _unit(tokens: list[_Token], k: int) -> tuple[str, int] | None:
    """The unit ("words", "paragraphs", "sentences", "bullets") at token `k`, and its last index."""
    if k >= len(tokens):
        return None
    found = lex.unit(tokens[k].low, tokens[k + 1].low if k + 1 < len(tokens) else "")
    return None if found is None else (found[0], k + found[1])


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
        if lex.is_paragraph(nxt) or nxt in lex.SENTENCE_UNITS:
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
    i = 0
    while i < len(tokens):
        found = _length_phrase(tokens, i, result) or _bracketed_count(tokens, i, result)
        if found is None:
            i += 1
            continue
        i, each = found
        result.each = result.each or each
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
        and lex.is_paragraph(tokens[end + 2].low)
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


def _bracketed_count(tokens: list[_Token], i: int, result: _Analysis) -> tuple[int, bool] | None:
    """Read a count in brackets after a form or tl;dr ("main points (4)", "bullets [3]", "tl;dr (2)") into
    `result`, marking its tokens used (not tl;dr's, which `_mark_shapes` reads as the preset). Returns the
    index after the closing bracket, or None when no such phrase starts at token `i`."""
    found = ("sentences", i) if tokens[i].low == "tldr" else _unit(tokens, i)
    if found is None or found[0] == "words":
        return None
    kind, end = found
    k = end + 2
    if k >= len(tokens) or tokens[end + 1].low not in lex.BRACKETS:
        return None
    while k < len(tokens) and tokens[k].low in lex.QUALIFIERS:
        k += 1
    count = _quantity(tokens, k) if k < len(tokens) else None
    close = lex.BRACKETS[tokens[end + 1].low]
    if count is None or not 1 <= count[0] <= 20 or count[1] >= len(tokens) or tokens[count[1]].low != close:
        return None
    if getattr(result, kind) is None:
        setattr(result, kind, count[0])
    result.quantities += 1
    start = i
    while start > 0 and start > i - 3 and tokens[start - 1].low in lex.ADJECTIVES - lex.PRESETS.keys():
        start -= 1
    for t in tokens[start : count[1] + 1]:
        t.used = t.used or t.low != "tldr"
    return count[1] + 1, False


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
            alone = prev in lex.BREAKS and nxt in lex.BREAKS | {""}  # a sentence of its own: "Brief."
            near = alone or n == lead or t.low == "tldr" or not lex.PRESET_NEIGHBOURS.isdisjoint((prev, nxt))
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
    return _late_verb(tokens, lead)


def _late_verb(tokens: list[_Token], lead: int) -> str | None:
    """ "late" for a summarize verb after the shape ("in 6 paragraphs, summarize"), marked as used; None when
    there is none, or when it follows "to" after words the grammar does not read ("How to summarize a book
    in 5 bullets", "5 ways to summarise a report": a title, not a request)."""
    for n in range(lead + 1, min(lead + 10, len(tokens))):
        if lex.SUMMARIZE.fullmatch(tokens[n].low) and not tokens[n].used:
            before = [t for t in tokens[:n] if not t.used and t.low not in lex.FILLER and t.low[0].isalnum()]
            if tokens[n - 1].low == "to" and before:
                return None
            tokens[n].used = True
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
    an instruction, with up to two short lines under it that only add to it ("Quick summary?" then "Two
    paragraphs."). Anything else is all content. A sentence that reads as prose and mentions numbers or
    shapes ("The report runs to 2,000 words.") is never part of the instruction.
    """
    stripped = text.strip()
    line, _, rest = stripped.partition("\n")
    line = line.strip()
    ends = [m.end() for m in _BOUNDARY.finditer(line[: lex.MAX_INSTRUCTION_CHARS])]
    segment = _leading_segment(line, ends)
    tail = line[len(segment) :].strip() if segment else ""
    if segment and count_words(tail) > 12:
        return segment, f"{tail}\n{rest}".strip()
    if _whole_line(line, ends):
        return _with_continuation(line, rest)
    if segment:
        return segment, f"{tail}\n{rest}".strip()
    return "", stripped


# Where a sentence, a colon-ended part, or a bracket closed before a new sentence ends ("tl;dr (2) The…").
_BOUNDARY = re.compile(r"[.!?:](?=\s+\S)|[)\]](?=\s+[A-Z0-9\"“‘'])")


def _prose(piece: str) -> tuple[bool, bool]:
    """(reads as content, mentions numbers or shapes) for one sentence: content when it is no instruction,
    has two or more words the grammar does not read, and does not open with an imperative ("Use 3 bullets.",
    "Focus on the costs." are guidance)."""
    analysis = _analyse(piece)
    lead = next((t.low for t in _tokens(piece) if t.low[0].isalnum() and t.low not in lex.LEAD_FILLER), "")
    prose = not analysis.instruction and analysis.leftover >= 2 and lead not in lex.IMPERATIVES
    return prose, analysis.signals > 0


def _whole_line(line: str, ends: list[int]) -> bool:
    """Whether the whole first line is the instruction: short, reads as one, and no sentence in it is prose
    that mentions numbers or shapes."""
    if len(line) > lex.MAX_INSTRUCTION_CHARS or count_words(line) > 40 or not _analyse(line).instruction:
        return False
    bounds = [0, *ends, len(line)] if ends else []
    return not any(all(_prose(line[a:b])) for a, b in itertools.pairwise(bounds))


def _leading_segment(line: str, ends: list[int]) -> str:
    """The leading sentences (or text before a colon) of `line` that read best as an instruction, or "".

    The search stops at a sentence that is prose mentioning numbers or shapes, and, once an instruction is
    found, at any prose: what follows it is content.
    """
    best, best_score = "", (-1, -1)
    start = 0
    for end in ends:
        prefix = line[:end]
        prose, signals = _prose(line[start:end])
        if count_words(prefix) > 25 or (prose and (signals or best)):
            break
        start = end
        analysis = _analyse(prefix)
        acceptable = analysis.instruction and (analysis.strong or analysis.quantities > 0)
        # a shape without a number before a colon is a heading more often than not ("In brief: …")
        score = (analysis.quantities, 0 if prefix.endswith(":") else analysis.signals)
        if acceptable and score > best_score:
            best, best_score = prefix, score
    return best


def _with_continuation(line: str, rest: str) -> tuple[str, str]:
    """(the instruction line and up to two lines right under it that only add to it, the content after)."""
    lines = [line]
    while len(lines) < 3:
        following, _, after = rest.partition("\n")
        following = following.strip()
        if not following or len(following) > 80 or count_words(following) > 8:
            break
        analysis = _analyse(following)
        if not (analysis.instruction and analysis.signals > 0 and analysis.leftover == 0):
            break
        lines.append(following)
        rest = after
    return "\n".join(lines), rest.strip()


def _merged(parts: list[_Analysis]) -> _Analysis:
    """One analysis of an instruction written over several lines: the first line that sets a field wins."""
    merged = parts[0]
    for part in parts[1:]:
        if merged.words is None:
            merged.words, merged.bound, merged.each = part.words, part.bound, part.each
        for name in ("paragraphs", "sentences", "bullets", "form", "preset", "language"):
            if getattr(merged, name) is None:
                setattr(merged, name, getattr(part, name))
        merged.notes.extend(part.notes)
    return merged


def parse_request(text: str) -> tuple[SummarySpec, str]:
    """(what was asked, the content to summarize) for pasted text; a spec of Nones when nothing was asked."""
    instruction, content = split_instruction(text)
    if not instruction:
        return SummarySpec(), content
    analysis = _merged([_analyse(part) for part in instruction.split("\n")])
    words = analysis.words
    if words is not None and analysis.each and analysis.paragraphs:
        words *= analysis.paragraphs
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
