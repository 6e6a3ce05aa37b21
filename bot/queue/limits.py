"""Abuse and cost control, enforced in Redis so every web process and worker shares the counts.

- `RateLimiter` (web process): at most N new jobs per user and per channel per hour (fixed windows);
  a refused request gets one polite reply per user and window.
- `TokenBudget` (worker): Claude tokens used per workspace per UTC day; past the budget the worker
  summarizes offline and says so.
A limit of 0 means unlimited.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.queue import keys

if TYPE_CHECKING:
    import redis
    import redis.asyncio as aioredis


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused, and whether the user should be told (once per window)."""

    message: str
    notify: bool


class RateLimiter:
    def __init__(self, client: redis.Redis, *, per_user: int, per_channel: int) -> None:
        self.redis = client
        self.per_user = per_user
        self.per_channel = per_channel

    def check(self, *, team: str, user: str | None, channel: str, jobs: int) -> Refusal | None:
        """Count `jobs` new jobs against the user's and the channel's hourly windows.

        Returns None when allowed; otherwise the counts are given back and a `Refusal` says why.
        """
        window = int(time.time()) // keys.RATE_WINDOW_SECONDS
        limits = []
        if self.per_user and user:
            limits.append((keys.rate(scope="user", team=team, who=user, window=window), self.per_user, "you"))
        if self.per_channel:
            key = keys.rate(scope="channel", team=team, who=channel, window=window)
            limits.append((key, self.per_channel, "this channel"))
        if not limits:
            return None
        pipe = self.redis.pipeline(transaction=True)
        for key, _, _ in limits:
            pipe.incrby(key, jobs)
            pipe.expire(key, keys.RATE_WINDOW_SECONDS)
        counts = pipe.execute()[::2]
        for (key, limit, who), count in zip(limits, counts, strict=True):
            if int(count) > limit:
                undo = self.redis.pipeline(transaction=True)
                for k, _, _ in limits:
                    undo.decrby(k, jobs)
                undo.execute()
                first = self.redis.set(keys.rate_told(key), "1", nx=True, ex=keys.RATE_WINDOW_SECONDS)
                return Refusal(
                    message=f"I've already summarized {limit} things for {who} in the last hour, which is "
                    "the limit here. Please try again a bit later.",
                    notify=bool(first),
                )
        return None


class TokenBudget:
    def __init__(self, client: aioredis.Redis, *, daily_tokens: int) -> None:
        self.redis = client
        self.daily_tokens = daily_tokens

    def _key(self, team: str) -> str:
        return keys.tokens(team=team, day=time.strftime("%Y-%m-%d", time.gmtime()))

    async def exhausted(self, team: str) -> bool:
        """True when the workspace used its Claude tokens for today (always False when unlimited)."""
        if not self.daily_tokens:
            return False
        used = await self.redis.get(self._key(team))
        return int(used or 0) >= self.daily_tokens

    async def spend(self, team: str, tokens: int) -> None:
        """Record `tokens` used by the workspace today."""
        if tokens > 0:
            key = self._key(team)
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incrby(key, tokens)
                pipe.expire(key, keys.TOKENS_TTL)
                await pipe.execute()
