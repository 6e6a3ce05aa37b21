"""`/summarize` and the message shortcut, read: their jobs, on the reference payloads and variants."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.slack.commands import is_response_url, jobs_for_command, jobs_for_shortcut
from tests.paths import FIXTURES

HOSTS = frozenset({"127.0.0.1:9"})
HOOK = "https://hooks.slack.com/commands/T1/1/abc"


def command(text: str, **extra: Any) -> dict[str, Any]:
    """The reference slash-command payload with our command and `text`."""
    path = FIXTURES / "slack_interactivity" / "slash_command__bolt_tests.json"
    payload: dict[str, Any] = json.loads(path.read_text())["payload"]
    return payload | {"command": "/summarize", "text": text} | extra


def shortcut(message: dict[str, Any] | None = None) -> dict[str, Any]:
    """The reference message-shortcut payload, optionally with another message."""
    path = FIXTURES / "slack_interactivity" / "message_shortcut__bolt_tests.json"
    payload: dict[str, Any] = json.loads(path.read_text())["payload"]
    if message is not None:
        payload["message"] = message
    return payload


def test_links_with_an_instruction_become_private_jobs_keyed_by_the_trigger() -> None:
    """Escaped links (`<url>`) and bare ones both count; the rest of the text is the instruction."""
    jobs = jobs_for_command(command("<https://example.com/a> in 3 bullets"), max_links=3, hosts=HOSTS)
    assert jobs is not None and len(jobs) == 1
    job = jobs[0]
    assert (job.kind, job.url, job.private, job.quiet, job.message_ts) == (
        "url", "https://example.com/a", True, True, "",
    )  # fmt: skip
    assert job.spec.form == "bullets" and job.spec.bullets == 3
    assert job.response_url == HOOK.replace("commands/T1/1/abc", "commands/T111/111/xxxxx")
    again = jobs_for_command(command("<https://example.com/a> in 3 bullets"), max_links=3, hosts=HOSTS)
    other = jobs_for_command(
        command("<https://example.com/a>", trigger_id="222.xxx"), max_links=3, hosts=HOSTS
    )
    assert again is not None and other is not None
    assert again[0].id == job.id and other[0].id != job.id
    bare = jobs_for_command(
        command("https://example.com/b, https://example.com/c."), max_links=1, hosts=HOSTS
    )
    assert bare is not None and [j.url for j in bare] == ["https://example.com/b"]


@pytest.mark.parametrize("text", ["help", "  HELP ", "hi", "?", "thanks!"])
def test_help_and_chatter_get_the_help_text(text: str) -> None:
    assert jobs_for_command(command(text), max_links=3, hosts=HOSTS) is None


@pytest.mark.parametrize(
    ("text", "window", "bullets"),
    [
        ("", "default", None),
        ("since yesterday", "yesterday", None),
        ("last 4 hours in 5 bullets", "hours:4", 5),
        ("in 3 bullets", "default", 3),
        ("catch me up", "default", None),
        ("this channel, this week", "week", None),
    ],
)
def test_a_window_an_instruction_or_nothing_is_a_catch_up(
    text: str, window: str, bullets: int | None
) -> None:
    """The channel's recent messages, privately, titled with the channel's name."""
    jobs = jobs_for_command(command(text), max_links=3, hosts=HOSTS)
    assert jobs is not None and len(jobs) == 1
    job = jobs[0]
    assert (job.kind, job.window, job.where, job.private, job.spec.bullets) == (
        "channel", window, "random", True, bullets,
    )  # fmt: skip


def test_pasted_text_that_mentions_a_day_is_still_text() -> None:
    """A window word inside pasted text does not make it a catch-up."""
    text = "The council met yesterday and approved the plan after a long debate about routes. " * 3
    jobs = jobs_for_command(command(text), max_links=3, hosts=HOSTS)
    assert jobs is not None and jobs[0].kind == "text"


def test_pasted_text_with_an_instruction_is_a_text_job() -> None:
    text = "in 2 paragraphs: " + "The council met on Tuesday and approved the plan after a long debate. " * 6
    jobs = jobs_for_command(command(text), max_links=3, hosts=HOSTS)
    assert jobs is not None and jobs[0].kind == "text" and jobs[0].spec.paragraphs == 2
    assert jobs[0].text and jobs[0].text.startswith("The council met")


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.slack.com/commands/T1/1/abc",  # not https
        "https://evil.example.com/commands/T1/1/abc",
        "https://hooks.slack.com.evil.example.com/x",
        None,
        "javascript:alert(1)",
    ],
)
def test_a_response_url_off_slack_is_refused(url: object) -> None:
    """No request can make the worker post somewhere else."""
    assert not is_response_url(url, HOSTS)
    assert (
        jobs_for_command(command("<https://example.com/a>", response_url=url), max_links=3, hosts=HOSTS)
        is None
    )
    assert (
        jobs_for_shortcut(shortcut() | {"response_url": url}, max_links=3, hosts=HOSTS)[0].response_url
        is None
    )


def test_the_shortcut_on_a_plain_message_summarizes_its_text_in_its_thread() -> None:
    """The reference payload's message (a mention and a word): a text job in that message's thread."""
    jobs = jobs_for_shortcut(shortcut(), max_links=3, hosts=HOSTS)
    assert [(j.kind, j.channel, j.thread_ts, j.user, j.private) for j in jobs] == [
        ("text", "C111", "1583636382.000300", "W111", False)
    ]
    assert jobs[0].response_url == "https://hooks.slack.com/app/T111/111/xxx"


def test_the_shortcut_on_a_thread_parent_or_a_reply() -> None:
    """A parent with replies: the conversation. A reply with a link: the link, in the reply's thread."""
    parent = {
        "type": "message",
        "user": "U1",
        "text": "plans",
        "ts": "5.0",
        "thread_ts": "5.0",
        "reply_count": 4,
    }
    jobs = jobs_for_shortcut(shortcut(parent), max_links=3, hosts=HOSTS)
    assert [(j.kind, j.thread_ts, j.source) for j in jobs] == [("conversation", "5.0", "shortcut")]
    reply = {
        "type": "message",
        "user": "U1",
        "text": "see <https://example.com/r>",
        "ts": "6.0",
        "thread_ts": "5.0",
    }
    jobs = jobs_for_shortcut(shortcut(reply), max_links=3, hosts=HOSTS)
    assert [(j.kind, j.url, j.thread_ts, j.message_ts) for j in jobs] == [
        ("url", "https://example.com/r", "5.0", "6.0")
    ]


def test_the_shortcut_on_an_empty_or_malformed_payload_makes_nothing() -> None:
    assert (
        jobs_for_shortcut(shortcut({"type": "message", "ts": "1.0", "text": ""}), max_links=3, hosts=HOSTS)
        == []
    )
    assert jobs_for_shortcut({"type": "message_action"}, max_links=3, hosts=HOSTS) == []
