"""The bot against a real Redis Cluster: the real web process and a real `summarizer worker` process,
both given `REDIS_URL=…?cluster=true`, answer a shared link once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.settings import Settings
from tests.articles import article_html
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, message_event, wait_for, worker_process


@pytest.fixture
def clustered(settings: Settings, slack: FakeSlack, cluster_url: str) -> Iterator[Harness]:
    """The harness's bot, on the cluster instead of the single test server."""
    harness = Harness(replace(settings, redis_url=cluster_url), slack)
    yield harness
    harness.close()


def test_a_link_gets_one_reply_through_the_cluster(
    clustered: Harness, slack: FakeSlack, web: FakeWeb
) -> None:
    """A link event goes web → stream (on the cluster) → worker → one threaded summary, ⏳ swapped for ✅."""
    url = web.add("/news/cluster", article_html("Cluster story"))
    event = message_event(f"Read <{url}>")
    clustered.send(event, deliveries=2)  # a Slack retry too: still one job
    clustered.wait_queued(1)
    with worker_process(clustered, lease=5):
        wait_for(lambda: slack.reactions(event["channel"], event["ts"]) == {"white_check_mark"}, timeout=30)
        wait_for(lambda: clustered.stream_length() == 0, timeout=10)  # acknowledged and deleted
    replies = slack.bot_replies(event["channel"], event["ts"])
    assert len(replies) == 1 and "Cluster story" in str(replies[0]["blocks"])
    assert clustered.queued() == 1
