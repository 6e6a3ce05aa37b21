"""Shared fixtures: a real Redis for the session, the protocol fakes, and the end-to-end harness."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.settings import Settings
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import BOT_TOKEN, BOT_USER, SIGNING_SECRET, TEAM, Harness
from tests.redis_cluster import RedisCluster, missing, start_cluster
from tests.redis_server import RedisServer, free_port, redis_binary, start_redis

ROOT = Path(__file__).resolve().parent.parent
_OUTER_REDIS_URL = os.environ.get("REDIS_URL")
_CLEARED_PREFIXES = ("SLACK_", "ANTHROPIC_", "SUMMARIZER_", "REDIS_URL")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's Slack, Anthropic, Redis or summarizer settings."""
    for name in list(os.environ):
        if name.startswith(_CLEARED_PREFIXES):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer | None]:
    """A Redis server started for this session (or None when REDIS_URL names one to use instead)."""
    if _OUTER_REDIS_URL:
        yield None
        return
    server = start_redis()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer | None) -> Iterator[str]:
    """The URL of a Redis database emptied for this test."""
    url = _OUTER_REDIS_URL or (redis_server.url if redis_server else "")
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    yield url


@pytest.fixture(scope="session")
def redis_cluster() -> Iterator[RedisCluster]:
    """A real three-master Redis Cluster for this session (skips when redis-server/redis-cli are missing)."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def cluster_url(redis_cluster: RedisCluster) -> str:
    """`REDIS_URL` of the session's cluster (`?cluster=true`), every node emptied for this test."""
    redis_cluster.flush()
    return redis_cluster.url


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis server of the test's own, with AOF persistence, that the test may stop, crash and restart."""
    server = RedisServer(port=free_port(), workdir=tmp_path, binary=redis_binary())
    server.start(appendonly=True)
    yield server
    server.stop()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A stateful fake Slack Web API (also serves the files it knows)."""
    with FakeSlack(bot_token=BOT_TOKEN, team_id=TEAM, bot_user_id=BOT_USER) as fake:
        yield fake


@pytest.fixture
def claude() -> Iterator[FakeAnthropic]:
    """A fake Messages API (JSON and SSE)."""
    with FakeAnthropic() as fake:
        yield fake


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    """A local site serving pages and files."""
    with FakeWeb() as fake:
        yield fake


@pytest.fixture
def settings(redis_url: str, slack: FakeSlack, claude: FakeAnthropic, tmp_path: Path) -> Settings:
    """Settings pointing every client at the fakes; Claude on (tests that want offline override it)."""
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.url + "/api/",
        anthropic_api_key="sk-ant-test-key",
        anthropic_base_url=claude.url,
        anthropic_model="claude-sonnet-5-5",
        redis_url=redis_url,
        allow_private_urls=True,
        worker_concurrency=8,
        job_lease_seconds=30,
        fetch_timeout_seconds=5,
        data_dir=tmp_path / "data",
    )


@pytest.fixture
def bot(settings: Settings, slack: FakeSlack) -> Iterator[Harness]:
    """The real web process and worker, wired to the fakes."""
    harness = Harness(settings, slack)
    yield harness
    harness.close()
