"""Slack refusing the reply for good ends the job at once: one post attempt, one model call, one WARNING,
no traceback, and the asker hears it privately (an ephemeral note, or a DM where even that is refused)."""

from __future__ import annotations

import logging

import pytest

from tests.articles import ARTICLE_TEXT
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.harness import Harness, mention_event, wait_for


@pytest.mark.parametrize(
    ("error", "shut_out", "told_in"),
    [
        ("not_in_channel", True, "dm"),
        ("is_archived", True, "dm"),
        ("msg_too_long", False, "ephemeral"),
        ("restricted_action", False, "ephemeral"),
    ],
)
def test_a_refused_reply_ends_the_job_and_tells_the_asker(
    bot: Harness,
    slack: FakeSlack,
    claude: FakeAnthropic,
    caplog: pytest.LogCaptureFixture,
    error: str,
    shut_out: bool,
    told_in: str,
) -> None:
    """The job is not re-run: no second post, no second model call; the queue is empty afterwards."""
    event = mention_event(ARTICLE_TEXT, channel="C0QUIET", user="U0ALICE")
    bot.send(event)
    wait_for(lambda: "hourglass_flowing_sand" in slack.reactions("C0QUIET", event["ts"]))
    if shut_out:
        slack.shut_out("C0QUIET", error=error)
    else:  # the edit that finishes the live reply is refused
        slack.fail_next("chat.update", status=200, error=error)
    with caplog.at_level(logging.INFO):
        bot.work()
    attempts = slack.calls("chat.postMessage") if shut_out else slack.calls("chat.update")
    assert len(attempts) == 1 + (told_in == "dm")
    assert len(claude.requests) == 1
    assert bot.stream_length() == 0
    refusals = [r for r in caplog.records if r.levelno >= logging.WARNING and error in r.getMessage()]
    assert len(refusals) == 1 and refusals[0].exc_info is None
    assert not any(r.exc_info for r in caplog.records)
    if told_in == "ephemeral":
        (note,) = slack.ephemerals()
        assert note["channel"] == "C0QUIET" and note["user"] == "U0ALICE"
    else:
        (note,) = slack.messages("D0ALICE")
        assert "/invite @summarizer" in note["text"] or "archived" in note["text"]


def test_a_transient_slack_failure_runs_the_job_again(bot: Harness, slack: FakeSlack) -> None:
    """5xx past the SDK's own retries is not a refusal: the job stays queued and its reply comes later."""
    slack.fail_next("chat.postMessage", status=500, times=4)
    event = mention_event(ARTICLE_TEXT)
    (reply,) = bot.round_trip(event, job_lease_seconds=2)
    assert reply["text"].startswith("Summary of")
    assert slack.ephemerals() == []
