"""`bot.queue.model_limits`: the model's limits shared by every worker, against a real Redis, with two
clients standing for two workers (on two hosts)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from bot.errors import ServiceUnavailable
from bot.queue.model_limits import LIMITS_KEY, PAUSE_KEY, ModelLimits
from bot.summary.gate import Reservation, admit, ai_deadline
from tests.redis_server import free_port

LIMITS = ("requests_per_minute", "input_tokens_per_minute", "output_tokens_per_minute")


@pytest.fixture
async def clients(redis_url: str) -> AsyncIterator[tuple[aioredis.Redis, aioredis.Redis]]:
    """Two separate connections to the same Redis: two workers."""
    first, second = aioredis.Redis.from_url(redis_url), aioredis.Redis.from_url(redis_url)
    yield first, second
    await first.aclose()
    await second.aclose()


def pair(clients: tuple[aioredis.Redis, aioredis.Redis], **limits: int) -> tuple[ModelLimits, ModelLimits]:
    """The same limits, as each of two workers builds them from its settings."""
    return ModelLimits(clients[0], **limits), ModelLimits(clients[1], **limits)


async def redis_now(client: aioredis.Redis) -> float:
    """Redis's clock, the one the limiter's scripts read."""
    seconds, micros = await client.time()
    return seconds + micros / 1_000_000


async def test_requests_per_minute_are_shared(clients: tuple[aioredis.Redis, aioredis.Redis]) -> None:
    """Once one worker made the minute's requests, the other is told to wait for the next one to refill."""
    one, two = pair(clients, requests_per_minute=2)
    assert await one.reserve(input_tokens=10, output_tokens=10) == 0.0
    assert await one.reserve(input_tokens=10, output_tokens=10) == 0.0
    wait = await two.reserve(input_tokens=10, output_tokens=10)
    assert 0.0 < wait <= 30.0  # one request refills every 60/2 seconds


@pytest.mark.parametrize("limit", ["input_tokens_per_minute", "output_tokens_per_minute"])
async def test_token_limits_are_shared(clients: tuple[aioredis.Redis, aioredis.Redis], limit: str) -> None:
    """Tokens one worker reserved are gone for the other, who waits for the shortfall to refill."""
    one, two = pair(clients, **{limit: 6000})

    def tokens(n: int) -> dict[str, int]:
        counted = "input_tokens" if limit.startswith("input") else "output_tokens"
        return {"input_tokens": 0, "output_tokens": 0, counted: n}

    assert await one.reserve(**tokens(5000)) == 0.0
    wait = await two.reserve(**tokens(2000))
    assert 0.0 < wait <= 10.0  # 1000 short at 100 tokens a second
    assert await two.reserve(**tokens(500)) == 0.0  # what is left still fits


async def test_settle_gives_back_an_overestimate(clients: tuple[aioredis.Redis, aioredis.Redis]) -> None:
    """A call that used less than it reserved gives the rest back, and the other worker may go at once."""
    one, two = pair(clients, input_tokens_per_minute=6000, output_tokens_per_minute=6000)
    assert await one.reserve(input_tokens=5000, output_tokens=4000) == 0.0
    assert await two.reserve(input_tokens=3000, output_tokens=100) > 0.0
    await one.settle(Reservation(5000, 4000), input_tokens=1000, output_tokens=200)
    assert await two.reserve(input_tokens=3000, output_tokens=3000) == 0.0


async def test_settle_takes_an_underestimate(clients: tuple[aioredis.Redis, aioredis.Redis]) -> None:
    """A call that used more than it reserved takes the shortfall, so the other worker waits for it."""
    one, two = pair(clients, input_tokens_per_minute=6000)
    assert await one.reserve(input_tokens=1000, output_tokens=0) == 0.0
    await one.settle(Reservation(1000, 0), input_tokens=5500, output_tokens=0)
    assert await two.reserve(input_tokens=2000, output_tokens=0) > 0.0


async def test_a_call_bigger_than_the_limit_takes_the_whole_minute(
    clients: tuple[aioredis.Redis, aioredis.Redis],
) -> None:
    """A prompt larger than the per-minute limit still goes when the bucket is full, and empties it."""
    one, two = pair(clients, input_tokens_per_minute=1000)
    assert await one.reserve(input_tokens=50_000, output_tokens=0) == 0.0
    assert await two.reserve(input_tokens=500, output_tokens=0) > 0.0


async def test_zero_limits_are_off(clients: tuple[aioredis.Redis, aioredis.Redis]) -> None:
    """With every limit 0 any number of calls go at once and no bucket is stored."""
    one, two = pair(clients)
    for limits in (one, two) * 20:
        assert await limits.reserve(input_tokens=10**9, output_tokens=10**9) == 0.0
    await one.settle(Reservation(10**9, 10**9), input_tokens=1, output_tokens=1)
    assert await clients[0].exists(LIMITS_KEY) == 0


async def test_one_limit_off_does_not_hold_calls(clients: tuple[aioredis.Redis, aioredis.Redis]) -> None:
    """With only a requests limit, tokens are not counted at all."""
    one, two = pair(clients, requests_per_minute=100)
    assert await one.reserve(input_tokens=10**9, output_tokens=10**9) == 0.0
    assert await two.reserve(input_tokens=10**9, output_tokens=10**9) == 0.0


async def test_a_pause_holds_the_other_worker(clients: tuple[aioredis.Redis, aioredis.Redis]) -> None:
    """A pause set by one worker (limits off) makes the other wait until it ends, by Redis's clock."""
    one, two = pair(clients)
    await one.pause(30.0)
    wait = await two.reserve(input_tokens=1, output_tokens=1)
    assert 25.0 < wait <= 30.0
    ends = float(await clients[1].get(PAUSE_KEY) or 0)
    assert abs(ends - (await redis_now(clients[1]) + wait)) < 1.0


async def test_a_shorter_pause_does_not_cut_a_longer_one(
    clients: tuple[aioredis.Redis, aioredis.Redis],
) -> None:
    """A second 429 asking for less does not end the first one's longer pause early."""
    one, two = pair(clients)
    await one.pause(30.0)
    await two.pause(0.5)
    assert await two.reserve(input_tokens=1, output_tokens=1) > 25.0


async def test_a_paused_call_takes_nothing(clients: tuple[aioredis.Redis, aioredis.Redis]) -> None:
    """A call told to wait for a pause reserves nothing from the budgets."""
    one, two = pair(clients, requests_per_minute=1)
    await one.pause(30.0)
    assert await two.reserve(input_tokens=1, output_tokens=1) > 0.0
    await clients[0].delete(PAUSE_KEY)
    assert await two.reserve(input_tokens=1, output_tokens=1) == 0.0


async def test_admit_waits_for_the_pause_to_end(clients: tuple[aioredis.Redis, aioredis.Redis]) -> None:
    """`admit` sleeps until the other worker's pause is over, then reserves."""
    one, two = pair(clients)
    await one.pause(0.3)
    ends = float(await clients[0].get(PAUSE_KEY) or 0)
    reserved = await admit(two, input_tokens=7, output_tokens=9)
    assert reserved == Reservation(7, 9)
    assert await redis_now(clients[1]) >= ends


async def test_a_wait_past_the_deadline_is_a_busy_service(
    clients: tuple[aioredis.Redis, aioredis.Redis],
) -> None:
    """A wait that cannot end before the AI deadline raises ServiceUnavailable at once."""
    one, two = pair(clients)
    await one.pause(30.0)
    with pytest.raises(ServiceUnavailable):
        async with ai_deadline(5.0):
            await admit(two, input_tokens=1, output_tokens=1)


async def test_a_redis_failure_lets_the_call_through(caplog: pytest.LogCaptureFixture) -> None:
    """With Redis unreachable, calls go ahead (logged at WARNING) and nothing raises."""
    client = aioredis.Redis(port=free_port(), socket_connect_timeout=1, retry=Retry(NoBackoff(), 0))
    limits = ModelLimits(client, requests_per_minute=1, input_tokens_per_minute=1000)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.queue.model_limits"):
            assert await limits.reserve(input_tokens=10, output_tokens=10) == 0.0
            await limits.settle(Reservation(10, 10), input_tokens=1, output_tokens=1)
            await limits.pause(5.0)
            assert await admit(limits, input_tokens=10, output_tokens=10) == Reservation(10, 10)
    finally:
        await client.aclose()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 4 and all("going ahead" in r.getMessage() for r in warnings)
