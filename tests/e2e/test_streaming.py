"""Replies shown while they are written: Slack's native streaming, finished in place, with every way it
can go wrong (an expired stream, a workspace that refuses streams, rate limits, a worker killed mid-stream,
a re-ask) still ending in exactly one finished message."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as aioredis
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import RetryLater
from bot.processes.worker import worker_context
from bot.queue import keys
from bot.queue.jobs import Job
from bot.settings import Settings
from bot.slack.live import LiveReply, started_ts
from bot.text import as_text
from tests.articles import ARTICLE_TEXT, PARAGRAPHS
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.harness import (
    BOT_TOKEN,
    Harness,
    footer_of,
    mention_event,
    message_event,
    wait_for,
    worker_process,
)

LONG_ANSWER = "\n\n".join(PARAGRAPHS)


def run(bot: Harness, event: dict[str, Any], **overrides: Any) -> None:
    bot.send(event)
    bot.wait_queued(1)
    bot.work(**overrides)


def recorded_ts(bot: Harness) -> list[bytes | str]:
    """The live messages' ts recorded in Redis (not the claims of runs still waiting for Slack)."""
    values = [bot.redis.get(key) for key in bot.redis.scan_iter("summarizer:job:*:live")]
    return [v for v in values if v is not None and started_ts(as_text(v)) is not None]


def only_reply(slack: FakeSlack, event: dict[str, Any]) -> dict[str, Any]:
    """The one message in the event's thread, finished: its blocks, footer and buttons are there."""
    (reply,) = slack.bot_replies(event["channel"], event["ts"])
    assert footer_of(reply).startswith("Source:") and not slack.streaming(event["channel"], reply["ts"])
    assert any(b["type"] == "context_actions" for b in reply["blocks"])
    assert reply["metadata"]["event_payload"]["part"] == 0
    return reply


def test_the_summary_streams_then_is_finished_in_place(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """Words appear as Claude writes them (start, appends, stop: to the asker in the channel), and the same
    message is then finished with today's header, paragraphs, footer and buttons; nothing else is posted."""
    claude.pace(0.01)
    event = mention_event(ARTICLE_TEXT, user="U0ALICE")
    run(bot, event)
    (start,) = slack.calls("chat.startStream")
    assert (start.body["recipient_user_id"], start.body["recipient_team_id"]) == ("U0ALICE", "T0FAKE")
    assert start.body["thread_ts"] == event["ts"] and start.body["chunks"][0]["type"] == "markdown_text"
    assert len(slack.calls("chat.appendStream")) >= 1
    assert slack.calls("chat.stopStream") and slack.calls("chat.postMessage") == []
    reply = only_reply(slack, event)
    assert "Council approves transit plan" not in json.dumps(reply)  # pasted text: "Summary of your text"
    assert "Summary of your text" in json.dumps(reply["blocks"][0])


def test_in_a_dm_no_recipient_is_needed(bot: Harness, slack: FakeSlack) -> None:
    """Slack asks for the recipient only in channels."""
    event = message_event(ARTICLE_TEXT, channel="D0ALICE", channel_type="im")
    run(bot, event)
    (start,) = slack.calls("chat.startStream")
    assert "recipient_user_id" not in start.body
    only_reply(slack, event)


def test_an_expired_stream_still_ends_in_one_finished_message(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """Slack closes an idle stream (`message_not_in_streaming_state`): live text stops, and the message is
    finished with `chat.update`."""
    slack.stream_idle_seconds = 0.05
    claude.pace(0.2)
    claude.script(LONG_ANSWER)
    event = mention_event(ARTICLE_TEXT)
    run(bot, event)
    only_reply(slack, event)
    assert slack.calls("chat.update")


def test_a_workspace_that_refuses_streams_gets_one_edited_message(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """Where `chat.startStream` is refused, the reply is posted once and edited until it is finished."""
    slack.fail_next("chat.startStream", status=200, error="not_allowed")
    claude.pace(0.01)
    event = mention_event(ARTICLE_TEXT)
    run(bot, event)
    assert len(slack.calls("chat.postMessage")) == 1
    only_reply(slack, event)


def test_rate_limited_appends_are_waited_out(bot: Harness, slack: FakeSlack, claude: FakeAnthropic) -> None:
    """A 429 on an append (Tier 4) is waited out by the client; still one finished message."""
    slack.fail_next("chat.appendStream", status=429, retry_after=1)
    claude.pace(0.01)
    claude.script(LONG_ANSWER)
    event = mention_event(ARTICLE_TEXT)
    run(bot, event)
    only_reply(slack, event)


def test_a_re_ask_updates_the_streamed_message_in_place(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """The streamed answer misses the requested shape; the re-ask's better answer replaces it in place."""
    claude.script("Only one paragraph here, about the plan.", LONG_ANSWER)
    event = mention_event(f"Summarize in {len(PARAGRAPHS)} paragraphs\n{ARTICLE_TEXT}")
    run(bot, event)
    reply = only_reply(slack, event)
    assert f"Summary: {len(PARAGRAPHS)} paragraphs" in footer_of(reply) and len(claude.requests) == 2
    assert "misses" not in footer_of(reply) and "Only one paragraph" not in json.dumps(reply)


def test_the_offline_summary_streams_too(bot: Harness, slack: FakeSlack) -> None:
    """Without an API key the extractive summary is shown paragraph by paragraph, then finished."""
    event = mention_event(ARTICLE_TEXT)
    run(bot, event, anthropic_api_key=None)
    assert slack.calls("chat.startStream")
    assert "Offline summary" in footer_of(only_reply(slack, event))


@pytest.mark.slow
def test_a_worker_killed_mid_stream_leaves_one_finished_message(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """SIGKILL while the reply streams: the job's re-run finds the message by its recorded ts and finishes
    it (no second message, no stuck "streaming" state)."""
    claude.pace(0.3)
    claude.script(LONG_ANSWER * 3)
    event = mention_event(ARTICLE_TEXT)
    bot.send(event)
    bot.wait_queued(1)
    with worker_process(bot, lease=2) as victim:
        # killed once the stream has started and its ts is recorded (not in the instant between the two)
        wait_for(lambda: recorded_ts(bot), timeout=60)
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
    (partial,) = slack.bot_replies(event["channel"], event["ts"])
    claude.pace(0)
    bot.work(job_lease_seconds=2)
    reply = only_reply(slack, event)
    assert reply["ts"] == partial["ts"] and len(slack.calls("chat.startStream")) == 1


def test_a_long_document_shows_its_parts_as_task_progress(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """Over the input budget, the reply starts with Slack's task progress ("Summarizing part 1 of N"),
    marked complete when the parts are combined, before the summary's words stream in."""
    report = "\n\n".join(f"# Section {n}\n\n{ARTICLE_TEXT}" for n in range(40))
    event = mention_event(report)
    run(bot, event, input_budget_tokens=4000)
    chunks = [
        c
        for call in slack.calls("chat.startStream") + slack.calls("chat.appendStream")
        for c in call.body["chunks"]
    ]
    tasks = [c for c in chunks if c["type"] == "task_update"]
    assert tasks[0]["title"].startswith("Summarizing part 1 of") and tasks[0]["status"] == "in_progress"
    assert tasks[-1]["status"] == "complete" and "Combining" in tasks[-1]["title"]
    assert any(c["type"] == "markdown_text" for c in chunks)
    only_reply(slack, event)


@pytest.fixture
async def live(slack: FakeSlack, redis_url: str) -> AsyncIterator[LiveReply]:
    """A live reply of a text job in a new thread, on the fake Slack and the test's Redis."""
    client = AsyncWebClient(token=BOT_TOKEN, base_url=slack.url + "/api/")
    redis = aioredis.Redis.from_url(redis_url)
    parent = slack.add_message("C1", text="hello")
    job = Job(
        id=f"job-{parent}", kind="text", team="T", channel="C1", message_ts=parent, thread_ts=parent,
        user="U1", source="text", text="x",
    )  # fmt: skip
    yield LiveReply(client, redis, job)
    await redis.aclose()


async def test_the_models_words_do_not_wait_for_slack(slack: FakeSlack, live: LiveReply) -> None:
    """Slack is slow to start the stream: the model's words are taken at once (each update goes out in
    the background, in order), and once Slack answers, the start and then the appends carry every word."""
    words = [f"word{n} " for n in range(200)]
    slack.hold("chat.startStream")
    try:
        for word in words:  # would wait for Slack (up to 30 s) if an update were sent in the stream's way
            await asyncio.wait_for(live.text(word), timeout=5)
        assert live.ts is None  # Slack has not answered yet
    finally:
        slack.release("chat.startStream")
    await live.settled()
    assert live.ts is not None and live.mode == "streaming"
    methods = [c.method for c in slack.calls() if c.method.startswith("chat.")]
    assert methods[0] == "chat.startStream" and set(methods[1:]) == {"chat.appendStream"}
    sent = "".join(
        chunk["text"]
        for call in slack.calls()
        if call.method.startswith("chat.")
        for chunk in call.body["chunks"]
    )
    assert (
        sent.split() == "".join(words).split()[: len(sent.split())] and len(sent.split()) >= 150
    )  # the last few wait in the buffer


async def held_at_slack(slack: FakeSlack, method: str) -> None:
    """Return once a call of `method` is waiting at the fake Slack (polled: the fake runs in threads)."""
    while not slack.waiting(method):
        await asyncio.sleep(0.01)


async def test_an_abandoned_reply_finishes_what_is_at_slack_and_sends_nothing_more(
    slack: FakeSlack, live: LiveReply
) -> None:
    """The job ends without its reply (a deadline, a stop) while Slack holds the stream's start: nothing
    more is sent, but the start at Slack is not cut off: it finishes and its ts is recorded, so the job's
    next run completes that message instead of posting a second one."""
    slack.hold("chat.startStream")
    try:
        await live.text("The council approved the transit plan on Tuesday after a long debate ")
        await live.text("about funding. " * 40)  # an append, queued behind the start
        await asyncio.wait_for(held_at_slack(slack, "chat.startStream"), timeout=10)
        live.abandon()  # returns at once: Slack still holds the start
        await live.text("More words that come after the end. " * 20)
    finally:
        slack.release("chat.startStream")
    await asyncio.wait_for(live.settled(), timeout=10)
    assert live.ts is not None and await live.redis.get(keys.live(live.job.id)) == live.ts.encode()
    assert [c.method for c in slack.calls() if c.method.startswith("chat.")] == ["chat.startStream"]


async def both_run(settings: Settings, job: Job) -> None:
    """The same job run twice at once, by two workers with their own clients (a lease lost to a stall);
    a run told to try later (the other one is posting) is run again, as after the lease."""
    async with worker_context(settings) as first, worker_context(settings) as second:
        outcomes = await asyncio.gather(
            first.handler.run(job), second.handler.run(job), return_exceptions=True
        )
        for outcome in outcomes:
            if isinstance(outcome, RetryLater):
                await first.handler.run(job)
            elif outcome is not None:
                raise outcome


def test_two_runs_of_one_job_at_once_leave_one_finished_message(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """A worker stalls past its lease and another takes the job over while the first still runs: both
    write the summary, but only one of them shows it live, and it is finished in place: one message."""
    claude.pace(0.05)
    claude.script(LONG_ANSWER, LONG_ANSWER)
    event = mention_event(ARTICLE_TEXT)
    bot.send(event)
    bot.wait_queued(1)
    (job,) = bot.queued_jobs().values()
    asyncio.run(both_run(bot.settings, job))
    only_reply(slack, event)
    assert len(slack.calls("chat.startStream")) == 1
