"""The offline summarizer: extractive, deterministic, no model. Used when no API key is configured.

Contract: `summarize_offline` returns sentences (or, for very long sentences, clauses) of the source
verbatim, in their original order, about `plan.words` long (±10% where the source allows) and never more
words than the source, grouped into exactly `plan.paragraphs` balanced paragraphs (or bullet items, for
`plan.form == "bullets"`). The one exception: when the chosen text has fewer sentences and clauses than
paragraphs asked, it returns fewer paragraphs rather than cut a sentence mid-phrase. For
`plan.form == "sentences"` it returns one paragraph of exactly `plan.count` whole sentences (fewer only if
the source has fewer); for a tiny source (`plan.tiny`) its best sentence as a gist. The caller passes
cleaned text (`bot.summary.clean.clean_text`). Pure: stdlib only.

How sentences are chosen, and why it carries over to texts it was never measured on:
- Layout decides where the gist is (`bot.summary.clutter.read_layout`). Prose without structure (at
  most a heading per ten lines, few list items or "Speaker: …" lines, up to `STORY_MAX_WORDS` words) is
  read as a story: journalists, press releases and most emails put the point first, so a sentence's
  weight falls with its rank among the content sentences (1 + STORY_LEAD·e^(−k/STORY_DECAY)) and
  word-frequency centrality decides between sentences of similar rank. Anything structured (a report,
  minutes, slides, a transcript, a long paper) is a document: its opening is often a title page or
  background, so it gets only a light lead bonus, and sentences under a summary-like heading
  ("Summary", "Key findings", "Conclusions") a boost.
- Each thing is said once: a unit whose content stems (stop words dropped, common endings removed)
  overlap NEAR_DUPLICATE or more of a better-ranked unit's is moved to the end of the ranking (used only
  when nothing else reaches the length), which drops captions and pull quotes that restate the body.
- Page furniture is not content: what `bot.summary.clutter` finds ("Scroll down for video", "Media
  playback is not supported…" split off when it runs into the next sentence, photo captions and credits,
  a story's "Label: …" caption lines) and headings weigh FURNITURE_WEIGHT; questions and sentences
  that open with a quotation weigh less, since a summary states rather than asks or quotes.
These are properties of how genres are written, not of a data set: the weights are few, round and set
once over a whole development set of two news styles (bench/summaries.py), never per article, and the
length machinery below (select within ±10%, fill, swap, balance) is the same as before.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass

from bot.models import LengthPlan
from bot.summary.clutter import Layout, is_furniture, read_layout, spans
from bot.text import count_words

MAX_UNIT_WORDS = 60  # longer sentences are cut at clause boundaries into units of about CLAUSE_WORDS
CLAUSE_WORDS = 40
_WORD = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_CJK_END = "。！？"
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+|\s+(?=[–—]\s)")
READABLE, STORY_READABLE = 35, 45  # longest sentence (words) for a bare "in N sentences", by layout
QUOTE_WEIGHT = 0.7  # a sentence opening with a quotation: a voice in the story, rarely its gist
STORY_LEAD, STORY_DECAY = 4.0, 3.0  # a story's k-th sentence weighs 1 + STORY_LEAD·e^(−k/STORY_DECAY)
NEAR_DUPLICATE = 0.5  # two units whose content stems overlap this much (of the smaller) say the same
FURNITURE_WEIGHT = 0.05  # page furniture, photo captions and credits: kept only to reach the length
# A small multilingual stopword list (en, de, fr, es, it, pt, nl): enough to stop function words
# from dominating the frequency score; content words of any language still count.
_STOPWORDS = frozenset(
    re.split(
        r"\s+",
        "a an the and or but if of to in on at by for with from as is are was were be been being it its "
        "this that these those he she they we you i his her their our your not no so than then there here "
        "has have had do does did will would can could should may might must said says also into over "
        "about after der die das und oder ein eine einer eines dem den des ist sind war nicht mit von zu "
        "im auf für sich auch als wie es sie er wir ich dass le la les un une des du de et ou est sont "
        "pas pour dans sur au aux par que qui ce cette il elle ils nous vous el los las uno una y o es "
        "son no por para con del al lo que se su sus como más il lo gli le un una e è non per con che di "
        "da del della o os as um uma e é não com do da dos das em no na que de het een en of is zijn niet "
        "met voor op aan van dat die",
    )
)


@dataclass(frozen=True)
class _Unit:
    index: int
    text: str
    words: int
    lead: bool  # first sentence of a source paragraph
    glued: bool = False  # no whitespace before it in the source (CJK sentence ends): join without a space
    sentence: int = 0  # ordinal of the source sentence it comes from


def summarize_offline(text: str, *, plan: LengthPlan) -> tuple[str, ...]:
    """Paragraphs of the best-scoring sentences of `text`, in source order, about `plan.words` long.

    Empty text gives (). Same text and plan, same paragraphs.
    """
    if plan.form == "sentences" or plan.tiny:
        return _sentences(text, plan)
    units = _units(text)
    if not units:
        return ()
    layout = read_layout(text)
    spare = _spare(units, layout)
    scores = _scores(units, layout, spare)
    chosen = _select(units, scores, target=max(1, plan.words), spare=spare)
    if len(chosen) < plan.paragraphs:  # enough sentences for every paragraph beats a few long ones
        share = max(1.0, plan.words / plan.paragraphs)
        short = [u for u in units if u.words <= 1.5 * share]
        retry = _select(short, [scores[u.index] for u in short], target=max(1, plan.words), spare=spare)
        if len(retry) > len(chosen) and abs(_total(retry) - plan.words) <= max(
            abs(_total(chosen) - plan.words), 0.1 * plan.words
        ):
            chosen = retry
    while len(chosen) < plan.paragraphs and _split_one(chosen):
        pass
    return _paragraphs(chosen, max(1, plan.paragraphs))


def _sentences(text: str, plan: LengthPlan) -> tuple[str, ...]:
    """One paragraph of `plan.items` whole sentences of the source, best first, in source order."""
    units = [
        _Unit(n, text[a:b], count_words(text[a:b]), False, a > 0 and not text[a - 1].isspace(), n)
        for n, (a, b) in enumerate(spans(text))
    ]
    if not units:
        return ()
    layout = read_layout(text)
    spare = _spare(units, layout)
    scores = _scores(units, layout, spare)
    wanted = max(1, plan.items)
    share = plan.words / wanted
    if plan.tiny or not plan.check_words:  # a gist or a bare "in 2 sentences": prefer readable lengths
        readable = STORY_READABLE if layout.story else READABLE  # a news lead packs the gist in one
        fit = [u for u in units if 6 <= u.words <= max(readable, 1.5 * share)]
    else:
        fit = [u for u in units if u.words <= 1.6 * share]
    pool = fit if len(fit) >= wanted else units
    order, _ = _distinct(
        units, scores, [u.index for u in pool], words=max(plan.words, 30 * wanted), spare=spare
    )
    ranked = [units[i] for i in order]
    chosen = sorted(ranked[:wanted], key=lambda u: u.index)
    if plan.tiny and chosen and chosen[0].words > 30:  # a one-line gist of one long sentence
        head = _cut(chosen[0].text)[0]
        if count_words(head) < chosen[0].words:
            return (head.rstrip(",;:–— ") + "…",)
    return (_join(chosen),)


def _total(units: list[_Unit]) -> int:
    return sum(u.words for u in units)


def _units(text: str) -> list[_Unit]:
    """Sentences of `text`; those over MAX_UNIT_WORDS are cut at clause (or, failing that, word) breaks."""
    units: list[_Unit] = []
    for ordinal, (start, end) in enumerate(spans(text)):
        sentence = text[start:end]
        before = start - 1
        while before >= 0 and text[before] in " \t":
            before -= 1
        lead = before < 0 or text[before] == "\n"
        glued = start > 0 and not text[start - 1].isspace()
        pieces = [sentence] if count_words(sentence) <= MAX_UNIT_WORDS else _cut(sentence)
        for n, piece in enumerate(pieces):
            units.append(
                _Unit(len(units), piece, count_words(piece), lead and n == 0, glued and n == 0, ordinal)
            )
    return units


def _cut(sentence: str) -> list[str]:
    """A long sentence as pieces of about CLAUSE_WORDS words, cut at clause breaks where possible."""
    chunks: list[str] = []
    for clause in _clauses(sentence):
        if chunks and count_words(chunks[-1]) + count_words(clause) <= CLAUSE_WORDS:
            chunks[-1] = f"{chunks[-1]} {clause}"
        else:
            chunks.append(clause)
    out: list[str] = []
    for chunk in chunks:
        words = chunk.split()
        if len(words) <= 2 * CLAUSE_WORDS:
            out.append(chunk)
        else:
            out.extend(" ".join(words[i : i + CLAUSE_WORDS]) for i in range(0, len(words), CLAUSE_WORDS))
    return out


def _clauses(sentence: str) -> list[str]:
    return [piece for piece in _CLAUSE_BREAK.split(sentence) if piece.strip()]


def _terms(text: str) -> list[str]:
    terms: list[str] = []
    for word in _WORD.findall(text.lower()):
        if _CJK.search(word):
            terms.extend(word[i : i + 2] for i in range(max(1, len(word) - 1)))
        elif word not in _STOPWORDS and (len(word) > 1 or word.isdigit()):
            terms.append(word)
    return terms


def _spare(units: list[_Unit], layout: Layout) -> set[int]:
    """Indexes of units that are page furniture, captions or headings: used only to reach the length."""
    furniture = {u.sentence for u in units if is_furniture(u.text, story=layout.story)}
    return {u.index for u in units if u.sentence in furniture or u.sentence in layout.headings}


def _scores(units: list[_Unit], layout: Layout, spare: set[int]) -> list[float]:
    """Word-frequency centrality, weighed by position (as the layout reads it), length and page furniture."""
    unit_terms = [_terms(u.text) for u in units]
    frequency = Counter(t for terms in unit_terms for t in terms)
    top = max(frequency.values(), default=1)
    rank = {n: k for k, n in enumerate(sorted({u.sentence for u in units if u.index not in spare}))}
    scores: list[float] = []
    for unit, terms in zip(units, unit_terms, strict=True):
        distinct = dict.fromkeys(terms)
        base = sum(frequency[t] / top for t in distinct) / math.sqrt(len(terms) + 1)
        length = 0.3 if unit.words < 6 else 0.8 if unit.words > 50 else 1.0
        if unit.index in spare:
            weight = FURNITURE_WEIGHT
        elif layout.story:  # news puts the gist first: the lead outweighs frequency, which breaks ties
            weight = 1.0 + STORY_LEAD * math.exp(-rank[unit.sentence] / STORY_DECAY)
        else:  # a report's opening is often a title page or background: only a light lead bonus
            weight = 1.0 + (0.2 if rank[unit.sentence] == 0 else 0.0) + (0.1 if unit.lead else 0.0)
            weight += 0.5 if unit.sentence in layout.summary else 0.0
        if unit.text.rstrip("\"”’'»)").endswith("?"):
            weight *= 0.5  # a summary states; a question (often rhetorical) rarely carries the gist
        if unit.text[:1] in "\"'“‘„«":
            weight *= QUOTE_WEIGHT
        scores.append(base * weight * length)
    return scores


def _stems(text: str) -> frozenset[str]:
    """Content terms with common English endings removed, for the near-duplicate test."""
    out = set()
    for term in _terms(text):
        for suffix in ("ing", "ed", "es", "s"):
            if len(term) > len(suffix) + 3 and term.endswith(suffix):
                term = term[: -len(suffix)]
                break
        out.add(term)
    return frozenset(out)


def _near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two units say nearly the same thing: NEAR_DUPLICATE of the smaller's content stems shared."""
    small = min(len(a), len(b))
    return small >= 3 and len(a & b) >= NEAR_DUPLICATE * small


def _distinct(
    units: list[_Unit], scores: list[float], candidates: list[int], *, words: int, spare: set[int]
) -> tuple[list[int], set[int]]:
    """`candidates` best first, each text once, and the positions demoted to the end of that order:
    spare units (furniture) and near duplicates of a better unit (a caption restating the lead), used
    only when nothing else reaches the length. Only the head of the ranking is compared: once the units
    kept reach three times `words`, the rest keep their score's order."""
    kept: list[int] = []
    demoted: list[int] = []
    kept_stems: list[frozenset[str]] = []
    seen: set[str] = set()
    total = 0
    for i in sorted(candidates, key=lambda i: (-scores[i], i)):
        key = " ".join(units[i].text.lower().split())
        if key in seen:
            continue
        seen.add(key)
        if units[i].index in spare:
            demoted.append(i)
            continue
        if total < 3 * words:
            stems = _stems(units[i].text)
            if any(_near_duplicate(stems, other) for other in kept_stems):
                demoted.append(i)
                continue
            kept_stems.append(stems)
        kept.append(i)
        total += units[i].words
    return kept + demoted, set(demoted)


def _select(units: list[_Unit], scores: list[float], *, target: int, spare: set[int]) -> list[_Unit]:
    """Best units whose total is within ±10% of `target` where possible, returned in source order."""
    low, high = 0.9 * target, 1.1 * target
    if sum(u.words for u in units) <= high:
        return list(units)
    ranked, demoted = _distinct(units, scores, list(range(len(units))), words=target, spare=spare)
    chosen: set[int] = set()
    total = 0
    for pool in ([i for i in ranked if i not in demoted], ranked):  # furniture and repeats as a last resort
        total = _greedy(units, pool, chosen, total, target=target, high=high)
        if total < low:
            total = _fill(units, scores, chosen, ranked, total, low=low, high=high, demoted=demoted)
        if total >= low:
            break
    if total < low:  # nothing lands in the window: take whatever brings us closest
        rest = [i for i in ranked if i not in chosen]
        best = min(rest, key=lambda i: (abs(target - total - units[i].words), -scores[i], i), default=None)
        if best is not None and (not chosen or abs(target - total - units[best].words) < target - total):
            chosen.add(best)
    return [units[i] for i in sorted(chosen)]


def _greedy(
    units: list[_Unit], order: list[int], chosen: set[int], total: int, *, target: int, high: float
) -> int:
    """Add units in `order` while the total is under `target` and stays within `high`; the new total."""
    for i in order:
        if total >= target:
            break
        if i not in chosen and total + units[i].words <= high:
            chosen.add(i)
            total += units[i].words
    return total


def _fill(
    units: list[_Unit],
    scores: list[float],
    chosen: set[int],
    candidates: list[int],
    total: int,
    *,
    low: float,
    high: float,
    demoted: set[int],
) -> int:
    """Reach the window by adding one more unit, or by swapping one chosen unit for another; demoted
    units (furniture, near duplicates) only when no other unit does it."""
    rest = [i for i in candidates if i not in chosen]
    for pool in ([i for i in rest if i not in demoted], rest):
        fits = [i for i in pool if low <= total + units[i].words <= high]
        if fits:
            best = fits[0]  # `candidates` is best first
            chosen.add(best)
            return total + units[best].words
        if len(pool) * max(1, len(chosen)) > 2_000_000:
            return total
        swaps = [
            (scores[r] - scores[c], -r, c, r)
            for c in sorted(chosen)
            for r in pool
            if low <= total - units[c].words + units[r].words <= high
        ]
        if swaps:
            _, _, out, into = max(swaps)
            chosen.discard(out)
            chosen.add(into)
            return total - units[out].words + units[into].words
    return total


def _split_one(chosen: list[_Unit]) -> bool:
    """Split the longest splittable unit at the clause break nearest its middle; False if none can be."""
    for position in sorted(range(len(chosen)), key=lambda i: (-chosen[i].words, i)):
        unit = chosen[position]
        clauses = _clauses(unit.text)
        if len(clauses) < 2:
            continue
        half = unit.words / 2
        sizes = [count_words(c) for c in clauses]
        cut = min(range(1, len(clauses)), key=lambda k: (abs(sum(sizes[:k]) - half), k))
        head, tail = " ".join(clauses[:cut]), " ".join(clauses[cut:])
        chosen[position : position + 1] = [
            _Unit(unit.index, head, count_words(head), unit.lead, unit.glued),
            _Unit(unit.index, tail, count_words(tail), False),
        ]
        return True
    return False


def _paragraphs(units: list[_Unit], paragraphs: int) -> tuple[str, ...]:
    """Cut `units` into `paragraphs` contiguous groups of nearly equal word counts."""
    count = min(paragraphs, len(units))
    cumulative = [0]
    for unit in units:
        cumulative.append(cumulative[-1] + unit.words)
    bounds = _balanced_bounds(cumulative, count) if len(units) <= 150 else _greedy_bounds(cumulative, count)
    return tuple(_join(units[a:b]) for a, b in itertools.pairwise(bounds))


def _greedy_bounds(cumulative: list[int], count: int) -> list[int]:
    """Cut points nearest to each k/count of the total (fast; fine when there are many units)."""
    n, total = len(cumulative) - 1, cumulative[-1]
    bounds = [0]
    for k in range(1, count):
        ideal = total * k / count
        first, last = bounds[-1] + 1, n - (count - k)
        bounds.append(min(range(first, last + 1), key=lambda b: (abs(cumulative[b] - ideal), b)))
    return [*bounds, n]


def _balanced_bounds(cumulative: list[int], count: int) -> list[int]:
    """Cut points minimising the squared deviation of group sizes from the mean (exact, O(count·n²))."""
    n = len(cumulative) - 1
    mean = cumulative[-1] / count
    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(count + 1)]
    back = [[0] * (n + 1) for _ in range(count + 1)]
    cost[0][0] = 0.0
    for k in range(1, count + 1):
        for end in range(k, n - (count - k) + 1):
            for start in range(k - 1, end):
                value = cost[k - 1][start] + (cumulative[end] - cumulative[start] - mean) ** 2
                if value < cost[k][end]:
                    cost[k][end], back[k][end] = value, start
    bounds = [n]
    for k in range(count, 0, -1):
        bounds.append(back[k][bounds[-1]])
    return bounds[::-1]


def _join(units: list[_Unit]) -> str:
    out = ""
    for unit in units:
        glue = "" if not out or unit.glued or out[-1] in _CJK_END else " "
        out += glue + unit.text
    return out
