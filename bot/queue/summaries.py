"""The summary cache on Redis: finished summaries as JSON under `keys.summary(<digest>)` for a TTL
(`SUMMARIZER_SUMMARY_CACHE_HOURS`), the digest computed by `bot.summary.cache.summary_key`. It implements
`bot.summary.cache.SummaryCache`; the engine treats its errors as misses."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bot.models import Source, Summary
from bot.queue import keys

if TYPE_CHECKING:
    import redis.asyncio as aioredis


class Summaries:
    """Summaries by digest, each kept `ttl_seconds` from when it was written."""

    def __init__(self, client: aioredis.Redis, *, ttl_seconds: int) -> None:
        self.client = client
        self.ttl_seconds = ttl_seconds

    async def get(self, key: str) -> Summary | None:
        """The summary kept under digest `key`, or None."""
        raw = await self.client.get(keys.summary(key))
        return None if raw is None else decode(raw)

    async def put(self, key: str, summary: Summary) -> None:
        """Keep `summary` under digest `key` for the TTL (replacing an older one)."""
        await self.client.set(keys.summary(key), encode(summary), ex=self.ttl_seconds)


def encode(summary: Summary) -> str:
    """`summary` as JSON (every field; its sources as objects)."""
    return json.dumps(
        {
            "paragraphs": list(summary.paragraphs),
            "model": summary.model,
            "source_words": summary.source_words,
            "notes": list(summary.notes),
            "tokens_used": summary.tokens_used,
            "form": summary.form,
            "input_tokens": summary.input_tokens,
            "sources": [{"number": s.number, "quote": s.quote, "page": s.page} for s in summary.sources],
        },
        ensure_ascii=False,
    )


def decode(raw: str | bytes) -> Summary:
    """The `Summary` that `encode` wrote. Raises ValueError (or KeyError, TypeError) on anything else."""
    data: dict[str, Any] = json.loads(raw)
    form = data["form"]
    if form not in ("paragraphs", "bullets", "sentences"):
        raise ValueError(f"not a summary form: {form!r}")
    return Summary(
        paragraphs=tuple(str(p) for p in data["paragraphs"]),
        model=str(data["model"]),
        source_words=int(data["source_words"]),
        notes=tuple(str(n) for n in data["notes"]),
        tokens_used=int(data["tokens_used"]),
        form=form,
        input_tokens=int(data["input_tokens"]),
        sources=tuple(
            Source(
                number=int(s["number"]),
                quote=str(s["quote"]),
                page=None if s["page"] is None else int(s["page"]),
            )
            for s in data["sources"]
        ),
    )
