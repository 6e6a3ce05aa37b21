"""Redis outages: the web process keeps answering and tells the user; workers reconnect by themselves;
a crash of a Redis with AOF persistence loses no job that was acknowledged as queued."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.settings import Settings
from tests.articles import article_html
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import BackgroundWorker, Harness, message_event, wait_for
from tests.redis_server import RedisServer


@pytest.fixture
def outage_bot(settings: Settings, slack: FakeSlack, own_redis: RedisServer) -> Iterator[Harness]:
    harness = Harness(replace(settings, redis_url=own_redis.url), slack)
    yield harness
    harness.close()


def test_web_answers_and_tells_the_user_while_redis_is_down(
    outage_bot: Harness, slack: FakeSlack, web: FakeWeb, own_redis: RedisServer
) -> None:
    """With Redis down Slack still gets its 200 at once, the user hears why, and it recovers by itself."""
    url = web.add("/story", article_html())
    own_redis.stop()
    event = message_event(f"<{url}>")
    started = time.monotonic()
    outage_bot.send(event)
    assert time.monotonic() - started < 3
    reply = wait_for(lambda: slack.bot_replies(event["channel"], event["ts"]))
    assert "couldn't queue" in reply[0]["text"]
    wait_for(lambda: "x" in slack.reactions(event["channel"], event["ts"]))
    own_redis.start(appendonly=True)
    later = message_event(f"<{url}>")
    outage_bot.send(later)
    outage_bot.wait_queued(1)
    wait_for(lambda: "hourglass_flowing_sand" in slack.reactions(later["channel"], later["ts"]))


def test_worker_reconnects_and_queued_jobs_survive_a_redis_crash(
    outage_bot: Harness,
    slack: FakeSlack,
    web: FakeWeb,
    own_redis: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A job queued before Redis crashed is still done after it restarts, by a worker that never restarted."""
    url = web.add("/story", article_html())
    worker = BackgroundWorker(replace(outage_bot.settings, job_lease_seconds=2))
    try:
        own_redis.crash()
        wait_for(lambda: "Redis unavailable" in caplog.text, timeout=10)  # the worker backs off
        own_redis.start(appendonly=True)
        queued = message_event(f"<{url}>")
        outage_bot.send(queued)
        outage_bot.wait_queued(1)
        own_redis.crash()  # acknowledged as queued, then Redis dies before the worker gets to it
        own_redis.start(appendonly=True)
        finished = lambda: [r for r in slack.bot_replies(queued["channel"], queued["ts"]) if r.get("blocks")]  # noqa: E731
        replies = wait_for(finished, timeout=30)  # the live reply appears first, then is finished in place
        assert "Council approves transit plan" in json.dumps(replies[0]["blocks"])
    finally:
        worker.stop()
    assert len(slack.bot_replies(queued["channel"], queued["ts"])) == 1
