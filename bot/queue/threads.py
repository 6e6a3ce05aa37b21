"""What a thread's summaries were made from, kept in Redis so that follow-ups in the thread ("shorter",
"in French", "what does it say about the budget?") neither download nor extract again.

Per source: the job that loaded it (enough to load it again once the document expired or was too big
to keep), the extracted `Document` (JSON, zlib-compressed, at most `max_bytes`), and the words and
form of its last summary (what "shorter" is relative to). Everything lives `ttl_seconds` from the last
write. The web process only asks whether a thread has any (`ThreadIndex`); the worker reads and writes
(`ThreadStore`).
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.models import Document
from bot.queue import keys
from bot.queue.jobs import Job

if TYPE_CHECKING:
    import redis
    import redis.asyncio as aioredis


@dataclass(frozen=True)
class Shape:
    """How long a summary was, and in which form: what "shorter" and "longer" are relative to."""

    words: int
    form: str


@dataclass(frozen=True)
class Stored:
    """One source of a thread: how to load it again, its document if still kept, its last summary's shape."""

    job: Job
    document: Document | None
    shape: Shape | None


def _key(job: Job) -> str:
    return keys.thread(team=job.team, channel=job.channel, thread_ts=job.thread_ts)


class ThreadIndex:
    """The web process's question: did the bot summarize something in this thread (recently enough)?"""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def summarized(self, *, team: str, channel: str, thread_ts: str) -> bool:
        return bool(self.client.exists(keys.thread(team=team, channel=channel, thread_ts=thread_ts)))


class ThreadStore:
    """The worker's side: keep a summarized source, read a thread's sources back."""

    def __init__(self, client: aioredis.Redis, *, ttl_seconds: int, max_bytes: int) -> None:
        self.redis = client
        self.ttl_seconds = ttl_seconds
        self.max_bytes = max_bytes

    @property
    def enabled(self) -> bool:
        return self.ttl_seconds > 0

    async def keep(self, source: Job, document: Document | None, shape: Shape) -> None:
        """Remember `source` (a summarized job) for follow-ups in its thread."""
        if not self.enabled:
            return
        fields: dict[str, bytes | str] = {
            f"job:{source.source}": source.to_json(),
            f"shape:{source.source}": json.dumps(dataclasses.asdict(shape)),
        }
        packed = _pack(document) if document is not None else None
        if packed is not None and len(packed) <= self.max_bytes:
            fields[f"doc:{source.source}"] = packed
        key = _key(source)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)  # type: ignore[arg-type]
            pipe.expire(key, self.ttl_seconds)
            await pipe.execute()

    async def sources(self, followup: Job) -> list[Stored]:
        """The sources summarized in the follow-up's thread, in the order they were kept ([] if none)."""
        raw: dict[Any, Any] = await self.redis.hgetall(_key(followup))
        found: list[Stored] = []
        for name, value in raw.items():
            field = name.decode()
            if not field.startswith("job:"):
                continue
            source = field.removeprefix("job:")
            try:
                job = Job.from_json(value)
            except (ValueError, KeyError, TypeError):
                continue
            document = _unpack(raw.get(f"doc:{source}".encode()))
            shape = _shape(raw.get(f"shape:{source}".encode()))
            found.append(Stored(job=job, document=document, shape=shape))
        return found


def _pack(document: Document) -> bytes:
    return zlib.compress(json.dumps(dataclasses.asdict(document), ensure_ascii=False).encode(), 6)


def _unpack(value: bytes | None) -> Document | None:
    if value is None:
        return None
    try:
        data: dict[str, Any] = json.loads(zlib.decompress(value))
        return Document(**data)
    except (zlib.error, ValueError, TypeError):
        return None


def _shape(value: bytes | None) -> Shape | None:
    if value is None:
        return None
    try:
        data = json.loads(value)
        return Shape(words=int(data["words"]), form=str(data["form"]))
    except (ValueError, KeyError, TypeError):
        return None
