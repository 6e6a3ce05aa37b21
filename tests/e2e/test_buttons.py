"""The buttons under a summary, clicked through the real Bolt app as signed `block_actions` payloads:
reshape (one job per summary and choice, however many clicks), translate, and 👍/👎 feedback."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import redis

from bot.queue.feedback import FeedbackCounter
from tests.articles import ARTICLE_TEXT
from tests.fakes.anthropic_api import FakeAnthropic, prompt_text
from tests.fakes.slack_api import FakeSlack
from tests.harness import TEAM, Harness, interaction, mention_event


def summarized(bot: Harness, slack: FakeSlack) -> tuple[dict[str, Any], dict[str, Any]]:
    """A mention answered with a summary; returns (the mention, the summary message)."""
    event = mention_event(ARTICLE_TEXT)
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    (reply,) = slack.bot_replies(event["channel"], event["ts"])
    return event, reply


def element(reply: dict[str, Any], action_id: str) -> dict[str, Any]:
    """The interactive element `action_id` in the reply's blocks."""
    for block in reply["blocks"]:
        for item in block.get("elements") or []:
            if item.get("action_id") == action_id:
                return dict(item)
    raise AssertionError(f"no {action_id} in {json.dumps(reply['blocks'])[:300]}")


def click(
    slack: FakeSlack,
    event: dict[str, Any],
    reply: dict[str, Any],
    action: dict[str, Any],
    *,
    user: str = "U0ALICE",
) -> dict[str, Any]:
    """A `block_actions` payload for a click on `reply` (in `event`'s thread), shaped as Slack sends it."""
    return {
        **interaction("block_actions", user),
        "container": {
            "type": "message",
            "message_ts": reply["ts"],
            "channel_id": event["channel"],
            "is_ephemeral": False,
            "thread_ts": event["ts"],
        },
        "trigger_id": "123.456.abc",
        "team": {"id": TEAM, "domain": "fake"},
        "channel": {"id": event["channel"], "name": "general"},
        "message": {**reply, "thread_ts": event["ts"]},
        "response_url": f"{slack.url}/actions/{TEAM}/1/xyz",
        "actions": [{**action, "block_id": "b", "action_ts": "1700000100.000001"}],
    }


def test_every_summary_carries_reshape_and_feedback_buttons(bot: Harness, slack: FakeSlack) -> None:
    """Shorter, Longer, Bullets, a Translate menu of ten languages, and Slack's feedback buttons, with ids
    as values and never content."""
    _, reply = summarized(bot, slack)
    for action_id in ("reshape_shorter", "reshape_longer", "reshape_bullets"):
        assert element(reply, action_id)["value"] and ARTICLE_TEXT[:30] not in json.dumps(
            element(reply, action_id)
        )
    assert len(element(reply, "reshape_translate")["options"]) == 10
    assert element(reply, "feedback")["type"] == "feedback_buttons"


def test_double_clicks_and_other_users_make_one_reshape(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """Three clicks on "Bullets" (twice by one person, once by another): one job, one new summary, no
    reactions added for it."""
    event, reply = summarized(bot, slack)
    reactions_before = len(slack.calls("reactions.add"))
    bullets = {
        "action_id": "reshape_bullets",
        "type": "button",
        "value": element(reply, "reshape_bullets")["value"],
    }
    for user in ("U0ALICE", "U0ALICE", "U0BOB"):
        assert bot.click(click(slack, event, reply, bullets, user=user))[0] == 200
    bot.wait_queued(2)
    bot.work()
    assert bot.queued() == 2
    replies = slack.bot_replies(event["channel"], event["ts"])
    assert len(replies) == 2 and "•" in json.dumps(replies[1]["blocks"], ensure_ascii=False)
    assert "bullet points" in prompt_text(claude.requests[-1]["json"])
    assert len(slack.calls("reactions.add")) == reactions_before


def test_the_translate_menu_asks_for_the_language(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """Choosing French in the menu makes a summary written in French."""
    event, reply = summarized(bot, slack)
    menu = element(reply, "reshape_translate")
    french = next(o for o in menu["options"] if o["value"] == "French")
    action = {"action_id": "reshape_translate", "type": "static_select", "selected_option": french}
    assert bot.click(click(slack, event, reply, action))[0] == 200
    bot.wait_queued(2)
    bot.work()
    assert "Write the summary in French." in prompt_text(claude.requests[-1]["json"])


def test_feedback_is_counted_and_a_thumbs_down_asks_why_privately(
    bot: Harness, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """👍 and 👎 are counted per workspace and day; 👎 offers an ephemeral one-line "what was wrong?",
    whose answer is logged and thanked for in place."""
    event, reply = summarized(bot, slack)
    good = {"action_id": "feedback", "type": "feedback_buttons", "value": "good"}
    bad = {"action_id": "feedback", "type": "feedback_buttons", "value": "bad"}
    with caplog.at_level(logging.INFO):
        assert bot.click(click(slack, event, reply, good))[0] == 200
        assert bot.click(click(slack, event, reply, bad, user="U0BOB"))[0] == 200
        counter = FeedbackCounter(redis.Redis.from_url(bot.settings.redis_url or ""))
        assert counter.today(team=TEAM) == {"good": 1, "bad": 1}
        (ask,) = slack.ephemerals()
        assert ask["user"] == "U0BOB" and ask["blocks"][0]["element"]["action_id"] == "feedback_reason"
        reason = {"action_id": "feedback_reason", "type": "plain_text_input", "value": "It missed the budget"}
        assert bot.click(click(slack, event, reply, reason, user="U0BOB"))[0] == 200
    assert slack.responses() == [
        {"text": "Thanks, noted. It helps make the summaries better.", "replace_original": True}
    ]
    assert any("It missed the budget" in r.getMessage() for r in caplog.records)
    assert bot.queued() == 1  # feedback queues no work


def test_a_click_on_a_forgotten_summary_says_so(bot: Harness, slack: FakeSlack) -> None:
    """When the thread no longer remembers its source, the button's answer says so politely."""
    event, reply = summarized(bot, slack)
    client = redis.Redis.from_url(bot.settings.redis_url or "")
    for key in client.scan_iter("summarizer:thread:*"):
        client.delete(key)
    action = {
        "action_id": "reshape_shorter",
        "type": "button",
        "value": element(reply, "reshape_shorter")["value"],
    }
    assert bot.click(click(slack, event, reply, action))[0] == 200
    bot.wait_queued(2)
    bot.work()
    last = slack.bot_replies(event["channel"], event["ts"])[-1]
    assert "no longer have what I summarized" in last["text"]
