"""Pools sized from the work, end to end: Slack calls reuse kept-alive connections, and a worker at
concurrency 256 runs a burst of jobs with no connection errors."""

from __future__ import annotations

from tests.articles import ARTICLE_TEXT, article_html
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, mention_event, message_event


def test_slack_calls_share_kept_alive_connections(bot: Harness, slack: FakeSlack, web: FakeWeb) -> None:
    """A summary makes several Slack calls (status, stream, update, reactions…) over one or two
    connections, not one connection per call."""
    url = web.add("/story", article_html())
    before_calls, before_connections = len(slack.calls()), slack.connections
    bot.round_trip(message_event(f"see <{url}>"))
    calls = len(slack.calls()) - before_calls
    opened = slack.connections - before_connections
    assert calls >= 6 and opened <= 3, (calls, opened)


def test_concurrency_256_runs_a_burst_without_connection_errors(bot: Harness, slack: FakeSlack) -> None:
    events = [mention_event(f"Summary {n}, please\n{ARTICLE_TEXT}", user=f"U0P{n:03d}") for n in range(60)]
    for event in events:
        bot.send(event)
    bot.wait_queued(len(events), timeout=30)
    bot.work(worker_concurrency=256)
    assert all(len(slack.bot_replies(e["channel"], e["ts"])) == 1 for e in events)
    assert all("went wrong" not in str(slack.bot_replies(e["channel"], e["ts"])) for e in events)
