"""A worker killed mid-job (SIGKILL): another worker takes the job over and one reply is posted."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import PostInProgress
from bot.queue import keys
from bot.queue.jobs import Job
from bot.slack.blocks import SlackMessage
from bot.slack.live import LiveReply
from bot.slack.post import SlackPoster
from bot.text import as_text
from tests.articles import ARTICLE_TEXT
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.harness import BOT_TOKEN, Harness, mention_event, wait_for, worker_process
from tests.redis_server import RedisServer


@pytest.mark.slow
def test_job_of_a_killed_worker_is_rerun_once(bot: Harness, slack: FakeSlack, claude: FakeAnthropic) -> None:
    """SIGKILL while Claude is answering: the job is reclaimed after the lease and posted exactly once."""
    claude.delay(30, times=1)
    event = mention_event(ARTICLE_TEXT)
    bot.send(event)
    bot.wait_queued(1)
    with worker_process(bot, lease=2) as victim:
        claude.wait_for(1, timeout=20)
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
    assert slack.bot_replies(event["channel"], event["ts"]) == []
    started = time.monotonic()
    bot.work(job_lease_seconds=2)
    recovered_after = time.monotonic() - started
    assert len(slack.bot_replies(event["channel"], event["ts"])) == 1
    assert len(claude.requests) == 2
    assert recovered_after < 30
    assert slack.reactions(event["channel"], event["ts"]) == {"white_check_mark"}


@pytest.mark.slow
def test_sigterm_lets_the_running_job_finish(bot: Harness, slack: FakeSlack, claude: FakeAnthropic) -> None:
    """SIGTERM during a job: intake stops, the job finishes within the grace period, the process exits 0."""
    claude.delay(2, times=1)
    event = mention_event(ARTICLE_TEXT)
    bot.send(event)
    bot.wait_queued(1)
    with worker_process(bot, lease=30) as worker:
        claude.wait_for(1, timeout=20)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(20) == 0
    assert len(slack.bot_replies(event["channel"], event["ts"])) == 1


@pytest.mark.slow
def test_sigterm_returns_an_unfinished_job_to_the_queue(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """SIGTERM with a job longer than the grace period: the process exits, the job is done by another."""
    claude.delay(30, times=1)
    event = mention_event(ARTICLE_TEXT)
    bot.send(event)
    bot.wait_queued(1)
    with worker_process(bot, lease=2, grace=1) as worker:
        claude.wait_for(1, timeout=20)
        started = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(20) == 0
        assert time.monotonic() - started < 10
    assert slack.bot_replies(event["channel"], event["ts"]) == []
    bot.work(job_lease_seconds=2)
    assert len(slack.bot_replies(event["channel"], event["ts"])) == 1
    assert len(claude.requests) == 2


MESSAGE = SlackMessage(text="summary", blocks=({"type": "section", "text": {"type": "mrkdwn", "text": "s"}},))


def job_in_new_thread(slack: FakeSlack) -> Job:
    """A text job for a new message in channel C1 (its thread is the reply's)."""
    parent = slack.add_message("C1", text="hello")
    return Job(
        id=f"job-{parent}",
        kind="text",
        team="T",
        channel="C1",
        message_ts=parent,
        thread_ts=parent,
        user="U1",
        source="text",
        text="x",
    )


@pytest.fixture
async def posting(slack: FakeSlack, redis_url: str) -> AsyncIterator[tuple[SlackPoster, SlackPoster, Job]]:
    """Two posters (two workers) sharing the real Redis and the fake Slack, and a job in a fresh thread."""
    client = AsyncWebClient(token=BOT_TOKEN, base_url=slack.url + "/api/")
    redis = aioredis.Redis.from_url(redis_url)
    job = job_in_new_thread(slack)
    yield SlackPoster(client, redis), SlackPoster(client, redis), job
    await redis.aclose()


async def test_post_once_finds_a_reply_posted_before_a_crash(
    posting: tuple[SlackPoster, SlackPoster, Job], slack: FakeSlack
) -> None:
    """If a worker died after posting but before recording it, the retry finds the reply and posts nothing."""
    poster, _, job = posting
    await poster.post_once(job, [MESSAGE])
    await poster.redis.delete(f"summarizer:job:{job.id}:posted")  # the crash: posted, but not recorded
    await poster.post_once(job, [MESSAGE])
    await poster.post_once(job, [MESSAGE])
    assert len(slack.bot_replies("C1", job.thread_ts)) == 1


async def test_two_workers_posting_one_job_at_once_post_it_once(
    posting: tuple[SlackPoster, SlackPoster, Job], slack: FakeSlack
) -> None:
    """A worker whose lease ran out and the one that took over both reach posting: one reply lands,
    the other backs off with PostInProgress and later finds it posted."""
    slow, fast, job = posting
    results = await asyncio.gather(
        slow.post_once(job, [MESSAGE]), fast.post_once(job, [MESSAGE]), return_exceptions=True
    )
    assert sum(isinstance(r, PostInProgress) for r in results) == 1
    await fast.post_once(job, [MESSAGE])  # the retry after the lease: already posted, nothing happens
    assert len(slack.bot_replies("C1", job.thread_ts)) == 1


async def stall_past_lease(poster: SlackPoster, job: Job, slack: FakeSlack) -> asyncio.Task[None]:
    """`poster` posts the job's reply and stalls with the post on its way (Slack holds chat.postMessage,
    as the caller asked); its lease runs out meanwhile. Returns the post, still running."""
    post = asyncio.create_task(poster.post_once(job, [MESSAGE]))
    await asyncio.wait_for(held_at(slack, "chat.postMessage", 1), timeout=10)
    await poster.redis.delete(keys.post_lock(job.id))  # its lease ran out while it stalled
    return post


@pytest.mark.parametrize("delete", ["accepted", "refused"])
async def test_a_post_sent_by_a_stalled_worker_after_its_lease_leaves_one_reply(
    posting: tuple[SlackPoster, SlackPoster, Job], slack: FakeSlack, delete: str
) -> None:
    """A worker stalls with its post on the way (sent, not yet accepted) past its lease; the worker that
    took the job over posts too. No lock can stop a request already sent, so both land, but the run
    that posted second deletes its message: one reply, whichever Slack accepts first. If Slack refuses
    that delete, the second copy stays and neither run fails the job (better than a ❌)."""
    stalled, taker, job = posting
    if delete == "refused":
        slack.fail_next("chat.delete", status=200, error="cant_delete_message")
    slack.hold("chat.postMessage")
    try:
        first = await stall_past_lease(stalled, job, slack)
        second = asyncio.create_task(taker.post_once(job, [MESSAGE]))
        await asyncio.wait_for(held_at(slack, "chat.postMessage", 2), timeout=10)
    finally:
        slack.release("chat.postMessage")
    await asyncio.wait_for(asyncio.gather(first, second), timeout=20)
    assert len(slack.calls("chat.postMessage")) == 2 and len(slack.calls("chat.delete")) == 1
    replies = [reply["text"] for reply in slack.bot_replies("C1", job.thread_ts)]
    assert replies == (["summary"] if delete == "accepted" else ["summary", "summary"])
    assert await stalled.redis.exists(keys.posted(job.id))  # done: a re-run posts nothing again


async def test_a_stalled_post_beside_a_reply_finished_in_place_leaves_that_reply(
    posting: tuple[SlackPoster, SlackPoster, Job], slack: FakeSlack
) -> None:
    """A worker stalls with its post on the way past its lease; the run that took the job over shows the
    reply live and finishes that message in place. The stalled post lands later and its run deletes it,
    and that run must then neither record its deleted post as the reply nor remove the live message it
    finds recorded: that message is the reply now (seen in the fault test as two lost jobs)."""
    stalled, taker, job = posting
    slack.hold("chat.postMessage")
    try:
        first = await stall_past_lease(stalled, job, slack)
        shown = LiveReply(taker.client, taker.redis, job, claim_ms=2000)
        await shown.text("The council approved the transit plan on Tuesday after a long debate. " * 3)
        await shown.settled()
        assert shown.ts is not None
        await taker.post_once(job, [MESSAGE], live_ts=shown.ts)  # finished in place
    finally:
        slack.release("chat.postMessage")
    await asyncio.wait_for(first, timeout=20)
    (reply,) = slack.bot_replies("C1", job.thread_ts)
    assert reply["ts"] == shown.ts and reply["text"] == "summary"
    assert as_text(await stalled.redis.get(keys.posted(job.id)) or b"") == shown.ts


async def test_a_live_message_beside_a_reply_posted_by_a_dead_run_is_removed(
    posting: tuple[SlackPoster, SlackPoster, Job], slack: FakeSlack
) -> None:
    """One run posts the reply and dies before recording it; another shows the reply live and dies too.
    The run that finishes the job finds the reply already in the thread: it removes the live message
    instead of finishing it as a second copy."""
    dead, poster, job = posting
    await dead.post_once(job, [MESSAGE])
    (posted,) = slack.bot_replies("C1", job.thread_ts)
    await dead.redis.delete(keys.posted(job.id))  # it died before recording the post (its mark stays)
    shown = LiveReply(dead.client, dead.redis, job, claim_ms=2000)
    await shown.text("The council approved the transit plan on Tuesday after a long debate. " * 3)
    await shown.settled()
    assert shown.ts is not None  # recorded; that run dies too
    await poster.post_once(job, [MESSAGE])
    (reply,) = slack.bot_replies("C1", job.thread_ts)
    assert reply["ts"] == posted["ts"]
    assert as_text(await poster.redis.get(keys.posted(job.id)) or b"") == posted["ts"]


async def test_a_run_that_shows_a_reply_another_run_posted_leaves_one_message(
    posting: tuple[SlackPoster, SlackPoster, Job], slack: FakeSlack
) -> None:
    """Two runs of one job at once: one posts the reply without seeing the other's live message (it
    read Redis just before that message was recorded). The late run's live message would be a second
    reply: its run removes it. A run that starts after the reply is posted shows nothing live."""
    late, first, job = posting
    shown = LiveReply(late.client, late.redis, job, claim_ms=2000)
    await shown.text("The council approved the transit plan on Tuesday after a long debate. " * 3)
    await shown.settled()
    assert shown.ts is not None and shown.mode == "streaming"
    for key in (keys.live(job.id), keys.live_starts(job.id)):  # what the posting run read: none started
        await first.redis.delete(key)
    await first.post_once(job, [MESSAGE])
    await late.post_once(job, [MESSAGE], live_ts=shown.ts)
    (reply,) = slack.bot_replies("C1", job.thread_ts)
    assert reply["ts"] != shown.ts and reply["text"] == "summary"
    again = LiveReply(late.client, late.redis, job)
    await again.text("The council approved the transit plan on Tuesday after a long debate. " * 3)
    await again.settled()
    assert again.mode == "off" and len(slack.calls("chat.startStream")) == 1


async def test_an_edited_live_post_left_by_a_killed_run_is_removed(
    posting: tuple[SlackPoster, SlackPoster, Job], slack: FakeSlack
) -> None:
    """Where Slack refuses streams the live reply is a post that is edited. A run killed after Slack took
    that post, before its ts was recorded, leaves it unfinished: the run that finishes the job removes it
    (tagged "live", never taken for a finished part), and its reply is the one message."""
    dead, poster, job = posting
    slack.fail_next("chat.startStream", status=200, error="not_allowed")
    shown = LiveReply(dead.client, dead.redis, job, claim_ms=2000)
    await shown.text("The council approved the transit plan on Tuesday after a long debate. " * 3)
    await shown.settled()
    assert shown.ts is not None and shown.mode == "editing"
    await dead.redis.delete(keys.live(job.id))  # what a kill before the record leaves: a start, no ts
    await dead.redis.set(keys.posting(job.id), "1")  # an earlier run began posting: parts are looked up
    await poster.post_once(job, [MESSAGE])
    (reply,) = slack.bot_replies("C1", job.thread_ts)
    assert reply["ts"] != shown.ts and reply["text"] == "summary"


async def test_a_live_message_started_while_another_run_posts_is_removed(
    posting: tuple[SlackPoster, SlackPoster, Job], slack: FakeSlack
) -> None:
    """A run posts the reply while no live message is recorded; before Slack accepts the post, another
    run of the job starts showing it live, and dies. The posting run removes that live copy: one reply."""
    poster, other, job = posting
    slack.hold("chat.postMessage")
    try:
        posted = asyncio.create_task(poster.post_once(job, [MESSAGE]))
        await asyncio.wait_for(held_at(slack, "chat.postMessage", 1), timeout=10)
        shown = LiveReply(other.client, other.redis, job, claim_ms=2000)
        await shown.text("The council approved the transit plan on Tuesday after a long debate. " * 3)
        await shown.settled()
        assert shown.ts is not None  # recorded; its run dies here, before it would post
    finally:
        slack.release("chat.postMessage")
    await asyncio.wait_for(posted, timeout=20)
    (reply,) = slack.bot_replies("C1", job.thread_ts)
    assert reply["ts"] != shown.ts and reply["text"] == "summary"


async def held_at(slack: FakeSlack, method: str, count: int) -> None:
    """Return once `count` calls of `method` wait at the fake Slack (polled: it runs in threads)."""
    while slack.waiting(method) < count:
        await asyncio.sleep(0.01)


@pytest.mark.slow
def test_a_live_message_left_by_a_killed_worker_is_removed(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """SIGKILL in the instant after Slack started the reply's stream, before its ts was recorded: no
    later run can name that message, so the run that finishes the job removes it (it is ours, untagged,
    in the job's thread): one reply, finished, not a second one left streaming."""
    event = mention_event(ARTICLE_TEXT)
    bot.send(event)
    bot.wait_queued(1)
    slack.hold("chat.startStream")
    try:
        with worker_process(bot, lease=2) as victim:
            wait_for(lambda: slack.waiting("chat.startStream") > 0, timeout=30)
            victim.send_signal(signal.SIGKILL)
            victim.wait(10)
    finally:
        slack.release("chat.startStream")  # Slack starts the stream its dead caller asked for
    wait_for(lambda: len(slack.bot_replies(event["channel"], event["ts"])) == 1, timeout=10)
    (orphan,) = slack.bot_replies(event["channel"], event["ts"])
    assert slack.streaming(event["channel"], orphan["ts"])
    bot.work(job_lease_seconds=2)
    (reply,) = slack.bot_replies(event["channel"], event["ts"])
    assert reply["ts"] != orphan["ts"] and reply.get("metadata")
    assert not slack.streaming(event["channel"], reply["ts"])


@pytest.mark.slow
def test_a_worker_killed_while_posting_frees_the_job_within_a_lease(bot: Harness, slack: FakeSlack) -> None:
    """A worker killed while it holds the posting lock (here: waiting out a 30 s Retry-After on the edit
    that finishes its live reply) leaves a lock that lapses with its lease, so another worker finishes
    that same message within seconds: one reply."""
    slack.fail_next("chat.update", status=429, retry_after=30)
    event = mention_event(ARTICLE_TEXT)
    bot.send(event)
    bot.wait_queued(1)
    with worker_process(bot, lease=2) as first:
        wait_for(lambda: slack.calls("chat.update"), timeout=60)
        first.kill()
        first.wait(10)
    started = time.monotonic()
    with worker_process(bot, lease=2):
        wait_for(lambda: len(slack.calls("chat.update")) >= 2, timeout=60)
    assert time.monotonic() - started < 30  # the old fixed 120 s lock held the reply back two minutes
    assert len(slack.bot_replies(event["channel"], event["ts"])) == 1


async def test_a_live_message_whose_ts_cannot_be_recorded_is_withdrawn(
    slack: FakeSlack, own_redis: RedisServer
) -> None:
    """Redis goes away while Slack starts the stream (after the run claimed it): the message is deleted
    again at once (a re-run could not find it to finish it), live text is off, and the finished reply
    is later posted as the only one."""
    client = AsyncWebClient(token=BOT_TOKEN, base_url=slack.url + "/api/")
    redis = aioredis.Redis.from_url(own_redis.url)
    job = job_in_new_thread(slack)
    parent = job.thread_ts
    live = LiveReply(client, redis, job, claim_ms=500)
    slack.hold("chat.startStream")
    try:
        await live.text("The council approved the transit plan on Tuesday ")
        while not slack.waiting("chat.startStream"):  # the start is sent in the background
            await asyncio.sleep(0.01)
        own_redis.stop()
    finally:
        slack.release("chat.startStream")
    await live.settled()
    assert slack.calls("chat.startStream") and slack.calls("chat.delete")
    assert (live.mode, live.ts) == ("off", None)
    assert slack.bot_replies("C1", parent) == []
    own_redis.start(appendonly=True)
    while await redis.exists(keys.live(job.id)):  # the claim it could not release lapses by itself
        await asyncio.sleep(0.05)
    await SlackPoster(client, redis).post_once(job, [MESSAGE], live_ts=live.ts)
    (reply,) = slack.bot_replies("C1", parent)
    assert reply["text"] == "summary"
    await redis.aclose()


async def test_redis_away_before_the_stream_starts_shows_nothing_live(
    slack: FakeSlack, own_redis: RedisServer
) -> None:
    """Redis is away when the first words come: the live message cannot be claimed, so none is started
    (nothing to withdraw), and the finished reply is posted later as the only one."""
    client = AsyncWebClient(token=BOT_TOKEN, base_url=slack.url + "/api/")
    redis = aioredis.Redis.from_url(own_redis.url)
    job = job_in_new_thread(slack)
    live = LiveReply(client, redis, job)
    own_redis.stop()
    await live.text("The council approved the transit plan on Tuesday ")
    await live.settled()
    assert (live.mode, live.ts) == ("off", None) and not slack.calls("chat.startStream")
    own_redis.start(appendonly=True)
    await SlackPoster(client, redis).post_once(job, [MESSAGE], live_ts=live.ts)
    (reply,) = slack.bot_replies("C1", job.thread_ts)
    assert reply["text"] == "summary"
    await redis.aclose()
