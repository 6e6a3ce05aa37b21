"""Recurring jobs kept in Redis: what each schedule is (a hash) and when it next fires (a sorted set, by
epoch second), so that schedules survive restarts of every process.

Firing is three steps, each atomic: check that the schedule still holds the time being fired, queue
the period's job with the queue's own enqueue script (SET NX on its dedupe key, XADD), then advance the
schedule only if it still holds that time (compare-and-set). The job's id is made from the schedule and
the time fired, so however many workers fire one period at once, its job is queued once; a worker
killed between the steps loses nothing: the schedule is still due, and the next check queues nothing
new and moves it on. The steps are separate because the stream and its job keys share one Redis
Cluster slot (`bot.queue.keys`) and the schedule keys keep their names: one script may not span both.
For the same reason `put` and `remove` write the hash and the zset one after the other, in the order
that leaves nothing half-done that could fire: a schedule's value is written before its time, and its
time removed before its value (a value with no time is inert, and a re-run of the job finishes it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.queue import keys
from bot.queue.jobs import Job
from bot.queue.stream import ENQUEUE_LUA, enqueue_args, enqueue_keys
from bot.text import as_text

if TYPE_CHECKING:
    import redis.asyncio as aioredis

ADVANCE_LUA = """
local at = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not at or tonumber(at) ~= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
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
        self._advance = client.register_script(ADVANCE_LUA)
        self._enqueue = client.register_script(ENQUEUE_LUA)

    async def put(self, name: str, value: str, *, at: int) -> None:
        """Keep (or replace) schedule `name`, next firing at `at` (epoch seconds)."""
        await self.client.hset(self.hash_key, name, value)
        await self.client.zadd(self.due_key, {name: at})

    async def get(self, name: str) -> tuple[str, int] | None:
        """Schedule `name`'s value and next time, or None when there is none."""
        value = await self.client.hget(self.hash_key, name)
        at = await self.client.zscore(self.due_key, name)
        if value is None or at is None:
            return None
        return as_text(value), int(at)

    async def remove(self, name: str) -> bool:
        """Forget schedule `name`. True if there was one."""
        removed = await self.client.zrem(self.due_key, name)
        kept = await self.client.hdel(self.hash_key, name)
        return bool(removed or kept)

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
        if await self.client.zscore(self.due_key, due.name) != due.at:
            return False  # fired by another worker, changed or turned off meanwhile
        await self._enqueue(keys=enqueue_keys(job), args=enqueue_args(job))
        return bool(await self._advance(keys=[self.due_key], args=[due.name, due.at, next_at]))

    async def ticked(self, worker: str, *, now: int) -> None:
        """Note that `worker` checked for due schedules at `now` (an operator's liveness signal)."""
        await self.client.hset(keys.DIGEST_TICKS, worker, now)
        await self.client.expire(keys.DIGEST_TICKS, TICKS_TTL)
