"""The Bolt app factory and the HTTP front door. No side effects at import time.

`create_app` builds the app from explicit settings, client and queue (tests pass fakes' URLs);
`wsgi_app` adds `/healthz` beside `/slack/events` for the production server (waitress).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.signature import SignatureVerifier

from bot.queue.limits import RateLimiter
from bot.queue.stream import SyncQueue
from bot.settings import Settings
from handlers import HandlerDeps, register_all

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1_000_000
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def make_web_client(settings: Settings) -> WebClient:
    """The web process's Slack client: SLACK_API_URL, with retries on connection errors, 429 and 5xx."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=1),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def create_app(settings: Settings, *, client: WebClient, queue: SyncQueue) -> App:
    """A Bolt app whose listeners turn events into queued jobs. Calls `auth.test` once (Bolt does)."""
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        ignoring_self_events_enabled=True,
    )
    limiter = RateLimiter(
        queue.client, per_user=settings.user_jobs_per_hour, per_channel=settings.channel_jobs_per_hour
    )
    register_all(app, HandlerDeps(queue=queue, limiter=limiter, settings=settings))
    return app


def wsgi_app(app: App, queue: SyncQueue, *, signing_secret: str) -> WSGIApp:
    """WSGI entry: `/slack/events` to Bolt, `/healthz` reports whether Redis answers.

    Before Bolt sees a request, the body is size-capped, decoded and its signature checked here, and a
    signed request whose event is malformed is answered 200 with `X-Slack-No-Retry: 1` (Bolt would
    answer 404 or 500, and Slack would retry it again and again).
    """
    slack = SlackRequestHandler(app)
    verifier = SignatureVerifier(signing_secret)

    def respond(
        start_response: Callable[..., Any], status: str, body: bytes, *extra: tuple[str, str]
    ) -> list[bytes]:
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *extra]
        start_response(status, headers)
        return [body]

    def events(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            return respond(start_response, "413 Payload Too Large", b'{"error": "too large"}')
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return respond(start_response, "400 Bad Request", b'{"error": "invalid request"}')
        headers = {
            "x-slack-request-timestamp": environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
            "x-slack-signature": environ.get("HTTP_X_SLACK_SIGNATURE", ""),
        }
        if not verifier.is_valid_request(text, headers):
            return respond(start_response, "401 Unauthorized", b'{"error": "invalid request"}')
        if malformed_event(text):
            log.warning("ignoring a signed request with a malformed event")
            return respond(start_response, "200 OK", b"{}", ("X-Slack-No-Retry", "1"))
        environ["wsgi.input"] = io.BytesIO(raw)
        try:
            result: Iterable[bytes] = slack(environ, start_response)
            return result
        except Exception:
            log.exception("Bolt failed on a signed request")
            return respond(start_response, "200 OK", b"{}", ("X-Slack-No-Retry", "1"))

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == EVENTS_PATH:
            return events(environ, start_response)
        if path == "/healthz":
            try:
                healthy = queue.ping()
            except Exception:
                healthy = False
            body = json.dumps({"ok": healthy, "redis": "up" if healthy else "down"}).encode()
            return respond(start_response, "200 OK" if healthy else "503 Service Unavailable", body)
        return respond(start_response, "404 Not Found", b'{"error": "not found"}')

    return application


def malformed_event(text: str) -> bool:
    """True for a JSON event callback whose `event` is not an object with a string `type`."""
    if not text.lstrip().startswith("{"):
        return False
    try:
        body = json.loads(text)
    except ValueError:
        return True
    if not isinstance(body, dict):
        return True
    if body.get("type") != "event_callback":
        return False
    event = body.get("event")
    return not (isinstance(event, dict) and isinstance(event.get("type"), str) and event["type"])
