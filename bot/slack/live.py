"""A reply shown while it is written: Slack's native streaming (`chat.startStream` / `chat.appendStream`),
or, where Slack refuses a stream (an older workspace or client, a method not allowed), one posted message
edited at a steady pace. Either way there is one message, whose ts is recorded in Redis at once, so that
posting the finished reply (`SlackPoster.post_once`) completes that very message with `chat.update`, in
this run or in the re-run after a crash: never a second message, never a stuck "streaming" pill. A live
message whose ts cannot be recorded (Redis is away) is deleted again at once, for the same reason.

Only one run of a job shows it live: before asking Slack for the message, a run claims the job's live key
(`SET NX`, a claim that lapses after `claim_ms` if its run dies before Slack answers), and records the
ts only while the claim is still its own (else it withdraws the message it was given). A second run of
the same job (its first worker stalled past the lease and another took it over) finds the key taken and
shows nothing; its finished reply completes the first run's message, or waits while that message is
still being started (`starting`).

Appends are buffered (at least `BUFFER_CHARS` characters or `FLUSH_SECONDS` apart, and only whole words,
so that "@channel" is never split across two appends) to stay within the rate tiers: start and stop are
Tier 2 (~20/min), append Tier 4 (~100/min). Everything shown is escaped like the finished reply. Live
text is cosmetic: any failure turns it off, and the finished reply is posted as usual.

The model's stream does not wait for Slack: each start, append or edit is sent in the background, after
the one before it (so they arrive in order), and `settled()` waits for the last; the finished reply is
posted only after that, so it completes the live message once its ts is known.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import uuid
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError

from bot.errors import RetryLater, SlackRefused
from bot.queue import keys
from bot.queue.jobs import Job
from bot.queue.keys import KEY_TTL
from bot.queue.lock import RELEASE_LUA
from bot.slack.blocks import escape, reply_tag
from bot.slack.calls import slack_call

if TYPE_CHECKING:
    import redis.asyncio as aioredis
    from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)
FIRST_CHARS = 24  # the first words go out as soon as there are a few
BUFFER_CHARS = 256
FLUSH_SECONDS = 1.0
EDIT_SECONDS = 1.5  # the fallback edits its message at most this often
NO_STREAM = frozenset(  # errors that mean "no streaming here", so the reply is posted and edited instead
    {
        "unknown_method",
        "not_allowed",
        "not_allowed_token_type",
        "method_deprecated",
        "missing_scope",
        "channel_type_not_supported",
        "invalid_arguments",
        "missing_recipient_user_id",
        "missing_recipient_team_id",
        "restricted_action_non_threadable_channel",
    }
)


CLAIM = "starting:"  # the live key's value, with a token, while its run waits for Slack to start the message

RECORD_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
end
return false
"""


def started_ts(value: str | None) -> str | None:
    """The live message's ts from the live key's `value`; None when there is none, or only a claim."""
    return None if value is None or value.startswith(CLAIM) else value


async def remove_live_message(
    client: AsyncWebClient,
    channel: str,
    ts: str,
    *,
    streaming: bool = True,
    quiet: tuple[type[Exception], ...] = (SlackRefused,),
) -> None:
    """Stop the live message `ts` (if `streaming`) and delete it. Each call's `quiet` failures are
    ignored (a refusal: stopped or gone already); the delete is tried whatever the stop said."""
    with contextlib.suppress(*quiet):
        if streaming:
            await slack_call("chat.stopStream", client.chat_stopStream(channel=channel, ts=ts))
    with contextlib.suppress(*quiet):
        await slack_call("chat.delete", client.chat_delete(channel=channel, ts=ts))


_UNFINISHED: set[asyncio.Task[None]] = set()  # updates in the background (the loop keeps tasks weakly)


class LiveReply:
    """One job's reply while it is being written (see the module docstring)."""

    def __init__(
        self,
        client: AsyncWebClient,
        redis: aioredis.Redis,
        job: Job,
        *,
        heading: str = "",
        claim_ms: int = 30_000,
    ) -> None:
        self.client = client
        self.redis = redis
        self.job = job
        self.claim_ms = claim_ms
        self.heading = heading
        self.ts: str | None = None
        self.mode = "waiting"  # waiting → streaming | editing → off
        self._pending = ""
        self._shown = ""
        self._queued_at = 0.0  # when the last chunk was handed over (0: none yet)
        self._edited_at = 0.0  # when the message was last posted or edited (the editing fallback)
        self._worded = False  # words of the answer shown: task progress is over
        self._off = False  # restart() was called: nothing more is shown, whatever is on its way
        self._busy: asyncio.Task[None] | None = None  # the last update handed to the background

    def titled(self, title: str) -> None:
        """Open the reply with the source's title (before any word is shown)."""
        if self.mode == "waiting" and not self._shown:
            self.heading = f"*{escape(title).replace('*', '')}*\n\n" if title else ""

    async def text(self, delta: str) -> None:
        """Show `delta` once enough has gathered (whole words only); returns without waiting for Slack."""
        if self._off or self.mode == "off":
            return
        self._pending += delta
        opened = self._queued_at > 0
        due = len(self._pending) >= (BUFFER_CHARS if opened else FIRST_CHARS)
        if not due and (not opened or time.monotonic() - self._queued_at < FLUSH_SECONDS):
            return
        cut = max(self._pending.rfind(" "), self._pending.rfind("\n"))
        if cut <= 0:
            return
        chunk, self._pending = self._pending[: cut + 1], self._pending[cut + 1 :]
        self._queued_at, self._worded = time.monotonic(), True
        self._queue(functools.partial(self._show, escape(chunk)))

    async def settled(self) -> None:
        """Wait until every update handed to the background was sent (or failed, turning live text off);
        the live message's ts, if any, is known after."""
        if self._busy is not None:
            await self._busy  # a bug in an update is raised here, not lost

    def abandon(self) -> None:
        """The job ends here without its reply (a deadline, a stop, an error): nothing more is shown, and
        the job does not wait. An update already at Slack is left to finish, not cancelled: a stream
        started there must get its ts recorded (or be withdrawn), or the job's next run, not finding it,
        would post a second message."""
        self._off = True

    def _queue(self, step: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Send `step()` in the background, after the update before it."""
        before = self._busy

        async def after() -> None:
            if before is not None:
                await before
            await step()

        self._busy = asyncio.create_task(after())
        _UNFINISHED.add(self._busy)  # held until done: an abandoned reply's last update still finishes
        self._busy.add_done_callback(_UNFINISHED.discard)

    async def task(self, title: str) -> None:
        """Show how far a long job is as Slack's native task progress in the reply ("Summarizing part 3 of
        8"), before any word of it is written. Only while streaming: an edited message shows none."""
        if self._off or self.mode not in {"waiting", "streaming"} or self._worded:
            return
        done = title.startswith("is combining")
        chunk = {
            "type": "task_update",
            "id": "parts",
            "title": title.removeprefix("is ").rstrip("…").capitalize(),
            "status": "complete" if done else "in_progress",
        }
        self._queued_at = self._queued_at or time.monotonic()
        self._queue(functools.partial(self._progress, chunk))

    async def _progress(self, chunk: dict[str, str]) -> None:
        if self._off or self.mode not in {"waiting", "streaming"}:
            return
        try:
            if self.mode == "waiting":
                await self._start(self.heading, extra=[chunk])
            else:
                await slack_call("chat.appendStream", self._append("", extra=[chunk]))
        except (SlackRefused, RetryLater, RedisError) as exc:
            log.info("job %s: no task progress (%s)", self.job.id, exc)

    async def restart(self) -> None:
        """The answer is being written again: show nothing more (the finished reply replaces it)."""
        self._off, self.mode, self._pending = True, "off", ""

    async def _show(self, chunk: str) -> None:
        if self._off or self.mode == "off":
            return
        try:
            if self.mode == "waiting":
                await self._start(self.heading + chunk)
            elif self.mode == "streaming" and not self._shown:  # started with task progress only
                await slack_call("chat.appendStream", self._append(self.heading + chunk))
                self._shown = self.heading + chunk
            elif self.mode == "streaming":
                await slack_call("chat.appendStream", self._append(chunk))
                self._shown += chunk
            else:  # editing: gather, and edit the message at a steady pace
                self._shown += chunk
                if time.monotonic() - self._edited_at < EDIT_SECONDS:
                    return
                edit = self.client.chat_update(channel=self.job.channel, ts=self.ts or "", text=self._shown)
                await slack_call("chat.update", edit)
                self._edited_at = time.monotonic()
        except (SlackRefused, RetryLater, RedisError) as exc:
            log.info("job %s: live text off (%s)", self.job.id, exc)
            self.mode = "off"

    async def _start(self, text: str, *, extra: list[dict[str, str]] | None = None) -> None:
        """Claim the job's live message, start the stream (or, where Slack refuses streams, post the
        message to edit) and record its ts. Another run's claim turns live text off here."""
        job, key = self.job, keys.live(self.job.id)
        claim = f"{CLAIM}{uuid.uuid4().hex}"
        async with self.redis.pipeline(transaction=False) as pipe:  # one round trip
            pipe.exists(keys.posted(job.id))
            pipe.set(key, claim, nx=True, px=self.claim_ms)
            posted, claimed = await pipe.execute()
        if posted:  # a run that took the job over has posted it
            if claimed:
                await self.redis.eval(RELEASE_LUA, 1, key, claim)
            log.info("job %s: its reply is in the thread already; this run shows nothing", job.id)
            self.mode = "off"
            return
        if not claimed:
            log.info("job %s: another run of it is shown live; this one shows nothing", job.id)
            self.mode = "off"
            return
        try:
            async with self.redis.pipeline(transaction=False) as pipe:  # counted before Slack is asked
                pipe.incr(keys.live_starts(job.id))
                pipe.expire(keys.live_starts(job.id), KEY_TTL)
                await pipe.execute()
            response = await self._open(text, extra)
        except BaseException as exc:
            with contextlib.suppress(RedisError):  # else it lapses after claim_ms
                await self.redis.eval(RELEASE_LUA, 1, key, claim)
                if isinstance(exc, SlackRefused):  # Slack answered: it started nothing
                    await self.redis.decr(keys.live_starts(job.id))
            raise
        ts = str(response["ts"])
        try:
            recorded = await self.redis.eval(RECORD_LUA, 1, key, claim, ts, KEY_TTL)
        except RedisError:
            await self._withdraw(ts)
            raise
        if not recorded:  # we stalled past the claim: another run may show the job now
            await self._withdraw(ts)
            self.mode = "off"
            return
        self.ts, self._shown, self._edited_at = ts, text, time.monotonic()

    async def _open(self, text: str, extra: list[dict[str, str]] | None) -> Any:
        """Slack's answer to starting the live message: a stream, or a posted message to edit."""
        job, recipients = self.job, {}
        chunks = [*([{"type": "markdown_text", "text": text}] if text else []), *(extra or [])]
        if not job.channel.startswith("D") and job.user:
            recipients = {"recipient_user_id": job.user, "recipient_team_id": job.team}
        try:
            response = await slack_call(
                "chat.startStream",
                self.client.chat_startStream(
                    channel=job.channel,
                    thread_ts=job.thread_ts,
                    chunks=chunks,
                    **recipients,
                ),
            )
            self.mode = "streaming"
        except SlackRefused as exc:
            if exc.error not in NO_STREAM:
                raise
            log.info("job %s: Slack refused a stream (%s); posting and editing instead", job.id, exc.error)
            response = await slack_call("chat.postMessage", self._post(text or "…"))
            self.mode = "editing"
        return response

    async def _withdraw(self, ts: str) -> None:
        """Remove a live message whose ts could not be recorded: a re-run could not find it to complete
        it, and the finished reply would be a second message."""
        log.info("job %s: could not record the live message; withdrawing it", self.job.id)
        await remove_live_message(
            self.client,
            self.job.channel,
            ts,
            streaming=self.mode == "streaming",
            quiet=(SlackRefused, RetryLater),
        )

    def _append(self, chunk: str, *, extra: list[dict[str, str]] | None = None) -> Any:
        chunks = [*([{"type": "markdown_text", "text": chunk}] if chunk else []), *(extra or [])]
        return self.client.chat_appendStream(channel=self.job.channel, ts=self.ts or "", chunks=chunks)

    def _post(self, text: str) -> Any:
        return self.client.chat_postMessage(
            channel=self.job.channel,
            thread_ts=self.job.thread_ts,
            text=text,
            unfurl_links=False,
            unfurl_media=False,
            # "live": not finished yet (the poster's update replaces the tag), so a copy that a killed run
            # left behind is told apart from a finished reply, as an untagged stream is.
            metadata=reply_tag({"job_id": self.job.id, "part": 0, "live": True}),
        )
