"""Thread summaries: "summarize this thread" or "catch me up" in a thread summarizes the conversation (read
page by page, people named as Slack names them, key messages linked), not just its first message."""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.anthropic_api import FakeAnthropic, prompt_text
from tests.fakes.slack_api import FakeSlack
from tests.harness import Harness, footer_of, mention_event

PEOPLE = {"U0ALICE": "Alice Liddell", "U0BOB": "Bob", "U0CAROL": "Carol Danvers"}
TOPICS = ["the launch date", "the budget", "the vendor contract", "hiring", "the office move"]


def busy_thread(slack: FakeSlack, replies: int) -> str:
    """A channel thread of `replies` replies by three people (and one earlier reply of the bot's)."""
    for user, name in PEOPLE.items():
        slack.add_user(user, name, display_name=name.split()[0] if user != "U0BOB" else "")
    parent = slack.add_message("C0TEAM", text="Kick-off: planning for Q3", user="U0ALICE")
    users = list(PEOPLE)
    for n in range(1, replies + 1):
        topic = TOPICS[n % len(TOPICS)]
        slack.add_message(
            "C0TEAM",
            text=f"Update {n} on {topic}: we agreed step {n} is done.",
            user=users[n % 3],
            thread_ts=parent,
        )
    slack.add_message("C0TEAM", text="Summary of an earlier link", user="U0BOT", thread_ts=parent)
    return parent


def ask(bot: Harness, slack: FakeSlack, parent: str, text: str, **overrides: Any) -> dict[str, Any]:
    event = mention_event(text, channel="C0TEAM", thread_ts=parent)
    bot.send(event)
    bot.wait_queued(1)
    bot.work(**overrides)
    return slack.bot_replies("C0TEAM", parent)[-1]


def test_a_300_message_thread_is_summarized_as_a_conversation(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """All 301 messages are read (two pages), people are named once each (users.info, cached), the
    bot's own earlier reply is left out, and the cited messages become links."""
    parent = busy_thread(slack, 300)
    claude.script("- Decision: the launch date is fixed [12]\n- Action item (Bob): send the contract [250]")
    reply = ask(bot, slack, parent, "summarize this thread in 2 bullets")
    prompt = prompt_text(claude.requests[0]["json"])
    assert "[1] Alice: Kick-off: planning for Q3" in prompt and "[301] Alice: Update 300" in prompt
    assert "Carol: Update 2 on" in prompt and "Summary of an earlier link" not in prompt
    assert "summarize this thread" not in prompt.split("</document>")[0]  # the request is not the talk
    assert len(claude.requests) == 1
    assert "action items with their owners" in prompt
    assert len(slack.calls("conversations.replies")) >= 2
    assert sorted(c.body["user"] for c in slack.calls("users.info")) == sorted(PEOPLE)
    blocks = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "Summary of this thread" in blocks and "301 messages from Alice, Bob, Carol" in blocks
    assert "fake.slack.com/archives/C0TEAM/p" in blocks and "|[12]>" in blocks and "|[250]>" in blocks
    assert len(slack.calls("chat.getPermalink")) == 2
    assert "Source:" in footer_of(reply)


def test_catch_me_up_works_offline_and_names_stay_cached(bot: Harness, slack: FakeSlack) -> None:
    """Without an API key the conversation gets an extractive summary; asking again reads no names twice."""
    parent = busy_thread(slack, 12)
    reply = ask(bot, slack, parent, "catch me up", anthropic_api_key=None)
    assert "Offline summary" in footer_of(reply) and "•" in json.dumps(reply["blocks"], ensure_ascii=False)
    calls = len(slack.calls("users.info"))
    event = mention_event("what did I miss?", channel="C0TEAM", thread_ts=parent)
    bot.send(event)
    bot.wait_queued(2)
    bot.work(anthropic_api_key=None)
    assert len(slack.calls("users.info")) == calls


def test_a_question_after_a_thread_summary_is_answered_from_the_conversation(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """The thread's transcript is kept for follow-ups like any source."""
    parent = busy_thread(slack, 20)
    ask(bot, slack, parent, "summarize this thread")
    event = mention_event("who agreed on the budget?", channel="C0TEAM", thread_ts=parent)
    bot.send(event)
    bot.wait_queued(2)
    bot.work()
    assert "<question>\nwho agreed on the budget?\n</question>" in prompt_text(claude.requests[-1]["json"])
    assert "[2] Bob: Update 1" in prompt_text(claude.requests[-1]["json"])
