"""From a `Document` and a request to a `Summary`: clean, plan, write (Claude or offline), check the contract.

The only I/O is the injected `Writer` (None means offline, extractive and deterministic). The model's
answer is counted against the plan (`bot.summary.contract`); when it misses, the writer is asked again
with the counts, at most `CONTRACT_REVISIONS` times, and the footer says if it still misses. A document over
the input budget is split on its structure (`bot.summary.chunking`), its parts summarized concurrently
and then combined: every word is read once, so the input tokens stay near the document's own size plus
a fixed cost per call. Citations survive both steps: each part is cited on its own (its offsets moved by
the part's place in the document), and the combined summary's markers point, through the parts'
sentences they cite, to the document's passages; a PDF's passages then get their pages.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.errors import NoReadableText
from bot.models import OFFLINE_MODEL, Document, LengthPlan, Source, Summary, SummarySpec
from bot.summary.chunking import estimate_tokens, split_spans
from bot.summary.citations import cite_extract, cleaned_page_starts, combine_parts, through, with_pages
from bot.summary.clean import clean_text, sentence_spans
from bot.summary.contract import problems
from bot.summary.faithfulness import unsupported
from bot.summary.language import guess_language, same_language
from bot.summary.offline import summarize_offline
from bot.summary.plan import TINY_WORDS, plan_length
from bot.summary.prompt import SYSTEM, Part
from bot.summary.writer import Live, ModelOutput, Writer
from bot.text import count_words

log = logging.getLogger(__name__)

DEFAULT_INPUT_BUDGET_TOKENS = 100_000
DEFAULT_MAX_INPUT_WORDS = 150_000
CONTRACT_REVISIONS = 1  # after the first answer, ask again at most this many times
MAX_CONCURRENT_PARTS = 4
PART_SHARE = 0.06  # a part's summary is at most this share of the part's words
MAX_UNVERIFIED = 8  # named in the footer at most
NOT_IN_SOURCE = (
    "it states what the document does not say: {} (correct each from the document, or leave it out)"
)
UNVERIFIED = "could not verify: {}"
PROMPT_OVERHEAD_TOKENS = estimate_tokens(SYSTEM) + 400  # system prompt + request text + tags, per call

Progress = Callable[[str], Awaitable[None]]


def truncate_words(text: str, limit: int) -> str:
    """The first `limit` words of `text`, keeping its line breaks."""
    count = 0
    for index, char in enumerate(text):
        if char.isspace() and index > 0 and not text[index - 1].isspace():
            count += 1
            if count >= limit:
                return text[:index]
    return text


def prepared(
    doc: Document, *, max_input_words: int = DEFAULT_MAX_INPUT_WORDS
) -> tuple[Document, int, list[str]]:
    """`doc` as the model reads it: cleaned, and cut at `max_input_words`; with its word count before the
    cut and a note when it was cut. A summary and a later question about the document read the same text
    (so the second reads the first one's cached prompt). Raises NoReadableText when nothing is left."""
    text, words = _cleaned(doc.text)
    if words == 0:
        raise NoReadableText()
    # a PDF's pages, found again in the cleaned text: citations count characters of what the model reads
    starts = cleaned_page_starts(doc.text, doc.page_starts, text) if doc.page_starts else None
    notes: list[str] = []
    if words > max_input_words:
        text = truncate_words(text, max_input_words)
        notes.append(f"read only the first {max_input_words:,} of {words:,} words (the bot's hard limit)")
    return replace(doc, text=text, page_starts=starts), words, notes


@functools.lru_cache(maxsize=16)
def _cleaned(text: str) -> tuple[str, int]:
    """`text` cleaned, and its words: remembered for the last few documents, as a job reads its document
    twice (for the summary cache's key, then for the summary)."""
    cleaned = clean_text(text)
    return cleaned, count_words(cleaned)


@dataclass
class _Usage:
    input_tokens: int = 0
    output_tokens: int = 0

    def add(self, output: ModelOutput) -> None:
        self.input_tokens += output.input_tokens + output.cache_write_tokens + output.cache_read_tokens
        self.output_tokens += output.output_tokens


async def summarize(
    doc: Document,
    *,
    spec: SummarySpec,
    writer: Writer | None,
    max_input_words: int = DEFAULT_MAX_INPUT_WORDS,
    input_budget_tokens: int = DEFAULT_INPUT_BUDGET_TOKENS,
    progress: Progress | None = None,
    live: Live | None = None,
) -> Summary:
    """Summarize `doc` as `spec` asks, within the planner's honest limits. Notes explain any compromise.

    `max_input_words` is a hard safety cap (words beyond it are not read, and the footer says so);
    `input_budget_tokens` is what one model call may take before the document is split into parts;
    `progress` receives short status texts ("is summarizing part 3 of 8…") while a long document is
    worked through; `live` the summary's words as they are written (paragraph by paragraph offline).
    """
    cleaned, words, notes = prepared(doc, max_input_words=max_input_words)
    text = cleaned.text
    read = min(words, max_input_words)
    sentences = len(sentence_spans(text)) if read < 2 * TINY_WORDS else None
    plan = plan_length(source_words=read, spec=spec, source_sentences=sentences)
    notes.extend(plan.notes)
    source_language = guess_language(text[:20_000])
    if writer is None:
        web = bool(doc.url and doc.url.startswith(("http://", "https://")))
        cite = web or bool(cleaned.page_starts)  # markers link into the page, or name a PDF's page
        summary = _offline(
            cleaned, plan=plan, source_words=words, source_language=source_language, notes=notes, cite=cite
        )
        if live is not None:
            bullet = "• " if summary.form == "bullets" else ""
            for item in summary.paragraphs:
                await live.text(f"{bullet}{item}\n\n")
        return summary
    usage = _Usage()
    if estimate_tokens(text) + PROMPT_OVERHEAD_TOKENS <= input_budget_tokens:
        output, missed, unverified = await _write(
            writer, cleaned, plan=plan, spec=spec, language=source_language, usage=usage, live=live
        )
    else:
        output, missed, unverified = await _long(
            writer,
            cleaned,
            plan=plan,
            spec=spec,
            language=source_language,
            usage=usage,
            budget=input_budget_tokens,
            progress=progress,
            notes=notes,
            live=live,
        )
    if output.truncated:
        notes.append("the model stopped at its output limit, so the end may be missing")
    if not output.paragraphs:
        raise NoReadableText("The AI service returned an empty summary. Please try again.")
    if missed:
        notes.append(f"the summary misses the request: {'; '.join(missed)}")
    if unverified:
        notes.append(UNVERIFIED.format(", ".join(unverified[:MAX_UNVERIFIED])))
    return Summary(
        paragraphs=output.paragraphs,
        model=writer.model,
        source_words=words,
        notes=tuple(notes),
        tokens_used=usage.input_tokens + usage.output_tokens,
        form=plan.form,
        input_tokens=usage.input_tokens,
        sources=with_pages(output.sources, cleaned),
    )


def _offline(
    doc: Document,
    *,
    plan: LengthPlan,
    source_words: int,
    source_language: str | None,
    notes: list[str],
    cite: bool = False,
) -> Summary:
    """The extractive summary, checked against the same contract (it cannot translate, and says so).
    With `cite`, each sentence carries a marker for the very sentence of the source it is (and its page,
    in a PDF)."""
    items = summarize_offline(doc.text, plan=plan)
    sources: tuple[Source, ...] = ()
    if cite and not plan.tiny:  # a gist of a tiny source is the source: nothing to point to
        items, sources = cite_extract(items, doc.text)
        sources = with_pages(sources, doc)
    if plan.language and not (source_language and same_language(plan.language, source_language)):
        notes.append(f"asked for {plan.language}; an offline summary keeps the source's language")
    missed = problems(items, replace(plan, language=None))
    if missed and items:
        notes.append(f"the source does not allow the exact shape: {'; '.join(missed)}")
    return Summary(
        paragraphs=items,
        model=OFFLINE_MODEL,
        source_words=source_words,
        notes=tuple(notes),
        form=plan.form,
        sources=sources,
    )


async def _write(
    writer: Writer,
    doc: Document,
    *,
    plan: LengthPlan,
    spec: SummarySpec,
    language: str | None,
    usage: _Usage,
    part: Part | None = None,
    live: Live | None = None,
) -> tuple[ModelOutput, list[str], list[str]]:
    """One summary held to the contract and to the source: asked again (bounded) with the counts it
    misses and the figures and names the document does not support; returns the answer, what it still
    misses of the request, and what it still says that the document does not. The first answer is shown
    on `live` as it is written; a re-ask is not (the finished reply replaces it)."""
    output = await writer.summarize(doc, plan=plan, spec=spec, part=part, live=live)
    usage.add(output)
    missed = problems(output.paragraphs, plan, source_language=language)
    unverified = _unverified(output.paragraphs, doc, plan=plan, language=language)
    for _ in range(CONTRACT_REVISIONS):
        if not (missed or unverified) or not output.paragraphs:
            break
        asks = [*missed, *([NOT_IN_SOURCE.format(", ".join(unverified))] if unverified else [])]
        log.info("summary misses its contract or the source (%s); asking again", "; ".join(asks))
        if live is not None:
            await live.restart()
        retry = await writer.summarize(
            doc, plan=plan, spec=spec, part=part, draft=output.paragraphs, problems=tuple(asks)
        )
        usage.add(retry)
        again = problems(retry.paragraphs, plan, source_language=language)
        still = _unverified(retry.paragraphs, doc, plan=plan, language=language)
        if retry.paragraphs and len(again) + len(still) <= len(missed) + len(unverified):
            output, missed, unverified = retry, again, still
    return output, missed, unverified


def _unverified(
    items: tuple[str, ...], doc: Document, *, plan: LengthPlan, language: str | None
) -> list[str]:
    """The summary's figures and names that the document does not support (`bot.summary.faithfulness`);
    names are not checked in a summary written in another language than the source's."""
    names = not plan.language or not language or same_language(plan.language, language)
    return unsupported(items, doc.text, check_names=names)


async def _long(
    writer: Writer,
    doc: Document,
    *,
    plan: LengthPlan,
    spec: SummarySpec,
    language: str | None,
    usage: _Usage,
    budget: int,
    progress: Progress | None,
    notes: list[str],
    live: Live | None = None,
) -> tuple[ModelOutput, list[str], list[str]]:
    """Summarize the parts concurrently, then combine them into the requested shape (again if needed);
    only the combining step is shown on `live`. The combined summary cites the document's passages
    behind the parts' sentences it cites (`bot.summary.citations.through`); when the parts' summaries
    themselves had to be split again, it cites nothing."""
    text, level = doc.text, 0
    while True:
        level += 1
        spans = split_spans(text, max_tokens=budget - PROMPT_OVERHEAD_TOKENS)
        parts = [text[a:b] for a, b in spans]
        if level == 1:
            notes.append(f"long document: summarized in {len(parts)} parts, then combined")
        summaries = await _parts(writer, doc, parts, plan=plan, spec=spec, usage=usage, progress=progress)
        text, backed = combine_parts(
            [(s.paragraphs, s.sources, a) for s, (a, _) in zip(summaries, spans, strict=True)]
        )
        if level > 1:  # its parts cite summaries of parts, not the document: nothing to trace back
            backed = ()
        if estimate_tokens(text) + PROMPT_OVERHEAD_TOKENS <= budget or level >= 3:
            break
    await _report(progress, f"is combining the summaries of {len(parts)} parts…")
    available = sum(count_words(p) for s in summaries for p in s.paragraphs)
    final = plan
    if plan.check_words and plan.words > 0.9 * available:
        final = replace(plan, words=max(10, math.floor(0.9 * available)))
        notes.append(f"aimed for {final.words:,} words, what the parts' summaries support")
    combined = replace(doc, text=text)
    output, missed, unverified = await _write(
        writer,
        combined,
        plan=final,
        spec=spec,
        language=language,
        usage=usage,
        part=Part(0, len(parts)),
        live=live,
    )
    if output.sources:  # they cite the parts' summaries: point them at the document's passages behind
        paragraphs, sources = through(output.paragraphs, output.sources, backed)
        output = replace(output, paragraphs=paragraphs, sources=sources)
    return output, missed, unverified


async def _parts(
    writer: Writer,
    doc: Document,
    parts: list[str],
    *,
    plan: LengthPlan,
    spec: SummarySpec,
    usage: _Usage,
    progress: Progress | None,
) -> list[ModelOutput]:
    """Each part's summary (cited within the part), in order; at most MAX_CONCURRENT_PARTS calls at once."""
    total = len(parts)
    gate = asyncio.Semaphore(MAX_CONCURRENT_PARTS)
    done = 0
    await _report(progress, f"is summarizing part 1 of {total}…")

    async def one(number: int, part: str) -> ModelOutput:
        nonlocal done
        part_words = count_words(part)
        words = max(30, min(round(1.5 * plan.words / total) + 50, round(PART_SHARE * part_words)))
        part_plan = LengthPlan(
            words=words, paragraphs=max(1, min(4, words // 120)), language=plan.language, check_words=False
        )
        async with gate:
            output = await writer.summarize(
                replace(doc, text=part), plan=part_plan, spec=spec, part=Part(number, total)
            )
        usage.add(output)
        done += 1
        if done < total:
            await _report(progress, f"is summarizing part {done + 1} of {total}…")
        return output

    tasks = [asyncio.create_task(one(n, p)) for n, p in enumerate(parts, 1)]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:  # one part failed (or we were cancelled): stop the others, raise the error as is
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


async def _report(progress: Progress | None, text: str) -> None:
    """Tell the user how far a long job is; a failing progress callback never fails the summary."""
    if progress is None:
        return
    try:
        await progress(text)
    except Exception:  # progress is cosmetic: log it and carry on
        log.warning("progress callback failed", exc_info=True)
