"""One line about each link recently summarized (its page title and the summary's first sentence), kept
`GIST_TTL` so that a digest lists a link with its gist without reading or summarizing it again."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from bot.queue import keys
from bot.queue.keys import GIST_TTL

if TYPE_CHECKING:
    import redis.asyncio as aioredis


class Gists:
    """Title and one-line gist per URL (the URL exactly as shared)."""

    def __init__(self, client: aioredis.Redis) -> None:
        self.client = client

    async def get(self, url: str) -> tuple[str, str] | None:
        """The (title, gist) kept for `url`, or None."""
        raw = await self.client.get(keys.gist(_digest(url)))
        if raw is None:
            return None
        data = json.loads(raw)
        return str(data.get("title") or ""), str(data.get("gist") or "")

    async def put(self, url: str, *, title: str, gist: str) -> None:
        """Keep `url`'s title and gist (replacing an older one)."""
        value = json.dumps({"title": title, "gist": gist}, ensure_ascii=False)
        await self.client.set(keys.gist(_digest(url)), value, ex=GIST_TTL)


def _digest(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()
