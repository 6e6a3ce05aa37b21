"""The contract between a model client and the limits it shares with every other worker: `ModelGate`
(`bot.queue.model_limits.ModelLimits` in production, in Redis), and `admit`, the one loop that waits at
the gate. Stdlib only; the waiting is `asyncio.sleep`.

A call asks the gate for its request, its estimated input tokens and its output budget (`reserve`);
the gate either takes them from the shared per-minute budgets, or says how long to wait (a shared pause
after a 429/529, or budgets that refill over time). After the call the client `settle`s the reservation
with what the API really counted, and `pause`s everyone when the API said it is overloaded or rate
limited. A wait that cannot end before the caller's AI deadline (`ai_deadline`, set by the engine)
raises `ServiceUnavailable` at once, so the engine falls back to the offline summary as it does for a
busy service.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

from bot.errors import ServiceUnavailable

log = logging.getLogger(__name__)

NO_DEADLINE_WAIT_SECONDS = 120.0  # the longest wait at the gate for a call made outside `ai_deadline`
DEFAULT_PAUSE_SECONDS = 2.0  # the shared pause after a 429/529 that named no retry-after
MAX_PAUSE_SECONDS = 60.0  # the longest shared pause, whatever the API asked (its limits are per minute)
_DEADLINE: ContextVar[float | None] = ContextVar("summarizer_ai_deadline", default=None)


@dataclass(frozen=True)
class Reservation:
    """What one admitted call took from the shared budgets (what `settle` corrects)."""

    input_tokens: int
    output_tokens: int


class ModelGate(Protocol):
    """Limits on the model shared by every worker. Implementations never raise for their own failures
    (a broken store lets calls through): a summary must not fail because its limiter did."""

    async def reserve(self, *, input_tokens: int, output_tokens: int) -> float:
        """Take one request, `input_tokens` and `output_tokens` from the budgets and return 0.0; or take
        nothing and return the seconds to wait before asking again (a pause, or a budget refilling)."""
        ...

    async def settle(self, reserved: Reservation, *, input_tokens: int, output_tokens: int) -> None:
        """Correct `reserved` to what the call really used (giving back, or taking more)."""
        ...

    async def pause(self, seconds: float) -> None:
        """Hold every caller for `seconds` from now (never shortening a longer pause already set)."""
        ...


def pause_for(retry_after: float | None) -> float:
    """The shared pause after a 429/529: the API's retry-after (default DEFAULT_PAUSE_SECONDS when it
    gave none), at most MAX_PAUSE_SECONDS."""
    if retry_after is None or retry_after <= 0:
        return DEFAULT_PAUSE_SECONDS
    return min(retry_after, MAX_PAUSE_SECONDS)


@contextlib.asynccontextmanager
async def ai_deadline(seconds: float) -> AsyncIterator[None]:
    """`asyncio.timeout(seconds)` that `admit` can see: a wait at the gate that would outlast it is
    refused at once instead of sleeping into the timeout."""
    token = _DEADLINE.set(asyncio.get_running_loop().time() + seconds)
    try:
        async with asyncio.timeout(seconds):
            yield
    finally:
        _DEADLINE.reset(token)


def _time_left() -> float:
    """Seconds until the current `ai_deadline` (or `NO_DEADLINE_WAIT_SECONDS` outside one)."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return NO_DEADLINE_WAIT_SECONDS
    return deadline - asyncio.get_running_loop().time()


async def admit(gate: ModelGate, *, input_tokens: int, output_tokens: int) -> Reservation:
    """Wait at `gate` until the call may go, then return what it reserved.

    Raises ServiceUnavailable (as a busy service does) when the gate asks for a wait that would not
    end before the AI deadline; a call made with no deadline waits at most NO_DEADLINE_WAIT_SECONDS in all.
    """
    started = asyncio.get_running_loop().time()
    while True:
        wait = await gate.reserve(input_tokens=input_tokens, output_tokens=output_tokens)
        if wait <= 0:
            return Reservation(input_tokens=input_tokens, output_tokens=output_tokens)
        left = _time_left()
        if _DEADLINE.get() is None:
            left -= asyncio.get_running_loop().time() - started
        if wait >= left:
            log.warning("the model's shared limits ask for a %.1fs wait; %.1fs left: giving up", wait, left)
            raise ServiceUnavailable(
                "The AI service is busy right now. Please try again in a few minutes.",
                detail=f"shared model limits: wait {wait:.1f}s, {left:.1f}s left",
            )
        log.info("waiting %.1fs for the model's shared limits", wait)
        await asyncio.sleep(wait)
