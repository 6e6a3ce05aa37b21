"""A per-job lock in Redis that lives exactly as long as its holder.

The holder's token is the value; the lock expires `ttl_ms` after it was last renewed, and a background
task renews it every `ttl_ms`/3 while the block runs. So a holder that is killed (SIGKILL, a crashed
host) frees the lock within one lease, like its job, while a live holder waiting out Slack's rate limits
keeps it however long that takes. Only the holder can release it (the token is checked in Lua).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from redis.exceptions import RedisError

if TYPE_CHECKING:
    import redis.asyncio as aioredis

log = logging.getLogger(__name__)

RENEW_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class Held:
    """A lock this process holds (or tried to: `mine` is False when another holder had it)."""

    def __init__(self, redis: aioredis.Redis, key: str, *, token: str, ttl_ms: int, mine: bool) -> None:
        self.redis, self.key, self.token, self.ttl_ms, self.mine = redis, key, token, ttl_ms, mine

    async def confirm(self) -> bool:
        """True if the lock is still ours (its expiry pushed back); False if it lapsed (we stalled longer
        than the TTL) and may be another's: then the holder must stop what the lock guards."""
        return bool(await self.redis.eval(RENEW_LUA, 1, self.key, self.token, self.ttl_ms))


@contextlib.asynccontextmanager
async def held(redis: aioredis.Redis, key: str, *, ttl_ms: int) -> AsyncIterator[Held]:
    """Try to take the lock `key` for the block. The yielded `Held.mine` says whether we got it; while
    the block runs, the lock is renewed every ttl/3, and on exit only our own lock is released."""
    token = uuid.uuid4().hex
    lock = Held(
        redis, key, token=token, ttl_ms=ttl_ms, mine=bool(await redis.set(key, token, nx=True, px=ttl_ms))
    )
    if not lock.mine:
        yield lock
        return
    renewing = asyncio.create_task(_renew(lock))
    try:
        yield lock
    finally:
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing
        with contextlib.suppress(RedisError):  # if Redis is down, the lock lapses within its TTL anyway
            await redis.eval(RELEASE_LUA, 1, key, token)


async def _renew(lock: Held) -> None:
    """Push the lock's expiry back every ttl/3; stop once it is no longer ours."""
    while True:
        await asyncio.sleep(lock.ttl_ms / 3000)
        try:
            if not await lock.confirm():
                log.warning("lock %s lapsed while held", lock.key)
                return
        except RedisError as exc:  # the next renewal tries again; the lock may lapse meanwhile
            log.warning("could not renew lock %s: %s", lock.key, type(exc).__name__)
