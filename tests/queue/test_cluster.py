"""Redis Cluster: every multi-key step keeps its keys in one slot, and the queue works through redis-py's
cluster clients against a real three-master cluster (`tests/redis_cluster.py`)."""

from __future__ import annotations

import ast
import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import cast

import pytest
import redis
import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster
from redis.cluster import RedisCluster
from redis.crc import key_slot
from redis.exceptions import RedisClusterException, ResponseError
from slack_sdk.web.async_client import AsyncWebClient

from bot.models import Document
from bot.queue import keys
from bot.queue.connect import RedisTarget, cluster_url
from bot.queue.feedback import FeedbackCounter
from bot.queue.jobs import Job, job_id
from bot.queue.limits import RateLimiter, TokenBudget
from bot.queue.lock import held
from bot.queue.model_limits import LIMITS_KEY, PAUSE_KEY, ModelLimits
from bot.queue.prefs import Asked, Prefs, SyncPrefs
from bot.queue.schedule import Due, Schedules
from bot.queue.stream import ENQUEUE_LUA, Delivery, Queue, SyncQueue, enqueue_args, enqueue_keys
from bot.queue.threads import Shape, ThreadStore
from bot.slack.live import LiveReply
from bot.slack.post import SlackPoster
from tests.fakes.slack_api import FakeSlack
from tests.harness import BOT_TOKEN

ROOT = Path(__file__).resolve().parents[2]
# Every call in bot/ and handlers/ that runs a script or a transaction (file: enclosing function), each
# run against the cluster by `test_every_multi_key_step_runs_on_the_cluster`. A new one must be added
# there too: the inventory test fails until it is.
MULTI_KEY_STEPS = {
    "bot/queue/stream.py": {"SyncQueue.__init__", "Queue.__init__", "Queue.ack", "Queue.attempt",
                            "Queue.finish_source"},
    "bot/queue/schedule.py": {"Schedules.__init__"},
    "bot/queue/lock.py": {"Held.confirm", "held"},
    "bot/queue/limits.py": {"RateLimiter.check", "TokenBudget.spend"},
    "bot/queue/threads.py": {"ThreadStore.keep"},
    "bot/queue/prefs.py": {"SyncPrefs.save"},
    "bot/queue/feedback.py": {"FeedbackCounter.count"},
    "bot/queue/model_limits.py": {"ModelLimits.__init__"},
    "bot/slack/post.py": {"SlackPoster._post_in_thread"},
    "bot/slack/live.py": {"LiveReply._start"},
}  # fmt: skip
MULTI_KEY_CALLS = {"register_script", "eval", "evalsha", "pipeline", "transaction", "multi"}


def job(n: int, *, team: str = "T1", channel: str = "C1", ts: str = "1.1") -> Job:
    return Job(
        id=job_id(team=team, channel=channel, ts=ts, source=f"text{n}"), kind="text", team=team,
        channel=channel, message_ts=ts, thread_ts=ts, user="U1", source=f"text{n}", text="hello",
    )  # fmt: skip


def multi_key_calls() -> dict[str, set[str]]:
    """Where the code calls `register_script`, `eval`, `pipeline`… (file → enclosing functions)."""
    found: dict[str, set[str]] = {}
    for path in sorted([*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for scope, node in _walk(tree, ""):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in MULTI_KEY_CALLS
            ):
                found.setdefault(str(path.relative_to(ROOT)), set()).add(scope)
    return found


def _walk(node: ast.AST, scope: str) -> Iterator[tuple[str, ast.AST]]:
    for child in ast.iter_child_nodes(node):
        inner = scope
        if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            inner = f"{scope}.{child.name}" if scope else child.name
        yield inner, child
        yield from _walk(child, inner)


def test_every_script_and_transaction_in_the_code_is_checked_here() -> None:
    """The inventory of scripts and transactions, read from the source, is the one run below."""
    assert multi_key_calls() == MULTI_KEY_STEPS


@pytest.mark.parametrize(
    ("team", "channel", "ts"),
    [("T1", "C1", "1.1"), ("T0FAKE", "D0XYZ", "1700000001.000100"), ("E1", "G1", ""), ("T{x}", "C}", "{")],
)
def test_multi_key_steps_keep_their_keys_in_one_slot(team: str, channel: str, ts: str) -> None:
    """The enqueue script's keys share the stream's slot; a request's user and channel counters share one."""
    for n in range(20):
        assert {key_slot(k.encode()) for k in enqueue_keys(job(n, team=team, channel=channel, ts=ts))} == {
            key_slot(keys.STREAM.encode())
        }
    counters = [
        keys.rate(scope=s, team=team, who=w, window=7) for s, w in (("user", "U9"), ("channel", channel))
    ]
    assert len({key_slot(k.encode()) for k in [*counters, *map(keys.rate_told, counters)]}) == 1
    assert keys.STREAM == "summarizer:jobs"  # the stream keeps its name: jobs in flight stay where they are


def test_cluster_flag_selects_the_cluster_clients() -> None:
    """`?cluster=true` picks RedisCluster (sync and asyncio) and leaves the rest of the URL as it was."""
    assert cluster_url("redis://h:7000/?cluster=true") == "redis://h:7000/"
    assert cluster_url("rediss://u:p@h:7000/0?ssl_cert_reqs=none&cluster=yes") == (
        "rediss://u:p@h:7000/0?ssl_cert_reqs=none"
    )
    assert cluster_url("redis://h:6379/0") is None and cluster_url("redis://h/?cluster=false") is None
    assert RedisTarget(url="redis://h:6379/0", socket_path=None).cluster is None


@pytest.fixture
def sync_client(cluster_url: str) -> Iterator[redis.Redis]:
    client = RedisTarget(url=cluster_url, socket_path=None).sync_client()
    assert isinstance(client, RedisCluster)
    yield client
    client.close()


@pytest.fixture
async def client(cluster_url: str) -> AsyncIterator[aioredis.Redis]:
    c = RedisTarget(url=cluster_url, socket_path=None).async_client(max_connections=8)
    assert isinstance(c, AsyncRedisCluster)
    yield c
    await c.aclose()


async def test_every_multi_key_step_runs_on_the_cluster(
    client: aioredis.Redis, sync_client: redis.Redis, slack: FakeSlack
) -> None:
    """Each script and transaction above runs on a real cluster (one spanning two slots would fail with
    CROSSSLOT, or redis-py would refuse it first)."""
    queue, web = Queue(client, consumer="w1", lease_ms=60_000), SyncQueue(sync_client)
    await queue.setup()
    assert web.enqueue(job(1)) and await queue.enqueue(job(2)) and web.known(job(1))
    assert await queue.attempt(job(1).id) == 1
    assert await queue.finish_source(job(1)) == 1
    for delivery in await queue.read(10, block_ms=100):
        await queue.ack(delivery.entry_id)
    assert await queue.depth() == (0, 0)

    schedules = Schedules(client)
    await schedules.put("T1:C1", "{}", at=100)
    (due,) = await schedules.due(now=100)
    digest = job(3, ts="100.000000")
    assert await schedules.fire(due, next_at=200, job=digest)
    assert await schedules.get("T1:C1") == ("{}", 200)
    assert await schedules.remove("T1:C1")

    async with held(client, keys.post_lock(job(1).id), ttl_ms=5000) as lock:
        assert lock.mine and await lock.confirm()
    await client.set(
        keys.posted(job(1).id), "1"
    )  # posted already: one pipelined read finds it, no Slack call
    await SlackPoster(cast("AsyncWebClient", None), client, lock_ms=5000).post_once(job(1), [])
    parent = slack.add_message("C1", text="hello")
    live = LiveReply(AsyncWebClient(token=BOT_TOKEN, base_url=slack.url + "/api/"), client, job(4, ts=parent))
    await live.text("The council approved the transit plan on Tuesday ")
    await live.settled()  # claimed, started, and its ts recorded in place of the claim
    assert live.ts is not None and await client.get(keys.live(job(4, ts=parent).id)) == live.ts.encode()
    await ThreadStore(client, ttl_seconds=60, max_bytes=10_000).keep(
        job(1), Document(text="words " * 50, kind="text", label="x", origin="pasted"), Shape(10, "paragraphs")
    )
    limiter = RateLimiter(sync_client, per_user=2, per_channel=5)
    assert limiter.check(team="T1", user="U1", channel="C1", jobs=2) is None
    refusal = limiter.check(team="T1", user="U1", channel="C1", jobs=1)  # over: the counts are given back
    assert refusal is not None and refusal.notify
    await TokenBudget(client, daily_tokens=10).spend("T1", 11)
    assert await TokenBudget(client, daily_tokens=10).exhausted("T1")
    assert FeedbackCounter(sync_client).count(team="T1", verdict="good") == 1
    SyncPrefs(sync_client).save("T1", "U1", {"preset": "brief", "language": "French"})
    await Prefs(client).record(
        "T1", "U1", job(1).id, Asked(at=1.0, kind="link", label="x", channel="C1", ok=True)
    )
    assert await Prefs(client).defaults("T1", "U1") == {"preset": "brief", "language": "French"}

    limits = ModelLimits(
        client, requests_per_minute=60, input_tokens_per_minute=1000, output_tokens_per_minute=1000
    )  # its scripts swallow Redis errors (the limiter never stops a call): look at what they wrote
    assert key_slot(LIMITS_KEY.encode()) == key_slot(PAUSE_KEY.encode())
    assert await limits.reserve(input_tokens=10, output_tokens=10) == 0.0 and await client.exists(LIMITS_KEY)
    await limits.pause(30)
    assert await client.exists(PAUSE_KEY) and await limits.reserve(input_tokens=1, output_tokens=1) > 0


async def test_queue_on_the_cluster(client: aioredis.Redis, sync_client: redis.Redis) -> None:
    """Enqueue (deduplicated), a blocking read woken by a new job, lease renewal, reclaim after the lease,
    ack: the queue's whole contract through the cluster clients."""
    dead = Queue(client, consumer="dead", lease_ms=300)
    alive = Queue(client, consumer="alive", lease_ms=300)
    await dead.setup()
    await alive.setup()  # the group exists already: fine
    reading = asyncio.create_task(dead.read(1, block_ms=10_000))
    await _until_blocked(sync_client)  # the read is waiting (XREADGROUP BLOCK) for a job
    web = SyncQueue(sync_client)
    assert web.enqueue(job(1)) is True
    assert web.enqueue(job(1)) is False and await alive.enqueue(job(1)) is False  # deduplicated
    (delivery,) = await asyncio.wait_for(reading, 5)
    assert delivery.job == job(1)
    await dead.heartbeat([delivery.entry_id])
    assert await alive.reclaim(10) == []  # still leased
    taken = await _wait_reclaimed(alive)
    assert taken.entry_id == delivery.entry_id and taken.job == job(1)
    await alive.ack(taken.entry_id)
    assert await alive.depth() == (0, 0)
    assert await alive.prune_consumers(idle_ms=0) == 2


async def test_a_period_fires_once_when_workers_race(client: aioredis.Redis) -> None:
    """Three workers firing one due schedule at once queue its job once and move it on once."""
    schedules = [Schedules(client) for _ in range(3)]
    await schedules[0].put("T1:C1", "{}", at=100)
    digest = job(9, ts="100.000000")
    fired = await asyncio.gather(
        *(s.fire(Due("T1:C1", "{}", 100), next_at=200, job=digest) for s in schedules)
    )
    assert sum(fired) == 1
    assert await client.xlen(keys.STREAM) == 1
    assert await schedules[0].get("T1:C1") == ("{}", 200)


async def _wait_reclaimed(queue: Queue) -> Delivery:
    """Reclaim until the lease has passed (polling, no fixed sleep)."""
    found: list[Delivery] = []

    async def poll() -> None:
        while not found:
            found.extend(await queue.reclaim(10))
            if not found:
                await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), 5)
    return found[0]


async def _until_blocked(client: redis.Redis) -> None:
    """Wait until a client is blocked on some node of the cluster."""
    assert isinstance(client, RedisCluster)

    async def poll() -> None:
        while not sum(
            i["blocked_clients"] for i in client.info("clients", target_nodes="primaries").values()
        ):
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), 5)


async def test_the_cluster_refuses_a_step_across_slots(client: aioredis.Redis) -> None:
    """What the tests above would catch: the enqueue script with its keys spelled as before the tags, and
    a transaction over two untagged counters, both fail on the cluster."""
    enqueue = client.register_script(ENQUEUE_LUA)
    untagged = [f"summarizer:job:{job(1).id}", keys.STREAM, "summarizer:msg:T1:C1:1.1:pending"]
    with pytest.raises((RedisClusterException, ResponseError)):
        await enqueue(keys=untagged, args=enqueue_args(job(1)))
    with pytest.raises((RedisClusterException, ResponseError)):
        async with client.pipeline(transaction=True) as pipe:
            pipe.incr("summarizer:rate:user:T1:U1:7")
            pipe.incr("summarizer:rate:channel:T1:C1:7")
            await pipe.execute()
