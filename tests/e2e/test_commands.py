"""`/summarize` (private replies through the response_url, with a Share button) and the "Summarize" message
shortcut (in the thread, or privately where the bot is not a member), through the real Bolt app."""

from __future__ import annotations

import json
from typing import Any

from tests.articles import ARTICLE_TEXT, article_html
from tests.fakes.anthropic_api import FakeAnthropic, prompt_text
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import TEAM, Harness, interaction, wait_for


def shown(slack: FakeSlack, url: str) -> str:
    """Everything the asker privately sees from one request, as one JSON string."""
    return json.dumps(slack.private_view(url), ensure_ascii=False)


def share_click(slack: FakeSlack, url: str, *, channel: str, user: str = "U0ALICE") -> dict[str, Any]:
    """A click on the Share button of the private reply behind `url`, as Slack sends it (an ephemeral
    message's block_actions: a container, no message, and a response_url of its own)."""
    button = next(
        element
        for message in slack.private_view(url)
        for block in message["blocks"] or []
        for element in block.get("elements", [])
        if element.get("action_id") == "share_reply"
    )
    return {
        **interaction("block_actions", user),
        "container": {
            "type": "message",
            "message_ts": "1700000200.000001",
            "channel_id": channel,
            "is_ephemeral": True,
        },
        "trigger_id": "7.8.share",
        "team": {"id": TEAM, "domain": "fake"},
        "channel": {"id": channel, "name": "general"},
        "response_url": slack.response_url(channel=channel, user=user, kind="actions", clicked_in=url),
        "actions": [{**button, "block_id": "share:x", "action_ts": "1700000201.000001"}],
    }


def test_summarize_a_link_privately_then_share_it(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """The ack says it is working; the summary replaces that note, only for the asker, with a Share button
    and no reshape buttons; nothing is posted in the channel until Share puts it there, by name."""
    url = web.add("/story", article_html())
    claude.script("- The council approved the plan\n- Three bus lines are added\n- Rail reaches the airport")
    hook = bot.command(f"<{url}> in 3 bullets", channel="C0CHAN")
    assert "Working on it" in shown(slack, hook)
    bot.wait_queued(1)
    bot.work()
    view = slack.private_view(hook)
    assert (
        len(view) == 1 and "Three bus lines" in json.dumps(view) and "Working on it" not in json.dumps(view)
    )
    assert "share_reply" in json.dumps(view) and "reshape_" not in json.dumps(view)
    assert "3 bullet" in prompt_text(claude.requests[0]["json"])
    assert slack.calls("chat.postMessage") == [] and slack.messages("C0CHAN") == []
    assert slack.calls("reactions.add") == [] and slack.statuses("C0CHAN", "") == []

    status, _ = bot.click(share_click(slack, hook, channel="C0CHAN"))
    assert status == 200
    posted = wait_for(lambda: slack.messages("C0CHAN"))
    blocks = json.dumps(posted[0]["blocks"], ensure_ascii=False)
    assert "Three bus lines" in blocks and "Shared by <@U0ALICE>" in blocks and "share_reply" not in blocks
    wait_for(lambda: slack.private_view(hook) == [])


def test_help_and_an_empty_command_get_the_help_text_and_queue_nothing(
    bot: Harness, slack: FakeSlack
) -> None:
    """`/summarize help` and `/summarize hi` answer with what the command does, at once."""
    for text in ("help", "hi"):
        hook = bot.command(text)
        assert "/summarize https://example.com/article" in shown(slack, hook)
    assert bot.queued() == 0


def test_pasted_text_is_summarized_where_the_bot_is_not_a_member(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """The private reply needs no membership: a channel that refuses the bot still gets its answer."""
    slack.shut_out("C0ELSEWHERE")
    claude.script("The council approved a transit plan.")
    hook = bot.command("tl;dr " + ARTICLE_TEXT, channel="C0ELSEWHERE")
    bot.wait_queued(1)
    bot.work()
    assert "approved a transit plan" in shown(slack, hook)
    assert "light rail" in prompt_text(claude.requests[0]["json"])


def test_an_expired_response_url_ends_the_job_quietly(bot: Harness, slack: FakeSlack, web: FakeWeb) -> None:
    """Past its 30 minutes Slack refuses the URL: the job ends (no retry loop), nothing posted elsewhere."""
    url = web.add("/story", article_html())
    hook = bot.command(f"<{url}>")
    slack.expire(hook)
    bot.wait_queued(1)
    bot.work(anthropic_api_key=None)
    assert slack.uses(hook) == 0 and slack.calls("chat.postMessage") == []
    assert bot.redis.xpending("summarizer:jobs", "workers")["pending"] == 0


def test_the_shortcut_summarizes_a_message_in_its_thread(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """A message with a link: the summary goes in its thread and the "working" note goes away."""
    url = web.add("/story", article_html())
    ts = slack.add_message("C0NEWS", text=f"have a look <{url}>", user="U0BOB")
    claude.script("The council approved the transit plan.")
    message = slack.message("C0NEWS", ts)
    hook = bot.shortcut(message, channel="C0NEWS")
    bot.wait_queued(1)  # the listener answers with its working note before it queues
    assert "Summarizing that message" in shown(slack, hook)
    bot.work()
    replies = slack.bot_replies("C0NEWS", ts)
    assert len(replies) == 1 and "approved the transit plan" in json.dumps(replies[0]["blocks"])
    assert slack.private_view(hook) == []


def test_the_shortcut_answers_privately_where_the_bot_is_not_a_member(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """Slack refuses the reply in the thread: the asker gets it privately, in place of the working note."""
    ts = slack.add_message("C0PRIVATE", text=ARTICLE_TEXT, user="U0BOB")
    message = slack.message("C0PRIVATE", ts)
    slack.shut_out("C0PRIVATE")
    claude.script("The council approved a transit plan.")
    hook = bot.shortcut(message, channel="C0PRIVATE")
    bot.wait_queued(1)
    bot.work()
    view = shown(slack, hook)
    assert "approved a transit plan" in view and "Summarizing that message" not in view
    assert slack.bot_replies("C0PRIVATE", ts) == []


def test_the_shortcut_on_a_thread_summarizes_the_conversation(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """On a message with replies the shortcut summarizes the whole thread, its first message included."""
    slack.add_user("U0BOB", "Bob")
    slack.add_user("U0CAROL", "Carol")
    parent = slack.add_message("C0TEAM", text="Should we move the launch?", user="U0BOB")
    slack.add_message("C0TEAM", text="Yes, to May 4, agreed by all.", user="U0CAROL", thread_ts=parent)
    slack.add_message("C0TEAM", text="I'll tell the vendor.", user="U0BOB", thread_ts=parent)
    claude.script("- Decision: the launch moves to May 4 [2]\n- Action item (Bob): tell the vendor [3]")
    message = slack.message("C0TEAM", parent)
    bot.shortcut(message, channel="C0TEAM")
    bot.wait_queued(1)
    bot.work()
    prompt = prompt_text(claude.requests[0]["json"])
    assert "[1] Bob: Should we move the launch?" in prompt and "[3] Bob: I'll tell the vendor." in prompt
    reply = slack.bot_replies("C0TEAM", parent)[-1]
    assert "Summary of this thread" in json.dumps(reply["blocks"])


def test_the_shortcut_on_a_thread_the_bot_cannot_read_says_how_to_invite_it(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """conversations.replies refuses a channel the bot is not in: the asker hears, privately, why and how."""
    parent = slack.add_message("C0SECRET", text="Plans", user="U0BOB")
    slack.add_message("C0SECRET", text="More plans", user="U0BOB", thread_ts=parent)
    message = slack.message("C0SECRET", parent)
    slack.shut_out("C0SECRET")
    hook = bot.shortcut(message, channel="C0SECRET")
    bot.wait_queued(1)
    bot.work()
    assert "/invite @summarizer" in shown(slack, hook) and "can't read" in shown(slack, hook)
    assert claude.requests == []
