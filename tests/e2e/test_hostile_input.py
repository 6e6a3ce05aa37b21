"""Hostile and malformed input: every request gets a 2xx, nothing pings, long output never fails."""

from __future__ import annotations

import json
import logging

import pytest

from bot.cli import RedactSecrets
from tests.articles import ARTICLE_TEXT, article_html
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, mention_event, message_event, reply_calls

PINGS = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U0ALICE>",
    "<!subteam^S123|team>",
    "<https://evil.example|x>",
]


@pytest.mark.parametrize(
    "event",
    [
        "not an object",
        [],
        {},
        {"type": "message"},
        {"type": "message", "channel": ["C1"], "ts": 1, "user": None, "text": {"a": 1}},
        {"type": "message", "subtype": "channel_join", "channel": "C1", "ts": "1.1", "user": "U1"},
        {"type": "message", "subtype": "something_new_from_slack", "channel": "C1", "ts": "1.1"},
        {"type": "app_mention", "channel": "C1", "ts": "1.1", "user": "U1", "files": "nope", "blocks": 5},
        {"type": "team_join", "user": {"id": "U9"}},
        {"type": "message", "channel": "C1", "ts": "1.2", "user": "U1", "text": "x" * 200_000},
    ],
)
def test_malformed_events_get_a_200(bot: Harness, event: object) -> None:
    """Odd, unknown or huge events are acknowledged with 200 so Slack never retries them in a storm."""
    envelope = bot.envelope({})
    envelope["event"] = event
    status, _ = bot.post(envelope)
    assert status == 200


def test_invalid_utf8_and_garbage_bodies_do_not_crash(bot: Harness) -> None:
    """A signed body that is not UTF-8 or not JSON is answered without a server error."""
    for body in (b"\xff\xfe{not json", b"payload=%ZZ", b'{"type": "event_callback", "event": '):
        status, _ = bot.post(body)
        assert status < 500


def test_model_output_cannot_ping_or_inject_links(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """Mentions and links in the model's answer reach Slack as inert text. (The answer is scripted for the
    re-ask too, so the finished reply carries it whether or not its live text got out first.)"""
    answer = " ".join(f"Alert {p} now." for p in PINGS) + "\n\n@channel @here second paragraph."
    claude.script(answer, answer)
    event = mention_event(ARTICLE_TEXT)
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    (reply,) = slack.bot_replies(event["channel"], event["ts"])
    posted = json.dumps([c.body for c in reply_calls(slack)])  # the live text and the finished reply
    for ping in PINGS:
        assert ping not in posted
    assert "&lt;!channel&gt;" in json.dumps(reply)
    assert "@channel" not in posted.replace("@\\u2060channel", "")


def test_page_title_cannot_ping(bot: Harness, slack: FakeSlack, web: FakeWeb) -> None:
    """A page whose title carries <!channel> is named safely in the header."""
    url = web.add("/story", article_html(title="Breaking &lt;!channel&gt; news <@U0ALICE>"))
    event = message_event(f"<{url}>")
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    posted = json.dumps([c.body for c in reply_calls(slack)])
    assert "<!channel>" not in posted and "<@U0ALICE>" not in posted


def test_a_very_long_summary_is_split_and_accepted(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """Where canvases are off, a 15,000-word answer is split over several valid messages; Slack rejects
    none of them."""
    slack.disable_canvases()
    paragraph = " ".join(f"Sentence number {i} says something about the plan." for i in range(60))
    long_answer = "\n\n".join([paragraph] * 30)
    claude.script(long_answer, long_answer)  # the contract asks once more: answer long again
    event = mention_event("Summarize in 30 paragraphs, 5000 words\n" + (ARTICLE_TEXT + "\n\n") * 60)
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    replies = slack.bot_replies(event["channel"], event["ts"])
    assert len(replies) >= 2
    assert all(len(r["blocks"]) <= 50 for r in replies)
    assert len(slack.calls("chat.startStream")) == 1  # the first part is the live message, finished in place
    assert len(slack.calls("chat.postMessage")) == len(replies) - 1
    assert len(slack.calls("canvases.create")) == 1 and slack.canvases() == {}  # tried, refused


def test_secrets_never_reach_the_logs(
    bot: Harness, web: FakeWeb, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """With DEBUG logging through a whole job (ours, Bolt's, slack_sdk's, anthropic's), no token, signing
    secret or API key appears in any record, even before the redaction filter."""
    caplog.set_level(logging.DEBUG)
    url = web.add("/story", article_html())
    event = message_event(f"<{url}>")
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    assert slack.bot_replies(event["channel"], event["ts"])
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert len(caplog.records) > 10
    s = bot.settings
    for secret in (s.slack_bot_token, s.slack_signing_secret, s.anthropic_api_key):
        assert secret and secret not in text


def test_redaction_filter_removes_configured_secrets() -> None:
    """The filter installed on the log handler replaces every configured secret, even in arguments."""
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "auth %s then %s", ("xoxb-123456789", "ok"), None
    )
    assert RedactSecrets(["xoxb-123456789"]).filter(record)
    assert record.getMessage() == "auth [redacted] then ok"
