"""Run one job: load the source, extract, summarize, post the reply, swap the reaction.

Every failure of the source ends in a reply: user-facing errors with their own text, anything
unexpected with a generic message (the traceback goes to the log, never to Slack). A Redis error is
not the source's fault: it propagates, and the worker retries the job after the lease.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp
from redis.exceptions import RedisError

from bot.errors import (
    AICredentialsError,
    ContentTooLarge,
    FetchError,
    NoReadableText,
    ScannedDocument,
    ServiceUnavailable,
    TransientError,
    UnsupportedContent,
    UserFacingError,
)
from bot.extract import extract
from bot.models import Document, SlackMessage, Summary
from bot.queue.jobs import Job, SlackFile
from bot.queue.limits import TokenBudget
from bot.settings import Settings
from bot.slack.intake import EventContext, jobs_for_event
from bot.slack.post import DONE, FAILED, SlackPoster
from bot.slack.render import render_notice, render_summary
from bot.sources.fetch import Fetched, download_slack_file, fetch, human_size
from bot.summary.claude import Claude, RetryPolicy
from bot.summary.engine import Progress, summarize
from bot.summary.plan import plan_length

log = logging.getLogger(__name__)
PDF_MAX_PAGES = 100  # the Messages API's limits for a PDF document block
PDF_MAX_BYTES = 23_000_000  # 32 MB per request: base64 makes 23 MB about 31 MB
GENERIC_FAILURE = "Something went wrong on my side while summarizing this. Please try again later."


@dataclass
class Deps:
    """What a job needs, created once per worker."""

    settings: Settings
    http: aiohttp.ClientSession
    slack: SlackPoster
    claude: Claude | None
    budget: TokenBudget | None = None
    fetch_policy: RetryPolicy = field(
        default_factory=lambda: RetryPolicy(attempts=3, base_delay=1.0, max_delay=10.0)
    )


async def run_job(job: Job, deps: Deps) -> bool:
    """Do `job` and post its reply exactly once. True if it produced a summary (or its notice)."""
    if job.kind == "notice":
        await deps.slack.post_once(job, [render_notice(job.notice or "", emoji="information_source")])
        return True
    messages: list[SlackMessage] = []
    ok = True
    try:
        sources = await _sources(job, deps)
    except UserFacingError as exc:
        sources, ok = [], False
        messages.append(render_notice(exc.user_message, emoji="x"))
    for source in sources:
        try:
            try:
                doc = await _load(source, deps)
                async with deps.slack.status(job) as progress:
                    summary = await _summarize(doc, job, deps, progress)
            except ScannedDocument as scanned:
                doc, summary = await _read_scanned(scanned, source, deps)
            messages.extend(render_summary(doc, summary))
        except UserFacingError as exc:
            log.info("job %s: %s (%s)", job.id, type(exc).__name__, exc)
            messages.append(render_notice(exc.user_message, emoji="x"))
            ok = False
        except RedisError:
            raise  # our own infrastructure blinked: the worker leaves the job pending and retries it
        except Exception:
            log.exception("job %s failed unexpectedly", job.id)
            messages.append(render_notice(GENERIC_FAILURE, emoji="x"))
            ok = False
    if not messages:
        messages.append(render_notice("I couldn't find a link, file or text to summarize there.", emoji="x"))
        ok = False
    await deps.slack.post_once(job, messages)
    return ok


async def _summarize(doc: Document, job: Job, deps: Deps, progress: Progress | None = None) -> Summary:
    """Claude when it is configured, within budget and answering; otherwise the offline summary.

    Degraded mode: when the AI service keeps failing past its retries or the AI deadline, or rejects
    the credentials, or the workspace's daily token budget is spent, the user still gets a summary:
    the offline extractive one, with a footer note saying why.
    """
    run = functools.partial(
        summarize,
        doc,
        spec=job.spec,
        max_input_words=deps.settings.max_input_words,
        input_budget_tokens=deps.settings.input_budget_tokens,
    )
    claude, note = deps.claude, None
    if claude is not None and deps.budget is not None and await deps.budget.exhausted(job.team):
        claude, note = None, "today's AI budget for this workspace is used up, so this is an offline summary"
    if claude is not None:
        try:
            async with asyncio.timeout(deps.settings.ai_deadline_seconds):
                summary = await run(claude=claude, progress=progress)
            if deps.budget is not None:
                await deps.budget.spend(job.team, summary.tokens_used)
            return summary
        except ServiceUnavailable as exc:
            log.warning("job %s: AI service unavailable, degrading to offline: %s", job.id, exc)
            note = _degraded_note(exc)
        except TimeoutError:
            log.warning("job %s: AI deadline passed, degrading to offline", job.id)
            note = "the AI service took too long, so this is an offline extractive summary"
    summary = await run(claude=None)
    if note:
        summary = replace(summary, notes=(note, *summary.notes))
    return summary


async def _read_scanned(scanned: ScannedDocument, job: Job, deps: Deps) -> tuple[Document, Summary]:
    """A PDF with no text layer, read by Claude from the page images; re-raises `scanned` (whose message
    says it looks like a scan) when there is no Claude, or the file is beyond the API's PDF limits."""
    if deps.claude is None:
        raise scanned
    if scanned.pages > PDF_MAX_PAGES or len(scanned.data) > PDF_MAX_BYTES:
        raise NoReadableText(
            f"This PDF has no text layer (it looks scanned), and at {scanned.pages} pages / "
            f"{human_size(len(scanned.data))} it is beyond what the AI service reads as images "
            f"({PDF_MAX_PAGES} pages, {human_size(PDF_MAX_BYTES)})."
        ) from None
    label = job.file.name if job.file else (job.url or "this PDF")
    doc = Document(
        text="",
        kind="pdf",
        label=label,
        url=job.url,
        pages=scanned.pages,
        notice="no text layer: the AI read the scanned pages",
    )
    plan = plan_length(source_words=scanned.pages * 250, spec=job.spec)
    output = await deps.claude.summarize_pdf(scanned.data, title=None, plan=plan, spec=job.spec)
    summary = Summary(
        paragraphs=output.paragraphs,
        model=deps.claude.model,
        source_words=0,
        notes=plan.notes,
        form=plan.form,
        tokens_used=output.input_tokens + output.output_tokens,
        input_tokens=output.input_tokens,
    )
    if deps.budget is not None:
        await deps.budget.spend(job.team, summary.tokens_used)
    return doc, summary


def _degraded_note(exc: ServiceUnavailable) -> str:
    if isinstance(exc, AICredentialsError):
        return (
            "the AI service rejected this bot's credentials (an admin should check ANTHROPIC_API_KEY), "
            "so this is an offline summary"
        )
    tried = f" (tried {exc.attempts} times)" if exc.attempts else ""
    return f"the AI service was unavailable{tried}, so this is an offline extractive summary"


async def finish(job: Job, deps: Deps, *, ok: bool, left: int) -> None:
    """Reactions after a job: ✅ or ❌ on the source message, ⏳ removed once none of its jobs is left."""
    await deps.slack.react(job, add=DONE if ok else FAILED, remove=None)
    if left == 0:
        await deps.slack.react(job, remove="hourglass_flowing_sand")


async def _sources(job: Job, deps: Deps) -> list[Job]:
    """The job itself, or for a bare mention in a thread, the parent message's links/files/text."""
    if job.kind != "thread":
        return [job]
    parent = await deps.slack.thread_parent(job)
    if parent is None:
        raise UserFacingError(
            "The message this thread started from is gone, so there is nothing to summarize."
        )
    event: dict[str, Any] = {
        **parent,
        "type": "message",
        "channel": job.channel,
        "channel_type": "im",  # the parent is addressed to us: its text counts as content
        "ts": job.message_ts,
        "thread_ts": job.thread_ts,
        "user": parent.get("user") or "unknown",
        "bot_id": None,
        "subtype": None
        if parent.get("subtype") not in {"file_share", "thread_broadcast"}
        else parent["subtype"],
    }
    ctx = EventContext(
        team=job.team, bot_user_id=None, bot_id=None, max_links=deps.settings.max_links_per_message
    )
    derived = [j for j in jobs_for_event(event, ctx) if j.kind in {"url", "file", "text"}]
    return [Job(**{**j.__dict__, "spec": job.spec}) for j in derived]


async def _load(job: Job, deps: Deps) -> Document:
    """Fetch and extract the job's source. Raises UserFacingError subclasses with a reason."""
    if job.kind == "text":
        return await asyncio.to_thread(
            extract,
            (job.text or "").encode(),
            content_type="text/plain",
            label="your text",
            limits=deps.settings.extract_limits,
        )
    if job.kind == "url" and job.url:
        url = job.url
        fetched = await _with_retries(lambda: fetch(deps.http, url, settings=deps.settings), deps)
        return await _extract_fetched(fetched, settings=deps.settings, label=url)
    if job.kind == "file" and job.file:
        return await _load_file(job.file, deps)
    raise UnsupportedContent()


async def _load_file(file: SlackFile, deps: Deps) -> Document:
    url = file.url_private_download
    if not url:
        info = await deps.slack.file_info(file.id)
        url = info.get("url_private_download") or info.get("url_private")
        file = SlackFile(
            id=file.id,
            name=str(info.get("name") or file.name),
            mimetype=info.get("mimetype"),
            filetype=info.get("filetype"),
            size=info.get("size"),
            url_private_download=url,
        )
    if not url:
        raise FetchError("Slack didn't give me a download link for that file.")
    if file.size and file.size > deps.settings.max_download_bytes:
        limit = human_size(deps.settings.max_download_bytes)
        raise ContentTooLarge(f"That file is {human_size(file.size)}; I read files of at most {limit}.")
    expected_html = (file.filetype or "") == "html" or (file.mimetype or "").startswith("text/html")
    fetched = await _with_retries(
        lambda: download_slack_file(deps.http, url, settings=deps.settings, expected_html=expected_html), deps
    )
    return await _extract_fetched(
        fetched, settings=deps.settings, label=file.name, filename=file.name, content_type=file.mimetype
    )


async def _extract_fetched(
    fetched: Fetched,
    *,
    settings: Settings,
    label: str,
    filename: str | None = None,
    content_type: str | None = None,
) -> Document:
    """Extract a download in a thread (parsing is CPU work: the event loop keeps renewing leases and
    serving the other jobs meanwhile); `extract` itself refuses what it cannot read, naming the kind."""
    return await asyncio.to_thread(
        extract,
        fetched.data,
        content_type=fetched.content_type or content_type,
        filename=filename,
        url=fetched.url if filename is None else None,
        label=label,
        limits=settings.extract_limits,
    )


async def _with_retries(call: Any, deps: Deps) -> Fetched:
    attempt = 0
    while True:
        attempt += 1
        try:
            result: Fetched = await call()
            return result
        except TransientError as exc:
            if attempt >= deps.fetch_policy.attempts:
                raise FetchError(
                    f"I couldn't reach that site (tried {attempt} times). It may be down; try again later."
                ) from exc
            await asyncio.sleep(deps.fetch_policy.delay(attempt, exc.retry_after))
