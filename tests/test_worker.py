"""The generic worker against a real Redis, with a fake `JobHandler` (our own interface, as llm's MockModel
fakes a model): what each outcome of a job means for its queue entry and for the user."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable

import pytest
import redis.asyncio as aioredis
import redis.exceptions as redis_errors

from bot.errors import RetryLater
from bot.queue.jobs import Job
from bot.queue.stream import Queue
from bot.worker import CRASH_ATTEMPTS, GiveUp, Worker, outage
from tests.redis_server import RedisServer

LEASE_MS = 2000


class FakeHandler:
    """Plays a script of outcomes, one per run: "ok", "later" (RetryLater), "crash", or "slow"."""

    def __init__(self, *script: str, busy_give_ups: int = 0) -> None:
        self.script = list(script)
        self.runs: list[str] = []
        self.jobs: list[str] = []  # the id of each job run, in order
        self.given_up: list[tuple[str, GiveUp]] = []
        self.busy_give_ups = busy_give_ups  # give_up raises RetryLater this often (another worker posts)

    async def run(self, job: Job) -> None:
        step = self.script.pop(0) if self.script else "ok"
        self.runs.append(step)
        self.jobs.append(job.id)
        if step == "later":
            raise RetryLater("scripted")
        if step == "crash":
            raise KeyError("a bug")
        if step == "slow":
            await asyncio.sleep(5)

    async def give_up(self, job: Job, reason: GiveUp) -> None:
        if self.busy_give_ups:
            self.busy_give_ups -= 1
            raise RetryLater("another worker is posting")
        self.given_up.append((job.id, reason))


def job(n: int) -> Job:
    return Job(
        id=f"job{n}",
        kind="text",
        team="T",
        channel="C",
        message_ts="1.1",
        thread_ts="1.1",
        user="U",
        source="t",
    )


@pytest.fixture
async def queue(redis_url: str) -> AsyncIterator[Queue]:
    """A worker-side queue on an emptied database, its group created."""
    client = aioredis.Redis.from_url(redis_url)
    q = Queue(client, consumer="test-worker", lease_ms=LEASE_MS)
    await q.setup()
    yield q
    await client.aclose()


async def drain(queue: Queue, handler: FakeHandler, **options: float) -> Worker:
    worker = Worker(
        queue,
        handler,
        concurrency=4,
        max_attempts=int(options.get("max_attempts", 5)),
        deadline_seconds=options.get("deadline", 30),
    )
    await worker.run(burst=True)
    return worker


async def test_a_finished_job_leaves_the_queue(queue: Queue) -> None:
    """A handler that returns finishes the job: its entry is acknowledged and deleted."""
    await queue.enqueue(job(1))
    handler = FakeHandler("ok")
    await drain(queue, handler)
    assert handler.runs == ["ok"] and handler.given_up == []
    assert await queue.depth() == (0, 0)


async def test_retry_later_leaves_the_job_pending_until_the_lease_runs_out(queue: Queue) -> None:
    """`RetryLater` leaves the entry pending; after the lease the job runs again (and then finishes)."""
    await queue.enqueue(job(1))
    handler = FakeHandler("later", "ok")
    started = time.monotonic()
    await drain(queue, handler)
    assert handler.runs == ["later", "ok"] and handler.given_up == []
    assert time.monotonic() - started >= LEASE_MS / 1000
    assert await queue.depth() == (0, 0)


async def test_a_bug_is_tried_once_more_at_once_then_given_up(queue: Queue) -> None:
    """An unexpected exception: one immediate second start, then `give_up("crashed")`, well within a lease."""
    await queue.enqueue(job(1))
    handler = FakeHandler("crash", "crash", "ok")
    started = time.monotonic()
    await drain(queue, handler)
    assert handler.runs == ["crash"] * CRASH_ATTEMPTS
    assert handler.given_up == [("job1", "crashed")]
    assert time.monotonic() - started < LEASE_MS / 1000
    assert await queue.depth() == (0, 0)


async def test_a_bug_that_goes_away_finishes_the_job(queue: Queue) -> None:
    """A crash followed by success: the user gets the result, nothing is given up."""
    await queue.enqueue(job(1))
    handler = FakeHandler("crash", "ok")
    await drain(queue, handler)
    assert handler.runs == ["crash", "ok"] and handler.given_up == []


async def test_the_deadline_gives_the_job_up(queue: Queue) -> None:
    """A job past `deadline_seconds` is cancelled and given up with reason "deadline"."""
    await queue.enqueue(job(1))
    handler = FakeHandler("slow")
    await drain(queue, handler, deadline=0.2)
    assert handler.given_up == [("job1", "deadline")]
    assert await queue.depth() == (0, 0)


async def test_a_job_started_too_often_is_given_up_without_running(queue: Queue) -> None:
    """Past `max_attempts` starts (workers killed while running it), the job is only given up."""
    await queue.enqueue(job(1))
    for _ in range(3):
        await queue.attempt("job1")
    handler = FakeHandler("ok")
    await drain(queue, handler, max_attempts=3)
    assert handler.runs == [] and handler.given_up == [("job1", "attempts")]


async def test_a_job_whose_give_up_cannot_be_posted_yet_stays_queued(queue: Queue) -> None:
    """Giving up needs the reply posted too: while another worker holds the posting lock the entry stays
    pending (never acknowledged without a word to the user), and the give-up lands on a later start."""
    await queue.enqueue(job(1))
    for _ in range(3):
        await queue.attempt("job1")
    handler = FakeHandler(busy_give_ups=1)
    await drain(queue, handler, max_attempts=3)
    assert handler.given_up == [("job1", "attempts")]
    assert await queue.depth() == (0, 0)


async def until(predicate: Callable[[], bool], *, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


@pytest.mark.slow
async def test_after_an_outage_a_live_workers_job_is_not_taken_over(
    own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Redis is down for longer than the lease, so once it is back every running job looks abandoned. A
    worker that reconnects first waits twice lease/3 (the longest a live worker waits between tries)
    before taking over jobs: the live worker's job, renewed in that time, stays its own; the dead
    worker's job is taken over and run."""
    caplog.set_level(logging.INFO, logger="bot.worker")
    lease_ms = 4500
    client = aioredis.Redis.from_url(own_redis.url)
    alive, dead = (Queue(client, consumer=name, lease_ms=lease_ms) for name in ("alive", "dead"))
    await alive.setup()
    await alive.enqueue(job(1))
    (running,) = await alive.read(1, block_ms=100)
    await alive.enqueue(job(2))
    await dead.read(1, block_ms=100)
    handler = FakeHandler()
    other = Worker(
        Queue(client, consumer="other", lease_ms=lease_ms), handler, concurrency=4, max_attempts=5,
        deadline_seconds=30,
    )  # fmt: skip
    worker = asyncio.create_task(other.run())
    await asyncio.to_thread(own_redis.stop)
    down = time.monotonic()
    await until(lambda: time.monotonic() - down > lease_ms / 1000 + 0.5)  # the outage outlasts the lease
    await asyncio.to_thread(own_redis.start, appendonly=True)
    await until(lambda: "Redis is back" in caplog.text)

    async def renew() -> None:  # the live worker is back too, and renews its job as workers do
        while True:
            await alive.heartbeat([running.entry_id])
            await asyncio.sleep(lease_ms / 3000)

    renewing = asyncio.create_task(renew())
    await until(lambda: "job2" in handler.jobs)
    held = time.monotonic()
    await until(lambda: time.monotonic() - held > lease_ms / 1000)  # a few more beats of the worker's
    other.stop()
    await worker
    renewing.cancel()
    assert handler.jobs == ["job2"]
    await client.aclose()


@pytest.mark.parametrize(
    ("error", "waited_out"),
    [
        (redis_errors.ConnectionError("refused"), True),
        (redis_errors.TimeoutError("slow"), True),
        (redis_errors.ResponseError("NOGROUP No such key"), True),
        (redis_errors.ClusterDownError("CLUSTERDOWN The cluster is down"), True),
        (redis_errors.TryAgainError("TRYAGAIN"), True),
        (redis_errors.SlotNotCoveredError("slot 1 is not covered"), True),
        (redis_errors.ResponseError("WRONGTYPE Operation against a key"), False),
        (redis_errors.DataError("bad argument"), False),
    ],
)
def test_the_worker_waits_out_outages_and_failovers_but_not_bugs(error: Exception, waited_out: bool) -> None:
    """Redis down, restarted without its stream, or a cluster failing over: the loop waits and goes on;
    a wrong command is a bug and ends the worker loudly."""
    assert outage(error) is waited_out
