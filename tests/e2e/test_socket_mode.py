"""Socket Mode end to end: the real SocketModeHandler (slack_sdk's builtin WebSocket client) against a real
WebSocket server, the fake Web API (apps.connections.open), Redis and the real worker."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.processes.web import make_socket_handler
from bot.settings import Settings
from bot.slack.blocks import DONE, WORKING
from tests.articles import article_html
from tests.fakes.slack_api import FakeSlack
from tests.fakes.socket_mode import FakeSocketMode
from tests.fakes.web import FakeWeb
from tests.harness import BOT_TOKEN, Harness, message_event, next_ts, wait_for

APP_TOKEN = "xapp-test-token"


@pytest.fixture
def socket_server(slack: FakeSlack) -> Iterator[FakeSocketMode]:
    """A running fake Socket Mode endpoint that the fake Slack hands out from apps.connections.open."""
    with FakeSocketMode(app_id=slack.app_id) as server:
        slack.socket_url = server.url
        yield server
        slack.socket_url = None


@pytest.fixture
def handler(settings: Settings, socket_server: FakeSocketMode) -> Iterator[SocketModeHandler]:
    """The bot's real Socket Mode handler (not yet connected); closed after the test."""
    socket_handler = make_socket_handler(replace(settings, slack_app_token=APP_TOKEN))
    yield socket_handler
    drain(socket_handler)


def drain(socket_handler: SocketModeHandler) -> None:
    """Close the WebSocket client, then wait for the Bolt listeners still running (they run after the ack)."""
    socket_handler.close()  # type: ignore[no-untyped-call]
    socket_handler.app.listener_runner.listener_executor.shutdown(wait=True)


def seeded_link_event(slack: FakeSlack, web: FakeWeb) -> dict[str, Any]:
    """A user's message sharing an article link, already posted in the fake Slack (reactions need it)."""
    url = web.add("/news/transit", article_html())
    ts = next_ts()
    event = message_event(f"Worth a read <{url}>", ts=ts)
    slack.add_message(event["channel"], text=event["text"], user=event["user"], ts=ts)
    return event


def test_link_over_socket_mode_is_acked_queued_and_answered_once(
    bot: Harness, slack: FakeSlack, web: FakeWeb, socket_server: FakeSocketMode, handler: SocketModeHandler
) -> None:
    """A link sent over Socket Mode is acked, queued once despite a retry, and answered once in its thread."""
    event = seeded_link_event(slack, web)
    channel, ts = event["channel"], event["ts"]

    handler.connect()  # type: ignore[no-untyped-call]
    socket_server.wait_for_connection()
    (opened,) = slack.calls("apps.connections.open")
    assert opened.headers["authorization"] == f"Bearer {APP_TOKEN}"
    (handshake,) = socket_server.handshakes
    assert handshake.path == "/link/" and handshake.query["ticket"] == socket_server.ticket
    assert handshake.headers["upgrade"].lower() == "websocket"
    assert socket_server.sent[0]["type"] == "hello"

    body = bot.envelope(event)
    first = socket_server.deliver(body)
    assert socket_server.wait_for_ack(first) == {"envelope_id": first}
    bot.wait_queued(1)
    wait_for(lambda: WORKING in slack.reactions(channel, ts))

    retry = socket_server.deliver(body, retry_attempt=1)
    assert retry != first
    assert socket_server.wait_for_ack(retry) == {"envelope_id": retry}
    sent = socket_server.sent[-1]
    assert (sent["retry_attempt"], sent["retry_reason"], sent["payload"]) == (1, "timeout", body)
    drain(handler)  # the retry's listener has finished: anything it queued is in Redis now
    assert bot.queued() == 1 and bot.stream_length() == 1
    assert len(slack.calls("reactions.add")) == 1

    bot.work()
    replies = slack.bot_replies(channel, ts)
    assert len(replies) == 1
    assert "Council approves transit plan" in json.dumps(replies[0].get("blocks"))
    assert slack.reactions(channel, ts) == {DONE}


def test_disconnect_frame_makes_the_bot_reconnect(
    bot: Harness, slack: FakeSlack, web: FakeWeb, socket_server: FakeSocketMode, handler: SocketModeHandler
) -> None:
    """After Slack's `disconnect` frame the bot opens a fresh connection and acks events delivered on it."""
    handler.connect()  # type: ignore[no-untyped-call]
    socket_server.wait_for_connection()
    socket_server.send_disconnect()
    wait_for(lambda: len(socket_server.handshakes) == 2 and socket_server.connections == 1, timeout=10)
    assert len(slack.calls("apps.connections.open")) == 2

    event = seeded_link_event(slack, web)
    envelope_id = socket_server.deliver(bot.envelope(event))
    assert socket_server.wait_for_ack(envelope_id, timeout=10) == {"envelope_id": envelope_id}
    bot.wait_queued(1)


def test_apps_connections_open_takes_only_the_app_token(slack: FakeSlack) -> None:
    """apps.connections.open answers the WebSocket URL for the xapp- token and Slack's errors otherwise."""
    client = WebClient(token=BOT_TOKEN, base_url=slack.url + "/api/")

    def error(token: str) -> str:
        with pytest.raises(SlackApiError) as raised:
            client.apps_connections_open(app_token=token)
        return str(raised.value.response["error"])

    assert error(APP_TOKEN) == "not_allowed"  # no socket_url: Socket Mode is off
    slack.socket_url = "ws://127.0.0.1:9/link/?ticket=t&app_id=A0FAKE"
    assert client.apps_connections_open(app_token=APP_TOKEN)["url"] == slack.socket_url
    assert error(BOT_TOKEN) == "not_allowed_token_type"
    assert error("xapp-someone-else") == "invalid_auth"
    assert client.auth_test()["ok"] is True  # every other method still wants the bot token
    with pytest.raises(SlackApiError) as raised:
        WebClient(token=APP_TOKEN, base_url=slack.url + "/api/").auth_test()
    assert raised.value.response["error"] == "invalid_auth"


def test_a_button_over_socket_mode_queues_its_reshape(
    bot: Harness, slack: FakeSlack, socket_server: FakeSocketMode, handler: SocketModeHandler
) -> None:
    """Interactivity arrives as an `interactive` envelope: the click is acked and its job queued once."""
    parent = slack.add_message("C0GENERAL", text="a long memo", user="U0ALICE")
    summary = slack.add_message("C0GENERAL", text="Summary of your text", user="U0BOT", thread_ts=parent)
    click = {
        "type": "block_actions",
        "user": {"id": "U0ALICE", "team_id": "T0FAKE"},
        "team": {"id": "T0FAKE", "domain": "fake"},
        "container": {
            "type": "message",
            "message_ts": summary,
            "channel_id": "C0GENERAL",
            "thread_ts": parent,
        },
        "channel": {"id": "C0GENERAL"},
        "message": {"ts": summary, "thread_ts": parent, "text": "Summary of your text"},
        "actions": [{"action_id": "reshape_shorter", "type": "button", "value": "job-1", "block_id": "b"}],
        "trigger_id": "1.2.3",
        "response_url": f"{slack.url}/actions/T0FAKE/1/x",
    }
    handler.connect()  # type: ignore[no-untyped-call]
    socket_server.wait_for_connection()
    envelope_id = "e-click-1"
    socket_server.send(
        {
            "envelope_id": envelope_id,
            "payload": click,
            "type": "interactive",
            "accepts_response_payload": False,
        }
    )
    assert socket_server.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}
    bot.wait_queued(1)
    drain(handler)
    assert bot.queued() == 1
