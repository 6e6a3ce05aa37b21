"""Summaries from Claude through the `anthropic` async client, streaming, with bounded retries. The only
module that imports `anthropic`.

The SDK's own retries are off (max_retries=0) so that `bot.retry` owns the policy: it caps the wait a
server may ask for, counts attempts for the user's message, and treats a mid-stream `error` event and a
dropped stream as retryable (the SDK does not).

With a `ModelGate` (`bot.summary.gate`), every call first waits at the limits shared by all workers
(reserving its estimated input tokens and its `max_tokens`), settles them with the usage the API
reports, and on a 429/529 (or a rate-limit/overloaded `error` event in a stream) pauses every worker
for the API's retry-after.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import logging
import re
import typing

import anthropic
import httpx2

from bot.errors import AICredentialsError, ServiceUnavailable, TransientError, UserFacingError
from bot.models import Document, LengthPlan, Source, SummarySpec
from bot.retry import RetryPolicy, retrying
from bot.summary.chunking import estimate_tokens
from bot.summary.citations import Cited, marked
from bot.summary.contract import parse_items
from bot.summary.gate import ModelGate, Reservation, admit, pause_for
from bot.summary.prompt import (
    MAX_ANSWER_WORDS,
    SYSTEM,
    Part,
    document_part,
    max_tokens_for,
    pdf_request,
    question_part,
    request_part,
)
from bot.summary.writer import Live, ModelOutput

log = logging.getLogger(__name__)

RETRYABLE_STREAM_ERRORS = {"overloaded_error", "api_error", "rate_limit_error", "timeout_error"}
PAUSING_STATUSES = {429, 529}  # the API is rate limiting or overloaded: every worker pauses
PAUSING_STREAM_ERRORS = {"rate_limit_error", "overloaded_error"}
PDF_TOKENS_PER_PAGE = 3000  # a page read as an image (text and picture), generously
_PDF_PAGE = re.compile(rb"/Type\s*/Page\b")
FALLBACK_MODEL = "claude-sonnet-5-5"
TIMEOUT_SECONDS = 300


def default_model() -> str:
    """The newest Sonnet in the installed `anthropic` SDK's model list that is not marked deprecated.

    The SDK lists models newest first. Falls back to a fixed id if the SDK layout changes.
    """
    try:
        from anthropic.resources.messages import messages as sdk_messages
        from anthropic.types.model import Model

        deprecated: dict[str, str] = getattr(sdk_messages, "DEPRECATED_MODELS", {})
        names = [a for arg in typing.get_args(Model) for a in typing.get_args(arg)]
        for name in names:
            if isinstance(name, str) and "sonnet" in name and name not in deprecated:
                return name
    except (ImportError, AttributeError):  # pragma: no cover - depends on SDK internals
        pass
    return FALLBACK_MODEL


def make_claude(
    *,
    api_key: str,
    base_url: str | None,
    model: str | None,
    citations: bool = True,
    gate: ModelGate | None = None,
    calls_at_once: int | None = None,
) -> Claude:
    """The worker's one Claude client (SDK retries off; `bot.retry` decides), for `model` or the default,
    behind `gate` (the limits shared with other workers) when given, making at most `calls_at_once`
    calls at a time (None: no local bound)."""
    client = anthropic.AsyncAnthropic(
        api_key=api_key,
        base_url=base_url,
        max_retries=0,
        timeout=TIMEOUT_SECONDS,
        # the SDK's aiohttp transport: the same API; a worker's CPU per job about a sixth lower (bench)
        http_client=anthropic.DefaultAioHttpClient(timeout=TIMEOUT_SECONDS),
    )
    return Claude(
        client, model=model or default_model(), citations=citations, gate=gate, calls_at_once=calls_at_once
    )


class CitationsRefused(Exception):
    """The API will not cite documents for this model or request: ask again without citations."""


class Claude:
    """One shared client for the worker's lifetime. With `citations`, a whole document is sent as a
    `document` block with citations enabled, and the answer comes back with "[n]" markers and the cited
    passages; where the API refuses citations, the client stops asking for them (and says nothing).
    With `calls_at_once`, a call waits for one of that many slots before it is admitted by the gate, so a
    worker may hold more jobs than it makes model calls (the others are fetched, parsed or posted)."""

    def __init__(
        self,
        client: anthropic.AsyncAnthropic,
        *,
        model: str,
        policy: RetryPolicy | None = None,
        citations: bool = True,
        gate: ModelGate | None = None,
        calls_at_once: int | None = None,
    ) -> None:
        self.client = client
        self.model = model
        self.policy = policy or RetryPolicy()
        self.citations = citations
        self.gate = gate
        self.slots = asyncio.Semaphore(calls_at_once) if calls_at_once else None

    def _document(self, doc: Document) -> anthropic.types.TextBlockParam | anthropic.types.DocumentBlockParam:
        """The whole document as Claude reads it (the same for a summary and a follow-up, so the second
        reads the first's cached prompt): a citable document block, or delimited text."""
        if not self.citations or doc.kind == "conversation":  # a conversation cites its messages by number
            return {"type": "text", "text": document_part(doc), "cache_control": {"type": "ephemeral"}}
        block: anthropic.types.DocumentBlockParam = {
            "type": "document",
            "source": {"type": "text", "media_type": "text/plain", "data": doc.text},
            "citations": {"enabled": True},
            "cache_control": {"type": "ephemeral"},
        }
        if doc.title:
            block["title"] = doc.title[:500]
        return block

    async def summarize(
        self,
        doc: Document,
        *,
        plan: LengthPlan,
        spec: SummarySpec,
        part: Part | None = None,
        draft: tuple[str, ...] = (),
        problems: tuple[str, ...] = (),
        live: Live | None = None,
    ) -> ModelOutput:
        """Stream one summary (or one part's, or a revision of `draft` fixing `problems`), parsed as
        `plan.form` asks. Raises ServiceUnavailable after the retry budget, UserFacingError on 4xx."""
        request = request_part(
            plan=plan,
            spec=spec,
            part=part,
            draft=draft,
            problems=problems,
            conversation=doc.kind == "conversation",
        )
        while True:
            # a whole document is cached for the re-ask and for follow-ups in the thread; a part is not
            document = self._document(doc)  # a part is cited like a whole (its offsets are moved on)
            if part is not None:
                document.pop("cache_control", None)
            content: list[anthropic.types.ContentBlockParam] = [document, {"type": "text", "text": request}]
            try:
                return await self._stream([{"role": "user", "content": content}], plan=plan, live=live)
            except CitationsRefused:
                log.warning("Anthropic refused citations for %s; summarizing without them", self.model)
                self.citations = False

    async def answer(self, docs: list[Document], *, question: str, live: Live | None = None) -> ModelOutput:
        """An answer from `docs` only. The documents are sent exactly as for their summary, so the cached
        prompt prefix is read instead of the whole document again."""
        plan = LengthPlan(words=MAX_ANSWER_WORDS, paragraphs=1)
        while True:
            blocks: list[anthropic.types.ContentBlockParam] = [self._document(d) for d in docs]
            blocks.append({"type": "text", "text": question_part(question, documents=len(docs))})
            try:
                return await self._stream(
                    [{"role": "user", "content": blocks}], plan=plan, live=live, cite=False
                )
            except CitationsRefused:
                self.citations = False

    async def summarize_pdf(
        self, data: bytes, *, title: str | None, plan: LengthPlan, spec: SummarySpec
    ) -> ModelOutput:
        """Summarize a PDF with no text layer by sending the file itself as a document block (Claude
        reads the pages as images). The caller checks the API's limits (32 MB, 100 pages) first."""
        document: anthropic.types.DocumentBlockParam = {
            "type": "document",
            "source": {
                "type": "base64",
                "media_type": "application/pdf",
                "data": base64.b64encode(data).decode(),
            },
        }
        if title:
            document["title"] = title
        request: anthropic.types.TextBlockParam = {"type": "text", "text": pdf_request(plan=plan, spec=spec)}
        return await self._stream([{"role": "user", "content": [document, request]}], plan=plan)

    async def _stream(
        self,
        messages: list[anthropic.types.MessageParam],
        *,
        plan: LengthPlan,
        live: Live | None = None,
        cite: bool = True,
    ) -> ModelOutput:
        """One streamed call with the retry policy; the answer parsed as `plan.form` asks, its words shown
        on `live` as they arrive (a retry tells `live` to stop: the finished reply replaces them)."""

        def give_up(attempts: int, _: TransientError) -> ServiceUnavailable:
            return ServiceUnavailable(
                f"The AI service is busy right now (I tried {attempts} times). "
                "Please try again in a few minutes.",
                attempts=attempts,
            )

        attempts = 0

        async def once() -> ModelOutput:
            nonlocal attempts
            attempts += 1
            if attempts > 1 and live is not None:
                await live.restart()
            return await self._call(
                messages, plan=plan, attempt=attempts, live=live if attempts == 1 else None, cite=cite
            )

        return await retrying(once, policy=self.policy, give_up=give_up, what="Anthropic")

    async def _call(
        self,
        messages: list[anthropic.types.MessageParam],
        *,
        plan: LengthPlan,
        attempt: int,
        live: Live | None,
        cite: bool = True,
    ) -> ModelOutput:
        """One streamed call, admitted by the gate first (if any); SDK errors become ours (TransientError
        for what a retry may fix). With `cite`, cited text blocks get their "[n]" markers and the output its
        sources. Holds one of the client's slots (if bounded) from admission to the answer's last event."""
        max_tokens = max_tokens_for(plan)
        reserved = None
        async with self.slots or contextlib.nullcontext():
            if self.gate is not None:
                estimate = estimate_tokens(SYSTEM) + _input_estimate(messages)
                reserved = await admit(self.gate, input_tokens=estimate, output_tokens=max_tokens)
            answer = await self._read(
                messages, max_tokens=max_tokens, reserved=reserved, attempt=attempt, live=live
            )
        if not answer.finished:  # the stream ended cleanly but early (a proxy cut it): ask again
            await self._failed(TransientError("stream ended early"), reserved)
            raise TransientError("the answer's stream ended before message_stop")
        output = self._output(answer, plan=plan, cite=cite)
        if self.gate is not None and reserved is not None:
            # cache reads do not count towards the API's input-tokens-per-minute limit; cache writes do
            await self.gate.settle(
                reserved,
                input_tokens=output.input_tokens + output.cache_write_tokens,
                output_tokens=output.output_tokens,
            )
        return output

    async def _read(
        self,
        messages: list[anthropic.types.MessageParam],
        *,
        max_tokens: int,
        reserved: Reservation | None,
        attempt: int,
        live: Live | None,
    ) -> Answer:
        """The call's stream read to its end (its words shown on `live`); SDK errors become ours."""
        answer = Answer()
        try:
            stream = await self.client.messages.create(
                model=self.model, max_tokens=max_tokens, system=SYSTEM, messages=messages, stream=True
            )
            async with stream:
                async for event in stream:
                    delta = answer.add(event)
                    if delta and live is not None:
                        await live.text(delta)
        except (anthropic.APIStatusError, anthropic.APIConnectionError, httpx2.TransportError) as exc:
            await self._failed(exc, reserved)
            raise self._error(exc, attempt=attempt) from None
        return answer

    async def _failed(self, exc: Exception, reserved: Reservation | None) -> None:
        """Tell the gate about a failed call: a 429/529 pauses every worker for the API's retry-after;
        a request the API refused before any work gives its tokens back (a broken stream keeps them)."""
        if self.gate is None:
            return
        if _pausing(exc):
            seconds = pause_for(_retry_after(exc))
            log.warning("Anthropic is rate limiting or overloaded: pausing every worker for %.1fs", seconds)
            await self.gate.pause(seconds)
        if reserved is not None and isinstance(exc, anthropic.APIStatusError) and exc.status_code != 200:
            await self.gate.settle(reserved, input_tokens=0, output_tokens=0)

    def _error(self, exc: Exception, *, attempt: int) -> Exception:
        """Our exception for an SDK error: TransientError for what a retry may fix."""
        if isinstance(exc, anthropic.AuthenticationError | anthropic.PermissionDeniedError):
            log.error("Anthropic rejected the API key: %s", type(exc).__name__)
            return AICredentialsError(attempts=attempt)
        if isinstance(exc, anthropic.BadRequestError):
            if self.citations and "citation" in str(exc.message).lower():
                return CitationsRefused()
            log.warning("Anthropic refused the request: %s", exc.message)
            return UserFacingError("The AI service couldn't process this content.")
        if isinstance(exc, anthropic.APIStatusError) and not _retryable_status(exc):
            log.warning("Anthropic error %s: %s", exc.status_code, exc.message)
            return UserFacingError("The AI service couldn't process this content.")
        return TransientError(type(exc).__name__, retry_after=_retry_after(exc))

    def _output(self, answer: Answer, *, plan: LengthPlan, cite: bool) -> ModelOutput:
        """The answer parsed as `plan.form` asks, with its usage (logged)."""
        sources: tuple[Source, ...] = ()
        if cite:
            text, sources = marked([(block.text, _cited(block.citations)) for block in answer.blocks])
        else:
            text = "".join(block.text for block in answer.blocks)
        output = ModelOutput(
            sources=sources,
            paragraphs=parse_items(text, plan.form),
            truncated=answer.stop_reason in {"max_tokens", "model_context_window_exceeded"},
            input_tokens=answer.input_tokens,
            output_tokens=answer.output_tokens,
            cache_write_tokens=answer.cache_write_tokens,
            cache_read_tokens=answer.cache_read_tokens,
        )
        log.info(
            "Claude usage: %d input, %d cache write, %d cache read, %d output tokens",
            output.input_tokens,
            output.cache_write_tokens,
            output.cache_read_tokens,
            output.output_tokens,
        )
        return output


@dataclasses.dataclass
class TextBlock:
    """One text block of an answer as its events built it."""

    text: str = ""
    citations: list[anthropic.types.TextCitation] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Answer:
    """An answer gathered from the raw stream events (`messages.create(stream=True)`): its text blocks
    with their citations, its stop reason and its usage. The SDK's `messages.stream()` helper builds the
    same and more (a snapshot of the whole message after every event, typed text events), at about a
    third of a worker's CPU per streamed job: this keeps only what a summary needs."""

    blocks: list[TextBlock] = dataclasses.field(default_factory=list)
    stop_reason: str | None = None
    finished: bool = False  # message_stop arrived
    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    _open: TextBlock | None = None

    def add(self, event: anthropic.types.RawMessageStreamEvent) -> str:
        """Take one event; return the text it adds ("" for any other event)."""
        if event.type == "content_block_delta":
            if self._open is None:
                return ""
            if event.delta.type == "text_delta":
                self._open.text += event.delta.text
                return event.delta.text
            if event.delta.type == "citations_delta":
                self._open.citations.append(event.delta.citation)
        elif event.type == "content_block_start":
            block = event.content_block
            self._open = TextBlock(block.text) if isinstance(block, anthropic.types.TextBlock) else None
            if self._open is not None:
                self.blocks.append(self._open)
        elif event.type == "message_start":
            self._usage(event.message.usage)
        elif event.type == "message_delta":
            self.stop_reason = event.delta.stop_reason or self.stop_reason
            self._usage(event.usage)
        elif event.type == "message_stop":
            self.finished = True
        return ""

    def _usage(self, usage: anthropic.types.Usage | anthropic.types.MessageDeltaUsage) -> None:
        """Counts as the API reports them: message_start's, then message_delta's cumulative ones."""
        self.input_tokens = usage.input_tokens or self.input_tokens
        self.output_tokens = usage.output_tokens or self.output_tokens
        self.cache_write_tokens = usage.cache_creation_input_tokens or self.cache_write_tokens
        self.cache_read_tokens = usage.cache_read_input_tokens or self.cache_read_tokens


def _cited(citations: list[anthropic.types.TextCitation] | None) -> list[Cited]:
    """The passages a text block cites: character ranges of a text document, pages of a PDF."""
    found: list[Cited] = []
    for citation in citations or []:
        if citation.type == "char_location":
            found.append(Cited(citation.cited_text, citation.start_char_index))
        elif citation.type == "page_location":
            found.append(Cited(citation.cited_text, 0, citation.start_page_number))
    return found


def _input_estimate(messages: list[anthropic.types.MessageParam]) -> int:
    """A generous estimate of the input tokens of `messages` (the system prompt not included): text by
    its size, a base64 PDF by its pages."""
    tokens = 0
    for message in messages:
        content = message["content"]
        for block in [content] if isinstance(content, str) else content:
            if isinstance(block, str):
                tokens += estimate_tokens(block)
            elif isinstance(block, dict):
                tokens += _block_estimate(dict(block))
    return tokens


def _block_estimate(block: dict[str, typing.Any]) -> int:
    """The input tokens of one content block (text, or a document from text or from a base64 PDF)."""
    if block.get("type") == "text":
        return estimate_tokens(str(block.get("text", "")))
    source = block.get("source")
    if block.get("type") != "document" or not isinstance(source, dict):
        return 0
    data = str(source.get("data", ""))
    if source.get("type") == "base64":
        pages = len(_PDF_PAGE.findall(base64.b64decode(data))) if data else 0
        return max(1, pages) * PDF_TOKENS_PER_PAGE
    return estimate_tokens(data) + estimate_tokens(str(block.get("title", "")))


def _pausing(exc: Exception) -> bool:
    """A 429/529, or a rate-limit/overloaded `error` event inside a stream (status 200)."""
    if not isinstance(exc, anthropic.APIStatusError):
        return False
    if exc.status_code in PAUSING_STATUSES:
        return True
    return exc.status_code == 200 and getattr(exc, "type", None) in PAUSING_STREAM_ERRORS


def _retryable_status(exc: anthropic.APIStatusError) -> bool:
    if exc.status_code in {408, 409, 429} or exc.status_code >= 500:
        return True
    # An `error` event inside a 200 stream: the SDK raises APIStatusError with status 200.
    return exc.status_code == 200 and getattr(exc, "type", None) in RETRYABLE_STREAM_ERRORS


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    if response is None:
        return None
    raw = response.headers.get("retry-after")
    try:
        return float(raw) if raw else None
    except ValueError:
        return None
