"""Reactions: 📝 on a message summarizes it in its thread, once, whoever reacts; other emoji do nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from bot.settings import Settings
from tests.articles import ARTICLE_TEXT, article_html
from tests.fakes.anthropic_api import FakeAnthropic, prompt_text
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, mention_event, next_ts


def reaction(channel: str, ts: str, *, emoji: str = "memo", user: str = "U0ALICE") -> dict[str, Any]:
    """A `reaction_added` event as Slack sends it (the API reference's shape)."""
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": emoji,
        "item_user": "U0BOB",
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": next_ts(),
    }


def test_a_memo_reaction_summarizes_pasted_text_once_whoever_reacts(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """Two people react 📝 (one delivery retried) and a 👍 arrives: one job, one summary in the thread."""
    ts = slack.add_message("C0NEWS", text=ARTICLE_TEXT, user="U0BOB")
    claude.script("The council approved a transit plan with three bus lines and a rail extension.")
    bot.send(reaction("C0NEWS", ts, emoji="thumbsup"))
    bot.send(reaction("C0NEWS", ts), deliveries=2)
    bot.send(reaction("C0NEWS", ts, user="U0CAROL"))
    bot.wait_queued(1)
    bot.work()
    assert bot.queued() == 1 and len(claude.requests) == 1
    assert "three bus lines" in prompt_text(claude.requests[0]["json"])
    replies = slack.bot_replies("C0NEWS", ts)
    assert len(replies) == 1
    assert "transit plan" in json.dumps(replies[0]["blocks"], ensure_ascii=False)
    assert "white_check_mark" in slack.reactions("C0NEWS", ts)


def test_a_memo_on_a_thread_reply_with_a_link_answers_in_that_thread(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """The reacted reply's link is fetched and summarized, and the summary goes in the reply's thread."""
    url = web.add("/story", article_html())
    parent = slack.add_message("C0NEWS", text="Transit news thread", user="U0BOB")
    reply_ts = slack.add_message("C0NEWS", text=f"worth a read <{url}>", user="U0BOB", thread_ts=parent)
    claude.script("The council approved the transit plan on Tuesday.")
    bot.send(reaction("C0NEWS", reply_ts))
    bot.wait_queued(1)
    bot.work()
    assert "light rail" in prompt_text(claude.requests[0]["json"])
    summaries = slack.bot_replies("C0NEWS", parent)
    assert len(summaries) == 1 and "approved the transit plan" in json.dumps(summaries[0]["blocks"])
    assert "white_check_mark" in slack.reactions("C0NEWS", reply_ts)


def test_a_memo_on_a_message_deleted_meanwhile_gets_no_reply(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """A message deleted before the worker reads it: the job ends quietly, with nothing posted."""
    bot.send(reaction("C0NEWS", "1700000000.000100"))
    bot.wait_queued(1)
    bot.work()
    assert claude.requests == [] and slack.calls("chat.postMessage") == []


def test_reactions_can_be_turned_off(settings: Settings, slack: FakeSlack) -> None:
    """With SUMMARIZER_REACTION_EMOJI set empty a 📝 makes no job (a mention sent after it still does)."""
    emoji = Settings.from_env({"SUMMARIZER_REACTION_EMOJI": ""}).reaction_emoji
    off = Harness(replace(settings, reaction_emoji=emoji), slack)
    try:
        ts = slack.add_message("C0NEWS", text=ARTICLE_TEXT, user="U0BOB")
        off.send(reaction("C0NEWS", ts))
        off.send(mention_event("summarize this: " + ARTICLE_TEXT, channel="C0NEWS"))
        off.wait_queued(1)
        assert off.queued() == 1
    finally:
        off.close()
