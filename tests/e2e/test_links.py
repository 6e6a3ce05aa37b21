"""Links shared in channels: one threaded summary per link, reactions, and clear failure replies."""

from __future__ import annotations

import json

from tests.articles import ARTICLE_TEXT, article_html
from tests.fakes.anthropic_api import FakeAnthropic, prompt_text
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, message_event, reply_calls, wait_for


def blocks_text(message: dict[str, object]) -> str:
    """All the text in a posted message's blocks."""
    return json.dumps(message.get("blocks"), ensure_ascii=False)


def test_shared_link_gets_one_threaded_summary(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """A link in a channel is fetched, summarized by Claude and answered in the message's thread."""
    url = web.add("/news/transit", article_html())
    event = message_event(f"Worth a read <{url}>")
    bot.send(event)
    wait_for(lambda: "hourglass_flowing_sand" in slack.reactions(event["channel"], event["ts"]))
    bot.work()
    replies = slack.bot_replies(event["channel"], event["ts"])
    assert len(replies) == 1
    posted = blocks_text(replies[0])
    assert "Council approves transit plan" in posted and url in posted
    assert "Metro News" in json.dumps(replies[0]["blocks"][0])  # the byline under the title
    assert "claude-sonnet-5-5" in posted
    assert slack.reactions(event["channel"], event["ts"]) == {"white_check_mark"}
    prompt = prompt_text(claude.requests[0]["json"])
    assert "<document" in prompt and "light rail to the airport" in prompt
    assert "Related stories" not in prompt and "Politics" not in prompt
    assert claude.requests[0]["json"]["stream"] is True
    statuses = slack.statuses(event["channel"], event["ts"])  # Slack's native "summarizer is …" line
    assert statuses == ["is reading 127.0.0.1…", "is writing the summary…", ""]


def test_three_links_summarized_and_the_rest_skipped(bot: Harness, slack: FakeSlack, web: FakeWeb) -> None:
    """Four links: three summaries and one line naming the skipped link."""
    urls = [web.add(f"/p{i}", article_html(f"Story number {i}")) for i in range(4)]
    event = message_event(" ".join(f"<{u}>" for u in urls))
    bot.send(event)
    bot.wait_queued(4)
    bot.work()
    replies = slack.bot_replies(event["channel"], event["ts"])
    texts = [blocks_text(r) for r in replies]
    assert sum("Story number" in t for t in texts) == 3
    assert sum("skipped the other 1" in t for t in texts) == 1
    assert len(replies) == 4


def test_page_returning_403_gets_a_clear_reply(bot: Harness, slack: FakeSlack, web: FakeWeb) -> None:
    """A refused page ends in ❌ and a human reply naming the status, never a stack trace."""
    url = web.add("/private", "<html><body>Forbidden</body></html>", status=403)
    event = message_event(f"<{url}>")
    (reply,) = bot.round_trip(event)
    assert "HTTP 403" in reply["text"] and "Traceback" not in reply["text"]
    assert slack.reactions(event["channel"], event["ts"]) == {"x"}


def test_image_link_is_not_summarized(bot: Harness, slack: FakeSlack, web: FakeWeb) -> None:
    """A link to an image gets one line saying images cannot be read, and what can be."""
    url = web.add("/cat.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, content_type="image/png")
    event = message_event(f"<{url}>")
    (reply,) = bot.round_trip(event)
    assert "looks like an image" in reply["text"] and "PDF" in reply["text"]


def test_retry_storm_and_double_event_give_one_reply(bot: Harness, slack: FakeSlack, web: FakeWeb) -> None:
    """Every delivery four times, as `message` and as `app_mention`: still exactly one reply."""
    url = web.add("/story", article_html())
    event = message_event(f"<@U0BOT> look <{url}>")
    mention = {**event, "type": "app_mention"}
    mention.pop("channel_type")
    bot.send(event, deliveries=4)
    bot.send(mention, deliveries=4)
    bot.wait_queued(1)
    bot.work()
    assert bot.queued() == 1
    assert len(slack.bot_replies(event["channel"], event["ts"])) == 1


def test_links_to_slack_and_bot_messages_are_ignored(bot: Harness, slack: FakeSlack, web: FakeWeb) -> None:
    """Slack's own links, other bots' posts and edits make no job and no reply."""
    url = web.add("/story", article_html())
    bot.send(message_event("<https://acme.slack.com/archives/C1/p123>"))
    bot.send(message_event(f"<{url}>", bot_id="B0OTHER"))
    bot.send(message_event(f"<{url}>", subtype="message_changed"))
    sentinel = message_event(f"<{url}>")
    bot.send(sentinel)
    bot.wait_queued(1)
    bot.work()
    assert bot.queued() == 1
    assert [c.body["thread_ts"] for c in reply_calls(slack) if "thread_ts" in c.body] == [sentinel["ts"]]


def test_offline_mode_summarizes_without_an_api_key(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """With no API key the worker summarizes extractively and the footer says so."""
    url = web.add("/story", article_html())
    event = message_event(f"<{url}>")
    (reply,) = bot.round_trip(event, anthropic_api_key=None)
    assert "Offline" in blocks_text(reply) or "offline" in blocks_text(reply)
    assert claude.requests == []
    assert any(sentence[:40] in blocks_text(reply) for sentence in ARTICLE_TEXT.split(". "))
