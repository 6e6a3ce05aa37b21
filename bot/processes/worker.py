"""The worker process, wired: its clients (Redis, Slack, HTTP, Claude) created once from `Settings`, the
summary pipeline as the job handler, and `summarizer worker` itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.extract.pool import ExtractPool
from bot.pipeline import Pipeline
from bot.queue.connect import connect, pool_sizes
from bot.queue.gists import Gists
from bot.queue.limits import TokenBudget
from bot.queue.model_limits import ModelLimits
from bot.queue.prefs import Prefs
from bot.queue.schedule import Schedules
from bot.queue.stream import Queue
from bot.queue.summaries import Summaries
from bot.queue.threads import ThreadStore
from bot.settings import Settings
from bot.slack.canvas import Canvases
from bot.slack.conversation import Conversations
from bot.slack.digest import Digests
from bot.slack.post import SlackPoster
from bot.slack.reading import SlackReader
from bot.slack.respond import Responder
from bot.slack.tokens import TeamClient, TeamTokens
from bot.sources.fetch import make_session
from bot.summary.claude import Claude, make_claude
from bot.summary.engine import Engine
from bot.summary.gate import ModelGate
from bot.worker import Worker, consumer_name

log = logging.getLogger(__name__)


def claude_for(settings: Settings, *, gate: ModelGate | None = None) -> Claude | None:
    """The Claude client, or None (offline summaries) when no API key is configured; behind `gate` (the
    model's limits shared by every worker) when given."""
    if settings.anthropic_api_key is None:
        return None
    return make_claude(
        api_key=settings.anthropic_api_key,
        base_url=settings.anthropic_base_url,
        model=settings.anthropic_model,
        citations=settings.citations,
        gate=gate,
        calls_at_once=settings.worker_concurrency,
    )


def slack_client(settings: Settings, session: aiohttp.ClientSession | None = None) -> AsyncWebClient:
    """The worker's Slack client: waits out 429s and retries 5xx and dropped connections; with `session`,
    every call goes over its kept-alive connections (without one, slack_sdk opens one per call)."""
    return TeamClient(  # each job's calls carry its workspace's token (bot.slack.tokens)
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        session=session,
        timeout=30,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=5),
            AsyncServerErrorRetryHandler(max_retry_count=3),
        ],
    )


@contextlib.asynccontextmanager
async def worker_context(settings: Settings) -> AsyncIterator[Worker]:
    """A ready Worker with its clients (Redis, Slack, HTTP, Claude) and its extraction processes created
    once; all closed on exit."""
    tokens = TeamTokens.open(settings)  # OAuth installs: each workspace's token from the database
    if tokens is None:
        settings.require("slack_bot_token")
    target = connect(settings)
    in_flight = settings.worker_concurrency + settings.worker_read_ahead
    redis_connections, http_connections = pool_sizes(in_flight)
    redis = target.async_client(max_connections=redis_connections)
    http = make_session(settings.fetch_limits, connections=http_connections)
    slack_http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=http_connections))
    model_limits = ModelLimits(
        redis,
        requests_per_minute=settings.model_requests_per_minute,
        input_tokens_per_minute=settings.model_input_tokens_per_minute,
        output_tokens_per_minute=settings.model_output_tokens_per_minute,
    )
    claude = claude_for(settings, gate=model_limits)  # the shared 429/529 pause is on even with no limits
    queue = Queue(redis, consumer=consumer_name(), lease_ms=settings.job_lease_seconds * 1000)
    engine = Engine(
        writer=claude,
        budget=TokenBudget(redis, daily_tokens=settings.daily_token_budget),
        cache=Summaries(redis, ttl_seconds=settings.summary_cache_hours * 3600)
        if settings.summary_cache_hours
        else None,
        ai_deadline_seconds=settings.ai_deadline_seconds,
        max_input_words=settings.max_input_words,
        input_budget_tokens=settings.input_budget_tokens,
    )
    client = slack_client(settings, slack_http)
    extract_pool = ExtractPool(settings.extract_processes) if settings.extract_processes else None
    reader = SlackReader(client, redis)
    pipeline = Pipeline(
        slack=SlackPoster(
            client,
            redis,
            lock_ms=settings.job_lease_seconds * 1000,
            responder=Responder(hosts=settings.slack_hook_hosts),
        ),
        queue=queue,
        engine=engine,
        http=http,
        fetch_limits=settings.fetch_limits,
        extract_limits=settings.extract_limits,
        slack_token=settings.slack_bot_token,
        threads=ThreadStore(
            redis, ttl_seconds=settings.followup_days * 86400, max_bytes=settings.followup_max_bytes
        ),
        reader=reader,
        conversations=Conversations(
            reader,
            thread_max=settings.thread_max_messages,
            max_messages=settings.catchup_max_messages,
            max_hours=settings.catchup_max_hours,
        ),
        max_links=settings.max_links_per_message,
        canvases=Canvases(client, redis, min_words=settings.canvas_words),
        gists=Gists(redis),
        prefs=Prefs(redis),
        tokens=tokens,
        extract_pool=extract_pool,
    )
    digests = Digests(
        reader,
        Schedules(redis),
        gists=pipeline.gist,
        max_messages=settings.catchup_max_messages,
        enabled=settings.digests,
    )
    pipeline = replace(pipeline, digests=digests)
    worker = Worker(
        queue,
        pipeline,
        concurrency=in_flight,
        max_attempts=settings.job_max_attempts,
        deadline_seconds=settings.job_deadline_seconds,
        grace_seconds=settings.shutdown_grace_seconds,
    )
    log.info("worker: %s, model %s", target.describe(), engine.model)
    if extract_pool is not None:
        extract_pool.start()  # the children start (and import the parsers) while the worker gets going
    try:
        yield worker
    finally:
        if extract_pool is not None:
            await extract_pool.close()
        await http.close()
        await slack_http.close()
        if claude is not None:
            await claude.client.close()
        await redis.aclose()
        if tokens is not None:
            tokens.close()


async def run_worker(settings: Settings, *, burst: bool = False, install_signals: bool = False) -> Worker:
    """Run the worker until SIGTERM/SIGINT (or until the queue is empty with `burst`). Digests that are
    due are queued first, then checked for every `digest_check_seconds` while the worker runs."""
    async with worker_context(settings) as worker:
        if install_signals:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, worker.stop)
        digests = worker.handler.digests if isinstance(worker.handler, Pipeline) else None
        checks = None
        if digests is not None and settings.digests:
            await check_digests(digests, worker=worker.queue.consumer)
            checks = asyncio.create_task(every(settings.digest_check_seconds, digests, worker.queue.consumer))
        try:
            await worker.run(burst=burst)
        finally:
            if checks is not None:
                checks.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await checks
    return worker


async def check_digests(digests: Digests, *, worker: str) -> None:
    """Queue the digests that are due (a failure is logged: the next check tries again)."""
    try:
        await digests.tick(now=datetime.now(UTC), worker=worker)
    except Exception:
        log.warning("checking for due digests failed; trying again later", exc_info=True)


async def every(seconds: float, digests: Digests, worker: str) -> None:
    """`check_digests` every `seconds`, until cancelled."""
    while True:
        await asyncio.sleep(seconds)
        await check_digests(digests, worker=worker)
