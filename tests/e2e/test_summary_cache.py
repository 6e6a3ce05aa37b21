"""The summary cache end to end: the same content asked the same way again, in another channel, is
answered from Redis with no model call and "cached" in the footer, citation markers and all; another
instruction, changed content or `SUMMARIZER_SUMMARY_CACHE_HOURS=0` asks the model again, and a cache
Redis cannot read never fails the summary."""

from __future__ import annotations

import json
from typing import Any

from bot.queue.keys import summary as summary_key
from tests.articles import article_html
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, footer_of, mention_event, message_event

ANSWER = (
    "The city council approved a new transit plan on Tuesday after a long debate about funding and routes. "
    "Opponents argued that the tax would hurt small businesses.\n\nThe mayor called the vote a turning point."
)

BULLETS = (
    "- The city council approved a new transit plan on Tuesday.\n"
    "- Opponents argued that the tax would hurt small businesses.\n"
    "- The mayor called the vote a turning point."
)


def share(bot: Harness, text: str, *, channel: str, **overrides: Any) -> dict[str, Any]:
    """Post `text` in `channel`, run the worker (with setting `overrides`) and return the one reply."""
    event = message_event(text, channel=channel)
    (reply,) = bot.round_trip(event, **overrides)
    return reply


def body(reply: dict[str, Any]) -> str:
    """A reply's summary as shown: its sections and the *Sources* part (the footer and buttons left out)."""
    shown = [b for b in reply["blocks"] if b["type"] == "section" or "*Sources*" in json.dumps(b)]
    return json.dumps(shown, ensure_ascii=False)


def cached_keys(bot: Harness) -> list[bytes]:
    return list(bot.redis.scan_iter(summary_key("*")))


def test_the_same_link_in_two_channels_costs_one_model_call(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """The second channel's reply comes from the cache: same paragraphs and cited passages, one request,
    "cached" in its footer, kept for a day."""
    claude.script(ANSWER)
    url = web.add("/plan", article_html())
    first = share(bot, f"see <{url}>", channel="C0ONE")
    second = share(bot, f"worth a read <{url}>", channel="C0TWO")
    assert len(claude.requests) == 1
    assert "|[1]>" in body(first) and "*Sources*" in body(first)
    assert body(second) == body(first)
    assert "cached" not in footer_of(first) and footer_of(second).endswith(" · cached")
    assert "Model: claude-sonnet-5-5" in footer_of(second)
    streamed = [
        c.get("text", "")
        for call in slack.calls("chat.startStream") + slack.calls("chat.appendStream")
        if call.body["channel"] == "C0TWO"
        for c in call.body["chunks"]
    ]
    assert "Opponents argued" in "".join(streamed)  # the cached summary streams in as a written one does
    (key,) = cached_keys(bot)
    assert 23 * 3600 < bot.redis.ttl(key) <= 24 * 3600


def test_another_instruction_asks_the_model_again(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """The same link asked "in 3 bullets" is another shape, so another key: a new model call."""
    url = web.add("/plan", article_html())
    claude.script(ANSWER, BULLETS)
    share(bot, f"<{url}>", channel="C0ONE")
    event = mention_event(f"<{url}> in 3 bullets", channel="C0TWO")
    (reply,) = bot.round_trip(event)
    assert len(claude.requests) == 2 and "cached" not in footer_of(reply)
    assert len(cached_keys(bot)) == 2


def test_changed_page_content_asks_the_model_again(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """The page at the same URL, changed since: another text, another key, so a hit is never stale."""
    url = web.add("/plan", article_html())
    share(bot, f"<{url}>", channel="C0ONE")
    changed = article_html().replace(
        "</article>", "<p>Update: the final vote was postponed to March after new objections.</p></article>"
    )
    web.add("/plan", changed)
    reply = share(bot, f"<{url}>", channel="C0TWO")
    assert len(claude.requests) == 2 and "cached" not in footer_of(reply)
    assert "postponed to March" in json.dumps(claude.requests[1]["json"])


def test_zero_hours_turns_the_cache_off(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """With SUMMARIZER_SUMMARY_CACHE_HOURS=0 every ask goes to the model and nothing is kept."""
    url = web.add("/plan", article_html())
    share(bot, f"<{url}>", channel="C0ONE", summary_cache_hours=0)
    reply = share(bot, f"<{url}>", channel="C0TWO", summary_cache_hours=0)
    assert len(claude.requests) == 2 and "cached" not in footer_of(reply)
    assert cached_keys(bot) == []


def test_a_cache_redis_cannot_read_does_not_fail_the_summary(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """A kept entry Redis refuses to read (WRONGTYPE) is a miss: the model writes the summary, it is
    posted as usual (✅), and the entry is written afresh."""
    url = web.add("/plan", article_html())
    share(bot, f"<{url}>", channel="C0ONE")
    (key,) = cached_keys(bot)
    bot.redis.delete(key)
    bot.redis.hset(key, "not", "a summary")
    event = message_event(f"<{url}>", channel="C0TWO")
    (reply,) = bot.round_trip(event)
    assert len(claude.requests) == 2 and "cached" not in footer_of(reply)
    assert slack.reactions(event["channel"], event["ts"]) == {"white_check_mark"}
    assert bot.redis.type(key) == b"string"
