"""The one retry helper, for downloads and for Claude: bounded attempts, backoff with jitter, and a cap
on any wait a server asks for. Pure policy plus `asyncio.sleep`; stdlib only.

A call signals "worth another try" by raising `TransientError` (with the server's `retry_after`, if
any); anything else passes straight through. After `policy.attempts` tries, `give_up(attempts, error)`
builds the exception the caller wants its user to see.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.errors import TransientError

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts in all, exponential backoff with jitter, a cap on any single wait."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 20.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based): the server's hint when it
        gave one, else `base_delay · 2^(attempt-1)` with ±25% jitter; never more than `max_delay`."""
        if retry_after is not None and retry_after > 0:
            return min(float(retry_after), self.max_delay)
        backoff = min(self.base_delay * 2.0 ** (attempt - 1), self.max_delay)
        return float(backoff * (0.5 + random.random() / 2))


async def retrying(
    call: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy,
    give_up: Callable[[int, TransientError], Exception],
    what: str = "call",
) -> T:
    """`await call()` until it returns, retrying a `TransientError` as `policy` allows.

    Raises what `give_up(attempts, last_error)` returns once the attempts are spent, chained to the
    last error; any other exception of `call` is raised at once.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return await call()
        except TransientError as exc:
            if attempt >= policy.attempts:
                log.warning("giving up on %s after %d attempts: %s", what, attempt, exc)
                raise give_up(attempt, exc) from exc
            wait = policy.delay(attempt, exc.retry_after)
            log.info("%s failed (%s); retry %d in %.1fs", what, exc, attempt, wait)
            await asyncio.sleep(wait)
