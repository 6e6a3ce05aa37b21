"""The one place that decides how a document gets summarized: by Claude when it is configured, within the
workspace's budget and answering; otherwise offline, with a footer note saying why. Scanned PDFs (no
text layer) are read by Claude from their page images, within the Messages API's limits.

Degraded mode: when the AI service keeps failing past its retries or `ai_deadline_seconds`, or rejects
the credentials, or the daily token budget is spent, the user still gets a summary: the offline
extractive one, with a note. The engine talks to a `Writer`, a `Budget` and a `SummaryCache` protocol,
so it imports no model SDK and no Redis client.

The summary cache: a model's summary that holds to its request is kept under a digest of the text, its
shape and the model (`bot.summary.cache`); the same content asked the same way again is answered from
it with no model call and no tokens spent, noted "cached" in the footer. Offline summaries are not kept
(they are cheap and deterministic), nor degraded, cut-off or off-contract ones. The cache is a nicety:
its failures are logged and the summary is made as if it were not there.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from typing import Protocol

from bot.errors import AICredentialsError, NoReadableText, ScannedDocument, ServiceUnavailable
from bot.models import OFFLINE_MODEL, Answer, Document, Summary, SummarySpec
from bot.summary.answer import answer_offline
from bot.summary.cache import CACHED_NOTE, SummaryCache, keepable, summary_key
from bot.summary.clean import sentence_spans
from bot.summary.gate import ai_deadline
from bot.summary.plan import TINY_WORDS, plan_length
from bot.summary.summarize import (
    DEFAULT_INPUT_BUDGET_TOKENS,
    DEFAULT_MAX_INPUT_WORDS,
    Progress,
    prepared,
    summarize,
)
from bot.summary.writer import Live, Writer
from bot.text import human_size

log = logging.getLogger(__name__)
PDF_MAX_PAGES = 100  # the Messages API's limits for a PDF document block
PDF_MAX_BYTES = 23_000_000  # 32 MB per request: base64 makes 23 MB about 31 MB
WORDS_PER_SCANNED_PAGE = 250  # what a scanned page is taken to hold when planning the summary's length
CACHE_SECONDS = 5.0  # a summary-cache read or write slower than this is given up (the cache is a nicety)


class Budget(Protocol):
    """Model tokens a workspace may spend per day (`bot.queue.limits.TokenBudget` in production)."""

    async def exhausted(self, team: str) -> bool:
        """True when `team` has used its tokens for today."""
        ...

    async def spend(self, team: str, tokens: int) -> None:
        """Record `tokens` used by `team` today."""
        ...


@dataclass(frozen=True)
class Engine:
    """Summaries for the worker and the CLI: `writer` None means offline only; `cache` None, no summary
    cache."""

    writer: Writer | None
    budget: Budget | None = None
    cache: SummaryCache | None = None
    ai_deadline_seconds: float = 300.0
    max_input_words: int = DEFAULT_MAX_INPUT_WORDS
    input_budget_tokens: int = DEFAULT_INPUT_BUDGET_TOKENS

    @property
    def model(self) -> str:
        """The model id summaries come from, or "offline"."""
        return self.writer.model if self.writer is not None else OFFLINE_MODEL

    async def summarize(
        self,
        doc: Document,
        *,
        spec: SummarySpec,
        team: str = "",
        progress: Progress | None = None,
        live: Live | None = None,
    ) -> Summary:
        """`doc` summarized as `spec` asks: from the cache when the same was summarized lately, else by the
        writer when it can, otherwise offline with a note."""
        writer, note = self.writer, None
        key = None
        if writer is not None and self.cache is not None:  # offline summaries are cheap: never cached
            # a writer that cites (`Claude.citations`, which may turn off at run time) makes other summaries
            cites = bool(getattr(writer, "citations", False))
            key = self._cache_key(doc, spec=spec, model=f"{writer.model}|citations={cites}")
            cached = await _cached(self.cache, key)
            if cached is not None:
                await _show(cached, live)
                return cached
        if writer is not None and self.budget is not None and await self.budget.exhausted(team):
            writer, note = (
                None,
                "today's AI budget for this workspace is used up, so this is an offline summary",
            )
        if writer is not None:
            try:
                async with ai_deadline(self.ai_deadline_seconds):
                    summary = await self._run(doc, spec=spec, writer=writer, progress=progress, live=live)
                await self._spend(team, summary.tokens_used)
                if self.cache is not None and key is not None and keepable(summary):
                    await _keep(self.cache, key, summary)
                return summary
            except ServiceUnavailable as exc:
                log.warning("AI service unavailable, degrading to offline: %s", exc)
                note = _degraded_note(exc)
            except TimeoutError:
                log.warning("AI deadline passed, degrading to offline")
                note = "the AI service took too long, so this is an offline extractive summary"
        if live is not None and note:
            await live.restart()  # the writer's words so far are not the summary that will be posted
        summary = await self._run(doc, spec=spec, writer=None, live=None if note else live)
        return replace(summary, notes=(note, *summary.notes)) if note else summary

    async def answer(
        self, docs: list[Document], *, question: str, team: str = "", live: Live | None = None
    ) -> Answer:
        """An answer to a follow-up `question` from `docs` only: by the writer when it can (reading the
        documents' cached prompt), otherwise the offline answer (quoted source sentences), with a note."""
        ready = [prepared(doc, max_input_words=self.max_input_words)[0] for doc in docs]
        writer, note = self.writer, None
        if writer is not None and self.budget is not None and await self.budget.exhausted(team):
            writer, note = (
                None,
                "today's AI budget for this workspace is used up, so this is an offline answer",
            )
        if writer is not None:
            try:
                async with ai_deadline(self.ai_deadline_seconds):
                    output = await writer.answer(ready, question=question, live=live)
                await self._spend(team, output.tokens)
                if output.paragraphs:
                    return Answer(
                        paragraphs=output.paragraphs,
                        model=writer.model,
                        tokens_used=output.tokens,
                        cache_read_tokens=output.cache_read_tokens,
                    )
                note = "the AI service returned an empty answer, so this is an offline one"
            except ServiceUnavailable as exc:
                log.warning("AI service unavailable for a question, answering offline: %s", exc)
                note = _degraded_note(exc).replace("summary", "answer")
            except TimeoutError:
                note = "the AI service took too long, so this is an offline answer"
        notes = (note,) if note else ()
        return Answer(paragraphs=answer_offline(ready, question), model=OFFLINE_MODEL, notes=notes)

    async def summarize_scanned(
        self, scanned: ScannedDocument, *, spec: SummarySpec, team: str, label: str, url: str | None
    ) -> tuple[Document, Summary]:
        """A PDF with no text layer, read by the writer from the page images.

        Re-raises `scanned` (whose message says it looks like a scan) when offline, and raises
        NoReadableText when the file is beyond the API's PDF limits.
        """
        if self.writer is None:
            raise scanned
        if scanned.pages > PDF_MAX_PAGES or len(scanned.data) > PDF_MAX_BYTES:
            raise NoReadableText(
                f"This PDF has no text layer (it looks scanned), and at {scanned.pages} pages / "
                f"{human_size(len(scanned.data))} it is beyond what the AI service reads as images "
                f"({PDF_MAX_PAGES} pages, {human_size(PDF_MAX_BYTES)})."
            ) from None
        doc = Document(
            text="",
            kind="pdf",
            label=label,
            origin="link" if url else "file",
            url=url,
            pages=scanned.pages,
            notice="no text layer: the AI read the scanned pages",
        )
        plan = plan_length(source_words=scanned.pages * WORDS_PER_SCANNED_PAGE, spec=spec)
        output = await self.writer.summarize_pdf(scanned.data, title=None, plan=plan, spec=spec)
        summary = Summary(
            paragraphs=output.paragraphs,
            model=self.writer.model,
            source_words=0,
            notes=plan.notes,
            form=plan.form,
            tokens_used=output.input_tokens + output.output_tokens,
            input_tokens=output.input_tokens,
        )
        await self._spend(team, summary.tokens_used)
        return doc, summary

    async def _run(
        self,
        doc: Document,
        *,
        spec: SummarySpec,
        writer: Writer | None,
        progress: Progress | None = None,
        live: Live | None = None,
    ) -> Summary:
        return await summarize(
            doc,
            spec=spec,
            writer=writer,
            max_input_words=self.max_input_words,
            input_budget_tokens=self.input_budget_tokens,
            progress=progress,
            live=live,
        )

    async def _spend(self, team: str, tokens: int) -> None:
        if self.budget is not None:
            await self.budget.spend(team, tokens)

    def _cache_key(self, doc: Document, *, spec: SummarySpec, model: str) -> str:
        """The cache key of `doc` summarized as `spec` asks: read and planned as `summarize` does it.
        Raises NoReadableText when nothing is left (as `summarize` would)."""
        cleaned, words, _ = prepared(doc, max_input_words=self.max_input_words)
        read = min(words, self.max_input_words)
        sentences = len(sentence_spans(cleaned.text)) if read < 2 * TINY_WORDS else None
        plan = plan_length(source_words=read, spec=spec, source_sentences=sentences)
        return summary_key(doc=cleaned, words=words, plan=plan, spec=spec, model=model)


async def _cached(cache: SummaryCache, key: str) -> Summary | None:
    """The summary kept under `key`, as served again (noted "cached", no tokens), or None; a failing
    cache is a miss."""
    try:
        async with asyncio.timeout(CACHE_SECONDS):
            kept = await cache.get(key)
    except Exception as exc:  # the cache is a nicety: summarize as if it were not there
        log.warning("summary cache unavailable for a read, summarizing anew: %r", exc)
        return None
    if kept is None:
        return None
    log.info("summary %s served from the cache", key[:12])
    notes = kept.notes if CACHED_NOTE in kept.notes else (*kept.notes, CACHED_NOTE)
    return replace(kept, notes=notes, tokens_used=0, input_tokens=0)


async def _keep(cache: SummaryCache, key: str, summary: Summary) -> None:
    """Keep `summary` under `key`; a failing cache is logged and otherwise ignored."""
    try:
        async with asyncio.timeout(CACHE_SECONDS):
            await cache.put(key, summary)
    except Exception as exc:  # the summary is made; only its reuse is lost
        log.warning("summary cache unavailable for a write: %r", exc)


async def _show(summary: Summary, live: Live | None) -> None:
    """A summary that was not written just now shown on `live` paragraph by paragraph (as the offline
    summary is), so a streamed reply looks the same whichever way the summary came."""
    if live is None:
        return
    bullet = "• " if summary.form == "bullets" else ""
    for item in summary.paragraphs:
        await live.text(f"{bullet}{item}\n\n")


def _degraded_note(exc: ServiceUnavailable) -> str:
    if isinstance(exc, AICredentialsError):
        return (
            "the AI service rejected this bot's credentials (an admin should check ANTHROPIC_API_KEY), "
            "so this is an offline summary"
        )
    tried = f" (tried {exc.attempts} times)" if exc.attempts else ""
    return f"the AI service was unavailable{tried}, so this is an offline extractive summary"
