"""`summarizer web` on SIGTERM: an event Slack saw acknowledged is still queued before the process exits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request

import pytest
import redis

from bot.settings import Settings
from tests.fakes.slack_api import FakeSlack
from tests.harness import BOT_TOKEN, ROOT, SIGNING_SECRET, envelope, message_event, signed_post, wait_for
from tests.redis_server import RedisServer, free_port


def blocked_writer(client: redis.Redis) -> bool:
    """Whether a client of this Redis is blocked (a write held by CLIENT PAUSE)."""
    return any("b" in str(entry.get("flags", "")) for entry in client.client_list())


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.mark.slow
def test_sigterm_waits_for_acknowledged_events_to_be_queued(
    settings: Settings, slack: FakeSlack, own_redis: RedisServer
) -> None:
    """With Redis pausing writes, an acknowledged event is mid-enqueue when SIGTERM arrives; the web
    process waits for it, so the job is in Redis once the process has exited."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ANTHROPIC_", "SUMMARIZER_"))},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": settings.slack_api_url,
        "REDIS_URL": own_redis.url,
        "PORT": str(port),
    }
    web = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "web"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis.from_url(own_redis.url)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: healthy(url), timeout=20)
        event = message_event("<https://example.com/story>")
        slack.add_message(event["channel"], text=event["text"], user=event["user"], ts=event["ts"])
        client.execute_command("CLIENT", "PAUSE", "2500", "WRITE")  # type: ignore[no-untyped-call]
        status, _ = signed_post(url + "/slack/events", envelope(event))
        assert status == 200  # acknowledged while the enqueue is stuck behind the paused writes
        wait_for(lambda: blocked_writer(client))  # the listener's enqueue waits behind the pause
        web.send_signal(signal.SIGTERM)
        assert web.wait(30) == 0
        assert sum(1 for _ in client.scan_iter("summarizer:job:*")) == 1
        assert client.xlen("summarizer:jobs") == 1
    finally:
        if web.poll() is None:
            web.kill()
            web.wait(10)
        client.close()
