"""Faithfulness-check benchmark: `bot.summary.faithfulness.unsupported` beside a naive exact-string check,
measured in one run on summaries built from real news articles.

Usage: python bench/faithfulness.py [PAIRS_JSONL] [--limit N]

PAIRS_JSONL (default: ../shared/data/summaries/pairs.jsonl beside the repository) holds news articles
with human reference summaries; it is not shipped here. For each article the bench builds:
- faithful summaries: three source sentences as they are ("extract"), and the same sentences reworded
  the way a model rewrites figures ("reworded": "5,000" → "5000" or "five thousand", "40 per cent" →
  "40%", "£1.6bn" → "1.6 billion pounds", "$3m" → "3 million dollars");
- unfaithful ones, each with one injected error: a changed number, a name swapped for a name from
  another article, an invented date (a year moved, or "in March 2031" added).
It prints each check's recall on injected errors (the error is among what it flags) and its false-alarm
rate on faithful summaries (it flags anything), per kind and overall, and for information the share of
the human reference summaries that each check flags (references are abstractive: many name facts from
beyond the article text). Targets: recall ≥ 0.9, false alarms ≤ 0.05. Prints figures; never fails.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Callable
from pathlib import Path

from bot.summary.clean import split_sentences
from bot.summary.faithfulness import unsupported

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "summaries" / "pairs.jsonl"
SEED = 20261130
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?!\d)|(?<![\w.,])\d+(?:\.\d+)?(?![\d,])")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_NAME = re.compile(r"(?<=[a-z,] )([A-Z][a-z]+ [A-Z][a-z]+)\b")
_CAPITAL = re.compile(r"\b[A-Z][\w'’-]+")
_SMALL = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}
Check = Callable[[list[str], str], list[str]]


def naive(items: list[str], source: str) -> list[str]:
    """The baseline: every digit string and capitalised word must appear verbatim in the source."""
    text = " ".join(items)
    claims = _NUMBER.findall(text) + [w for w in _CAPITAL.findall(text)]
    return [c for c in dict.fromkeys(claims) if c not in source]


def ours(items: list[str], source: str) -> list[str]:
    return unsupported(items, source)


def reword(text: str, rng: random.Random) -> str:
    """The same facts with figures written another way, as a model may write them."""
    text = re.sub(r"(\d+(?:\.\d+)?) per cent", r"\1%", text)
    text = re.sub(r"£(\d+(?:\.\d+)?)bn", r"\1 billion pounds", text)
    text = re.sub(r"£(\d+(?:\.\d+)?)m\b", r"\1 million pounds", text)
    text = re.sub(r"\$(\d+(?:\.\d+)?) ?(million|billion)", r"\1 \2 dollars", text)

    def number(match: re.Match[str]) -> str:
        raw = match.group(0)
        value = float(raw.replace(",", ""))
        if "," in raw:
            return raw.replace(",", "")
        if value in _SMALL and rng.random() < 0.5:
            return _SMALL[int(value)]
        return raw

    return _NUMBER.sub(number, text)


def inject(kind: str, summary: str, source: str, others: list[str], rng: random.Random) -> str | None:
    """`summary` with one error of `kind`, or None when it has nothing to change."""
    if kind == "number":
        numbers = [m for m in _NUMBER.finditer(summary) if not _YEAR.fullmatch(m.group(0))]
        if not numbers:
            return None
        match = rng.choice(numbers)
        value = float(match.group(0).replace(",", ""))
        changed = value + max(1, round(value * rng.choice([0.3, 0.5, 2.0])))
        new = f"{changed:,.0f}" if "," in match.group(0) else f"{changed:g}"
        return summary[: match.start()] + new + summary[match.end() :]
    if kind == "name":
        names = _NAME.findall(summary)
        strangers = [n for other in others for n in _NAME.findall(other) if n.split()[-1] not in source]
        if not names or not strangers:
            return None
        return summary.replace(rng.choice(names), rng.choice(strangers), 1)
    years = _YEAR.findall(summary)
    if years:
        year = rng.choice(years)
        return summary.replace(year, str(int(year) + rng.choice([-3, 2, 5])), 1)
    return summary.rstrip(".") + " in March 2031."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    if not args.pairs.exists():
        raise SystemExit(f"no data at {args.pairs} (see the docstring)")
    pairs = [json.loads(line) for line in args.pairs.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.limit:
        pairs = pairs[: args.limit]
    rng = random.Random(SEED)
    checks: dict[str, Check] = {"ours": ours, "naive exact string": naive}
    flagged: dict[tuple[str, str], list[bool]] = {}
    articles = [p["article"] for p in pairs]
    for n, pair in enumerate(pairs):
        source = pair["article"]
        sentences = [s for s in split_sentences(source) if 6 <= len(s.split()) <= 60]
        if len(sentences) < 3:
            continue
        extract = " ".join(sentences[:3])
        others = rng.sample(articles[:n] + articles[n + 1 :], 3)
        faithful = {"extract": extract, "reworded": reword(extract, rng)}
        for name, check in checks.items():
            for kind, text in faithful.items():
                flagged.setdefault((name, f"faithful: {kind}"), []).append(bool(check([text], source)))
            flagged.setdefault((name, "reference (info)"), []).append(
                bool(check([pair["reference"]], source))
            )
        for kind in ("number", "name", "date"):
            wrong = inject(kind, extract, source, others, rng)
            if wrong is None:
                continue
            for name, check in checks.items():
                before = set(check([extract], source))
                caught = bool(set(check([wrong], source)) - before)
                flagged.setdefault((name, f"error: {kind}"), []).append(caught)
    rows = sorted({row for _, row in flagged}, key=lambda r: (not r.startswith("error"), r))
    print(f"{len(pairs)} articles; share flagged (recall for errors, false alarms for faithful summaries)\n")
    print(f"{'summaries':<22}{'n':>6}" + "".join(f"{name:>22}" for name in checks))
    for row in rows:
        counts = [flagged.get((name, row), []) for name in checks]
        cells = "".join(f"{sum(c) / len(c):>22.3f}" if c else f"{'—':>22}" for c in counts)
        print(f"{row:<22}{len(counts[0]):>6}{cells}")
    for name in checks:
        errors = [x for (n, row), v in flagged.items() if n == name and row.startswith("error") for x in v]
        alarms = [x for (n, row), v in flagged.items() if n == name and row.startswith("faithful") for x in v]
        print(
            f"\n{name}: recall on injected errors {sum(errors) / len(errors):.3f} (target ≥ 0.9), "
            f"false alarms on faithful summaries {sum(alarms) / len(alarms):.3f} (target ≤ 0.05)"
        )


if __name__ == "__main__":
    main()
