"""Per person: their defaults (App Home, kept until changed) and the requests they made in the last
week (shown on their Home tab). The web process reads both and writes defaults (`SyncPrefs`); the
worker reads defaults and records requests (`Prefs`). A request is recorded once per job, however many
times the job runs."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from bot.queue import keys
from bot.queue.keys import ASKED_TTL
from bot.text import as_text

if TYPE_CHECKING:
    import redis
    import redis.asyncio as aioredis

MAX_ASKED = 200  # requests kept per person (the oldest go first)


@dataclass(frozen=True)
class Asked:
    """One request: when (`at`, epoch seconds), what (`kind`, `label`), where, and how it ended."""

    at: float
    kind: str
    label: str
    channel: str
    ok: bool | None
    private: bool = False


def _decoded(raw: dict[Any, Any]) -> dict[str, str]:
    return {as_text(k): as_text(v) for k, v in raw.items()}


def _asked(raw: dict[Any, Any], *, since: float) -> list[Asked]:
    found: list[Asked] = []
    for value in _decoded(raw).values():
        try:
            item = Asked(**json.loads(value))
        except (ValueError, TypeError):
            continue
        if item.at >= since:
            found.append(item)
    return sorted(found, key=lambda a: -a.at)


class SyncPrefs:
    """The web process's side."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def defaults(self, team: str, user: str) -> dict[str, str]:
        """The person's stored defaults (`bot.instructions.defaults.Defaults.read` makes sense of them)."""
        return _decoded(self.client.hgetall(keys.prefs(team=team, user=user)))

    def save(self, team: str, user: str, fields: dict[str, str]) -> None:
        """Replace the person's defaults with `fields` (none: nothing is kept)."""
        key = keys.prefs(team=team, user=user)
        with self.client.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            for field, value in fields.items():
                pipe.hset(key, field, value)
            pipe.execute()

    def asked(self, team: str, user: str, *, since: float) -> list[Asked]:
        """The person's requests since `since`, newest first."""
        return _asked(self.client.hgetall(keys.asked(team=team, user=user)), since=since)


class Prefs:
    """The worker's side."""

    def __init__(self, client: aioredis.Redis) -> None:
        self.client = client

    async def defaults(self, team: str, user: str) -> dict[str, str]:
        """The person's stored defaults, as `SyncPrefs.defaults`."""
        return _decoded(await self.client.hgetall(keys.prefs(team=team, user=user)))

    async def record(self, team: str, user: str, job_id: str, asked: Asked) -> None:
        """Record a request (once per `job_id`: a re-run replaces its entry)."""
        key = keys.asked(team=team, user=user)
        await self.client.hset(key, job_id, json.dumps(asdict(asked), ensure_ascii=False))
        await self.client.expire(key, ASKED_TTL)
        if await self.client.hlen(key) > MAX_ASKED:
            entries = _decoded(await self.client.hgetall(key))
            oldest = sorted(entries, key=lambda k: json.loads(entries[k]).get("at", 0))
            await self.client.hdel(key, *oldest[: len(entries) - MAX_ASKED])
