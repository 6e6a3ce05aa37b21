"""Recurring jobs kept in Redis: what each schedule is (a hash) and when it next fires (a sorted set, by
epoch second), so that schedules survive restarts of every process.

Firing is one Lua script: it advances the schedule to its next time only if it still holds the time
being fired (compare-and-set), and in the same step queues the job as `enqueue` does (SET NX on the
job's dedupe key, XADD). However many workers check at once, each period's job is queued exactly once,
and a worker killed mid-check loses nothing: either the script ran, or the schedule is still due.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.queue import keys
from bot.queue.jobs import Job
from bot.queue.keys import KEY_TTL, STREAM
from bot.text import as_text

if TYPE_CHECKING:
    import redis.asyncio as aioredis

FIRE_LUA = """
local at = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not at or tonumber(at) ~= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
if redis.call('SET', KEYS[2], 'queued', 'NX', 'EX', ARGV[4]) then
  redis.call('XADD', KEYS[3], '*', 'job', ARGV[5])
  redis.call('SADD', KEYS[4], ARGV[6])
  redis.call('EXPIRE', KEYS[4], ARGV[4])
end
return 1
"""
TICKS_TTL = 24 * 3600


@dataclass(frozen=True)
class Due:
    """A schedule whose time has come: its `name`, what it holds (`value`), and the time due (`at`)."""

    name: str
    value: str
    at: int


class Schedules:
    """Named schedules (values are the caller's JSON) and their next times, in `hash_key`/`due_key`."""

    def __init__(
        self, client: aioredis.Redis, *, hash_key: str = keys.DIGESTS, due_key: str = keys.DIGESTS_DUE
    ) -> None:
        self.client = client
        self.hash_key = hash_key
        self.due_key = due_key
        self._fire = client.register_script(FIRE_LUA)

    async def put(self, name: str, value: str, *, at: int) -> None:
        """Keep (or replace) schedule `name`, next firing at `at` (epoch seconds)."""
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(self.hash_key, name, value)
            pipe.zadd(self.due_key, {name: at})
            await pipe.execute()

    async def get(self, name: str) -> tuple[str, int] | None:
        """Schedule `name`'s value and next time, or None when there is none."""
        value = await self.client.hget(self.hash_key, name)
        at = await self.client.zscore(self.due_key, name)
        if value is None or at is None:
            return None
        return as_text(value), int(at)

    async def remove(self, name: str) -> bool:
        """Forget schedule `name`. True if there was one."""
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hdel(self.hash_key, name)
            pipe.zrem(self.due_key, name)
            removed, _ = await pipe.execute()
        return bool(removed)

    async def due(self, *, now: int, limit: int = 20) -> list[Due]:
        """Schedules due at `now` (earliest first, at most `limit`)."""
        found: list[Any] = await self.client.zrangebyscore(
            self.due_key, "-inf", now, start=0, num=limit, withscores=True
        )
        out: list[Due] = []
        for raw, at in found:
            name = as_text(raw)
            value = await self.client.hget(self.hash_key, name)
            if value is None:  # turned off between the two reads
                await self.client.zrem(self.due_key, name)
                continue
            out.append(Due(name, as_text(value), int(at)))
        return out

    async def fire(self, due: Due, *, next_at: int, job: Job) -> bool:
        """Queue `job` for `due` and move the schedule to `next_at`, unless another worker did it first
        (or the schedule changed meanwhile). True if this call fired it."""
        names = [self.due_key, keys.job(job.id), STREAM, keys.message_pending(
            team=job.team, channel=job.channel, ts=job.message_ts
        )]  # fmt: skip
        args: list[str | int] = [due.name, due.at, next_at, KEY_TTL, job.to_json(), job.id]
        return bool(await self._fire(keys=names, args=args))

    async def ticked(self, worker: str, *, now: int) -> None:
        """Note that `worker` checked for due schedules at `now` (an operator's liveness signal)."""
        await self.client.hset(keys.DIGEST_TICKS, worker, now)
        await self.client.expire(keys.DIGEST_TICKS, TICKS_TTL)
