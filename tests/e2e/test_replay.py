"""Real Slack payload shapes replayed through the running bot (signed, each delivered twice), with the
answer each must get: silence, the help line, one summary, or just a 2xx. And a property: any signed
envelope, however odd, gets a 2xx and crashes nothing.

The payloads live in `tests/fixtures/slack_events/replay/` (see its README for their sources); links
point at `https://example.test/…`, which is swapped for a local site serving an article, and shared
files are registered in the fake Slack under the payload's own shape.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.articles import ARTICLE_TEXT, PARAGRAPHS, article_html
from tests.documents import make_pdf
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, reply_calls, wait_for
from tests.paths import FIXTURES

REPLAY = FIXTURES / "slack_events" / "replay"
CASES = sorted(REPLAY.glob("*.json"))
PLACEHOLDER = re.compile(r"https://example\.test(/[^\s|>\"\\]*)?")
WORKING = "hourglass_flowing_sand"


def load(path: Path) -> tuple[str, dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["expect"], data["payload"]


def localise(payload: dict[str, Any], web: FakeWeb, slack: FakeSlack) -> dict[str, Any]:
    """The payload with its links on the local site and its files known to the fake Slack."""
    text = json.dumps(payload)
    for match in set(PLACEHOLDER.finditer(text)):
        path = match.group(1) or "/"
        web.add(path.split("?", 1)[0] or "/", article_html("A replayed story"))
    text = PLACEHOLDER.sub(lambda m: web.url + (m.group(1) or "/"), text)
    local: dict[str, Any] = json.loads(text)
    event = local.get("event")
    if isinstance(event, dict):
        event["files"] = [_registered(f, slack) for f in event.get("files") or [] if isinstance(f, dict)]
        if not event["files"]:
            del event["files"]
    return local


def _registered(file: dict[str, Any], slack: FakeSlack) -> dict[str, Any]:
    """`file` (a payload's file object) backed by a real file in the fake Slack: same shape, local ids."""
    name = str(file.get("name") or "notes.txt")
    mimetype = str(file.get("mimetype") or "text/plain")
    content = make_pdf(tuple(PARAGRAPHS)) if mimetype == "application/pdf" else ARTICLE_TEXT.encode()
    served = slack.add_file(name, content, mimetype, str(file.get("filetype") or "text"))
    local = copy.deepcopy(file)
    local["id"] = served["id"]
    for key in ("url_private", "url_private_download"):
        if key in local:
            local[key] = served[key]
    return local


def deliver(bot: Harness, slack: FakeSlack, body: dict[str, Any]) -> list[tuple[int, bytes]]:
    """Post `body` signed, twice (the second as Slack's retry), after putting its message in the fake."""
    event = body.get("event")
    if isinstance(event, dict):
        channel, ts = event.get("channel"), event.get("ts")
        real_ts = isinstance(ts, str) and re.fullmatch(r"\d+\.\d+", ts) is not None
        if isinstance(channel, str) and real_ts and ts not in {m["ts"] for m in slack.messages(channel)}:
            thread = event.get("thread_ts")
            text, user = str(event.get("text") or ""), str(event.get("user") or "U0ALICE")
            slack.add_message(
                channel, text=text, user=user, ts=ts, thread_ts=thread if isinstance(thread, str) else None
            )
    return [bot.post(body, retry_num=n or None) for n in range(2)]


@pytest.mark.skipif(not CASES, reason="no replay fixtures")
@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_real_payloads_get_the_right_answer(bot: Harness, slack: FakeSlack, web: FakeWeb, path: Path) -> None:
    """Each payload, delivered twice, gets 2xx both times and exactly the answer its table row names."""
    expect, payload = load(path)
    body = localise(payload, web, slack)
    answers = deliver(bot, slack, body)
    assert all(200 <= status < 300 for status, _ in answers), answers
    if expect == "http":
        if body.get("type") == "url_verification":
            assert json.loads(answers[0][1])["challenge"] == body["challenge"]
        assert bot.queued() == 0
        return
    if expect != "silence":
        bot.wait_queued(1)
    bot.work()
    posted = reply_calls(slack)
    reactions = slack.calls("reactions.add")
    if expect == "silence":
        assert (bot.queued(), posted, reactions) == (0, [], [])
        return
    (reply,) = [m for ms in slack.all_messages().values() for m in ms if m.get("bot_id")]
    text = str(reply.get("text") or "")
    if expect == "help":
        assert "Hi!" in text and "summariz" in text, text
        assert reactions == []
    else:
        assert expect == "summary", expect
        assert text.startswith("Summary of"), text
        event = body["event"]
        wait_for(lambda: "white_check_mark" in slack.reactions(event["channel"], event["ts"]))
        assert WORKING not in slack.reactions(event["channel"], event["ts"])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=25,
)
events = st.fixed_dictionaries(
    {"type": st.sampled_from(["message", "app_mention", "reaction_added", "member_joined_channel", "x"])},
    optional={
        "subtype": st.sampled_from(["bot_message", "message_changed", "file_share", "huddle_thread", ""]),
        "user": st.sampled_from(["U0ALICE", "USLACKBOT", "U0BOT", ""]) | json_values,
        "text": st.text(max_size=80) | json_values,
        "channel": st.sampled_from(["C0PROP", "D0PROP"]) | json_values,
        "ts": st.sampled_from(["1700000999.000100"]) | json_values,
        "bot_id": json_values,
        "files": json_values,
        "blocks": json_values,
        "channel_type": st.sampled_from(["im", "channel", "mpim"]),
    },
)
envelopes = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            ["event_callback", "app_rate_limited", "url_verification", "block_actions", "?"]
        )
    },
    optional={
        "event": events | json_values,
        "team_id": st.sampled_from(["T0FAKE", ""]) | json_values,
        "enterprise_id": st.sampled_from(["E0ORG", None]),
        "is_ext_shared_channel": st.booleans(),
        "authorizations": json_values,
        "challenge": st.text(max_size=20),
        "minute_rate_limited": json_values,
        "event_id": st.text(max_size=12),
    },
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=envelopes)
def test_any_signed_envelope_gets_a_2xx(bot: Harness, body: dict[str, Any]) -> None:
    """Whatever a signed envelope holds, the answer is a 2xx (never 404 or 5xx, so Slack never disables
    the subscription or retries in a loop)."""
    status, _ = bot.post(body)
    assert 200 <= status < 300, (status, body)
