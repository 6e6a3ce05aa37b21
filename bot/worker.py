"""The generic worker: many jobs at once on one event loop, with leases, reclaim and graceful stop.

It knows the queue and a small `JobHandler` interface, nothing of Slack or of summarizing (as arq's
worker knows only functions). What each outcome means:
- the handler returns: the job is done; its entry is acknowledged;
- the handler raises `RetryLater` (or Redis fails): the entry stays pending and is run again after the
  lease (by this worker or another);
- the job passed its deadline or used up its attempts (starts, counting workers killed while running
  it): `give_up` is called once (the handler tells the user) and the entry is acknowledged;
- any other exception is a bug: logged once with its traceback, the job is started once more right
  away, and if that crashes too the job is given up (the user hears it within seconds, not leases).

Lifecycle: the process wiring creates clients once; `run()` reads new jobs and reclaims jobs whose
worker died (idle longer than the lease; after a Redis outage, only once live workers have had time to
reconnect and renew theirs), renews the lease of its own running jobs every lease/3, and
on `stop()` (SIGTERM) reads nothing more, lets running jobs finish within the grace period and leaves
the rest pending, so another worker takes them over. `run(burst=True)` drains the queue and returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from typing import Literal, Protocol

import redis.exceptions as redis
from redis.exceptions import ClusterDownError, RedisClusterException, TryAgainError

from bot.errors import RetryLater
from bot.queue.jobs import Job
from bot.queue.stream import Delivery, Queue

log = logging.getLogger(__name__)
GiveUp = Literal["deadline", "attempts", "crashed"]
Outcome = Literal["done", "later", "crashed"]  # acknowledge it; leave it pending; it raised a bug
CRASH_ATTEMPTS = 2  # a job that raises an unexpected exception is started at most this often
CRASH_RETRY_SECONDS = 1.0


class JobHandler(Protocol):
    """What the worker runs. `run` does one job to the end (its reply included) and raises `RetryLater`
    to be run again later; `give_up` is called once when the job will not be tried again."""

    async def run(self, job: Job) -> None:
        """Do `job`. Idempotent: a job may be run again after a crash and must not reply twice."""
        ...

    async def give_up(self, job: Job, reason: GiveUp) -> None:
        """Finish `job` without its result: the deadline passed, the attempts are spent, or it crashed."""
        ...


def consumer_name() -> str:
    """A name unique to this worker (host, pid, random), so each worker has its own pending list."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Worker:
    """Runs jobs from `queue` with `handler`, at most `concurrency` at once, each within its deadline."""

    def __init__(
        self,
        queue: Queue,
        handler: JobHandler,
        *,
        concurrency: int,
        max_attempts: int,
        deadline_seconds: float,
        grace_seconds: float = 25.0,
    ) -> None:
        self.queue = queue
        self.handler = handler
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.deadline_seconds = deadline_seconds
        self.grace_seconds = grace_seconds
        self.running: dict[str, asyncio.Task[None]] = {}
        self._stopping = asyncio.Event()
        self._next_beat = 0.0
        self._backoff_cap = min(self.queue.lease_ms / 3000, 10.0)  # the longest wait between tries
        self._reclaim_after = 0.0  # after an outage: when other workers' jobs may be taken over

    def stop(self) -> None:
        """Stop taking jobs (called from the SIGTERM handler). `run()` returns after the grace period."""
        self._stopping.set()

    async def run(self, *, burst: bool = False) -> None:
        """Process jobs until `stop()`; in burst mode, until the queue has nothing left to do.

        Redis going away does not end the loop: it waits (backing off up to lease/3, at most 10 s),
        reconnects, and re-creates the stream and group if a restarted Redis lost them. An outage longer
        than the lease leaves every running job looking abandoned, so after reconnecting a worker renews
        its own jobs at once but takes over other workers' jobs only after twice that longest wait: every
        worker still alive has reconnected and renewed by then, and only the dead ones' jobs are taken.
        """
        log.info("worker %s starting (concurrency %d)", self.queue.consumer, self.concurrency)
        backoff = 0.0
        ready = False
        while not self._stopping.is_set():
            try:
                if not ready:
                    await self.queue.setup()
                    await self.queue.prune_consumers()
                    ready, self._next_beat = True, 0.0
                    if backoff:
                        self._reclaim_after = asyncio.get_running_loop().time() + 2 * self._backoff_cap
                        log.info("Redis is back; worker resumed")
                if await self._step(burst=burst):
                    break
                backoff = 0.0
            except (redis.RedisError, RedisClusterException) as exc:
                if not outage(exc):
                    raise
                ready = False
                backoff = min(max(backoff * 2, 0.5), self._backoff_cap)
                log.warning("Redis unavailable (%s); retrying in %.1fs", type(exc).__name__, backoff)
                await self._pause(backoff)
        await self._drain()

    async def _step(self, *, burst: bool) -> bool:
        """One turn of the loop: renew/reclaim when due, read new jobs. True when burst mode is done."""
        now = asyncio.get_running_loop().time()
        if now >= self._next_beat:
            self._next_beat = now + self.queue.lease_ms / 3000
            await self._beat_and_reclaim()
        free = self.concurrency - len(self.running)
        got: list[Delivery] = []
        if free > 0:
            got = await self.queue.read(free, block_ms=100 if burst else 1000)
            for delivery in got:
                self._spawn(delivery)
        else:
            await asyncio.wait(list(self.running.values()), timeout=1, return_when=asyncio.FIRST_COMPLETED)
        return burst and not got and not self.running and await self._queue_idle()

    async def _pause(self, seconds: float) -> None:
        """Sleep, but wake at once on stop()."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    async def _queue_idle(self) -> bool:
        """True when no job is waiting or pending anywhere (burst mode also waits out dead workers' jobs)."""
        _, pending = await self.queue.depth()
        if pending:
            await asyncio.sleep(0.1)
        return pending == 0

    async def _beat_and_reclaim(self) -> None:
        """Renew our running jobs' lease and take over jobs of workers that stopped renewing theirs."""
        try:
            await self.queue.heartbeat(list(self.running))
            free = self.concurrency - len(self.running)
            if free > 0 and asyncio.get_running_loop().time() >= self._reclaim_after:
                for delivery in await self.queue.reclaim(free):
                    if delivery.entry_id not in self.running:
                        log.info("reclaimed job entry %s from a stopped worker", delivery.entry_id)
                        self._spawn(delivery)
        except (redis.ConnectionError, redis.TimeoutError):
            raise
        except Exception:  # anything else must not kill the loop; the next beat tries again
            log.exception("heartbeat/reclaim failed")

    def _spawn(self, delivery: Delivery) -> None:
        task = asyncio.create_task(self._handle(delivery), name=f"job-{delivery.entry_id}")
        self.running[delivery.entry_id] = task
        entry_id = delivery.entry_id

        def forget(_: asyncio.Task[None]) -> None:
            self.running.pop(entry_id, None)

        task.add_done_callback(forget)

    async def _handle(self, delivery: Delivery) -> None:
        job = delivery.job
        if job is None:
            log.error("dropping unreadable queue entry %s: %.200r", delivery.entry_id, delivery.raw)
            await self.queue.ack(delivery.entry_id)
            return
        try:
            outcome = await self._run(job)
        except redis.RedisError:
            log.warning("job %s: Redis unavailable; left for a later attempt", job.id)
            return
        if outcome == "later":
            return
        try:
            await self.queue.ack(delivery.entry_id)
        except redis.RedisError:  # stays pending; the re-run finds the reply already posted
            log.warning("job %s: could not acknowledge; it will be re-checked after the lease", job.id)

    async def _run(self, job: Job) -> Outcome:
        """Start `job` (counting the start), and once more right away if it crashed on a bug: an
        unexpected exception is not worth the lease's wait, nor more than `CRASH_ATTEMPTS` starts."""
        while True:
            attempt = await self.queue.attempt(job.id)
            outcome = await self._attempt(job, attempt)
            if outcome != "crashed":
                return outcome
            if attempt >= min(CRASH_ATTEMPTS, self.max_attempts):
                return "done" if await self._give_up(job, "crashed") else "later"
            if self._stopping.is_set():
                return "later"  # another worker runs it after the lease
            await self._pause(CRASH_RETRY_SECONDS)

    async def _attempt(self, job: Job, attempt: int) -> Outcome:
        """Run (or give up) `job` on its `attempt`-th start."""
        if attempt > self.max_attempts:
            log.error("job %s failed %d times; giving up", job.id, attempt - 1)
            return "done" if await self._give_up(job, "attempts") else "later"
        try:
            async with asyncio.timeout(self.deadline_seconds):
                await self.handler.run(job)
            return "done"
        except TimeoutError:
            log.warning("job %s passed its deadline", job.id)
            return "done" if await self._give_up(job, "deadline") else "later"
        except RetryLater as exc:
            log.info("job %s: %s; run again after the lease", job.id, exc)
        except redis.RedisError as exc:
            log.warning("job %s: Redis failed (%s); run again after the lease", job.id, type(exc).__name__)
        except Exception as exc:
            if attempt == 1:
                log.exception("job %s crashed (a bug); trying it once more", job.id)
            else:
                log.error("job %s crashed again (%s: %s)", job.id, type(exc).__name__, exc)
            return "crashed"
        return "later"

    async def _give_up(self, job: Job, reason: GiveUp) -> bool:
        """Let the handler finish `job` without a result. True when that worked (the job may be acked)."""
        try:
            await self.handler.give_up(job, reason)
        except (RetryLater, redis.RedisError):
            log.warning("job %s: could not give up now; run again after the lease", job.id)
            return False
        except Exception:
            log.exception("job %s: giving up failed", job.id)
        return True

    async def _drain(self) -> None:
        """Give running jobs the grace period; leave the rest pending for another worker."""
        await self._wait_for_running()
        with contextlib.suppress(redis.RedisError):
            await self.queue.prune_consumers(idle_ms=None)  # a clean exit leaves no consumer behind

    async def _wait_for_running(self) -> None:
        if not self.running:
            return
        log.info("waiting up to %.0fs for %d running jobs", self.grace_seconds, len(self.running))
        _, pending = await asyncio.wait(list(self.running.values()), timeout=self.grace_seconds)
        for task in pending:
            task.cancel()  # its entry stays pending in Redis and is reclaimed by another worker
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
            log.info("%d jobs returned to the queue", len(pending))


def outage(exc: Exception) -> bool:
    """True for a Redis error the worker waits out (Redis down or restarted without its stream, a
    cluster failing over); False for anything that is a bug."""
    if isinstance(exc, (ClusterDownError, TryAgainError, RedisClusterException)):
        return True
    if isinstance(exc, (redis.ConnectionError, redis.TimeoutError)):
        return True
    return isinstance(exc, redis.ResponseError) and "NOGROUP" in str(exc)
