"""👍/👎 on summaries, counted per workspace and UTC day in Redis (kept `FEEDBACK_TTL`), for operators."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Literal

from bot.queue import keys
from bot.text import as_text

if TYPE_CHECKING:
    import redis

Verdict = Literal["good", "bad"]


class FeedbackCounter:
    """The web process's side: count one verdict."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def count(self, *, team: str, verdict: Verdict) -> int:
        """Add one `verdict` for today; returns today's count of that verdict."""
        key = keys.feedback(team=team, day=time.strftime("%Y-%m-%d", time.gmtime()))
        pipe = self.client.pipeline(transaction=True)
        pipe.hincrby(key, verdict, 1)
        pipe.expire(key, keys.FEEDBACK_TTL)
        total, _ = pipe.execute()
        return int(total)

    def today(self, *, team: str) -> dict[str, int]:
        """Today's counts for `team` ({"good": n, "bad": m}, missing verdicts as 0)."""
        key = keys.feedback(team=team, day=time.strftime("%Y-%m-%d", time.gmtime()))
        raw = self.client.hgetall(key)
        counts = {as_text(k): int(v) for k, v in raw.items()}
        return {"good": counts.get("good", 0), "bad": counts.get("bad", 0)}
