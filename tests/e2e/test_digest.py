"""Scheduled digests: `/summarize digest …` set up, shown and turned off privately; each period's digest
posted once in the channel (links with their gists, the busiest threads), even with three workers
checking at once, and again after every process and Redis restarted.

"Time passing" is the schedule's next run moved to now in Redis (the documented `summarizer:digests:due`
sorted set), as the clock would: nothing else is touched.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import replace
from typing import Any

from bot.settings import Settings
from tests.articles import article_html
from tests.fakes.anthropic_api import FakeAnthropic, prompt_text
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import BOT_USER, TEAM, Harness, mention_event, message_event, wait_for, worker_process
from tests.redis_server import RedisServer

HOUR = 3600.0
DUE = "summarizer:digests:due"
NAME = f"{TEAM}:C0CHAN"


def at(hours_ago: float) -> str:
    return f"{time.time() - hours_ago * HOUR:.6f}"


def digests(slack: FakeSlack, channel: str = "C0CHAN") -> list[dict[str, Any]]:
    """The bot's top-level messages in the channel (digests are not thread replies)."""
    return [
        m
        for m in slack.messages(channel)
        if m.get("user") == BOT_USER and m.get("thread_ts") in {None, m["ts"]}
    ]


def set_digest(bot: Harness, slack: FakeSlack, text: str = "digest daily 09:00") -> str:
    """Run `/summarize <text>` and the worker; the asker's private answer."""
    hook = bot.command(text, channel="C0CHAN")
    bot.wait_queued(1)
    bot.work()
    return json.dumps(slack.private_view(hook), ensure_ascii=False)


def come_due(bot: Harness) -> int:
    """The clock reaches the digest's next run: its time is now (returns it)."""
    now = int(time.time())
    assert bot.redis.zscore(DUE, NAME) is not None
    bot.redis.zadd(DUE, {NAME: now})
    return now


def test_set_show_and_turn_off_privately(bot: Harness, slack: FakeSlack) -> None:
    """The time is the asker's (their IANA zone from users.info); the answer says when the next one is."""
    slack.add_user("U0ALICE", "Alice", tz="America/New_York", tz_offset=-5 * 3600)
    view = set_digest(bot, slack, "digest weekly fri 17:30")
    assert "Digest set: every Friday at 17:30 (America/New_York) in #general" in view
    assert "the next one on Friday" in view and "share_reply" not in view
    next_at = bot.redis.zscore(DUE, NAME)
    assert next_at is not None and next_at > time.time()
    assert time.strftime("%a", time.gmtime(next_at)) in {"Fri", "Sat"}  # 17:30 in New York, in UTC
    assert "This channel's digest: every Friday at 17:30" in set_digest(bot, slack, "digest")
    assert "Digest turned off" in set_digest(bot, slack, "digest off")
    assert bot.redis.zscore(DUE, NAME) is None
    assert "This channel has no digest" in set_digest(bot, slack, "digest")
    assert "I didn't understand" in set_digest(bot, slack, "digest sometimes")


def test_a_channel_the_bot_cannot_read_is_refused_with_how_to_invite(bot: Harness, slack: FakeSlack) -> None:
    slack.shut_out("C0CHAN")
    view = set_digest(bot, slack)
    assert "/invite @summarizer" in view
    assert bot.redis.zscore(DUE, NAME) is None


def test_the_digest_lists_links_with_gists_and_the_busiest_threads(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """A link summarized earlier keeps its summary's first sentence (no new model call); a new link gets
    a one-sentence gist; the busiest thread comes first; nothing in it can ping; posted once."""
    slack.add_user("U0BOB", "Bob")
    slack.add_user("U0CAROL", "Carol")
    old = web.add("/old", article_html("Council approves transit plan"))
    new = web.add("/new", article_html("Library opens late"))
    claude.script("The council approved the plan. It costs a lot.")
    bot.round_trip(message_event(f"see <{old}>"))  # summarized before the digest: its gist is kept
    assert len(claude.requests) == 1
    slack.reset()
    set_digest(bot, slack)
    slack.add_message("C0CHAN", text="Before the period", user="U0BOB", ts=at(30))
    slack.add_message("C0CHAN", text=f"Read <{old}>", user="U0BOB", ts=at(20))
    slack.add_message("C0CHAN", text=f"And <{new}|this> @channel", user="U0CAROL", ts=at(10))
    quiet = slack.add_message("C0CHAN", text="Lunch?", user="U0BOB", ts=at(9))
    slack.add_message("C0CHAN", text="Sure", user="U0CAROL", ts=at(8.9), thread_ts=quiet)
    busy = slack.add_message("C0CHAN", text="Launch on <!here> May 4?", user="U0CAROL", ts=at(5))
    for n in range(3):
        slack.add_message("C0CHAN", text=f"Reply {n}", user="U0BOB", ts=at(4 - n * 0.1), thread_ts=busy)
    claude.script("Supporters say faster buses would help workers.")
    come_due(bot)
    bot.work()
    (digest,) = digests(slack)
    shown = json.dumps(digest["blocks"], ensure_ascii=False)
    assert "Daily digest of #general" in shown and "4 messages from" in shown
    assert "The council approved the plan." in shown and "It costs a lot" not in shown
    assert "Supporters say faster buses would help workers." in shown
    assert len(claude.requests) == 2 and "exactly 1 sentence" in prompt_text(claude.requests[1]["json"])
    assert shown.index("Launch on") < shown.index("Lunch?") and "3 replies" in shown
    assert "Before the period" not in shown and "<!here>" not in shown and "@channel" not in shown
    assert "fake.slack.com/archives/C0CHAN/p" in shown
    bot.work()  # checking again in the same period posts nothing more
    assert len(digests(slack)) == 1


def test_a_quiet_period_posts_nothing(bot: Harness, slack: FakeSlack) -> None:
    set_digest(bot, slack)
    slack.add_message("C0CHAN", text="Long ago", user="U0BOB", ts=at(48))
    come_due(bot)
    bot.work()
    assert digests(slack) == []
    assert (bot.redis.zscore(DUE, NAME) or 0) > time.time()  # and the schedule moved on


def test_once_per_period_with_three_workers_and_again_after_a_restart(
    settings: Settings, slack: FakeSlack, claude: FakeAnthropic, own_redis: RedisServer
) -> None:
    """Three workers check every second; the due digest is posted once. Then every worker is killed and
    Redis restarted: the schedule is still there, moved to the next period, and fires once again."""
    bot = Harness(replace(settings, redis_url=own_redis.url), slack)
    env = {"SUMMARIZER_DIGEST_CHECK_SECONDS": "1"}
    slack.add_user("U0BOB", "Bob")
    slack.add_user("U0CAROL", "Carol")
    try:
        set_digest(bot, slack)
        slack.add_message("C0CHAN", text="Budget approved", user="U0BOB", ts=at(3))
        ticks = "summarizer:digests:ticks"
        bot.redis.delete(ticks)

        def run_period(expected: int) -> None:
            due = come_due(bot)
            with contextlib.ExitStack() as stack:
                for _ in range(3):
                    stack.enter_context(worker_process(bot, lease=5, env=env))
                wait_for(lambda: len(digests(slack)) >= expected, timeout=60)
                posted = int(time.time())
                # every worker has checked again since the digest was posted: none posts another
                wait_for(
                    lambda: (
                        len(bot.redis.hgetall(ticks)) == 3
                        and all(int(v) > posted for v in bot.redis.hgetall(ticks).values())
                    ),
                    timeout=60,
                )
            assert (bot.redis.zscore(DUE, NAME) or 0) > due

        run_period(1)
        assert len(digests(slack)) == 1
        following = bot.redis.zscore(DUE, NAME)
        own_redis.stop()
        own_redis.start(appendonly=True)
        assert bot.redis.zscore(DUE, NAME) == following  # the schedule survived the restart
        slack.add_message("C0CHAN", text="Vendor signed", user="U0CAROL", ts=at(1))
        bot.redis.delete(ticks)
        run_period(2)
        first, second = digests(slack)
        assert "1 message from Bob" in first["text"] and "2 messages from" in second["text"]
    finally:
        bot.close()


def test_a_mention_is_not_a_digest_command(bot: Harness, slack: FakeSlack, claude: FakeAnthropic) -> None:
    """Only `/summarize digest …` sets digests: "@summarizer digest this" in a channel is a summary."""
    replies = bot.round_trip(mention_event("digest this: the council approved the transit plan on Tuesday."))
    assert len(replies) == 1 and bot.redis.zscore(DUE, NAME) is None
