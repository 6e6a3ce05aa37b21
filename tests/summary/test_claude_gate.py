"""`Claude` behind the model's shared limits (`bot.queue.model_limits` in a real Redis), against the fake
Messages API: two clients stand for two workers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import anthropic
import pytest
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from bot.errors import ServiceUnavailable
from bot.models import OFFLINE_MODEL, Document, LengthPlan, SummarySpec
from bot.queue.model_limits import LIMITS_KEY, PAUSE_KEY, ModelLimits
from bot.retry import RetryPolicy
from bot.summary.claude import Claude
from bot.summary.engine import Engine
from bot.summary.gate import DEFAULT_PAUSE_SECONDS, MAX_PAUSE_SECONDS, pause_for
from tests.articles import PARAGRAPHS
from tests.fakes.anthropic_api import FakeAnthropic
from tests.redis_server import free_port

DOC = Document(text="\n\n".join(PARAGRAPHS[:2]), kind="text", label="your text")
PLAN = LengthPlan(words=80, paragraphs=2)
SPEC = SummarySpec()
ONCE = RetryPolicy(attempts=1)  # no retry of its own: the next call shows what the gate does


@pytest.fixture
async def redis_clients(redis_url: str) -> AsyncIterator[list[aioredis.Redis]]:
    """Two connections to the test's Redis, one per worker."""
    clients = [aioredis.Redis.from_url(redis_url) for _ in range(2)]
    yield clients
    for client in clients:
        await client.aclose()


def worker_claude(
    fake: FakeAnthropic, client: aioredis.Redis, *, policy: RetryPolicy | None = None, **limits: int
) -> Claude:
    """A worker's Claude client, behind the shared limits in `client`'s Redis."""
    sdk = anthropic.AsyncAnthropic(api_key="sk-test", base_url=fake.url, max_retries=0)
    return Claude(sdk, model="claude-sonnet-5-5", policy=policy, gate=ModelLimits(client, **limits))


@pytest.mark.parametrize(
    ("retry_after", "pause"),
    [(None, DEFAULT_PAUSE_SECONDS), (0.0, DEFAULT_PAUSE_SECONDS), (3.5, 3.5), (3600.0, MAX_PAUSE_SECONDS)],
)
def test_the_pause_follows_retry_after_within_bounds(retry_after: float | None, pause: float) -> None:
    """The shared pause is the API's retry-after, a default when it gave none, and never over the cap."""
    assert pause_for(retry_after) == pause


async def test_a_429_pauses_the_other_worker(
    claude: FakeAnthropic, redis_clients: list[aioredis.Redis]
) -> None:
    """A 429 with retry-after pauses every worker: another client's next request waits until it ends."""
    claude.fail_next(status=429, retry_after=1.5)
    first = worker_claude(claude, redis_clients[0], policy=ONCE)
    second = worker_claude(claude, redis_clients[1])
    with pytest.raises(ServiceUnavailable):
        await first.summarize(DOC, plan=PLAN, spec=SPEC)
    ends = float(await redis_clients[1].get(PAUSE_KEY) or 0)
    refused = claude.requests[0]["at"]
    assert ends >= refused + 1.5
    output = await second.summarize(DOC, plan=PLAN, spec=SPEC)
    assert output.paragraphs
    assert len(claude.requests) == 2 and claude.requests[1]["at"] >= ends


async def test_an_overloaded_stream_pauses_every_worker(
    claude: FakeAnthropic, redis_clients: list[aioredis.Redis]
) -> None:
    """An `overloaded_error` event inside a stream (no retry-after) sets the default shared pause."""
    claude.error_mid_stream()
    first = worker_claude(claude, redis_clients[0], policy=ONCE)
    with pytest.raises(ServiceUnavailable):
        await first.summarize(DOC, plan=PLAN, spec=SPEC)
    left = await redis_clients[1].pttl(PAUSE_KEY)
    assert 0 < left <= DEFAULT_PAUSE_SECONDS * 1000


async def test_a_pause_past_the_deadline_gives_the_offline_summary(
    claude: FakeAnthropic, redis_clients: list[aioredis.Redis]
) -> None:
    """A shared pause longer than the AI deadline degrades at once to offline, with no request sent."""
    await ModelLimits(redis_clients[0]).pause(60)
    engine = Engine(writer=worker_claude(claude, redis_clients[1]), ai_deadline_seconds=5)
    summary = await engine.summarize(DOC, spec=SPEC)
    assert summary.model == OFFLINE_MODEL
    assert "unavailable" in summary.notes[0]
    assert claude.requests == []


async def test_the_reservation_is_settled_with_the_reported_usage(
    claude: FakeAnthropic, redis_clients: list[aioredis.Redis]
) -> None:
    """After a call, the shared budgets hold what the API counted, not the call's generous estimate."""
    cap = 600  # 10 tokens a second refill: an unsettled reservation would show for a minute
    one = worker_claude(claude, redis_clients[0], input_tokens_per_minute=cap, output_tokens_per_minute=cap)
    output = await one.summarize(DOC, plan=PLAN, spec=SPEC)
    levels = await redis_clients[1].hmget(LIMITS_KEY, ["input", "output"])
    used_input, used_output = (cap - float(level or cap) for level in levels)
    assert 0 < used_input <= output.input_tokens + output.cache_write_tokens < cap
    assert 0 < used_output <= output.output_tokens < cap


async def test_a_redis_outage_does_not_fail_the_summary(claude: FakeAnthropic) -> None:
    """With the limiter's Redis unreachable, the summary is written as if there were no limits."""
    client = aioredis.Redis(port=free_port(), socket_connect_timeout=1, retry=Retry(NoBackoff(), 0))
    try:
        one = worker_claude(claude, client, requests_per_minute=1)
        assert (await one.summarize(DOC, plan=PLAN, spec=SPEC)).paragraphs
    finally:
        await client.aclose()
