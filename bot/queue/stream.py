"""The job queue: a Redis Stream with one consumer group, plus per-job keys for dedupe and idempotence.

Why hand-written (see README "Queue"): it is the only option measured that re-runs a killed worker's
jobs within 60 s on both the embedded Redis 6.2 and Redis 7 without tuning. Guarantees:
- `enqueue` is idempotent: a Lua script does SET NX on the job key and XADD together, atomically;
- a job stays pending in the group until `ack`; a worker renews the lease of its running jobs
  (`heartbeat`), and `reclaim` hands over jobs idle longer than the lease (their worker died);
- `attempt` counts deliveries, so a job that keeps crashing workers is given up after N tries.
Web process: sync client (`SyncQueue`). Worker: asyncio client (`Queue`). On Redis Cluster the enqueue
script's keys all share the stream's slot (`bot.queue.keys`); every other command here names one key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from redis.exceptions import ResponseError

from bot.queue import keys
from bot.queue.jobs import Job
from bot.queue.keys import GROUP, KEY_TTL, STREAM
from bot.text import as_text

if TYPE_CHECKING:
    import redis
    import redis.asyncio as aioredis

ENQUEUE_LUA = """
if redis.call('SET', KEYS[1], 'queued', 'NX', 'EX', ARGV[1]) then
  redis.call('XADD', KEYS[2], '*', 'job', ARGV[2])
  redis.call('SADD', KEYS[3], ARGV[3])
  redis.call('EXPIRE', KEYS[3], ARGV[1])
  return 1
end
return 0
"""


@dataclass(frozen=True)
class Delivery:
    """One job handed to this worker: the stream entry id (for ack/heartbeat) and the parsed job.

    `job` is None when the entry could not be parsed; the worker acks and drops such entries.
    """

    entry_id: str
    job: Job | None
    raw: str


class SyncQueue:
    """The web process's side: enqueue only."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self._enqueue = client.register_script(ENQUEUE_LUA)

    def enqueue(self, job: Job) -> bool:
        """Queue `job` unless a job with its id was queued before. True if it was queued now."""
        return bool(self._enqueue(keys=enqueue_keys(job), args=enqueue_args(job)))

    def known(self, job: Job) -> bool:
        """True if a job with this id was queued before (a Slack retry, or the twin event)."""
        return bool(self.client.exists(keys.job(job.id)))

    def ping(self) -> bool:
        return bool(self.client.ping())


class Queue:
    """The worker's side: read, renew, reclaim, acknowledge."""

    def __init__(self, client: aioredis.Redis, *, consumer: str, lease_ms: int) -> None:
        self.redis = client
        self.consumer = consumer
        self.lease_ms = lease_ms
        self._enqueue = client.register_script(ENQUEUE_LUA)

    async def setup(self) -> None:
        """Create the stream and group if missing (safe to call from every worker)."""
        try:
            await self.redis.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def enqueue(self, job: Job) -> bool:
        """Same contract as `SyncQueue.enqueue` (the CLI and tests use it)."""
        return bool(await self._enqueue(keys=enqueue_keys(job), args=enqueue_args(job)))

    async def read(self, count: int, *, block_ms: int) -> list[Delivery]:
        """New jobs for this consumer, waiting up to `block_ms` for the first one."""
        reply: Any = await self.redis.xreadgroup(
            GROUP, self.consumer, {STREAM: ">"}, count=count, block=block_ms
        )
        streams = reply.items() if isinstance(reply, dict) else (reply or [])  # RESP3 answers a map
        return [d for _, entries in streams for d in self._deliveries(entries)]

    async def reclaim(self, count: int) -> list[Delivery]:
        """Jobs whose worker stopped renewing them for longer than the lease, now owned by this consumer."""
        reply: list[Any] = await self.redis.xautoclaim(
            STREAM, GROUP, self.consumer, self.lease_ms, "0-0", count=count
        )
        return self._deliveries(reply[1])

    async def heartbeat(self, entry_ids: list[str]) -> None:
        """Renew the lease of jobs this consumer is running (resets their idle time)."""
        if entry_ids:
            ids: list[int | bytes | str | memoryview[int]] = list(entry_ids)
            await self.redis.xclaim(STREAM, GROUP, self.consumer, 0, ids, justid=True)

    async def ack(self, entry_id: str) -> None:
        """Finish a delivery: it leaves the pending list and the stream."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xack(STREAM, GROUP, entry_id)
            pipe.xdel(STREAM, entry_id)
            await pipe.execute()

    async def attempt(self, job_id: str) -> int:
        """Count one more start of `job_id`; returns how many starts there have been (1 on the first)."""
        key = keys.attempts(job_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, KEY_TTL)
            count, _ = await pipe.execute()
        return int(count)

    async def finish_source(self, job: Job) -> int:
        """Mark `job` done for its message (idempotent); returns how many of the message's jobs are left."""
        key = keys.message_pending(team=job.team, channel=job.channel, ts=job.message_ts)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.srem(key, job.id)
            pipe.scard(key)
            _, left = await pipe.execute()
        return int(left)

    async def prune_consumers(self, *, idle_ms: int | None = 24 * 3600 * 1000) -> int:
        """Forget consumers with nothing pending: those idle for `idle_ms` (workers that stopped long
        ago), or with `idle_ms=None` only this one (a clean exit). Returns how many were removed."""
        gone = 0
        for info in await self.redis.xinfo_consumers(STREAM, GROUP):
            name = as_text(info["name"])
            stale = name == self.consumer if idle_ms is None else int(info["idle"]) >= idle_ms
            if stale and int(info["pending"]) == 0:
                await self.redis.xgroup_delconsumer(STREAM, GROUP, name)
                gone += 1
        return gone

    async def depth(self) -> tuple[int, int]:
        """(entries in the stream, entries delivered but not yet acknowledged): for status and tests."""
        length = int(await self.redis.xlen(STREAM))
        try:
            info = await self.redis.xpending(STREAM, GROUP)
        except ResponseError:
            return length, 0
        return length, int(info["pending"])

    @staticmethod
    def _deliveries(
        entries: list[tuple[bytes | str, dict[bytes | str, bytes | str] | None]],
    ) -> list[Delivery]:
        out: list[Delivery] = []
        for entry_id, fields in entries:
            eid = as_text(entry_id)
            if not fields:  # deleted while pending (Redis 6.2 XAUTOCLAIM returns nil fields)
                out.append(Delivery(eid, None, ""))
                continue
            raw_value = fields.get(b"job", fields.get("job", b""))
            raw = as_text(raw_value)
            try:
                job: Job | None = Job.from_json(raw)
            except (ValueError, KeyError, TypeError):
                job = None
            out.append(Delivery(eid, job, raw))
        return out


def enqueue_keys(job: Job) -> list[str]:
    """The keys `ENQUEUE_LUA` touches: the job's dedupe key, the stream, its message's pending set (all
    in the stream's Redis Cluster slot: see `bot.queue.keys`)."""
    return [
        keys.job(job.id),
        STREAM,
        keys.message_pending(team=job.team, channel=job.channel, ts=job.message_ts),
    ]


def enqueue_args(job: Job) -> list[str | int]:
    """The arguments of `ENQUEUE_LUA`: the keys' lifetime, the job, and its id (for the pending set)."""
    return [KEY_TTL, job.to_json(), job.id]
