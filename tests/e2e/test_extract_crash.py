"""A native crash while parsing a page, in the real worker process: it kills one extraction child, not the
worker; only that job's attempt fails, and it is run again after the lease."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.extract.pool import CRASH_FILE_ENV, CRASH_MARKER
from tests.articles import article_html
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, message_event, wait_for, worker_process

STORIES = 4
DOOMED = 2  # the story whose page crashes its extraction child, once


@pytest.mark.slow
def test_a_crashing_parser_costs_one_attempt_of_one_job(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb, tmp_path: Path
) -> None:
    """Four links in flight in one worker (default extraction processes), one page aborting its child:
    the other three are answered, the doomed one is retried after the lease and answered too, each
    exactly once, and the worker process lives on throughout."""
    crash_file = tmp_path / "crash-once"
    crash_file.touch()
    claude.delay(1)  # the other jobs are still in flight (waiting on Claude) when the child dies
    events = []
    for n in range(STORIES):
        page = article_html(f"Story number {n}")
        if n == DOOMED:
            page += f"<!-- {CRASH_MARKER.decode()} -->"
        events.append(message_event(f"<{web.add(f'/story/{n}', page)}>"))
    for event in events:
        bot.send(event)
    bot.wait_queued(STORIES)

    def answered() -> list[int]:
        return [len(slack.bot_replies(e["channel"], e["ts"])) for e in events]

    with worker_process(bot, lease=2, env={CRASH_FILE_ENV: str(crash_file)}) as worker:
        wait_for(lambda: not crash_file.exists(), timeout=60)
        wait_for(lambda: answered().count(1) >= STORIES - 1, timeout=60)
        wait_for(lambda: answered() == [1] * STORIES, timeout=60)
        wait_for(
            lambda: all(slack.reactions(e["channel"], e["ts"]) == {"white_check_mark"} for e in events),
            timeout=30,
        )
        assert worker.poll() is None  # the same worker process, alive after its child's crash
    assert answered() == [1] * STORIES
    for n, event in enumerate(events):
        (reply,) = slack.bot_replies(event["channel"], event["ts"])
        assert f"Story number {n}" in json.dumps(reply["blocks"])
        assert len(web.requests_for(f"/story/{n}")) == (2 if n == DOOMED else 1)
    assert len(claude.requests) == STORIES  # the crashed attempt never reached Claude
