"""Pools sized from the work: the worker's Redis pool waits for a free connection instead of failing,
and its Slack calls share kept-alive connections."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.queue.connect import RedisTarget, pool_sizes

HOLD = 0.2  # each command holds its connection this long (a BLPOP that times out)


async def busy(client: aioredis.Redis, n: int) -> None:
    await asyncio.gather(*(client.blpop([f"nothing:{i}"], timeout=HOLD) for i in range(n)))


async def test_a_full_pool_waits_for_a_free_connection(redis_url: str) -> None:
    """Eight commands at once on two connections: all finish, in turns."""
    client = RedisTarget(url=redis_url, socket_path=None).async_client(max_connections=2)
    try:
        await busy(client, 8)
    finally:
        await client.aclose()


async def test_without_it_the_same_load_fails(redis_url: str) -> None:
    """The default pool raises "Too many connections" under the same load (what the blocking pool fixes)."""
    client = aioredis.Redis.from_url(redis_url, max_connections=2)
    try:
        with pytest.raises(RedisConnectionError, match="Too many connections"):
            await busy(client, 8)
    finally:
        await client.aclose()


def test_pools_grow_with_the_concurrency() -> None:
    redis_small, http_small = pool_sizes(32)
    redis_big, http_big = pool_sizes(256)
    assert redis_big >= 2 * 256 and http_big >= 256 and redis_small < redis_big and http_small < http_big
