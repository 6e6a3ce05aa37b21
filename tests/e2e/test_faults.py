"""Fault injection: retries, duplicate events, killed workers, a worker frozen past its lease, a Redis
restart and failing APIs at once.

Prints its figures (events delivered, duplicates posted, jobs lost, workers killed, workers frozen,
Redis restarts, API failures injected) and asserts the two that matter: no duplicate and no lost reply,
every reply finished. Loopback only, bounded in time, seeded so a failure can be replayed.
"""

from __future__ import annotations

import contextlib
import random
import signal
import subprocess
import threading
import time
from dataclasses import replace
from typing import Any

import pytest
import redis

from bot.queue import keys
from bot.queue.keys import GROUP, STREAM
from bot.settings import Settings
from bot.slack.live import started_ts
from bot.text import as_text
from tests.articles import ARTICLE_TEXT, article_html
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, mention_event, message_event, worker_process
from tests.redis_server import RedisServer

SEED = 20261125
LINK_EVENTS = 16
TEXT_EVENTS = 6
DELIVERIES = 4
DEADLINE = 90.0
FROZEN_SECONDS = 3.5  # longer than the 2 s lease: the frozen worker's jobs are taken over while it lives


def streaming_worker(bot: Harness, workers: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes] | None:
    """A worker process that is streaming a reply right now (a job of its has a live message's ts
    recorded), found by its consumer name, which carries its pid."""
    by_pid = {str(w.pid): w for w in workers}
    try:
        pending = bot.redis.xpending_range(STREAM, GROUP, "-", "+", 100)
    except redis.ResponseError:  # no group yet: a new worker creates it
        return None
    jobs = bot.queued_jobs()
    for entry in pending:
        consumer, entry_id = (as_text(entry[k]) for k in ("consumer", "message_id"))  # type: ignore[arg-type]
        worker, job = by_pid.get(consumer.split("-")[-2]), jobs.get(entry_id)
        live = bot.redis.get(keys.live(job.id)) if worker is not None and job is not None else None
        if live is not None and started_ts(as_text(live)) is not None:
            return worker
    return None


def finished(slack: FakeSlack, event: dict[str, Any]) -> bool:
    """The event's thread has a reply that is finished (tagged with its job, no longer streaming)."""
    return any(
        m.get("metadata") and not slack.streaming(event["channel"], m["ts"])
        for m in slack.bot_replies(event["channel"], event["ts"])
    )


@pytest.mark.slow
def test_no_duplicates_and_no_losses_under_faults(
    settings: Settings,
    slack: FakeSlack,
    claude: FakeAnthropic,
    web: FakeWeb,
    own_redis: RedisServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every source gets exactly one reply although everything that can fail does, several times."""
    rng = random.Random(SEED)
    bot = Harness(replace(settings, redis_url=own_redis.url), slack)
    workers: list[subprocess.Popen[bytes]] = []
    stack = contextlib.ExitStack()
    figures: dict[str, float] = {
        "events delivered": 0,
        "workers killed": 0,
        "workers frozen": 0,
        "Redis restarts": 0,
        "API failures injected": 0,
    }
    try:
        claude.delay(0.4)  # every answer takes a while, so kills land mid-job
        claude.fail_next(status=529, times=3)
        claude.fail_next(status=429, times=2, retry_after=0.2)
        claude.error_mid_stream(times=2)
        slack.fail_next("chat.postMessage", status=429, retry_after=1, times=2)
        slack.fail_next("chat.postMessage", status=500, times=2)
        figures["API failures injected"] = 3 + 2 + 2 + 2 + 2
        events = [
            message_event(f"see <{web.add(f'/s{i}', article_html(f'Story {i}'))}>")
            for i in range(LINK_EVENTS)
        ]
        events += [mention_event(f"Summary {i}, please\n{ARTICLE_TEXT}") for i in range(TEXT_EVENTS)]
        workers = [stack.enter_context(worker_process(bot, lease=2)) for _ in range(2)]

        def deliver(event: dict[str, object]) -> None:
            bot.send(event, deliveries=DELIVERIES)

        threads = [threading.Thread(target=deliver, args=(e,)) for e in events]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        figures["events delivered"] = len(events) * DELIVERIES
        bot.wait_queued(len(events), timeout=15)

        started = time.monotonic()
        kills_at = sorted(rng.uniform(0.5, 6.0) for _ in range(3))
        restart_at = rng.uniform(2.0, 5.0)
        frozen: subprocess.Popen[bytes] | None = None  # mid-stream, for longer than its lease
        frozen_at = 0.0
        thawed = restarted = done = False
        while time.monotonic() - started < DEADLINE:
            elapsed = time.monotonic() - started
            if kills_at and elapsed >= kills_at[0]:
                kills_at.pop(0)
                others = [w for w in workers if w is not frozen]  # the frozen one is let go on, not killed
                victim = others[rng.randrange(len(others))]
                workers.remove(victim)
                victim.kill()
                victim.wait(10)
                figures["workers killed"] += 1
                workers.append(stack.enter_context(worker_process(bot, lease=2)))
            if frozen is None:  # a stall (a GC pause, a starved or suspended host) while it streams a reply
                frozen = streaming_worker(bot, workers)
                if frozen is not None:
                    frozen.send_signal(signal.SIGSTOP)
                    frozen_at = elapsed
                    figures["workers frozen"] += 1
            if frozen is not None and not thawed and elapsed >= frozen_at + FROZEN_SECONDS:
                frozen.send_signal(signal.SIGCONT)
                thawed = True
            if not restarted and elapsed >= restart_at:
                own_redis.stop()
                time.sleep(0.5)
                own_redis.start(appendonly=True)
                figures["Redis restarts"] += 1
                restarted = True
            if not kills_at and restarted and thawed and all(finished(slack, e) for e in events):
                done = True
                break
            time.sleep(0.1)
        for worker in workers:  # SIGTERM: running jobs finish, so nothing is in flight when counting
            worker.terminate()
        for worker in workers:
            worker.wait(40)
        counts = [len(slack.bot_replies(e["channel"], e["ts"])) for e in events]
        figures["duplicates posted"] = sum(c - 1 for c in counts if c > 1)
        figures["jobs lost"] = sum(1 for c in counts if c == 0)
        figures["unfinished replies"] = sum(1 for e in events if not finished(slack, e))
        figures["seconds to settle"] = round(time.monotonic() - started, 1)
        with capsys.disabled():
            print("\nfault injection:", ", ".join(f"{k}: {v}" for k, v in figures.items()))
        assert done, figures
        assert figures["duplicates posted"] == 0, figures
        assert figures["jobs lost"] == 0 and figures["unfinished replies"] == 0, figures
        assert figures["workers killed"] == 3 and figures["workers frozen"] == 1
        assert figures["Redis restarts"] == 1
    finally:
        stack.close()
        bot.close()
