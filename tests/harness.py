"""The end-to-end harness: the real web process (waitress + Bolt) and the real worker, wired to fakes.

Events are sent as signed HTTP requests exactly as Slack sends them; the worker runs in burst mode
(drain the queue, then return) so a test knows when all work is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import waitress
from slack_sdk.signature import SignatureVerifier

from bot.processes.web import create_app, make_web_client
from bot.processes.worker import run_worker, worker_context
from bot.queue import keys
from bot.queue.connect import RedisTarget
from bot.queue.jobs import Job
from bot.queue.keys import STREAM
from bot.queue.stream import SyncQueue
from bot.settings import Settings
from bot.slack.front_door import wsgi_app
from bot.text import as_text
from bot.worker import Worker
from tests.fakes.slack_api import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "test-signing-secret-1234"
BOT_TOKEN = "xoxb-test-token"
TEAM = "T0FAKE"
BOT_USER = "U0BOT"
_event_ids = itertools.count(1)
_ts = itertools.count(1)


def next_ts() -> str:
    """A fresh Slack-style message timestamp."""
    return f"1700000{next(_ts):03d}.000100"


def wait_for(predicate: Callable[[], Any], *, timeout: float = 5.0, interval: float = 0.02) -> Any:
    """Poll `predicate` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


def interaction(kind: str, user: str) -> dict[str, Any]:
    """The fields every interactivity payload of `kind` (block_actions, view_submission…) carries."""
    return {
        "type": kind,
        "token": "legacy-token",
        "api_app_id": "A0FAKE",
        "team": {"id": TEAM, "domain": "fake"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
    }


def envelope(event: dict[str, Any]) -> dict[str, Any]:
    """Wrap `event` in an Events API `event_callback` envelope like Slack's."""
    return {
        "token": "legacy-token",
        "team_id": TEAM,
        "api_app_id": "A0FAKE",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{next(_event_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM,
                "user_id": BOT_USER,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def signed_post(
    url: str,
    body: dict[str, Any] | bytes,
    *,
    retry_num: int | None = None,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    content_type: str = "application/json",
) -> tuple[int, bytes]:
    """POST `body` to `url` signed as Slack signs it (v0 HMAC of timestamp and body); (status, body)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = (
        SignatureVerifier(secret).generate_signature(timestamp=ts, body=raw.decode("utf-8", "replace")) or ""
    )
    headers: dict[str, str] = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    request = urllib.request.Request(url, data=raw, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


class ListenerPool(ThreadPoolExecutor):
    """Bolt's listener pool, keeping what it was given so a test can wait until every listener ran."""

    def __init__(self) -> None:
        super().__init__(max_workers=5, thread_name_prefix="listener")
        self._futures: list[Future[Any]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        self._futures.append(future)
        return future

    def idle(self) -> bool:
        """Whether every listener submitted so far has finished."""
        return all(future.done() for future in list(self._futures))


class WebProcess:
    """`summarizer web` in a thread: create_app + the WSGI front door served by waitress on a free port."""

    def __init__(self, settings: Settings) -> None:
        self.redis = RedisTarget(url=settings.redis_url or "", socket_path=None).sync_client()  # or a cluster
        queue = SyncQueue(self.redis)
        self.listeners = ListenerPool()
        self.app = create_app(
            settings, client=make_web_client(settings), queue=queue, listener_executor=self.listeners
        )
        self.server = waitress.create_server(
            wsgi_app(self.app, signing_secret=settings.slack_signing_secret or "", healthy=queue.ping),
            host="127.0.0.1",
            port=0,
            threads=4,
        )
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True, name="waitress")
        self.thread.start()

    def close(self) -> None:
        """Stop the server from inside its own loop thread (closing its sockets from another thread
        races the loop's select()), then wait for the thread and the request workers."""

        def stop() -> None:
            for channel in list(self.server._map.values()):
                channel.handle_close()

        self.server.trigger.pull_trigger(stop)
        self.thread.join(5)
        self.server.task_dispatcher.shutdown()
        self.listeners.shutdown(wait=True)
        self.redis.close()


class Harness:
    """One bot (web + worker) against the fakes and a clean Redis database."""

    def __init__(self, settings: Settings, slack: FakeSlack) -> None:
        self.settings = settings
        self.slack = slack
        self.web = WebProcess(settings)
        self.redis = self.web.redis

    def envelope(self, event: dict[str, Any]) -> dict[str, Any]:
        """Wrap `event` in an Events API `event_callback` envelope like Slack's."""
        return envelope(event)

    def post(
        self,
        body: dict[str, Any] | bytes,
        *,
        retry_num: int | None = None,
        secret: str = SIGNING_SECRET,
        timestamp: int | None = None,
        path: str = "/slack/events",
    ) -> tuple[int, bytes]:
        """POST a signed request to the web process; returns (status, body)."""
        return signed_post(self.web.url + path, body, retry_num=retry_num, secret=secret, timestamp=timestamp)

    def click(self, payload: dict[str, Any]) -> tuple[int, bytes]:
        """POST an interactivity payload (a button click) signed and form-encoded, as Slack sends it."""
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        return signed_post(
            self.web.url + "/slack/events", body, content_type="application/x-www-form-urlencoded"
        )

    def command(
        self, text: str, *, channel: str = "C0CHAN", user: str = "U0ALICE", trigger: str | None = None
    ) -> str:
        """Run `/summarize text` as Slack sends it (a signed form post, with a fresh response_url and
        trigger_id); the ack's body becomes the asker's "working" note. Returns the response_url."""
        url = self.slack.response_url(channel=channel, user=user)
        fields = {
            "token": "legacy-token",
            "team_id": TEAM,
            "team_domain": "fake",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/summarize",
            "text": text,
            "api_app_id": "A0FAKE",
            "is_enterprise_install": "false",
            "response_url": url,
            "trigger_id": trigger or f"{next(_event_ids)}.{TEAM}.trigger",
        }
        status, body = signed_post(
            self.web.url + "/slack/events",
            urllib.parse.urlencode(fields).encode(),
            content_type="application/x-www-form-urlencoded",
        )
        assert status == 200, (status, body)
        self.slack.acked(url, body)
        return url

    def home_opened(self, user: str = "U0ALICE", *, tab: str = "home") -> None:
        """`user` opens the app's Home tab (or its Messages tab): the `app_home_opened` event."""
        event = {
            "type": "app_home_opened",
            "user": user,
            "channel": "D0HOME",
            "tab": tab,
            "event_ts": next_ts(),
        }
        status, _ = self.post(self.envelope(event))
        assert status == 200, status

    def view_click(self, view: dict[str, Any], action_id: str, *, user: str = "U0ALICE") -> tuple[int, bytes]:
        """`user` clicks the button `action_id` in a published view (their Home tab), with a fresh
        trigger_id as Slack gives one."""
        payload = {
            **interaction("block_actions", user),
            "container": {"type": "view", "view_id": view["id"]},
            "trigger_id": self.slack.trigger_for(user),
            "view": view,
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "b",
                    "type": "button",
                    "value": "edit",
                    "action_ts": next_ts(),
                }
            ],
        }
        return self.click(payload)

    def submit_view(
        self, view: dict[str, Any], choices: dict[str, str], *, user: str = "U0ALICE"
    ) -> tuple[int, bytes]:
        """`user` submits the modal `view` with each select (block id = action id) set to a value."""
        values = {
            block: {
                block: {
                    "type": "static_select",
                    "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
                }
            }
            for block, value in choices.items()
        }
        payload = {
            **interaction("view_submission", user),
            "trigger_id": self.slack.trigger_for(user),
            "view": {**view, "state": {"values": values}, "hash": "1700000000.abcd"},
            "response_urls": [],
            "is_enterprise_install": False,
        }
        return self.click(payload)

    def shortcut(self, message: dict[str, Any], *, channel: str, user: str = "U0ALICE") -> str:
        """Run the "Summarize" message shortcut on `message` as Slack sends it; returns its response_url."""
        url = self.slack.response_url(channel=channel, user=user, kind="actions")
        payload = {
            "type": "message_action",
            "token": "legacy-token",
            "action_ts": next_ts(),
            "team": {"id": TEAM, "domain": "fake"},
            "user": {"id": user, "name": user.lower(), "team_id": TEAM},
            "channel": {"id": channel, "name": "general"},
            "callback_id": "summarize_message",
            "trigger_id": f"{next(_event_ids)}.{TEAM}.trigger",
            "message_ts": message["ts"],
            "message": message,
            "response_url": url,
        }
        status, body = self.click(payload)
        assert status == 200, (status, body)
        return url

    def send(self, event: dict[str, Any], *, deliveries: int = 1) -> dict[str, Any]:
        """Post `event`'s message in the fake Slack, then deliver the event (signed) `deliveries` times,
        as Slack's retries do; each delivery must get 200."""
        channel, ts = event.get("channel"), event.get("ts")
        known = {m["ts"] for m in self.slack.messages(channel)} if isinstance(channel, str) else set()
        if (
            isinstance(channel, str)
            and isinstance(ts, str)
            and ts not in known
            and event.get("subtype") is None
        ):
            self.slack.add_message(
                channel,
                text=str(event.get("text", "")),
                user=str(event.get("user")),
                ts=ts,
                thread_ts=event.get("thread_ts"),
            )
        elif isinstance(channel, str) and isinstance(ts, str) and ts not in known:
            self.slack.add_message(
                channel,
                text=str(event.get("text", "")),
                user=str(event.get("user")),
                ts=ts,
                files=event.get("files"),
                subtype=event.get("subtype"),
            )
        envelope = self.envelope(event)
        for attempt in range(deliveries):
            status, _ = self.post(envelope, retry_num=attempt or None)
            assert status == 200, status
        return envelope

    def settle(self, *, timeout: float = 5.0) -> None:
        """Wait until the listeners of every request sent so far have run (Bolt runs them after the
        ack, so a request's effects, or their absence, are only final then)."""
        wait_for(self.web.listeners.idle, timeout=timeout)

    def queued(self) -> int:
        """How many job keys exist (each enqueued job has one, whatever its state)."""
        return sum(1 for _ in self.redis.scan_iter(keys.job("*")))

    def wait_queued(self, count: int, *, timeout: float = 5.0) -> None:
        """Wait until `count` jobs were enqueued by the web process (listeners run after the ack)."""
        wait_for(lambda: self.queued() >= count, timeout=timeout)

    def stream_length(self) -> int:
        return int(self.redis.xlen(STREAM))

    def queued_jobs(self) -> dict[str, Job]:
        """The jobs in the queue's stream (waiting or running), by stream entry id."""
        jobs: dict[str, Job] = {}
        for entry_id, fields in self.redis.xrange(STREAM) or []:
            raw = (fields or {}).get(b"job")
            if entry_id is not None and raw is not None:
                jobs[as_text(entry_id)] = Job.from_json(as_text(raw))
        return jobs

    def work(self, **overrides: Any) -> Worker:
        """Run the real worker in burst mode until the queue is drained."""
        settings = replace(self.settings, **overrides) if overrides else self.settings
        return asyncio.run(run_worker(settings, burst=True))

    def round_trip(self, event: dict[str, Any], **overrides: Any) -> list[dict[str, Any]]:
        """Send `event`, wait until its jobs are queued, run the worker, and return the bot's replies
        in the event's thread (`overrides` are settings for the worker)."""
        before = self.queued()
        self.send(event)
        self.wait_queued(before + 1)
        self.work(**overrides)
        return self.slack.bot_replies(event["channel"], event.get("thread_ts") or event["ts"])

    def close(self) -> None:
        self.web.close()


REPLY_METHODS = (
    "chat.postMessage",
    "chat.startStream",
    "chat.appendStream",
    "chat.stopStream",
    "chat.update",
)


def reply_calls(slack: FakeSlack) -> list[Any]:
    """Every call that put words in a reply: posts, the live stream, and the edits that finish it."""
    return [c for method in REPLY_METHODS for c in slack.calls(method)]


def footer_of(message: dict[str, Any]) -> str:
    """The footer of a posted summary or answer: the text of its last `context` block (the buttons under
    it are not part of it)."""
    contexts = [b for b in message.get("blocks") or [] if b.get("type") == "context"]
    return str(contexts[-1]["elements"][0]["text"]) if contexts else ""


def message_event(
    text: str,
    *,
    channel: str = "C0GENERAL",
    user: str = "U0ALICE",
    ts: str | None = None,
    channel_type: str = "channel",
    **extra: Any,
) -> dict[str, Any]:
    """A `message` event as Slack sends it for a user's post."""
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts or next_ts(),
        "event_ts": ts or next_ts(),
        "channel_type": channel_type,
        "team": TEAM,
    }
    event.update(extra)
    return event


def mention_event(text: str, **kwargs: Any) -> dict[str, Any]:
    """An `app_mention` event (the text starts with the bot's mention)."""
    event = message_event(f"<@{BOT_USER}> {text}", **kwargs)
    event["type"] = "app_mention"
    event.pop("channel_type", None)
    return event


class BackgroundWorker:
    """`summarizer worker` (not burst) running in a thread with its own event loop, until `stop()`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.worker: Worker | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self.thread = threading.Thread(
            target=lambda: asyncio.run(self._main()), daemon=True, name="bg-worker"
        )
        self.thread.start()
        if not self._ready.wait(10):
            raise AssertionError("background worker did not start")

    async def _main(self) -> None:
        async with worker_context(self.settings) as worker:
            self.worker, self._loop = worker, asyncio.get_running_loop()
            self._ready.set()
            await worker.run()

    def stop(self) -> None:
        """Ask the worker to stop (as SIGTERM does) and wait for it to finish."""
        if self._loop is not None and self.worker is not None:
            self._loop.call_soon_threadsafe(self.worker.stop)
        self.thread.join(30)


@contextlib.contextmanager
def worker_process(
    bot: Harness, *, lease: int, grace: int = 25, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """`summarizer worker` as a real separate process, configured by environment like production (plus
    `env`); killed on exit if it is still running."""
    s = bot.settings
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ANTHROPIC_", "SUMMARIZER_"))},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": s.slack_api_url,
        "ANTHROPIC_API_KEY": s.anthropic_api_key or "",
        "ANTHROPIC_BASE_URL": s.anthropic_base_url or "",
        "ANTHROPIC_MODEL": s.anthropic_model or "",
        "REDIS_URL": s.redis_url or "",
        "SUMMARIZER_ALLOW_PRIVATE_URLS": "true",
        "SUMMARIZER_JOB_LEASE_SECONDS": str(lease),
        "SUMMARIZER_SHUTDOWN_GRACE_SECONDS": str(grace),
        "SUMMARIZER_DATA_DIR": str(s.data_dir),
        **(env or {}),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "worker"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
