"""Failures and protocol edges: Claude down, bad signatures, url_verification, Slack rate limits."""

from __future__ import annotations

import json

from tests.articles import ARTICLE_TEXT, article_html
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, footer_of, mention_event, message_event


def test_bad_or_stale_signatures_get_401(bot: Harness) -> None:
    """Requests not signed with the signing secret, or older than five minutes, are refused."""
    envelope = bot.envelope(message_event("hello"))
    assert bot.post(envelope, secret="wrong-secret")[0] == 401
    assert bot.post(envelope, timestamp=1_600_000_000)[0] == 401
    assert bot.queued() == 0


def test_url_verification_echoes_the_challenge(bot: Harness) -> None:
    """Slack's URL check gets its challenge back."""
    status, body = bot.post({"token": "t", "challenge": "abc123", "type": "url_verification"})
    assert status == 200 and json.loads(body)["challenge"] == "abc123"


def test_healthz_reports_redis(bot: Harness) -> None:
    """The health endpoint answers 200 while Redis is up."""
    import urllib.request

    with urllib.request.urlopen(bot.web.url + "/healthz", timeout=5) as response:
        assert json.loads(response.read()) == {"ok": True, "redis": "up"}


def test_claude_failing_degrades_to_an_offline_summary(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """529s and a mid-stream error are retried; when they persist the offline summary is posted, marked so."""
    claude.error_mid_stream(times=1)
    claude.fail_next(status=529, times=10)
    event = mention_event(ARTICLE_TEXT)
    (reply,) = bot.round_trip(event)
    footer = footer_of(reply)
    assert "Offline summary" in footer
    assert "the AI service was unavailable (tried 4 times)" in footer
    assert len(claude.requests) == 4
    assert slack.reactions(event["channel"], event["ts"]) == {"white_check_mark"}


def test_claude_recovers_after_transient_failures(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """A 429 with retry-after and a 500 are retried and the summary is posted."""
    claude.fail_next(status=429, retry_after=0.1)
    claude.fail_next(status=500)
    event = mention_event(ARTICLE_TEXT)
    (reply,) = bot.round_trip(event)
    assert "claude-sonnet-5-5" in json.dumps(reply["blocks"])
    assert len(claude.requests) == 3


def test_slack_rate_limit_on_post_is_retried(bot: Harness, slack: FakeSlack, web: FakeWeb) -> None:
    """A 429 with Retry-After on chat.postMessage is waited out; exactly one reply lands."""
    url = web.add("/story", article_html())
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    event = message_event(f"<{url}>")
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    assert len(slack.bot_replies(event["channel"], event["ts"])) == 1


def test_invalid_api_key_is_reported_once_without_retrying(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """A 401 is not retried: the offline summary is posted with a note naming the setting to check."""
    claude.fail_next(status=401, times=5)
    event = mention_event(ARTICLE_TEXT)
    (reply,) = bot.round_trip(event)
    footer = footer_of(reply)
    assert "ANTHROPIC_API_KEY" in footer and "Offline summary" in footer
    assert len(claude.requests) == 1


def test_ai_deadline_degrades_to_an_offline_summary(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """When Claude takes longer than the AI deadline, the offline summary is posted and says why."""
    claude.delay(5, times=1)
    event = mention_event(ARTICLE_TEXT)
    (reply,) = bot.round_trip(event, ai_deadline_seconds=1)
    footer = footer_of(reply)
    assert "took too long" in footer and "Offline summary" in footer
