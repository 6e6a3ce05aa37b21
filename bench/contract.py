"""Contract benchmark: how often the offline summarizer meets the output contract, and what the
long-document path costs in input tokens against the document's own size.

Usage: python bench/contract.py [--extraction-data DIR] [--long-words N] [--budget TOKENS]

Pairs every instruction in `bench/data/contract/cases.json` with every document there (plus, when the
shared extraction data is present, its articles of 300+ words), plans and summarizes offline, and checks
the result with `bot.summary.contract.problems`. The long-document part runs `summarize` on a
synthetic report with a counting `Writer` (no network): it answers with the offline summary and
counts input tokens as the fake Messages API does (characters / 4). Prints figures; never fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bot.instructions.grammar import parse_request  # noqa: E402
from bot.models import Document, LengthPlan, SummarySpec  # noqa: E402
from bot.summary.clean import clean_text, sentence_spans  # noqa: E402
from bot.summary.contract import problems  # noqa: E402
from bot.summary.offline import summarize_offline  # noqa: E402
from bot.summary.plan import plan_length  # noqa: E402
from bot.summary.prompt import SYSTEM, user_message  # noqa: E402
from bot.summary.summarize import summarize  # noqa: E402
from bot.summary.writer import ModelOutput  # noqa: E402
from bot.text import count_words  # noqa: E402

CASES = REPO_ROOT / "bench" / "data" / "contract" / "cases.json"
DEFAULT_EXTRACTION = REPO_ROOT.parent / "shared" / "data" / "extraction"


def chars_over_4(text: str) -> int:
    return math.ceil(len(text) / 4)


class CountingModel:
    """A `Writer` stand-in: offline output, input tokens counted like the fake API."""

    model = "counting-stand-in"

    def __init__(self) -> None:
        self.calls: list[int] = []

    async def summarize(
        self, doc: Document, *, plan: LengthPlan, spec: SummarySpec, **kw: object
    ) -> ModelOutput:
        kw.pop("live", None)  # what the reader would see as it is written: not part of the prompt
        tokens = chars_over_4(SYSTEM + user_message(doc, plan=plan, spec=spec, **kw))  # type: ignore[arg-type]
        self.calls.append(tokens)
        paragraphs = summarize_offline(doc.text, plan=plan)
        out = sum(count_words(p) for p in paragraphs)
        return ModelOutput(paragraphs=paragraphs, truncated=False, input_tokens=tokens, output_tokens=out)


def load_documents(extraction: Path | None) -> dict[str, str]:
    data = json.loads(CASES.read_text())
    docs: dict[str, str] = {}
    for name, spec in data["documents"].items():
        if "path" in spec:
            text = (REPO_ROOT / spec["path"]).read_text(encoding="utf-8")
            docs[name] = text.split("\n", 1)[1] if spec.get("drop_first_line") else text
        else:
            docs[name] = spec["text"]
    if extraction and (extraction / "ground-truth.json").is_file():
        truth = json.loads((extraction / "ground-truth.json").read_text())
        for key, item in sorted(truth.items()):
            body = item.get("articleBody") or ""
            if count_words(body) >= 300:
                docs[f"extraction/{key}"] = body
    return docs


def contract_share(docs: dict[str, str], instructions: list[str]) -> None:
    met: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses: dict[str, Counter[str]] = defaultdict(Counter)
    for text in docs.values():
        cleaned = clean_text(text)
        words = count_words(cleaned)
        for line in instructions:
            spec, _ = parse_request(f"{line}\nBody.")
            sentences = len(sentence_spans(cleaned)) if words < 80 else None
            plan = plan_length(source_words=words, spec=spec, source_sentences=sentences)
            out = summarize_offline(cleaned, plan=plan)
            found = problems(out, plan)
            key: str = "tiny" if plan.tiny else plan.form
            total[key] += 1
            met[key] += not found
            for problem in found:
                misses[key][problem.split(",")[0].split(" not ")[0].rsplit(" ", 1)[-1]] += 1
    all_met, all_total = sum(met.values()), sum(total.values())
    print(f"Offline contract: {all_met}/{all_total} outputs meet it ({100 * all_met / all_total:.1f}%)")
    print(f"  over {len(docs)} documents × {len(instructions)} instructions")
    for name in sorted(total):
        extra = f"  misses: {dict(misses[name])}" if misses[name] else ""
        print(f"  {name:<11} {met[name]:>4}/{total[name]:<4} ({100 * met[name] / total[name]:.1f}%){extra}")


def long_document(words: int) -> str:
    docs = load_documents(None)
    base = [p for d in docs.values() for p in clean_text(d).split("\n") if count_words(p) > 10]
    out, size, section = [], 0, 0
    while size < words:
        section += 1
        out.append(f"# Section {section}")
        for n, paragraph in enumerate(base):
            out.append(f"Section {section}, note {n}: {paragraph}")
            size += count_words(out[-1])
    return "\n\n".join(out)


def long_path(words: int, budget: int) -> None:
    text = long_document(words)
    model = CountingModel()
    doc = Document(text=text, kind="markdown", label="report.md")
    summary = asyncio.run(
        summarize(doc, spec=SummarySpec(paragraphs=3, words=300), writer=model, input_budget_tokens=budget)  # type: ignore[arg-type]
    )
    doc_tokens = chars_over_4(clean_text(text))
    sent = sum(model.calls)
    overhead = chars_over_4(
        SYSTEM
        + user_message(
            Document(text="", kind="text", label="x"),
            plan=LengthPlan(words=300, paragraphs=3),
            spec=SummarySpec(),
        )
    )
    print(f"Long document: {count_words(text):,} words ≈ {doc_tokens:,} tokens (chars/4), budget {budget:,}")
    print(
        f"  calls: {len(model.calls)} ({len(model.calls) - 1} parts + combine); input tokens sent: {sent:,}"
    )
    print(
        f"  ratio sent/document: {sent / doc_tokens:.3f}; "
        f"(sent − calls × {overhead} overhead)/document: "
        f"{(sent - overhead * len(model.calls)) / doc_tokens:.3f}"
    )
    print(
        f"  largest call: {max(model.calls):,} tokens; final: {len(summary.paragraphs)} paragraphs, "
        f"{summary.words} words; notes: {'; '.join(summary.notes)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--extraction-data", type=Path, default=DEFAULT_EXTRACTION)
    parser.add_argument("--long-words", type=int, default=120_000)
    parser.add_argument("--budget", type=int, default=100_000)
    args = parser.parse_args()
    docs = load_documents(args.extraction_data)
    contract_share(docs, json.loads(CASES.read_text())["instructions"])
    long_path(args.long_words, args.budget)
    long_path(60_000, 8_000)


if __name__ == "__main__":
    main()
