"""The contract between the summary engine and a model that writes: one small protocol, and what a
call returns. `bot.summary.claude` is its one real implementation (and the only module that imports
`anthropic`); tests talk to it through a fake Messages API server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.models import Document, LengthPlan, Source, SummarySpec
from bot.summary.prompt import Part


@dataclass(frozen=True)
class ModelOutput:
    """One answer: its items parsed as the plan's form (with citation markers when the model cited the
    document), whether it hit the output limit, its usage, and the cited passages."""

    paragraphs: tuple[str, ...]
    truncated: bool
    input_tokens: int
    output_tokens: int
    cache_write_tokens: int = 0  # input written to the prompt cache (the document, on a first call)
    cache_read_tokens: int = 0  # input read from it (a re-ask or a follow-up about the same document)
    sources: tuple[Source, ...] = ()  # what the "[n]" markers in `paragraphs` cite

    @property
    def tokens(self) -> int:
        """Every token the call processed, as the API's usage counts them."""
        return self.input_tokens + self.cache_write_tokens + self.cache_read_tokens + self.output_tokens


class Live(Protocol):
    """Where an answer's words go while they are written (Slack's streaming, in production)."""

    async def text(self, delta: str) -> None:
        """Show `delta`, the next piece of the answer."""
        ...

    async def restart(self) -> None:
        """The answer is being written again from the start (a retry, a re-ask): show no more pieces;
        the finished reply replaces what was shown."""
        ...


class Writer(Protocol):
    """A model that writes summaries. Raises `ServiceUnavailable` (or its `AICredentialsError`) when the
    service keeps failing, `UserFacingError` when it refuses the content."""

    model: str

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
        """One summary of `doc` (or of one `part` of it, or a revision of `draft` fixing `problems`),
        its words shown on `live` as they come."""
        ...

    async def answer(self, docs: list[Document], *, question: str, live: Live | None = None) -> ModelOutput:
        """An answer to `question` from `docs` only, quoting what it relies on (one paragraph or a few)."""
        ...

    async def summarize_pdf(
        self, data: bytes, *, title: str | None, plan: LengthPlan, spec: SummarySpec
    ) -> ModelOutput:
        """A summary of a PDF read from its page images (a scan with no text layer)."""
        ...
