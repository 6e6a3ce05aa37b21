"""Two real worker processes share one back-off: a 429 seen by one pauses both until its retry-after ends."""

from __future__ import annotations

import contextlib

import pytest

from bot.queue.keys import DIGEST_TICKS, GROUP, STREAM
from bot.queue.model_limits import PAUSE_KEY
from tests.articles import ARTICLE_TEXT
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.harness import Harness, mention_event, wait_for, worker_process

PAUSE = 4.0
ONE_AT_A_TIME = {  # one job per worker: none read ahead
    "SUMMARIZER_WORKER_CONCURRENCY": "1",
    "SUMMARIZER_WORKER_READ_AHEAD": "0",
    "SUMMARIZER_SUMMARY_CACHE_HOURS": "0",
}


def started(bot: Harness) -> int:
    """How many workers are up: each checks for due digests once on start, just before taking jobs."""
    return int(bot.redis.hlen(DIGEST_TICKS))


def pending(bot: Harness) -> int:
    """Jobs handed to a worker and not yet finished."""
    return int(bot.redis.xpending(STREAM, GROUP)["pending"])


@pytest.mark.slow
def test_a_429_pauses_every_worker(bot: Harness, slack: FakeSlack, claude: FakeAnthropic) -> None:
    """The first request gets 429 + retry-after: neither worker sends another before the pause ends, and
    every job gets exactly one reply."""
    claude.fail_next(status=429, retry_after=PAUSE)
    events = [mention_event(f"{ARTICLE_TEXT}\n\nThis is copy number {n}.") for n in range(3)]
    with contextlib.ExitStack() as stack:
        for _ in range(2):
            stack.enter_context(worker_process(bot, lease=30, env=ONE_AT_A_TIME))
        wait_for(lambda: started(bot) == 2, timeout=20)
        bot.send(events[0])
        claude.wait_for(1, timeout=20)
        wait_for(lambda: bot.redis.exists(PAUSE_KEY), timeout=10)
        for event in events[1:]:
            bot.send(event)
        wait_for(lambda: pending(bot) == 2, timeout=10)  # the other worker took a job...
        assert bot.redis.pttl(PAUSE_KEY) > 0  # ...while the pause was on
        wait_for(lambda: pending(bot) == 0 and all(reply_count(slack, e) for e in events), timeout=30)
    refused, *later = claude.requests
    assert len(later) >= 3
    assert all(request["at"] >= refused["at"] + PAUSE for request in later)
    assert [reply_count(slack, e) for e in events] == [1, 1, 1]


def reply_count(slack: FakeSlack, event: dict[str, str]) -> int:
    """How many replies the bot posted under `event`'s message."""
    return len(slack.bot_replies(event["channel"], event["ts"]))
