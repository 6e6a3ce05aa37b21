"""The web process, wired: the Bolt app factory, `summarizer web` (waitress) and `summarizer socket`.

`create_app` builds the app from explicit settings, client and queue (tests pass the fakes' URLs); the
handlers are registered here and nowhere else. Nothing in this module loads a parser, the summary
engine or a model SDK (`bench/startup.py` measures it). No side effects at import time.
"""

from __future__ import annotations

import logging
import signal
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.errors import ConfigError
from bot.queue.connect import RedisTarget, connect
from bot.queue.feedback import FeedbackCounter
from bot.queue.limits import RateLimiter
from bot.queue.stream import SyncQueue
from bot.queue.threads import ThreadIndex
from bot.settings import Settings
from bot.slack.front_door import wsgi_app
from bot.slack.installs import Installs, oauth_enabled, oauth_options, open_installs
from handlers import HandlerDeps, register_all

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from slack_bolt.adapter.socket_mode import SocketModeHandler

log = logging.getLogger(__name__)
WEB_THREADS = 8


def make_web_client(settings: Settings) -> WebClient:
    """The web process's Slack client: SLACK_API_URL, with retries on connection errors, 429 and 5xx."""
    return WebClient(
        token=None if oauth_enabled(settings) else settings.slack_bot_token,  # OAuth: per request
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=1),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def create_app(
    settings: Settings,
    *,
    client: WebClient,
    queue: SyncQueue,
    installs: Installs | None = None,
    listener_executor: Executor | None = None,
) -> App:
    """A Bolt app whose listeners turn events into queued jobs. Calls `auth.test` once (Bolt does).
    Listeners run after the ack on `listener_executor` (Bolt's own thread pool when None).

    With OAuth installs on (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET), it also serves `/slack/install`
    and `/slack/oauth_redirect` and authorizes each request from the installation store (`installs`,
    by default opened from DATABASE_URL)."""
    if installs is None and oauth_enabled(settings):
        installs = open_installs(settings)
    oauth = oauth_options(settings, installs, client) if installs is not None else {}
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        ignoring_self_events_enabled=True,
        listener_executor=listener_executor,
        **oauth,
    )
    limiter = RateLimiter(
        queue.client, per_user=settings.user_jobs_per_hour, per_channel=settings.channel_jobs_per_hour
    )
    deps = HandlerDeps(
        queue=queue,
        limiter=limiter,
        threads=ThreadIndex(queue.client),
        feedback=FeedbackCounter(queue.client),
        settings=settings,
        installs=installs.installations if installs is not None else None,
    )
    register_all(app, deps)
    return app


def _app(settings: Settings) -> tuple[RedisTarget, SyncQueue, App]:
    if not oauth_enabled(settings):
        settings.require("slack_bot_token")
    target = connect(settings)
    queue = SyncQueue(target.sync_client())
    return target, queue, create_app(settings, client=make_web_client(settings), queue=queue)


def run_web(settings: Settings) -> None:
    """HTTP server for the Events API on $PORT (waitress, a production WSGI server).

    SIGTERM (a deploy) stops accepting requests, lets in-flight requests finish, then waits for the
    listeners Bolt already acknowledged to finish enqueueing: an event Slack saw acknowledged is queued.
    """
    settings.require("slack_signing_secret")
    import waitress

    target, queue, app = _app(settings)
    server = waitress.create_server(
        wsgi_app(app, signing_secret=settings.slack_signing_secret or "", healthy=queue.ping),
        host="0.0.0.0",
        port=settings.port,
        threads=WEB_THREADS,
        ident="summarizer",
    )

    def stop(signum: int, _frame: object) -> None:
        log.info("web: signal %d, finishing in-flight events", signum)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    log.info("web: listening on port %d, events at /slack/events, %s", settings.port, target.describe())
    if app.oauth_flow is not None:
        log.info("web: OAuth installs at %s", app.oauth_flow.install_path)
    try:
        server.run()  # returns once SystemExit stopped it and its request threads finished
    finally:
        server.close()
        app.listener_runner.listener_executor.shutdown(wait=True)
        log.info("web: stopped")


def make_socket_handler(settings: Settings) -> SocketModeHandler:
    """The same Bolt app behind Socket Mode: events over a WebSocket, no public URL needed.

    The handler keeps the embedded Redis (if any) alive through `handler.redis_target`.
    """
    settings.require("slack_app_token")
    if oauth_enabled(settings):
        raise ConfigError(
            "Socket Mode uses SLACK_BOT_TOKEN for one workspace: unset SLACK_CLIENT_ID/SLACK_CLIENT_SECRET, "
            "or serve OAuth installs with `summarizer web`"
        )
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    target, _, app = _app(settings)
    handler = SocketModeHandler(app, settings.slack_app_token)
    handler.redis_target = target  # type: ignore[attr-defined]
    log.info("socket mode: connecting, %s", target.describe())
    return handler


def run_socket(settings: Settings) -> None:
    """Run Socket Mode until interrupted."""
    make_socket_handler(settings).start()  # type: ignore[no-untyped-call]
