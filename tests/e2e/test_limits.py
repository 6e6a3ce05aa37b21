"""Abuse and cost control: hourly rate limits, the daily token budget, and the auto-summarize allow-list."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.settings import Settings
from bot.slack.blocks import finished_tag
from tests.articles import ARTICLE_TEXT, article_html
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, footer_of, mention_event, message_event, wait_for


@pytest.fixture
def limited(settings: Settings, slack: FakeSlack, request: pytest.FixtureRequest) -> Iterator[Harness]:
    """A bot with the settings overrides given by the test's `limits` marker."""
    marker = request.node.get_closest_marker("limits")
    harness = Harness(replace(settings, **(marker.kwargs if marker else {})), slack)
    yield harness
    harness.close()


@pytest.mark.limits(user_jobs_per_hour=2)
def test_user_rate_limit_answers_politely_once(limited: Harness, slack: FakeSlack, web: FakeWeb) -> None:
    """Past two jobs an hour a user's next requests are refused, with one polite reply, nothing queued."""
    url = web.add("/story", article_html())
    events = [message_event(f"<{url}?n={i}>", user="U0BUSY") for i in range(4)]
    for event in events[:2]:
        limited.send(event)
    limited.wait_queued(2)
    limited.send(events[2])
    reply = wait_for(lambda: slack.bot_replies(events[2]["channel"], events[2]["ts"]))
    assert "2 things for you in the last hour" in reply[0]["text"]
    assert finished_tag(reply[0]) is not None  # tagged: never taken for a left-behind stream
    limited.send(events[3])
    limited.settle()
    assert slack.bot_replies(events[3]["channel"], events[3]["ts"]) == []
    assert limited.queued() == 2
    other = message_event(f"<{url}?n=other>", user="U0CALM")
    limited.send(other)
    limited.wait_queued(3)


@pytest.mark.limits(auto_channels=frozenset({"C0NEWS"}))
def test_links_are_auto_summarized_only_in_allowed_channels(limited: Harness, web: FakeWeb) -> None:
    """A link in a channel off the allow-list is ignored unless the bot is mentioned."""
    url = web.add("/story", article_html())
    limited.send(message_event(f"<{url}>", channel="C0RANDOM"))
    limited.settle()
    assert limited.queued() == 0
    limited.send(message_event(f"<{url}>", channel="C0NEWS"))
    limited.wait_queued(1)
    limited.send(mention_event(f"<{url}>", channel="C0RANDOM"))
    limited.wait_queued(2)


@pytest.mark.limits(daily_token_budget=1)
def test_daily_token_budget_switches_to_offline(
    limited: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """Once the workspace spent its daily tokens, summaries are offline and say why."""
    first, second = mention_event(ARTICLE_TEXT), mention_event(ARTICLE_TEXT + " More.")
    limited.send(first)
    limited.wait_queued(1)
    limited.work()
    limited.send(second)
    limited.wait_queued(2)
    limited.work()
    assert len(claude.requests) == 1
    (reply,) = slack.bot_replies(second["channel"], second["ts"])
    footer = footer_of(reply)
    assert "AI budget" in footer and "Offline summary" in footer
