"""The Messages API's limits shared by every worker on every host, in Redis (`bot.summary.gate.ModelGate`).

Three token buckets, one per limit (requests, input tokens, output tokens per minute), each holding up
to its per-minute limit and refilling at limit/60 a second; a limit of 0 has no bucket. A call may go
when every bucket holds what it asks for (a cost above a bucket's size is taken as the whole bucket);
`settle` gives back (or takes more of) what it over- or under-estimated, so a bucket may go below zero.
Beside them, a shared pause: after a 429/529 every call waits until it ends, with the limits off too.

Atomic and clock-consistent across hosts: each step is one Lua script that reads Redis's own `TIME`.
Both keys carry the hash tag `{model}`, so a script's keys share one Redis Cluster slot:

| key                         | type   | lifetime                              | holds                   |
| --------------------------- | ------ | ------------------------------------- | ----------------------- |
| `summarizer:{model}:limits` | hash   | until the buckets would be full again | `<bucket>`, `<bucket>:at` |
| `summarizer:{model}:pause`  | string | the pause (PX)                        | epoch seconds it ends   |

A Redis failure (or a reply slower than `REDIS_SECONDS`) is logged at WARNING and lets the call go:
the limiter protects the service, it must not take it down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from redis.exceptions import RedisError

if TYPE_CHECKING:
    import redis.asyncio as aioredis
    from redis.commands.core import AsyncScript

log = logging.getLogger(__name__)

LIMITS_KEY = "summarizer:{model}:limits"
PAUSE_KEY = "summarizer:{model}:pause"
REDIS_SECONDS = 2.0

# Shared by the reserve and settle scripts: KEYS[1] the limits hash; ARGV[1..3] the per-minute limits
# (requests, input, output; 0 = no bucket). `levels[i]` is bucket i refilled up to now.
_BUCKETS_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local names = {'requests', 'input', 'output'}
local stored = redis.call('HMGET', KEYS[1], 'requests', 'requests:at', 'input', 'input:at', 'output',
  'output:at')
local caps, levels = {}, {}
for i = 1, 3 do
  caps[i] = tonumber(ARGV[i])
  if caps[i] > 0 then
    local level = tonumber(stored[2 * i - 1]) or caps[i]
    local at = tonumber(stored[2 * i]) or now
    levels[i] = math.min(caps[i], level + math.max(0, now - at) * caps[i] / 60)
  end
end
local function save()
  local fields, ttl = {}, 1
  for i = 1, 3 do
    if levels[i] then
      table.insert(fields, names[i])
      table.insert(fields, tostring(levels[i]))
      table.insert(fields, names[i] .. ':at')
      table.insert(fields, tostring(now))
      ttl = math.max(ttl, math.ceil((caps[i] - levels[i]) * 60 / caps[i]) + 1)
    end
  end
  if #fields > 0 then
    redis.call('HSET', KEYS[1], unpack(fields))
    redis.call('EXPIRE', KEYS[1], ttl)
  end
end
"""

# KEYS[2] the pause; ARGV[4..6] the costs. Returns the seconds to wait ("0": reserved).
RESERVE_LUA = (
    _BUCKETS_LUA
    + """
local pause = tonumber(redis.call('GET', KEYS[2]) or '') or 0
if pause > now then return tostring(pause - now) end
local wait = 0
for i = 1, 3 do
  if levels[i] then
    local cost = math.min(tonumber(ARGV[3 + i]), caps[i])
    if levels[i] < cost then wait = math.max(wait, (cost - levels[i]) * 60 / caps[i]) end
    levels[i] = levels[i] - cost
  end
end
if wait > 0 then return tostring(wait) end
save()
return '0'
"""
)

# ARGV[4..6] what to give back to each bucket (negative: take more).
SETTLE_LUA = (
    _BUCKETS_LUA
    + """
for i = 1, 3 do
  local delta = tonumber(ARGV[3 + i])
  if levels[i] and delta ~= 0 then levels[i] = math.min(caps[i], levels[i] + delta) end
end
save()
return '0'
"""
)

# KEYS[1] the pause; ARGV[1] its seconds from now. A longer pause already set is kept.
PAUSE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local seconds = tonumber(ARGV[1])
local till = now + seconds
local current = tonumber(redis.call('GET', KEYS[1]) or '') or 0
if till > current then
  redis.call('SET', KEYS[1], tostring(till), 'PX', math.ceil(seconds * 1000))
  return tostring(seconds)
end
return tostring(current - now)
"""


class Reserved(Protocol):
    """What an admitted call took (`bot.summary.gate.Reservation`, which this layer may not import)."""

    @property
    def input_tokens(self) -> int: ...

    @property
    def output_tokens(self) -> int: ...


class ModelLimits:
    """The shared limits of the Messages API (0 = that limit off; the shared pause is always on)."""

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        requests_per_minute: int = 0,
        input_tokens_per_minute: int = 0,
        output_tokens_per_minute: int = 0,
    ) -> None:
        self.caps = (requests_per_minute, input_tokens_per_minute, output_tokens_per_minute)
        self._reserve = client.register_script(RESERVE_LUA)
        self._settle = client.register_script(SETTLE_LUA)
        self._pause = client.register_script(PAUSE_LUA)

    async def reserve(self, *, input_tokens: int, output_tokens: int) -> float:
        """0.0 when one request and these tokens were taken; else the seconds to wait (a pause, or the
        first bucket to hold enough). A Redis failure answers 0.0 (go ahead)."""
        args = [*self.caps, 1, input_tokens, output_tokens]
        reply = await self._run("reserve", self._reserve, [LIMITS_KEY, PAUSE_KEY], args)
        return max(0.0, float(reply)) if reply is not None else 0.0

    async def settle(self, reserved: Reserved, *, input_tokens: int, output_tokens: int) -> None:
        """Give back what `reserved` took beyond `input_tokens`/`output_tokens` (or take the shortfall)."""
        _, input_cap, output_cap = self.caps
        back_in = _taken(reserved.input_tokens, input_cap) - input_tokens
        back_out = _taken(reserved.output_tokens, output_cap) - output_tokens
        if (input_cap and back_in) or (output_cap and back_out):
            await self._run("settle", self._settle, [LIMITS_KEY], [*self.caps, 0, back_in, back_out])

    async def pause(self, seconds: float) -> None:
        """Hold every worker's calls for `seconds` from now (Redis's clock), unless a longer pause is set."""
        if seconds > 0:
            await self._run("pause", self._pause, [PAUSE_KEY], [seconds])

    async def _run(
        self, what: str, script: AsyncScript, keys: list[str], args: Sequence[float]
    ) -> str | None:
        """The script's reply as text, or None (logged) when Redis failed or was too slow."""
        try:
            async with asyncio.timeout(REDIS_SECONDS):
                reply = await script(keys=keys, args=args)
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("model limits: %s failed in Redis (%s); going ahead", what, type(exc).__name__)
            return None
        return reply.decode() if isinstance(reply, bytes) else str(reply)


def _taken(cost: int, cap: int) -> int:
    """What a reservation of `cost` took from a bucket of size `cap` (a bigger cost takes the whole)."""
    return min(cost, cap) if cap else cost
