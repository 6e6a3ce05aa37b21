"""Channel catch-ups: `/summarize [window]` privately, "@summarizer catch me up" in the channel; history read
page by page with its threads, in the asker's time zone, people named, cited messages linked."""

from __future__ import annotations

import json
import time

from tests.fakes.anthropic_api import FakeAnthropic, prompt_text
from tests.fakes.slack_api import FakeSlack
from tests.harness import Harness, footer_of, mention_event

HOUR = 3600.0


def at(hours_ago: float) -> str:
    """A message ts `hours_ago` before now (catch-up windows are measured from the real clock)."""
    return f"{time.time() - hours_ago * HOUR:.6f}"


def people(slack: FakeSlack) -> None:
    slack.add_user("U0ALICE", "Alice Liddell", display_name="Alice")
    slack.add_user("U0BOB", "Bob")
    slack.add_user("U0CAROL", "Carol")


def test_since_yesterday_reads_every_page_and_thread_and_links_what_it_cites(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """250 messages in the window (two pages), one with a thread; an older one is left out; the reply is
    private, titled with the channel and window, with the cited messages linked."""
    people(slack)
    slack.add_message("C0CHAN", text="Ancient history", user="U0BOB", ts=at(24 * 4))
    first = slack.add_message("C0CHAN", text="Launch moves to May 4?", user="U0BOB", ts=at(20))
    slack.add_message("C0CHAN", text="Agreed, May 4.", user="U0CAROL", ts=at(19.9), thread_ts=first)
    for n in range(249):
        slack.add_message("C0CHAN", text=f"Status note {n}", user="U0CAROL", ts=at(19 - n * 0.01))
    claude.script("- *Launch:* moved to May 4 [2]\n- *Status:* notes kept coming [100]")
    hook = bot.command("since yesterday", channel="C0CHAN")
    bot.wait_queued(1)
    bot.work()
    prompt = prompt_text(claude.requests[0]["json"])
    assert (
        "[1] Bob: Launch moves to May 4?" in prompt and "[2] Carol: (reply to [1]) Agreed, May 4." in prompt
    )
    assert "Status note 248" in prompt and "Ancient history" not in prompt
    assert "group the points by topic" in prompt
    assert len(slack.calls("conversations.history")) == 2
    assert [c.body["user"] for c in slack.calls("users.info")].count("U0ALICE") == 1  # the asker's time zone
    view = json.dumps(slack.private_view(hook), ensure_ascii=False)
    assert "Catch-up: #general, since yesterday" in view and "251 messages from Bob, Carol" in view
    assert "fake.slack.com/archives/C0CHAN/p" in view and "|[2]>" in view
    assert slack.calls("chat.postMessage") == []


def test_by_default_it_reads_since_the_askers_last_message(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """Only what came after Alice's last message, and without the bot's own posts."""
    people(slack)
    slack.add_message("C0CHAN", text="Before Alice spoke", user="U0BOB", ts=at(6))
    slack.add_message("C0CHAN", text="I'm off until Thursday", user="U0ALICE", ts=at(5))
    slack.add_message("C0CHAN", text="Vendor signed the contract", user="U0BOB", ts=at(4))
    slack.add_message("C0CHAN", text="Earlier summary", user="U0BOT", ts=at(3))
    slack.add_message("C0CHAN", text="Budget approved", user="U0CAROL", ts=at(2))
    hook = bot.command("", channel="C0CHAN")
    bot.wait_queued(1)
    bot.work()
    prompt = prompt_text(claude.requests[0]["json"])
    assert "Vendor signed the contract" in prompt and "Budget approved" in prompt
    assert "Before Alice spoke" not in prompt and "off until Thursday" not in prompt
    assert "Earlier summary" not in prompt
    assert "since your last message" in json.dumps(slack.private_view(hook))


def test_nothing_new_since_the_last_message_says_so_with_a_hint(bot: Harness, slack: FakeSlack) -> None:
    people(slack)
    slack.add_message("C0CHAN", text="Hello all", user="U0BOB", ts=at(2))
    slack.add_message("C0CHAN", text="My last word", user="U0ALICE", ts=at(1))
    hook = bot.command("", channel="C0CHAN")
    bot.wait_queued(1)
    bot.work()
    view = json.dumps(slack.private_view(hook))
    assert "Nothing new was posted here since your last message" in view and "last 24 hours" in view


def test_a_channel_the_bot_is_not_in_gets_a_line_on_how_to_invite_it(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    slack.shut_out("C0SECRET")
    hook = bot.command("this week", channel="C0SECRET")
    bot.wait_queued(1)
    bot.work()
    view = json.dumps(slack.private_view(hook))
    assert "can't read that conversation" in view and "/invite @summarizer" in view
    assert claude.requests == []


def test_rate_limited_history_summarizes_what_was_read_and_says_so(bot: Harness, slack: FakeSlack) -> None:
    """After one page Slack keeps answering 429 (a non-Marketplace app's limits): the catch-up covers the
    latest 200 messages and its footer says so."""
    people(slack)
    for n in range(230):
        slack.add_message(
            "C0CHAN", text=f"Update number {n} on the rollout", user="U0BOB", ts=at(10 - n * 0.01)
        )
    slack.fail_next("conversations.history", status=429, retry_after=0, times=10, after=1)
    hook = bot.command("last 12 hours", channel="C0CHAN")
    bot.wait_queued(1)
    bot.work(anthropic_api_key=None)
    view = slack.private_view(hook)
    assert "read the latest 200 messages only" in json.dumps(view)
    assert "Offline summary" in json.dumps(view)


def test_catch_me_up_in_the_channel_answers_in_the_mentions_thread(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """A mention outside a thread: the catch-up is posted (for everyone) in the mention's thread. (A window
    in hours, not "today": today may be minutes old when the suite runs.)"""
    people(slack)
    slack.add_message("C0CHAN", text="Office closed on Friday", user="U0BOB", ts=at(3))
    claude.script("- *Office:* closed on Friday [1]")
    event = mention_event("<@U0BOT> what did I miss in the last 6 hours?", channel="C0CHAN")
    event["ts"] = at(0.01)
    event["user"] = "U0ALICE"
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    reply = slack.bot_replies("C0CHAN", event["ts"])[-1]
    assert "Catch-up in the last 6 hours" in json.dumps(reply["blocks"]) and "Office closed" in prompt_text(
        claude.requests[0]["json"]
    )
    assert "what did I miss" not in prompt_text(claude.requests[0]["json"]).split("</document>")[0]
    assert "Source:" in footer_of(reply)
