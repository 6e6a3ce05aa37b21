"""Extraction benchmark: our `extract()` beside plain `trafilatura.extract()`, per dataset, in one run.

Usage: python bench/extraction.py [DATA_DIR ...] [--limit N]

Each DATA_DIR is either one dataset (a folder with `html/<id>.html.gz` and `ground-truth.json` or
`snippets.json`) or a folder holding datasets, searched two levels deep. The default is
../shared/data beside the repository: `extraction/` (the public scrapinghub/article-extraction-benchmark)
and the seven folders of `extraction-more/`; none of them is shipped here.

Full-text datasets (`ground-truth.json`, `{id: {"articleBody": ..., "url": ...}}`) use the
article-extraction-benchmark's metric: `\\w+` tokens, 4-token shingles counted as multisets, tp/fp/fn
normalised per page, precision and recall averaged over pages, F1 from those means. Snippet datasets
(`snippets.json`, `{id: {"with": [...], "without": [...]}}`, and wcxb's extra lists) use trafilatura's
own evaluation: a `with` string found is a hit, a `without` string found is a leak, counts summed over
pages. A second full-text table scores both extractors against the ground truth with its headline
excused: an opening line that repeats the page's title (as our extraction reads it), which some sets
count as content and the bot shows in the reply's header instead. Prints figures; never fails on a
slow machine.
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura

from bot.errors import UserFacingError
from bot.extract import extract
from bot.extract.html import without_headline

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
_TRUTH = "ground-truth.json"
_SNIPPETS = "snippets.json"
_TOKEN = re.compile(r"\w+")
_SHINGLE = 4
_NAMES = ("ours", "trafilatura")

Extractor = Callable[[bytes, str | None], tuple[str, str | None]]  # (text, title)


@dataclass
class Tally:
    """One extractor's results on a set of pages: normalised (tp, fp, fn), snippet counts, timings."""

    scores: list[tuple[float, float, float]] = field(default_factory=list)
    excused: list[tuple[float, float, float]] = field(default_factory=list)  # headline excused
    snippets: Counter[str] = field(default_factory=Counter)
    millis: list[float] = field(default_factory=list)
    empty: int = 0

    def add(self, other: Tally) -> None:
        """Pool `other`'s pages into this tally."""
        self.scores += other.scores
        self.excused += other.excused
        self.snippets.update(other.snippets)
        self.millis += other.millis
        self.empty += other.empty


@dataclass
class Result:
    """A dataset's tallies, one per extractor, overall and by page type (when the dataset has types)."""

    name: str
    full_text: bool
    tallies: dict[str, Tally]
    by_type: dict[str, dict[str, Tally]] = field(default_factory=dict)


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
    return precision, recall, _f1(precision, recall)


def snippet_counts(text: str, *, with_: Iterable[str], without: Iterable[str]) -> Counter[str]:
    """tp/fn for `with` snippets found/missing, fp/tn for `without` snippets found/absent (whitespace
    collapsed on both sides), as trafilatura's evaluation counts them."""
    flat = " ".join(text.split())
    counts: Counter[str] = Counter()
    for snippet in with_:
        counts["tp" if " ".join(snippet.split()) in flat else "fn"] += 1
    for snippet in without:
        counts["fp" if " ".join(snippet.split()) in flat else "tn"] += 1
    return counts


def snippet_summary(counts: Counter[str]) -> tuple[float, float, float, float]:
    """(precision, recall, F1, accuracy) from summed snippet counts."""
    tp, fp, fn, tn = counts["tp"], counts["fp"], counts["fn"], counts["tn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    total = tp + fp + fn + tn
    return precision, recall, _f1(precision, recall), (tp + tn) / total if total else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _ratio(hit: float, miss: float, other: float) -> float:
    if miss == other == 0:
        return 1.0
    return hit / (hit + miss) if hit + miss else 0.0


def ours(data: bytes, url: str | None) -> tuple[str, str | None]:
    """Our pipeline as the bot runs it (raw bytes plus the Content-Type a server would send): its text
    and the page's title."""
    try:
        document = extract(data, content_type="text/html", url=url)
    except UserFacingError:
        return "", None
    return document.text, document.title


def baseline(data: bytes, url: str | None) -> tuple[str, str | None]:
    """trafilatura.extract() with its defaults on the page decoded as UTF-8, as the datasets' READMEs do
    (no title: the headline is excused by the title our extraction reads)."""
    return trafilatura.extract(data.decode("utf-8", errors="replace"), url=url) or "", None


def headline_excused(truth: str, title: str | None) -> str:
    """`truth` without an opening line (once or twice) that repeats `title`, the rule our extraction
    applies to its own text."""
    return without_headline(re.sub(r"\n+", "\n\n", truth), title)


def find_datasets(roots: list[Path]) -> list[Path]:
    """Every dataset folder in `roots` (a root may be a dataset itself), in a stable order."""
    found: list[Path] = []
    for root in roots:
        candidates = [root, *sorted(root.glob("*/")), *sorted(root.glob("*/*/"))]
        found += [path for path in candidates if _is_dataset(path) and path not in found]
    return found


def _is_dataset(path: Path) -> bool:
    return (path / "html").is_dir() and ((path / _TRUTH).is_file() or (path / _SNIPPETS).is_file())


def _snippet_list(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def run(data_dir: Path, *, limit: int | None) -> Result:
    """Run both extractors over every page of one dataset (alternating which goes first) and score them."""
    full_text = (data_dir / _TRUTH).is_file()
    entries: dict[str, dict[str, Any]] = json.loads(
        (data_dir / (_TRUTH if full_text else _SNIPPETS)).read_text("utf-8")
    )
    ids = sorted(entries)[:limit]
    runners: list[tuple[str, Extractor]] = [("ours", ours), ("trafilatura", baseline)]
    result = Result(data_dir.name, full_text, {name: Tally() for name in _NAMES})
    for index, page_id in enumerate(ids):
        entry = entries[page_id]
        data = gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes())
        kind = entry.get("page_type")
        typed = result.by_type.setdefault(kind, {name: Tally() for name in _NAMES}) if kind else None
        outputs: dict[str, tuple[str, str | None, float]] = {}
        for name, function in runners if index % 2 == 0 else runners[::-1]:
            start = time.perf_counter()
            text, title = function(data, entry.get("url"))
            outputs[name] = (text, title, (time.perf_counter() - start) * 1000)
        truth = str(entry.get("articleBody", ""))
        excused = headline_excused(truth, outputs["ours"][1])
        for name, (text, _, millis) in outputs.items():
            page = Tally(millis=[millis], empty=int(not text.strip()))
            if full_text:
                page.scores.append(page_score(truth, text))
                page.excused.append(page_score(excused, text))
            page.snippets = snippet_counts(
                text, with_=_snippet_list(entry.get("with")), without=_snippet_list(entry.get("without"))
            )
            result.tallies[name].add(page)
            if typed is not None:
                typed[name].add(page)
    return result


def _times(tally: Tally) -> str:
    p95 = statistics.quantiles(tally.millis, n=20, method="inclusive")[-1] if len(tally.millis) > 1 else 0.0
    return f"{statistics.median(tally.millis):>6.0f}{p95:>6.0f}"


def _full_row(label: str, tallies: dict[str, Tally], width: int, *, excused: bool = False) -> str:
    cells = []
    for name in _NAMES:
        precision, recall, f1 = summary(tallies[name].excused if excused else tallies[name].scores)
        timing = "" if excused else f"{tallies[name].empty:>4}{_times(tallies[name])}"
        cells.append(f"{precision:>7.3f}{recall:>7.3f}{f1:>7.3f}{timing}")
    pages = len(tallies[_NAMES[0]].scores)
    return f"{label:<{width}}{pages:>6} |" + " |".join(cells)


def _snippet_row(label: str, tallies: dict[str, Tally], width: int) -> str:
    cells = []
    for name in _NAMES:
        precision, recall, f1, accuracy = snippet_summary(tallies[name].snippets)
        cells.append(f"{precision:>7.3f}{recall:>7.3f}{f1:>7.3f}{accuracy:>7.3f}")
    pages = len(tallies[_NAMES[0]].millis)
    return f"{label:<{width}}{pages:>6} |" + " |".join(cells)


def report(results: list[Result]) -> None:
    """Print the full-text table, the page-type table and the snippet table, ours beside trafilatura."""
    width = max([len(result.name) for result in results] + [20]) + 2
    head = f"{'P':>7}{'R':>7}{'F1':>7}{'emp':>4}{'ms50':>6}{'ms95':>6}"
    title = f"{'':<{width}}{'':>6} |{'ours':^37} |{'plain trafilatura':^37}"
    print(f"Shingle metric (full text)\n{title}\n{'dataset':<{width}}{'pages':>6} |{head} |{head}")
    pooled = {name: Tally() for name in _NAMES}
    timed = {name: Tally() for name in _NAMES}
    for result in results:
        for name in _NAMES:
            timed[name].millis += result.tallies[name].millis
            if result.full_text:
                pooled[name].add(result.tallies[name])
        if result.full_text:
            print(_full_row(result.name, result.tallies, width))
    if sum(result.full_text for result in results) > 1:
        print(_full_row("all full-text pages", pooled, width))
    for result in results:
        for kind, tallies in sorted(result.by_type.items()):
            print(_full_row(f"  {result.name}:{kind}", tallies, width))
    _excused_table([result for result in results if result.full_text], pooled, width)
    snippet_sets = [result for result in results if result.tallies[_NAMES[0]].snippets]
    if snippet_sets:
        head = f"{'P':>7}{'R':>7}{'F1':>7}{'acc':>7}"
        print("\nSnippet metric (recall: `with` strings found; precision falls as `without` strings leak)")
        print(f"{'':<{width}}{'':>6} |{'ours':^28} |{'plain trafilatura':^28}")
        print(f"{'dataset':<{width}}{'pages':>6} |{head} |{head}")
        for result in snippet_sets:
            print(_snippet_row(result.name, result.tallies, width))
    pages = len(timed[_NAMES[0]].millis)
    ratio = statistics.median(timed["ours"].millis) / statistics.median(timed["trafilatura"].millis)
    print(f"\nall {pages} pages, ms per page (median / p95): ours {_times(timed['ours'])},", end="")
    print(f" trafilatura {_times(timed['trafilatura'])}; median ours / trafilatura {ratio:.2f}x")


def _excused_table(results: list[Result], pooled: dict[str, Tally], width: int) -> None:
    """The full-text figures again, against each ground truth with its headline excused."""
    if not results:
        return
    head = f"{'P':>7}{'R':>7}{'F1':>7}"
    print("\nHeadline excused (a ground truth's opening line that repeats the page's title is not counted)")
    print(f"{'':<{width}}{'':>6} |{'ours':^21} |{'plain trafilatura':^21}")
    print(f"{'dataset':<{width}}{'pages':>6} |{head} |{head}")
    for result in results:
        print(_full_row(result.name, result.tallies, width, excused=True))
    if len(results) > 1:
        print(_full_row("all full-text pages", pooled, width, excused=True))


def main(argv: list[str] | None = None) -> int:
    """Find the datasets, run both extractors on each, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("data_dirs", nargs="*", type=Path, metavar="DATA_DIR")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (by id) of each set")
    args = parser.parse_args(argv)
    roots = args.data_dirs or [DEFAULT_DATA]
    datasets = find_datasets(roots)
    if not datasets:
        print(
            f"no dataset in {' '.join(map(str, roots))}. This bench needs folders\n"
            "with html/<id>.html.gz and ground-truth.json (or snippets.json), such as the\n"
            "article-extraction-benchmark (github.com/scrapinghub/article-extraction-benchmark, MIT).",
            file=sys.stderr,
        )
        return 2
    warm = next(iter(sorted((datasets[0] / "html").glob("*.html.gz"))))
    for function in (ours, baseline):  # first calls pay for lazy imports and caches
        function(gzip.decompress(warm.read_bytes()), None)
    results = []
    for dataset in datasets:
        print(f"reading {dataset} ...", file=sys.stderr)
        results.append(run(dataset, limit=args.limit))
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
