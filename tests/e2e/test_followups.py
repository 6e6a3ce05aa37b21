"""Follow-ups in a summarized thread: a question gets an answer from the source (reading the cached prompt),
a reshape gets a new summary of the same source, nothing is downloaded twice while the thread remembers it,
and an expired document is fetched again."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import redis

from bot.queue import keys
from bot.settings import Settings
from tests.articles import PARAGRAPHS, article_html
from tests.fakes.anthropic_api import FakeAnthropic, prompt_text
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import TEAM, Harness, mention_event, message_event

MEMO = "\n\n".join(
    [
        "The transit authority published its annual plan for the next five years on Monday.",
        "The budget is 2.4 billion dollars over ten years, paid from a new regional sales tax.",
        *[f"Section {n}. {p}" for n in range(1, 7) for p in PARAGRAPHS],
        "The board will vote on the plan in March, after three public hearings.",
    ]
)


def summarize_then(bot: Harness, slack: FakeSlack, first: dict[str, Any], follow: str) -> dict[str, Any]:
    """Run `first` (a request), then a mention in its thread saying `follow`; return the follow-up event."""
    bot.send(first)
    bot.wait_queued(1)
    bot.work()
    assert len(slack.bot_replies(first["channel"], first["ts"])) == 1
    reply = mention_event(follow, channel=first["channel"], thread_ts=first["ts"])
    bot.send(reply)
    bot.wait_queued(2)
    bot.work()
    return reply


def texts(slack: FakeSlack, event: dict[str, Any]) -> list[str]:
    return [
        json.dumps(m.get("blocks"), ensure_ascii=False)
        for m in slack.bot_replies(event["channel"], event["ts"])
    ]


def test_a_question_is_answered_from_the_cached_source(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """The question goes to Claude with the same document (read from the prompt cache), and the answer
    lands in the thread under the summary, naming its source."""
    first = mention_event(MEMO)
    claude.script("The plan sets the transit budget and its timeline.\n\nThe board votes in March.")
    claude.script('The budget is "2.4 billion dollars over ten years", paid from a regional sales tax.')
    summarize_then(bot, slack, first, "what does it say about the budget?")
    question_call = claude.requests[-1]
    assert "<question>\nwhat does it say about the budget?\n</question>" in prompt_text(question_call["json"])
    assert "2.4 billion dollars" in prompt_text(question_call["json"])  # the whole document, once more...
    usage = claude.usages[-1]
    assert usage["cache_read_input_tokens"] > 0.8 * (usage["input_tokens"] + usage["cache_read_input_tokens"])
    assert claude.usages[-2]["cache_creation_input_tokens"] > 0  # ...written to the cache by the summary
    answer = texts(slack, first)[1]
    assert "2.4 billion dollars over ten years" in answer and "From: your text" in answer
    assert "Model: claude-sonnet-5-5" in answer
    assert slack.reactions(first["channel"], first["ts"]) == {"white_check_mark"}


def test_a_reshape_is_a_new_summary_of_the_same_source(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """ "shorter" after a link's summary: a new summary from the kept document, about half as long, with
    no second download."""
    url = web.add("/plan", article_html("Transit plan"))
    first = message_event(f"Read this <{url}>")
    summarize_then(bot, slack, first, "in 3 bullets please")
    assert len(web.requests) == 1
    assert "exactly 3 bullet points" in prompt_text(claude.requests[-1]["json"])
    bullets = texts(slack, first)[1]
    assert "•" in bullets and "Transit plan" in bullets


def test_shorter_halves_the_last_summary(bot: Harness, slack: FakeSlack, claude: FakeAnthropic) -> None:
    """ "shorter" asks for about half the words of the summary it follows."""
    first = mention_event(f"Summarize in 200 words\n{MEMO}")
    summarize_then(bot, slack, first, "shorter")
    summary_words = int(
        re.findall(r"Summary: [^·]*· ([\d,]+) words", texts(slack, first)[0])[0].replace(",", "")
    )
    assert f"about {summary_words // 2} words" in prompt_text(claude.requests[-1]["json"])


def test_offline_answers_quote_the_source_or_say_it_does_not_say(
    bot: Harness, slack: FakeSlack, settings: Settings
) -> None:
    """Without an API key the answer is the best matching source sentence, quoted; a question the source
    does not answer gets a plain "couldn't find"."""
    offline = replace(settings, anthropic_api_key=None)
    first = mention_event(MEMO)
    bot.send(first)
    bot.wait_queued(1)
    bot.work(anthropic_api_key=None)
    for n, question in enumerate(["when does the board vote?", "what about the weather in Oslo?"], 2):
        event = mention_event(question, channel=first["channel"], thread_ts=first["ts"])
        bot.send(event)
        bot.wait_queued(n)
        bot.work(anthropic_api_key=offline.anthropic_api_key)
    _, found, missing = texts(slack, first)
    assert "The board will vote on the plan in March" in found and "Offline answer" in found
    assert "couldn't find anything about that" in missing


def test_an_expired_document_is_fetched_again(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """When the kept document is gone (too big to keep, or expired) the link is read again."""
    url = web.add("/plan", article_html("Transit plan"))
    first = message_event(f"<{url}>")
    bot.send(first)
    bot.wait_queued(1)
    bot.work()
    thread = keys.thread(team=TEAM, channel=first["channel"], thread_ts=first["ts"])
    client = redis.Redis.from_url(bot.settings.redis_url or "")
    fields = [f for f in client.hkeys(thread) if isinstance(f, bytes) and f.startswith(b"doc:")]
    client.hdel(thread, *fields)
    client.close()
    event = mention_event("who approved it?", channel=first["channel"], thread_ts=first["ts"])
    bot.send(event)
    bot.wait_queued(2)
    bot.work()
    assert len(web.requests) == 2
    assert len(slack.bot_replies(first["channel"], first["ts"])) == 2


def test_small_talk_in_a_summarized_thread_gets_a_hint_and_a_link_is_a_new_request(
    bot: Harness, slack: FakeSlack, web: FakeWeb
) -> None:
    """A bare mention or "thanks!" gets a hint of what to ask; a new link in the thread is summarized."""
    first = mention_event(MEMO)
    summarize_then(bot, slack, first, "thanks!")
    hint = texts(slack, first)[-1]
    assert "Ask me about what I summarized here" in hint
    url = web.add("/other", article_html("Another story"))
    event = mention_event(f"<{url}>", channel=first["channel"], thread_ts=first["ts"])
    bot.send(event)
    bot.wait_queued(3)
    bot.work()
    assert "Another story" in texts(slack, first)[-1]


def test_in_a_dm_any_reply_in_the_thread_follows_up(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """In a direct message no mention is needed: a reply in the summary's thread is a follow-up."""
    first = message_event(MEMO, channel="D0ALICE", channel_type="im")
    bot.send(first)
    bot.wait_queued(1)
    bot.work()
    reply = message_event("in French", channel="D0ALICE", channel_type="im", thread_ts=first["ts"])
    bot.send(reply)
    bot.wait_queued(2)
    bot.work()
    assert "Write the summary in French." in prompt_text(claude.requests[-1]["json"])
    assert len(slack.bot_replies("D0ALICE", first["ts"])) == 2
