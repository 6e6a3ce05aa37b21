"""`bot.queue.threads`: what a summarized thread remembers for follow-ups, in a real Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis
import redis.asyncio as aioredis

from bot.models import Document
from bot.queue.jobs import Job
from bot.queue.threads import Shape, ThreadIndex, ThreadStore

DOC = Document(
    text="The budget is 2.4 billion dollars. " * 50, kind="text", label="your text", origin="pasted"
)


def job(source: str = "text", thread_ts: str = "1.1") -> Job:
    return Job(
        id=f"j-{source}", kind="text", team="T", channel="C", message_ts="1.1", thread_ts=thread_ts,
        user="U", source=source, text="x",
    )  # fmt: skip


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    c = aioredis.Redis.from_url(redis_url)
    yield c
    await c.aclose()


async def test_a_kept_source_comes_back_whole(client: aioredis.Redis, redis_url: str) -> None:
    """The job, the document and the summary's shape come back; the web side sees the thread."""
    store = ThreadStore(client, ttl_seconds=60, max_bytes=1_000_000)
    await store.keep(job(), DOC, Shape(words=120, form="paragraphs"))
    (stored,) = await store.sources(job(thread_ts="1.1"))
    assert (stored.job, stored.document, stored.shape) == (job(), DOC, Shape(120, "paragraphs"))
    index = ThreadIndex(redis.Redis.from_url(redis_url))
    assert index.summarized(team="T", channel="C", thread_ts="1.1")
    assert not index.summarized(team="T", channel="C", thread_ts="9.9")
    assert 0 < await client.ttl("summarizer:thread:T:C:1.1") <= 60


async def test_a_document_over_the_cap_is_not_kept_but_its_source_is(client: aioredis.Redis) -> None:
    """Past `max_bytes` only the job is kept, so a follow-up loads the source again."""
    store = ThreadStore(client, ttl_seconds=60, max_bytes=10)
    await store.keep(job(), DOC, Shape(words=120, form="paragraphs"))
    (stored,) = await store.sources(job())
    assert stored.document is None and stored.job == job()


async def test_follow_ups_can_be_turned_off(client: aioredis.Redis) -> None:
    """With no days to keep, nothing is stored."""
    store = ThreadStore(client, ttl_seconds=0, max_bytes=1_000_000)
    await store.keep(job(), DOC, Shape(words=120, form="paragraphs"))
    assert await store.sources(job()) == []
