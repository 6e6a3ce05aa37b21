"""Article-extraction benchmark: our `extract()` beside plain `trafilatura.extract()`, measured in one run.

Usage: python bench/extraction.py [DATA_DIR] [--limit N]

DATA_DIR (default: ../shared/data/extraction beside the repository, when there is one) holds
`html/<id>.html.gz` and `ground-truth.json` (`{id: {"articleBody": ..., "url": ...}}`): the public
scrapinghub/article-extraction-benchmark, which is not shipped here. The metric is the benchmark's own:
`\\w+` tokens, 4-token shingles counted as multisets, tp/fp/fn normalised per page, precision and recall
averaged over pages, F1 from those means. Prints figures; never fails on a slow machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from bot.errors import UserFacingError
from bot.extract import extract

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "extraction"
_TOKEN = re.compile(r"\w+")
_SHINGLE = 4


@dataclass
class Tally:
    """Per-page normalised (tp, fp, fn) and timings for one extractor."""

    name: str
    scores: list[tuple[float, float, float]] = field(default_factory=list)
    millis: list[float] = field(default_factory=list)
    empty: int = 0


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The multiset of 4-token shingles of `text` (a text shorter than 4 tokens is one short shingle)."""
    tokens = _TOKEN.findall(text)
    count = max(1, len(tokens) - _SHINGLE + 1)
    return Counter(tuple(tokens[i : i + _SHINGLE]) for i in range(count) if tokens[i : i + _SHINGLE])


def page_score(truth: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) over shingles, normalised to sum to 1 so that every page weighs the same."""
    expected, got = shingles(truth), shingles(predicted)
    tp = sum((expected & got).values())
    fp = sum((got - expected).values())
    fn = sum((expected - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def summary(scores: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(precision, recall, F1): means over pages where each is defined, F1 from the two means."""
    precisions = [_ratio(tp, fp, fn) for tp, fp, fn in scores if tp + fp > 0]
    recalls = [_ratio(tp, fn, fp) for tp, fp, fn in scores if tp + fn > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _ratio(hit: float, miss: float, other: float) -> float:
    if miss == other == 0:
        return 1.0
    return hit / (hit + miss) if hit + miss else 0.0


def ours(data: bytes, url: str | None) -> str:
    """Our pipeline as the bot runs it: raw bytes plus the Content-Type a server would send."""
    try:
        return extract(data, content_type="text/html", url=url).text
    except UserFacingError:
        return ""


def baseline(data: bytes, url: str | None) -> str:
    """trafilatura.extract() with its defaults, fed the page decoded as UTF-8 like the benchmark does."""
    return trafilatura.extract(data.decode("utf-8", errors="replace")) or ""


def run(data_dir: Path, *, limit: int | None) -> list[Tally]:
    """Run both extractors over every page (alternating which goes first) and score them."""
    truth: dict[str, dict[str, str]] = json.loads((data_dir / "ground-truth.json").read_text("utf-8"))
    ids = sorted(truth)[:limit]
    runners: list[tuple[Tally, Callable[[bytes, str | None], str]]] = [
        (Tally("summarizer extract()"), ours),
        (Tally("trafilatura.extract()"), baseline),
    ]
    warm = gzip.decompress((data_dir / "html" / f"{ids[0]}.html.gz").read_bytes())
    for _, function in runners:  # first calls pay for lazy imports and caches
        function(warm, None)
    for index, page_id in enumerate(ids):
        data = gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes())
        url = truth[page_id].get("url")
        for tally, function in runners if index % 2 == 0 else runners[::-1]:
            start = time.perf_counter()
            text = function(data, url)
            tally.millis.append((time.perf_counter() - start) * 1000)
            tally.empty += not text.strip()
            tally.scores.append(page_score(truth[page_id].get("articleBody", ""), text))
    return [tally for tally, _ in runners]


def main(argv: list[str] | None = None) -> int:
    """Print precision, recall, F1 and per-page latency for both extractors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (by id)")
    args = parser.parse_args(argv)
    if not (args.data_dir / "ground-truth.json").is_file():
        print(
            f"no ground-truth.json in {args.data_dir}. This bench needs the article-extraction-benchmark\n"
            "(github.com/scrapinghub/article-extraction-benchmark, MIT licence): its html/ folder and\n"
            "ground-truth.json. Pass that folder as DATA_DIR.",
            file=sys.stderr,
        )
        return 2
    tallies = run(args.data_dir, limit=args.limit)
    pages = len(tallies[0].scores)
    print(f"{pages} pages from {args.data_dir}")
    print(
        f"{'extractor':<24}{'precision':>10}{'recall':>8}{'F1':>7}{'median ms':>11}{'p95 ms':>8}{'empty':>7}"
    )
    for tally in tallies:
        precision, recall, f1 = summary(tally.scores)
        p95 = (
            statistics.quantiles(tally.millis, n=20, method="inclusive")[-1] if pages > 1 else tally.millis[0]
        )
        print(
            f"{tally.name:<24}{precision:>10.3f}{recall:>8.3f}{f1:>7.3f}"
            f"{statistics.median(tally.millis):>11.1f}{p95:>8.1f}{tally.empty:>7}"
        )
    ratio = statistics.median(tallies[0].millis) / statistics.median(tallies[1].millis)
    print(f"median time, ours / trafilatura: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
