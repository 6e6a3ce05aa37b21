"""The Bolt app factory and the HTTP front door. No side effects at import time.

`create_app` builds the app from explicit settings, client and queue (tests pass fakes' URLs);
`wsgi_app` adds `/healthz` beside `/slack/events` for the production server (waitress).
"""

from __future__ import annotations

import json
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

from bot.limits import RateLimiter
from bot.queue import SyncQueue
from bot.settings import Settings
from handlers import HandlerDeps, register_all

EVENTS_PATH = "/slack/events"
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


def wsgi_app(app: App, queue: SyncQueue) -> WSGIApp:
    """WSGI entry: `/slack/events` to Bolt, `/healthz` reports whether Redis answers."""
    slack = SlackRequestHandler(app)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == EVENTS_PATH:
            result: Iterable[bytes] = slack(environ, start_response)
            return result
        if path == "/healthz":
            try:
                healthy = queue.ping()
            except Exception:
                healthy = False
            body = json.dumps({"ok": healthy, "redis": "up" if healthy else "down"}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
        return [b"not found"]

    return application
