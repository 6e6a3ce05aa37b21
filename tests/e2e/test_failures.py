"""Failures and protocol edges: Claude down, bad signatures, url_verification, Slack rate limits."""

from __future__ import annotations

import json

from tests.articles import ARTICLE_TEXT, article_html
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, mention_event, message_event


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


def test_claude_failing_gives_a_clear_message_after_retries(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """529s and a mid-stream error are retried; when they persist the user is told, with the count."""
    claude.error_mid_stream(times=1)
    claude.fail_next(status=529, times=10)
    event = mention_event(ARTICLE_TEXT)
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    (reply,) = slack.bot_replies(event["channel"], event["ts"])
    assert "busy" in reply["text"] and "tried 4 times" in reply["text"]
    assert len(claude.requests) == 4
    assert slack.reactions(event["channel"], event["ts"]) == {"x"}


def test_claude_recovers_after_transient_failures(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """A 429 with retry-after and a 500 are retried and the summary is posted."""
    claude.fail_next(status=429, retry_after=0.1)
    claude.fail_next(status=500)
    event = mention_event(ARTICLE_TEXT)
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    (reply,) = slack.bot_replies(event["channel"], event["ts"])
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


def test_invalid_api_key_gets_an_admin_message_without_retrying(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """A 401 from the AI service is reported once, naming the setting to check."""
    claude.fail_next(status=401, times=5)
    event = mention_event(ARTICLE_TEXT)
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    (reply,) = slack.bot_replies(event["channel"], event["ts"])
    assert "ANTHROPIC_API_KEY" in reply["text"]
    assert len(claude.requests) == 1
