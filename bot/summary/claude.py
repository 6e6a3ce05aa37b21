"""Summaries from Claude through the `anthropic` async client, streaming, with bounded retries.

The SDK's own retries are off (max_retries=0) so that this module owns the policy: it caps the wait a
server may ask for, counts attempts for the user's message, and treats a mid-stream `error` event and a
dropped stream as retryable (the SDK does not).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import random
from dataclasses import dataclass

import anthropic
import httpx2

from bot.errors import AICredentialsError, ServiceUnavailable, UserFacingError
from bot.models import Document, LengthPlan, SummarySpec
from bot.summary.contract import parse_items
from bot.summary.prompt import SYSTEM, Part, max_tokens_for, pdf_request, user_message

log = logging.getLogger(__name__)

RETRYABLE_STREAM_ERRORS = {"overloaded_error", "api_error", "rate_limit_error", "timeout_error"}


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts in all, exponential backoff with jitter, a cap on any single wait."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 20.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None and retry_after > 0:
            return min(float(retry_after), self.max_delay)
        backoff = min(self.base_delay * 2.0 ** (attempt - 1), self.max_delay)
        return float(backoff * (0.5 + random.random() / 2))


@dataclass(frozen=True)
class ModelOutput:
    paragraphs: tuple[str, ...]
    truncated: bool
    input_tokens: int
    output_tokens: int


class Claude:
    """One shared client for the worker's lifetime."""

    def __init__(
        self, client: anthropic.AsyncAnthropic, *, model: str, policy: RetryPolicy | None = None
    ) -> None:
        self.client = client
        self.model = model
        self.policy = policy or RetryPolicy()

    async def summarize(
        self,
        doc: Document,
        *,
        plan: LengthPlan,
        spec: SummarySpec,
        part: Part | None = None,
        draft: tuple[str, ...] = (),
        problems: tuple[str, ...] = (),
    ) -> ModelOutput:
        """Stream one summary (or one part's, or a revision of `draft` fixing `problems`), parsed as
        `plan.form` asks. Raises ServiceUnavailable after the retry budget, UserFacingError on 4xx."""
        content = user_message(doc, plan=plan, spec=spec, part=part, draft=draft, problems=problems)
        return await self._stream([{"role": "user", "content": content}], plan=plan)

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

    async def _stream(self, messages: list[anthropic.types.MessageParam], *, plan: LengthPlan) -> ModelOutput:
        """One streamed call with the retry policy; the answer parsed as `plan.form` asks."""
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self.client.messages.stream(
                    model=self.model, max_tokens=max_tokens_for(plan), system=SYSTEM, messages=messages
                ) as stream:
                    message = await stream.get_final_message()
                text = "".join(block.text for block in message.content if block.type == "text")
                return ModelOutput(
                    paragraphs=parse_items(text, plan.form),
                    truncated=message.stop_reason == "max_tokens",
                    input_tokens=message.usage.input_tokens,
                    output_tokens=message.usage.output_tokens,
                )
            except (anthropic.AuthenticationError, anthropic.PermissionDeniedError) as exc:
                log.error("Anthropic rejected the API key: %s", type(exc).__name__)
                raise AICredentialsError(attempts=attempt) from None
            except anthropic.BadRequestError as exc:
                log.warning("Anthropic refused the request: %s", exc.message)
                raise UserFacingError("The AI service couldn't process this content.") from None
            except (
                anthropic.RateLimitError,
                anthropic.InternalServerError,
                anthropic.APIConnectionError,
                anthropic.APIStatusError,
                httpx2.TransportError,
            ) as exc:
                if isinstance(exc, anthropic.APIStatusError) and not _retryable_status(exc):
                    log.warning("Anthropic error %s: %s", exc.status_code, exc.message)
                    raise UserFacingError("The AI service couldn't process this content.") from None
                if attempt >= self.policy.attempts:
                    log.warning("giving up on Anthropic after %d attempts: %s", attempt, type(exc).__name__)
                    raise ServiceUnavailable(
                        f"The AI service is busy right now (I tried {attempt} times). "
                        "Please try again in a few minutes.",
                        attempts=attempt,
                    ) from None
                wait = self.policy.delay(attempt, _retry_after(exc))
                log.info("Anthropic %s, retry %d in %.1fs", type(exc).__name__, attempt, wait)
                await asyncio.sleep(wait)


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
