"""`bot.queue.lock`: a per-job lock that lives as long as its holder, against a real Redis."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from bot.queue.lock import held

KEY = "summarizer:job:test:post-lock"


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    c = aioredis.Redis.from_url(redis_url)
    yield c
    await c.aclose()


async def test_one_holder_at_a_time(client: aioredis.Redis) -> None:
    """While one block holds the lock, another cannot take it; after release it can."""
    async with held(client, KEY, ttl_ms=1000) as first, held(client, KEY, ttl_ms=1000) as second:
        assert (first.mine, second.mine) == (True, False)
    async with held(client, KEY, ttl_ms=1000) as again:
        assert again.mine
    assert not await client.exists(KEY)


async def test_a_live_holder_keeps_the_lock_past_its_ttl(client: aioredis.Redis) -> None:
    """A holder busy for three TTLs (a post waiting out Slack's rate limit) still holds the lock."""
    async with held(client, KEY, ttl_ms=300):
        await asyncio.sleep(0.9)
        async with held(client, KEY, ttl_ms=300) as other:
            assert not other.mine


async def test_a_dead_holders_lock_lapses_within_its_ttl(client: aioredis.Redis) -> None:
    """What a killed holder leaves (its token, no renewal) expires within the TTL, and can be taken."""
    await client.set(KEY, "token-of-a-killed-worker", px=300)
    started = time.monotonic()
    while True:
        async with held(client, KEY, ttl_ms=300) as lock:
            if lock.mine:
                break
        await asyncio.sleep(0.02)
    assert time.monotonic() - started < 2


async def test_only_the_holder_releases(client: aioredis.Redis) -> None:
    """A holder whose lock lapsed and was taken by another learns it (`confirm` is False) and does not
    delete the other's lock on exit."""
    async with held(client, KEY, ttl_ms=300) as lock:
        await client.set(KEY, "someone-else", px=5000)  # as if ours had lapsed and another took it
        assert not await lock.confirm()
    assert await client.get(KEY) == b"someone-else"
