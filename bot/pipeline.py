"""Summary jobs, end to end: load the source, extract, summarize, post the reply once, swap the reaction.

This is the one place where exceptions become words for the user (the error boundary, as llm's CLI is):
a `UserFacingError` becomes its own message; an exception nobody expected becomes a generic line, with
its traceback in the log and never in Slack; a job the worker gives up on gets a line saying so. When
Slack refuses the reply for good (`SlackRefused`: not in the channel, archived, too long…) the job ends
at once, logged once at WARNING by name, and the asker hears it privately where Slack allows. A Redis
error or `RetryLater` is not the source's fault: it propagates, and the worker runs the job again after
the lease (posting is idempotent, so nobody sees a reply twice).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Coroutine
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from redis.exceptions import RedisError

from bot.errors import RetryLater, ScannedDocument, SlackRefused, UnsupportedContent, UserFacingError
from bot.extract.pool import ExtractPool
from bot.instructions.defaults import Defaults, apply_defaults
from bot.instructions.followup import read_followup
from bot.models import Document, Summary, SummarySpec
from bot.queue.gists import Gists
from bot.queue.jobs import Job
from bot.queue.prefs import Asked, Prefs
from bot.queue.stream import Queue
from bot.queue.threads import Shape, ThreadStore
from bot.settings import ExtractLimits, FetchLimits
from bot.slack.blocks import DONE, FAILED, WORKING, SlackMessage, render_notice
from bot.slack.canvas import Canvases
from bot.slack.canvas_text import canvas_markdown, canvas_title, render_canvas_reply
from bot.slack.conversation import Conversation, Conversations
from bot.slack.digest import DISABLED, Digests, schedule_name
from bot.slack.failures import refusal_note
from bot.slack.intake import jobs_for_parent
from bot.slack.live import LiveReply
from bot.slack.post import SlackPoster
from bot.slack.reading import SlackReader
from bot.slack.render import plain_title, render_answer, render_summary
from bot.slack.tokens import TeamTokens, current_token
from bot.sources import load
from bot.summary.clean import split_sentences
from bot.summary.engine import Engine
from bot.summary.summarize import Progress
from bot.text import without_markers
from bot.worker import GiveUp

log = logging.getLogger(__name__)
GENERIC_FAILURE = "Something went wrong on my side while summarizing this. Please try again later."
GIVE_UP_MESSAGES: dict[GiveUp, str] = {
    "deadline": "This took too long, so I stopped. Please try again later.",
    "attempts": GENERIC_FAILURE,
    "crashed": GENERIC_FAILURE,
}
NOTHING_FOUND = "I couldn't find a link, file or text to summarize there."
FORGOTTEN = (
    "I no longer have what I summarized in this thread (I keep it for a few days). Share it again and "
    "I'll summarize it, then ask away."
)
SCANNED_FOLLOWUP = "That was a scanned PDF, which I can't go back to for follow-ups. Share it again instead."
BY_TOPIC = "group the points by topic: start each point with its topic in bold, like *Launch:*"
MAX_CITED = 20  # links to cited messages in one summary (one chat.getPermalink each)
PERSONAL = frozenset(
    {"url", "file", "text", "thread", "conversation", "channel", "message"}
)  # defaults apply
GONE = frozenset({"not_in_channel", "channel_not_found", "is_archived"})  # a digest's channel, for good
TOKEN_GONE = frozenset({"token_revoked", "invalid_auth", "account_inactive", "token_expired"})
PARENT_GONE = "The message this thread started from is gone, so there is nothing to summarize."


@dataclass(frozen=True)
class Pipeline:
    """The worker's `JobHandler` for summary jobs; its clients are created once per worker."""

    slack: SlackPoster
    queue: Queue
    engine: Engine
    http: aiohttp.ClientSession
    fetch_limits: FetchLimits
    extract_limits: ExtractLimits
    slack_token: str | None
    threads: ThreadStore
    reader: SlackReader
    conversations: Conversations
    max_links: int = 3
    canvases: Canvases | None = None
    digests: Digests | None = None
    gists: Gists | None = None
    prefs: Prefs | None = None
    tokens: TeamTokens | None = None  # OAuth installs: each workspace's own bot token
    extract_pool: ExtractPool | None = None  # parse in child processes (None: in a thread)

    async def run(self, job: Job) -> None:
        """Do `job` and post its reply exactly once, then mark the message ✅ or ❌ (a notice, which is
        its own answer, gets no reaction)."""
        if not await self._installed(job):
            return
        try:
            job = await self._personal(job)
            if job.kind == "notice":
                await self.slack.post_once(job, [render_notice(job.notice or "", emoji="information_source")])
                await self._finish(job, ok=None)
            elif job.kind in {"schedule", "digest"}:
                await self._digest(job)
            elif job.kind == "message":  # someone reacted to it: summarize it in its own thread
                message = await self.reader.message(job.channel, job.message_ts)
                if message is None:
                    log.info("job %s: the reacted message is gone", job.id)
                    await self._finish(job, ok=None)
                    return
                job = replace(job, thread_ts=str(message.get("thread_ts") or job.message_ts))
                ok = await self._reply(job, message=message)
                await self._finish(job, ok=ok)
            else:
                ok = await self._reply(job)
                await self._finish(job, ok=ok)
        except SlackRefused as exc:
            await self._refused(job, exc)

    async def gist(self, url: str, team: str, make: bool) -> tuple[str, str] | None:
        """A link's (title, one-line gist): kept from a summary of the last days, or (with `make`) read and
        summarized in one sentence now; None when there is none (or the link cannot be read)."""
        if self.gists is None:
            return None
        kept = await self.gists.get(url)
        if kept is not None or not make:
            return kept
        try:
            doc = await load.document(
                await load.link(self.http, url, limits=self.fetch_limits),
                limits=self.extract_limits,
                pool=self.extract_pool,
            )
            summary = await self.engine.summarize(doc, spec=SummarySpec(sentences=1), team=team)
        except (UserFacingError, ScannedDocument):
            return None
        return await self._keep_gist(url, doc, summary)

    async def _digest(self, job: Job) -> None:
        """`/summarize digest …` answered privately, or a channel's digest posted (nothing if nobody wrote).
        A digest for a channel the bot can no longer read ends its schedule."""
        if job.kind == "schedule":
            line = await self.digests.configure(job, now=datetime.now(UTC)) if self.digests else DISABLED
            await self.slack.post_once(job, [render_notice(line, emoji="calendar")])
        elif self.digests is not None:
            try:
                messages = await self.digests.build(job)
            except SlackRefused as exc:
                if exc.error not in GONE:
                    raise
                log.warning("digest for %s: %s; its schedule ends", job.channel, exc.error)
                await self.digests.schedules.remove(schedule_name(job.team, job.channel))
                messages = []
            if messages:
                await self.slack.post_once(job, messages)
        await self._finish(job, ok=None)

    async def give_up(self, job: Job, reason: GiveUp) -> None:
        """Tell the user the job will not be finished, and mark the message ❌."""
        if not await self._installed(job):
            return
        try:
            await self.slack.post_once(job, [render_notice(GIVE_UP_MESSAGES[reason], emoji="x")])
            await self._finish(job, ok=False)
        except SlackRefused as exc:
            await self._refused(job, exc)

    async def _installed(self, job: Job) -> bool:
        """Make the job's Slack calls carry its workspace's token. False (the job is dropped, quietly)
        when the workspace has no installation: it uninstalled the app or revoked its token; a digest
        of such a workspace also ends its schedule."""
        if self.tokens is None or await self.tokens.use(job.team):
            return True
        log.info("job %s: workspace %s has no installation (uninstalled?); dropped", job.id, job.team)
        if job.kind == "digest" and self.digests is not None:  # ends its schedule (else: fired forever)
            await self.digests.schedules.remove(schedule_name(job.team, job.channel))
            log.info("digest for %s in workspace %s: schedule ended (no installation)", job.channel, job.team)
        return False

    async def _refused(self, job: Job, exc: SlackRefused) -> None:
        """Slack will not take this job's reply: say so once in the log, tell the asker another way, end.
        With OAuth installs, a token Slack no longer takes (the workspace uninstalled within the
        token cache's minute) ends the job quietly, as a missing installation does."""
        if self.tokens is not None and exc.error in TOKEN_GONE:
            self.tokens.forget(job.team)
            log.info("job %s: workspace %s's token is gone (%s); dropped", job.id, job.team, exc.error)
            return
        log.warning("job %s: Slack refused %s with %s; the job ends here", job.id, exc.method, exc.error)
        await self.slack.tell(job, refusal_note(exc.error, method=exc.method))
        await self._finish(job, ok=False)

    async def _reply(self, job: Job, *, message: dict[str, Any] | None = None) -> bool:
        """Do the job's work and post the reply (`message`: the one a "message" job summarizes). True if
        every part of it succeeded."""
        live = await self.slack.live(job)
        try:
            messages, ok = await self._work(job, live, message)
        except BaseException:  # a deadline, a stop, a retry later: the job does not wait for Slack
            live.abandon()
            raise
        await live.settled()  # what was shown while written is sent before the reply completes it
        await self.slack.post_once(job, messages, live_ts=live.ts)
        return ok

    async def _work(
        self, job: Job, live: LiveReply, message: dict[str, Any] | None
    ) -> tuple[list[SlackMessage], bool]:
        """The job's reply messages (a notice when nothing was found) and whether every part succeeded."""
        if job.kind == "followup":
            messages, ok = await self._guarded(job, self._followup(job, live))
        elif job.kind in {"conversation", "channel"}:
            messages, ok = await self._guarded(job, self._conversation(job, live))
        else:
            messages, ok = [], True
            try:
                sources = (
                    jobs_for_parent(message, job, max_links=self.max_links)
                    if message
                    else await self._sources(job)
                )
            except UserFacingError as exc:
                sources, ok = [], False
                messages.append(render_notice(exc.user_message, emoji="x"))
            for n, source in enumerate(sources):  # the first source's summary is shown as it is written
                replies, done = await self._guarded(
                    job, self._summary_of(job, source, live if n == 0 else None)
                )
                messages.extend(replies)
                ok = ok and done
        if not messages:
            messages.append(render_notice(NOTHING_FOUND, emoji="x"))
            ok = False
        return messages, ok

    async def _guarded(
        self, job: Job, work: Coroutine[Any, Any, list[SlackMessage]]
    ) -> tuple[list[SlackMessage], bool]:
        """`work`'s messages and True; or, when it fails, one line saying why and False."""
        try:
            return await work, True
        except UserFacingError as exc:
            log.info("job %s: %s (%s)", job.id, type(exc).__name__, exc)
            return [render_notice(exc.user_message, emoji="x")], False
        except (RetryLater, SlackRefused, RedisError):
            raise
        except Exception:
            log.exception("job %s failed unexpectedly", job.id)
            return [render_notice(GENERIC_FAILURE, emoji="x")], False

    async def _summary_of(self, job: Job, source: Job, live: LiveReply | None) -> list[SlackMessage]:
        """The summary of one source, remembered for follow-ups in the thread."""
        doc, summary = await self._summarize(job, source, live)
        await self._keep(source, doc, summary)
        if source.kind == "url" and source.url:
            await self._keep_gist(source.url, doc, summary)
        return await self._rendered(job, source.id, doc, summary)

    async def _rendered(
        self, job: Job, source_id: str, doc: Document, summary: Summary, refs: dict[str, str] | None = None
    ) -> list[SlackMessage]:
        """The reply's messages: a long summary in a channel goes in a canvas with a short reply leading
        to it (where Slack allows canvases), any other as one or more messages."""
        if self.canvases is not None and self.canvases.wanted(job, summary):
            markdown = canvas_markdown(doc, summary, refs=refs)
            url = await self.canvases.publish(job, source_id, title=canvas_title(doc), markdown=markdown)
            if url:
                return render_canvas_reply(doc, summary, canvas_url=url, reply_id=job.id)
        return render_summary(doc, summary, reply_id=job.id, refs=refs)

    async def _followup(self, job: Job, live: LiveReply) -> list[SlackMessage]:
        """A reply in a summarized thread: the same sources reshaped, or an answer from them."""
        stored = await self.threads.sources(job)
        if not stored:
            raise UserFacingError(FORGOTTEN)
        docs = [s.document or await self._reload(s.job) for s in stored]
        text = job.text or ""
        first = read_followup(text, previous_words=stored[0].shape.words if stored[0].shape else None)
        if first.kind == "question":
            async with self.slack.status(job) as status:
                await status("is looking for the answer…")
                answer = await self.engine.answer(docs, question=first.question, team=job.team, live=live)
            return render_answer(docs, answer, reply_id=job.id)
        messages: list[SlackMessage] = []
        for n, (source, doc) in enumerate(zip(stored, docs, strict=True)):
            ask = read_followup(text, previous_words=source.shape.words if source.shape else None)
            shown = live if n == 0 else None
            if shown is not None:
                shown.titled(plain_title(doc))
            async with self.slack.status(job) as status:
                await status(writing(doc))
                summary = await self.engine.summarize(
                    doc, spec=ask.spec, team=job.team, progress=status, live=shown
                )
            await self._keep(source.job, doc, summary)
            messages.extend(await self._rendered(job, source.job.id, doc, summary))
        return messages

    async def _conversation(self, job: Job, live: LiveReply) -> list[SlackMessage]:
        """A thread's whole conversation, or a channel's catch-up, summarized (by default as bullets:
        discussion, decisions, open questions, action items; a catch-up grouped by topic), each point
        linking to the message it cites."""
        async with self.slack.status(job) as status:
            await status(
                "is reading the thread…" if job.kind == "conversation" else "is reading the channel…"
            )
            found = await self._read_conversation(job)
            doc = found.document
            await status(writing(doc))
            spec = job.spec
            if not (spec.form or spec.words or spec.paragraphs or spec.sentences or spec.bullets):
                spec = replace(spec, form="bullets")  # no shape asked: a conversation reads best as bullets
            if job.kind == "channel":
                spec = replace(spec, style_notes=(*spec.style_notes, BY_TOPIC))
            live.titled("Summary of this thread" if job.kind == "conversation" else doc.title or "Catch-up")
            summary = await self.engine.summarize(
                doc, spec=spec, team=job.team, progress=both(status, live.task), live=live
            )
        cited = sorted({int(n) for p in summary.paragraphs for n in re.findall(r"\[(\d{1,4})\]", p)})
        wanted = {str(n): found.order[n - 1] for n in cited[:MAX_CITED] if 0 < n <= len(found.order)}
        links = await self.reader.permalinks(job.channel, list(wanted.values()))
        refs = {n: links[ts] for n, ts in wanted.items() if ts in links}
        await self._keep(job, doc, summary)
        return await self._rendered(job, job.id, doc, summary, refs)

    async def _read_conversation(self, job: Job) -> Conversation:
        if job.kind == "channel":
            return await self.conversations.catch_up(job, now=datetime.now(UTC))
        return await self.conversations.thread(job)

    async def _reload(self, source: Job) -> Document:
        """A thread's source whose document was not kept (expired, too big): loaded and extracted again."""
        if source.kind in {"conversation", "channel"}:
            return (await self._read_conversation(source)).document
        try:
            return await load.document(
                await self._load(source), limits=self.extract_limits, pool=self.extract_pool
            )
        except ScannedDocument:
            raise UserFacingError(SCANNED_FOLLOWUP) from None

    async def _keep(self, source: Job, doc: Document, summary: Summary) -> None:
        """Remember the source for follow-ups (not for a private reply: it has no thread); cosmetic, so a
        failure is logged and the reply still goes."""
        if source.private:
            return
        try:
            await self.threads.keep(
                source, doc if doc.text else None, Shape(words=summary.words, form=summary.form)
            )
        except RedisError as exc:
            log.warning(
                "job %s: could not keep the source for follow-ups (%s)", source.id, type(exc).__name__
            )

    async def _keep_gist(self, url: str, doc: Document, summary: Summary) -> tuple[str, str] | None:
        """Keep the link's title and the summary's first sentence for digests (cosmetic, as `_keep`)."""
        sentences = split_sentences(without_markers(summary.paragraphs[0])) if summary.paragraphs else []
        if self.gists is None or not sentences:
            return None
        title, gist = plain_title(doc), sentences[0].lstrip("•- ").strip()
        try:
            await self.gists.put(url, title=title, gist=gist)
        except RedisError as exc:
            log.warning("could not keep a link's gist (%s)", type(exc).__name__)
        return title, gist

    async def _summarize(self, job: Job, source: Job, live: LiveReply | None) -> tuple[Document, Summary]:
        """Load, extract and summarize one source, with Slack's native status saying what is going on."""
        async with self.slack.status(job) as status:
            await status(reading(source))
            try:
                doc = await load.document(
                    await self._load(source), limits=self.extract_limits, pool=self.extract_pool
                )
                await status(writing(doc))
                progress = status
                if live is not None:
                    live.titled(plain_title(doc))
                    progress = both(status, live.task)
                summary = await self.engine.summarize(
                    doc, spec=job.spec, team=job.team, progress=progress, live=live
                )
                return doc, summary
            except ScannedDocument as scanned:
                await status(f"is reading {scanned.pages} scanned pages…")
                label = source.file.name if source.file else (source.url or "this PDF")
                return await self.engine.summarize_scanned(
                    scanned, spec=job.spec, team=job.team, label=label, url=source.url
                )

    async def _sources(self, job: Job) -> list[Job]:
        """The job itself, or for a bare mention in a thread, the parent message's links/files/text."""
        if job.kind != "thread":
            return [job]
        parent = await self.reader.thread_parent(job)
        if parent is None:
            raise UserFacingError(PARENT_GONE)
        return jobs_for_parent(parent, job, max_links=self.max_links)

    async def _load(self, job: Job) -> load.Loaded:
        """The bytes of the job's source. Raises UserFacingError subclasses with a reason."""
        if job.kind == "text":
            return load.pasted(job.text or "")
        if job.kind == "url" and job.url:
            return await load.link(self.http, job.url, limits=self.fetch_limits)
        if job.kind == "file" and job.file:
            return await load.slack_file(
                self.http,
                job.file,
                limits=self.fetch_limits,
                token=current_token(self.slack_token),  # the job's workspace's (bot.slack.tokens)
                file_info=self.slack.file_info,
            )
        raise UnsupportedContent()

    async def _personal(self, job: Job) -> Job:
        """The job with its asker's defaults (App Home) where the request left length or language open."""
        if self.prefs is None or not job.user or job.kind not in PERSONAL:
            return job
        try:
            defaults = Defaults.read(await self.prefs.defaults(job.team, job.user))
        except RedisError as exc:
            log.warning("job %s: the asker's defaults are unreadable (%s)", job.id, type(exc).__name__)
            return job
        return replace(job, spec=apply_defaults(job.spec, defaults))

    async def _record(self, job: Job, ok: bool | None) -> None:
        """Note the request on its asker's Home tab ("your requests this week")."""
        if self.prefs is None or not job.user or (job.kind not in PERSONAL and job.kind != "followup"):
            return
        label = job.url or (job.file.name if job.file else "") or (f"#{job.where}" if job.where else "")
        asked = Asked(
            at=time.time(), kind=job.kind, label=label, channel=job.channel, ok=ok, private=job.private
        )
        await self.prefs.record(job.team, job.user, job.id, asked)

    async def _finish(self, job: Job, *, ok: bool | None) -> None:
        """✅ or ❌ on the source message (none for `ok=None`), and ⏳ removed once none of its jobs is
        left; the request noted on the asker's Home tab. Cosmetic: a failure here is logged and never
        runs the job again."""
        try:
            await self._record(job, ok)
            left = await self.queue.finish_source(job)
            if job.quiet:
                return
            mark = None if ok is None else DONE if ok else FAILED
            await self.slack.react(job, add=mark, remove=WORKING if left == 0 else None)
        except Exception:
            log.exception("job %s: could not update reactions", job.id)


def reading(source: Job) -> str:
    """The status while a source is fetched and read: "is reading example.com…", "is reading memo.pdf…"."""
    if source.kind == "url" and source.url:
        host = (urlsplit(source.url).hostname or "the link").removeprefix("www.")
        return f"is reading {host}…"
    if source.kind == "file" and source.file:
        return f"is reading {source.file.name}…"
    return "is reading your text…"


def writing(doc: Document) -> str:
    """The status while the summary is written: "is writing the summary…" (with the pages when known)."""
    pages = f" of {doc.pages} pages" if doc.pages and doc.pages > 1 else ""
    return f"is writing the summary{pages}…"


def both(first: Progress, second: Progress) -> Progress:
    """One progress callback telling two: the thread's native status and the reply's task progress."""

    async def tell(text: str) -> None:
        await first(text)
        await second(text)

    return tell
