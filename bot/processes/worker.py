"""Process entry points: wire settings to real clients and run. Called only by `bot.cli`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

import anthropic
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.cli_extract import load as load_source
from bot.instructions.grammar import parse_request
from bot.models import Document, SummarySpec
from bot.pipeline import Deps
from bot.queue.connect import RedisTarget, connect
from bot.queue.limits import TokenBudget
from bot.queue.stream import Queue, SyncQueue
from bot.settings import Settings
from bot.slack.post import SlackPoster
from bot.sources.fetch import make_session
from bot.summary.claude import Claude
from bot.summary.contract import count
from bot.summary.engine import summarize
from bot.worker import Worker, consumer_name

log = logging.getLogger(__name__)


def _web_parts(settings: Settings) -> tuple[RedisTarget, SyncQueue]:
    settings.require("slack_bot_token")
    target = connect(settings)
    return target, SyncQueue(target.sync_client())


def run_web(settings: Settings) -> None:
    """HTTP server for the Events API on $PORT (waitress, a production WSGI server).

    SIGTERM (a deploy) stops accepting requests, lets in-flight requests finish, then waits for the
    listeners Bolt already acknowledged to finish enqueueing: an event Slack saw acknowledged is queued.
    """
    settings.require("slack_signing_secret")
    import waitress

    from bot.processes.web import create_app, make_web_client, wsgi_app

    target, queue = _web_parts(settings)
    app = create_app(settings, client=make_web_client(settings), queue=queue)
    server = waitress.create_server(
        wsgi_app(app, queue, signing_secret=settings.slack_signing_secret or ""),
        host="0.0.0.0",
        port=settings.port,
        threads=8,
        ident="summarizer",
    )

    def stop(signum: int, _frame: object) -> None:
        log.info("web: signal %d, finishing in-flight events", signum)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    log.info("web: listening on port %d, events at /slack/events, %s", settings.port, target.describe())
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
    from bot.processes.web import create_app, make_web_client

    target, queue = _web_parts(settings)
    app = create_app(settings, client=make_web_client(settings), queue=queue)
    handler = SocketModeHandler(app, settings.slack_app_token)
    handler.redis_target = target  # type: ignore[attr-defined]
    log.info("socket mode: connecting, %s", target.describe())
    return handler


def run_socket(settings: Settings) -> None:
    """Run Socket Mode until interrupted."""
    make_socket_handler(settings).start()  # type: ignore[no-untyped-call]


def make_claude(settings: Settings) -> Claude | None:
    """The Claude client, or None (offline summaries) when no API key is configured."""
    if settings.offline:
        return None
    client = anthropic.AsyncAnthropic(
        api_key=settings.anthropic_api_key, base_url=settings.anthropic_base_url, max_retries=0, timeout=300
    )
    return Claude(client, model=settings.anthropic_model)


@contextlib.asynccontextmanager
async def worker_context(settings: Settings) -> AsyncIterator[Worker]:
    """A ready Worker with its clients (Redis, Slack, HTTP, Claude) created once; all closed on exit."""
    settings.require("slack_bot_token")
    target = connect(settings)
    redis = target.async_client()
    slack = AsyncWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=30,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=5),
            AsyncServerErrorRetryHandler(max_retry_count=3),
        ],
    )
    http = make_session(settings)
    claude = make_claude(settings)
    budget = TokenBudget(redis, daily_tokens=settings.daily_token_budget)
    deps = Deps(settings=settings, http=http, slack=SlackPoster(slack, redis), claude=claude, budget=budget)
    queue = Queue(redis, consumer=consumer_name(), lease_ms=settings.job_lease_seconds * 1000)
    worker = Worker(
        queue,
        deps,
        concurrency=settings.worker_concurrency,
        max_attempts=settings.job_max_attempts,
        grace_seconds=settings.shutdown_grace_seconds,
    )
    log.info("worker: %s, model %s", target.describe(), claude.model if claude else "offline")
    try:
        yield worker
    finally:
        await http.close()
        if claude is not None:
            await claude.client.close()
        await redis.aclose()


async def run_worker(settings: Settings, *, burst: bool = False, install_signals: bool = False) -> Worker:
    """Run the worker until SIGTERM/SIGINT (or until the queue is empty with `burst`)."""
    async with worker_context(settings) as worker:
        if install_signals:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, worker.stop)
        await worker.run(burst=burst)
    return worker


async def summarize_source(settings: Settings, source: str, *, spec: SummarySpec | None = None) -> str:
    """The CLI path: the same fetch → extract → summarize as the worker, printed as plain text."""
    doc = await load_source(source, settings)
    request = spec or SummarySpec()
    if doc.kind == "text" and spec is None:
        request, content = parse_request(doc.text)
        doc = Document(text=content, kind=doc.kind, label=doc.label, title=doc.title)
    summary = await summarize(
        doc,
        spec=request,
        claude=make_claude(settings),
        max_input_words=settings.max_input_words,
        input_budget_tokens=settings.input_budget_tokens,
    )
    shape = count(summary.paragraphs, summary.form).describe()
    footer = f"Source: {summary.source_words:,} words · Summary: {shape} · Model: {summary.model}"
    notes = "".join(f"\nNote: {n}" for n in summary.notes)
    heading = doc.title or doc.label
    bullet = "• " if summary.form == "bullets" else ""
    body = "\n\n".join(f"{bullet}{item}" for item in summary.paragraphs)
    return f"{heading}\n\n{body}\n\n{footer}{notes}"
