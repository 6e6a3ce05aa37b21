"""Summary-quality benchmark: our offline summarizer beside lead-3 and LexRank, scored with ROUGE.

Usage: python bench/summaries.py [DATA_DIR] [--limit N]
Needs: pip install -e '.[bench]'   (rouge-score and sumy; neither downloads anything at run time)

DATA_DIR (default: ../shared/data/summaries beside the repository) holds `pairs.jsonl`: news articles
with the summaries their publishers wrote, in two styles (`cnn_dm` highlights, `xsum` one-sentence
introductions; see its README). Each system gets the same cleaned article (`clean_text`) and the same
sentence splitter (ours, `sentence_spans`):

- ours: `summarize_offline` with the plan the bot makes for "in 3 sentences";
- lead-3: the first three sentences;
- LexRank: sumy's `LexRankSummarizer` (English Snowball stemmer and stop words), three sentences. sumy's
  default tokenizer needs NLTK's punkt data, which is not downloaded here: it is given `OurTokenizer`
  below instead (sentences from our splitter, words from a regex).

Metric: ROUGE-1/2/L F1 (rouge-score, Porter stemming on, ×100), the mean over articles as the data's
README does, per style and overall. "Redundant" is the share of summaries with two sentences that say
nearly the same thing: the overlap coefficient of their content-word stems (|A∩B| / min(|A|, |B|),
stop words dropped) is at least 0.6, the shorter one having 4 or more. A second table asks every system
for the reference's median length in words (ours through the plan for "in N words"; lead and LexRank
add sentences in their order while that brings them nearer N) and shows how far from N each lands.
Prints figures; never fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bot.models import SummarySpec  # noqa: E402
from bot.summary.clean import clean_text, split_sentences  # noqa: E402
from bot.summary.offline import summarize_offline  # noqa: E402
from bot.summary.plan import plan_length  # noqa: E402
from bot.text import count_words  # noqa: E402

try:
    from rouge_score import rouge_scorer, tokenizers
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words
except ImportError:  # pragma: no cover - an optional extra
    rouge_scorer = None

DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "summaries"
METRICS = ("rouge1", "rouge2", "rougeL")
SYSTEMS = ("ours", "lead-3", "LexRank")
SENTENCES = 3
NEAR_DUPLICATE = 0.6  # overlap coefficient of content-word stems
MIN_CONTENT = 4  # the shorter sentence's content words for the comparison to count
_WORD = re.compile(r"[^\W_]+")

Summarizer = Callable[[str], list[str]]


class OurTokenizer:
    """sumy's tokenizer protocol on our own splitter: no NLTK data needed."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(_WORD.findall(sentence))


@dataclass
class Tally:
    """Per-article ROUGE F1, redundancy flags and length misses for one system on one style."""

    scores: dict[str, list[float]] = field(default_factory=lambda: {m: [] for m in METRICS})
    redundant: list[bool] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    off: list[float] = field(default_factory=list)  # |words − asked| / asked, for the length table


class Redundancy:
    """The near-duplicate measure: content-word stems of two sentences overlap by NEAR_DUPLICATE or more."""

    def __init__(self) -> None:
        self.tokenizer = tokenizers.DefaultTokenizer(use_stemmer=True)
        stop = get_stop_words("english")
        self.stop = {t for word in stop for t in self.tokenizer.tokenize(word)}

    def stems(self, sentence: str) -> set[str]:
        return {t for t in self.tokenizer.tokenize(sentence) if t not in self.stop}

    def redundant(self, sentences: Sequence[str]) -> bool:
        sets = [self.stems(s) for s in sentences]
        for a, b in combinations(sets, 2):
            small = min(len(a), len(b))
            if small >= MIN_CONTENT and len(a & b) / small >= NEAR_DUPLICATE:
                return True
        return False


class LexRank:
    """sumy's LexRank over our tokenizer; `top(text, count)` keeps the best sentences in source order."""

    def __init__(self) -> None:
        self.tokenizer = OurTokenizer()
        self.summarizer = LexRankSummarizer(Stemmer("english"))
        self.summarizer.stop_words = get_stop_words("english")

    def top(self, text: str, count: int | Callable[[Sequence[Any]], Sequence[Any]]) -> list[str]:
        document = PlaintextParser.from_string(text, self.tokenizer).document
        return [str(sentence) for sentence in self.summarizer(document, count)]


def nearest(items: Sequence[Any], asked: int, words: Callable[[Any], int]) -> list[Any]:
    """The leading items while each one brings the running total nearer `asked` words (at least one)."""
    chosen: list[Any] = []
    total = 0
    for item in items:
        size = words(item)
        if chosen and abs(total + size - asked) >= abs(total - asked):
            break
        chosen.append(item)
        total += size
    return chosen


def systems(lexrank: LexRank, *, asked: int | None) -> dict[str, Summarizer]:
    """The three systems, asked for SENTENCES sentences (`asked` None) or about `asked` words."""

    def ours(text: str) -> list[str]:
        spec = SummarySpec(sentences=SENTENCES) if asked is None else SummarySpec(words=asked)
        plan = plan_length(source_words=count_words(text), spec=spec)
        return split_sentences(" ".join(summarize_offline(text, plan=plan)))

    def lead(text: str) -> list[str]:
        sentences = split_sentences(text)
        return sentences[:SENTENCES] if asked is None else nearest(sentences, asked, count_words)

    def lexrank_summary(text: str) -> list[str]:
        if asked is None:
            return lexrank.top(text, SENTENCES)
        return lexrank.top(text, lambda infos: nearest(infos, asked, lambda i: count_words(str(i.sentence))))

    return {"ours": ours, "lead-3": lead, "LexRank": lexrank_summary}


def run(rows: list[dict[str, str]], *, asked: dict[str, int] | None) -> dict[str, dict[str, Tally]]:
    """Every system on every article; tallies by style ("all" too)."""
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    redundancy = Redundancy()
    lexrank = LexRank()
    by_style: dict[str | None, dict[str, Summarizer]] = {None: systems(lexrank, asked=None)}
    if asked is not None:
        by_style = {style: systems(lexrank, asked=n) for style, n in asked.items()}
    tallies: dict[str, dict[str, Tally]] = {}
    for row in rows:
        text = clean_text(row["article"])
        runners = by_style[None if asked is None else row["style"]]
        for name, summarize in runners.items():
            sentences = summarize(text)
            candidate = " ".join(sentences)
            scores = scorer.score(row["reference"], candidate)
            words = count_words(candidate)
            for style in (row["style"], "all"):
                tally = tallies.setdefault(style, {}).setdefault(name, Tally())
                for metric in METRICS:
                    tally.scores[metric].append(100 * scores[metric].fmeasure)
                tally.redundant.append(redundancy.redundant(sentences))
                tally.words.append(words)
                if asked is not None:
                    tally.off.append(abs(words - asked[row["style"]]) / asked[row["style"]])
    return tallies


def print_table(tallies: dict[str, dict[str, Tally]], *, title: str, length: bool) -> None:
    print(title)
    last = "words off (median)" if length else "redundant"
    print(f"  {'style':<7} {'n':>4}  {'system':<8} {'R-1':>6} {'R-2':>6} {'R-L':>6}  {'words':>5}  {last}")
    for style in sorted(tallies, key=lambda s: (s == "all", s)):
        for name in SYSTEMS:
            tally = tallies[style][name]
            n = len(tally.words)
            means = " ".join(f"{statistics.fmean(tally.scores[m]):6.2f}" for m in METRICS)
            if length:
                extra = f"{100 * statistics.median(tally.off):5.1f}%"
            else:
                extra = f"{100 * sum(tally.redundant) / n:5.1f}% ({sum(tally.redundant)})"
            label = style if name == SYSTEMS[0] else ""
            count = f"{n:>4}" if name == SYSTEMS[0] else " " * 4
            print(f"  {label:<7} {count}  {name:<8} {means}  {statistics.median(tally.words):>5.0f}  {extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="the first N articles of each style")
    args = parser.parse_args()
    if rouge_scorer is None:
        print("bench/summaries.py needs rouge-score and sumy: pip install -e '.[bench]'")
        return
    pairs = args.data / "pairs.jsonl"
    if not pairs.is_file():
        print(f"No {pairs}: nothing to measure (the data set is not shipped with the repository).")
        return
    rows: list[dict[str, str]] = [json.loads(line) for line in pairs.read_text("utf-8").splitlines() if line]
    if args.limit:
        styles = sorted({r["style"] for r in rows})
        rows = [r for s in styles for r in [x for x in rows if x["style"] == s][: args.limit]]
    warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"sumy\.")  # 0/0 on one-line texts
    print(f"{len(rows)} articles from {pairs}")
    print(
        f"Redundant: two sentences whose content-word stems overlap ≥ {NEAR_DUPLICATE:.0%} "
        f"(|A∩B| / min(|A|, |B|), the smaller with ≥ {MIN_CONTENT})"
    )
    print_table(
        run(rows, asked=None), title=f"\n{SENTENCES} sentences each (ROUGE F1 ×100, means)", length=False
    )
    asked = {
        style: round(statistics.median(count_words(r["reference"]) for r in rows if r["style"] == style))
        for style in sorted({r["style"] for r in rows})
    }
    title = "\nAsked for the references' median length: " + ", ".join(
        f"{s} {n} words" for s, n in asked.items()
    )
    print_table(run(rows, asked=asked), title=title, length=True)


if __name__ == "__main__":
    main()
