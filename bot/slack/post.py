"""The worker's Slack posts: idempotent posting into a thread (or privately, `bot.slack.respond`),
native status, reaction swaps, files.info, and a private word with the asker when Slack refuses the
reply in the thread. Reading conversations is `bot.slack.reading`.

Every call's failure is classified once (`bot.slack.failures`): transient ones become `RetryLater`
(the job runs again after the lease), permanent ones `SlackRefused` (the job ends).

Posting is exactly-once per job part: a Redis marker says "done"; a second marker says "a post may
have been attempted", in which case the thread is searched for our own reply (we tag every reply with
message metadata carrying the job id) before posting again. So a worker killed between posting and
recording still yields one reply. A worker that stalls with its post on the way (its lease ran out and
another run posted too) is caught after the fact: the earliest message of each part stays, and the run
that posted a later one deletes it (`SlackPoster._keep_earliest`). A live message that a killed run
left behind (Slack started it, its ts was never recorded) is told by the job's count of stream starts
and deleted before the reply is posted (`SlackPoster._remove_orphans`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import FilePermissionError, PostInProgress, RetryLater, SlackRefused, UserFacingError
from bot.queue import keys
from bot.queue.jobs import Job
from bot.queue.keys import KEY_TTL
from bot.queue.lock import held
from bot.slack.blocks import SlackMessage, finished_tag, reply_tag
from bot.slack.calls import slack_call
from bot.slack.failures import QUIET_REACTION_ERRORS
from bot.slack.live import LiveReply, remove_live_message, started_ts
from bot.slack.respond import PrivateReplies, Responder
from bot.text import as_text

log = logging.getLogger(__name__)

GONE_FILE = "That file is gone: it was deleted, or is no longer shared where I can see it."
# Refusals of a reply in the thread that a request with a response_url (a shortcut) answers privately.
NOT_THERE = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})


def _ts_key(ts: str) -> tuple[int, int]:
    """A Slack ts ("1712345678.000200") as a sortable pair: seconds, then the sequence within them."""
    seconds, _, sequence = ts.partition(".")
    return (int(seconds or 0), int(sequence or 0))


class SlackPoster:
    """The worker's Slack side; `lock_ms` is how long a dead poster's lock outlives it (the job lease)."""

    def __init__(
        self,
        client: AsyncWebClient,
        redis: aioredis.Redis,
        *,
        lock_ms: int = 30_000,
        responder: Responder | None = None,
    ) -> None:
        self.client = client
        self.redis = redis
        self.lock_ms = lock_ms
        self.private = PrivateReplies(redis, responder or Responder(hosts=frozenset()), lock_ms=lock_ms)

    async def live(self, job: Job) -> LiveReply:
        """The job's reply, shown while it is written; off when an earlier run already started one (the
        finished reply completes that message)."""
        reply = LiveReply(self.client, self.redis, job, claim_ms=self.lock_ms)
        if job.private or await self.redis.exists(keys.live(job.id)):
            await reply.restart()  # a private reply is sent whole, once
        return reply

    async def post_once(self, job: Job, messages: list[SlackMessage], *, live_ts: str | None = None) -> None:
        """Post `messages` into the job's thread unless they were posted already (each part once); for a
        private job (a command), or a shortcut's job that Slack refuses in the thread (the bot is not in
        the conversation), send them to the asker through the request's response_url instead
        (`bot.slack.respond`). A shortcut's "working" note is removed once its reply is in the thread.

        Only one worker posts for a job at a time (`bot.queue.lock`, renewed while its holder lives): if a
        slow worker's lease ran out and another took the job over, the loser raises PostInProgress and
        the job is re-checked later; a holder that was killed frees the lock within `lock_ms`.

        A reply shown while it was written (`bot.slack.live`; its ts is `live_ts`, or recorded in Redis by
        an earlier or a concurrent run) is completed in place as the first part: its stream is stopped and
        the message updated with the finished blocks, so there is never a second message. While another
        run is still starting its live message (the key holds its claim, not yet a ts), this one raises
        PostInProgress: the job is re-checked later, when the ts is known or the claim has lapsed.
        """
        if job.private:
            await self.private.post_once(job, messages)
            return
        try:
            await self._post_in_thread(job, messages, live_ts=live_ts)
        except SlackRefused as exc:
            if not job.response_url or exc.error not in NOT_THERE:
                raise
            log.info("job %s: %s in the thread; replying privately", job.id, exc.error)
            await self.private.post_once(job, messages)
            return
        await self.private.clear_note(job)

    async def _post_in_thread(self, job: Job, messages: list[SlackMessage], *, live_ts: str | None) -> None:
        done_key, trying_key = keys.posted(job.id), keys.posting(job.id)
        async with held(self.redis, keys.post_lock(job.id), ttl_ms=self.lock_ms) as lock:
            if not lock.mine:
                raise PostInProgress(job.id)
            async with self.redis.pipeline(transaction=False) as pipe:  # one round trip
                pipe.get(done_key)
                pipe.exists(trying_key)
                pipe.get(keys.live(job.id))
                pipe.get(keys.live_starts(job.id))
                done, trying, recorded, starts = await pipe.execute()
            if done is not None:
                # We showed it live after another run posted it: ours would be a second message.
                if live_ts and as_text(done) not in (keys.POSTED, live_ts):
                    log.info("job %s: its reply is in the thread already; removing our live copy", job.id)
                    await remove_live_message(self.client, job.channel, live_ts)
                return
            live = live_ts or started_ts(as_text(recorded) if recorded is not None else None)
            if live is None and recorded is not None:  # another run is starting the live message now
                raise PostInProgress(job.id)
            if int(starts or 0) > (1 if live else 0):  # a run died between Slack's answer and the record
                await self._remove_orphans(job, keep=live)
            already = await self._tagged_in_thread(job) if trying else {}
            # The reply's first message, once known: one an earlier run posted counts (a live message
            # beside it is then a second copy, removed below as a stray, not finished).
            first = min(already[0], key=_ts_key) if 0 in already else keys.POSTED
            for part, message in enumerate(messages):
                if part == 0 and live and 0 not in already and await self._complete(job, live, message):
                    first = live
                    continue
                if part in already:
                    continue
                # Marked before the last lock check: a run that takes the job over from here on knows
                # that this one may still post, and looks for a double after its own post.
                await self.redis.set(trying_key, "1", ex=KEY_TTL)
                if not await lock.confirm():  # we stalled past the lease: the job may be another's now
                    log.warning("job %s: lost the posting lock while stalled; posting nothing more", job.id)
                    raise PostInProgress(job.id)
                ts = await self._post(job, message, part)
                if trying or not await lock.confirm():  # another run may have posted this part meanwhile
                    ts = await self._keep_earliest(job, part, ts)  # the reply may be that run's
                first = ts if part == 0 else first
            await self.redis.set(done_key, first, ex=KEY_TTL)
            if first != live:  # posted anew: another run may have started showing it live meanwhile
                await self._remove_stray(job, first)

    async def _keep_earliest(self, job: Job, part: int, ts: str) -> str:
        """Delete our post `ts` of `part` if the thread holds an earlier one of the same job and part;
        returns the ts of the message that holds the part now (ours, or that earlier one: possibly a
        live message another run finished in place, which is then the reply and must stay).

        A run that stalls between its last lock check and Slack accepting its post (a frozen process, a
        long GC pause) posts after its lease ran out, while a run that took the job over may post too;
        no lock can stop a request already on its way. So each run that may have overlapped another (it
        lost the lock while posting, or it found that an earlier run had started posting) looks after
        posting: the earliest message of each part stays, a later one is deleted by the run that posted
        it. The later poster always sees the earlier message, which Slack had accepted before its own.
        If Slack refuses the delete, the second copy stays and the job still counts as done."""
        posted = (await self._tagged_in_thread(job)).get(part, [])
        earliest = min([ts, *posted], key=_ts_key)
        if earliest == ts:
            return ts
        log.warning(
            "job %s: part %d was posted twice by overlapping runs; deleting the later one", job.id, part
        )
        try:
            await slack_call("chat.delete", self.client.chat_delete(channel=job.channel, ts=ts))
        except SlackRefused as exc:  # the reply is posted: a second copy is better than a failed job
            if exc.error != "message_not_found":
                log.warning("job %s: could not delete a later post of part %d: %s", job.id, part, exc.error)
        return earliest

    async def _complete(self, job: Job, ts: str, message: SlackMessage) -> bool:
        """Finish the live message `ts` as `message` (stop its stream if it still runs, then update it).
        False when it is gone (deleted meanwhile): the reply is then posted as a new message."""
        try:
            await slack_call("chat.stopStream", self.client.chat_stopStream(channel=job.channel, ts=ts))
        except SlackRefused as exc:
            if exc.error not in {"message_not_in_streaming_state", "message_not_found"}:
                log.info("job %s: stopping the stream said %s", job.id, exc.error)
        try:
            await slack_call(
                "chat.update",
                self.client.chat_update(
                    channel=job.channel,
                    ts=ts,
                    text=message.text,
                    blocks=list(message.blocks),
                    metadata=reply_tag({"job_id": job.id, "part": 0}),
                ),
            )
        except SlackRefused as exc:
            if exc.error in {"message_not_found", "cant_update_message"}:
                return False
            raise
        return True

    async def _post(self, job: Job, message: SlackMessage, part: int) -> str:
        """Post one part of the job's reply; returns its ts."""
        response = await slack_call(
            "chat.postMessage",
            self.client.chat_postMessage(
                channel=job.channel,
                thread_ts=job.thread_ts or None,  # none: a message of its own (a digest)
                text=message.text,
                blocks=list(message.blocks),
                unfurl_links=False,
                unfurl_media=False,
                metadata=reply_tag({"job_id": job.id, "part": part}),
            ),
        )
        return str(response.get("ts") or "")

    async def _remove_orphans(self, job: Job, *, keep: str | None) -> None:
        """Delete the live messages that runs of this job left behind: a run killed between Slack starting
        its stream and the ts being recorded leaves a message no later run can name, which would stay
        unfinished beside the reply. Every finished message of ours carries our tag (a reply's names its
        job and part; the web process's notices carry it too), so the orphans are among our messages in
        the thread after the job's message that are untagged or tagged "live" (`finished_tag`); `keep` (the
        recorded live message) stays.
        Another job's message still being written in the same thread may be among them: it is deleted
        too, and its own finished reply is then posted as a new message, so nothing is lost. Looked for
        only when the job's count of stream starts says so (`keys.live_starts`): a rare path."""
        if not job.thread_ts:
            return
        try:
            me = await slack_call("auth.test", self.client.auth_test())
            messages = await self._thread_messages(job)
        except SlackRefused as exc:  # the reply's own post will meet the same refusal, and report it
            log.info("job %s: cannot read the thread for left-behind messages (%s)", job.id, exc.error)
            return
        orphans = [
            str(message.get("ts") or "")
            for message in messages
            if message.get("bot_id")
            and message.get("bot_id") == me.get("bot_id")
            and finished_tag(message) is None
            and _ts_key(str(message.get("ts") or "")) > _ts_key(job.message_ts)
            and message.get("ts") != keep
        ]
        for ts in orphans:
            log.warning("job %s: deleting live message %s that a killed run left behind", job.id, ts)
            await remove_live_message(self.client, job.channel, ts)

    async def _remove_stray(self, job: Job, reply: str) -> None:
        """Delete the live message another run recorded while this one posted the reply as `reply`: that
        run read no reply yet, and if it dies before it posts (where it would find ours and delete its
        own copy), its message would stay beside ours."""
        recorded = await self.redis.get(keys.live(job.id))
        stray = started_ts(as_text(recorded) if recorded is not None else None)
        if stray is not None and stray != reply:
            log.info("job %s: another run showed the reply live meanwhile; removing that copy", job.id)
            await remove_live_message(self.client, job.channel, stray)

    async def _tagged_in_thread(self, job: Job) -> dict[int, list[str]]:
        """Each part of this job already in the thread (or, for a message of its own, in the channel
        since the job's time) with the ts of every message that holds it, found by our metadata tag."""
        parts: dict[int, list[str]] = {}
        for message in await self._thread_messages(job):
            payload = finished_tag(message)
            if payload is not None and payload.get("job_id") == job.id:
                parts.setdefault(int(payload.get("part", 0)), []).append(str(message.get("ts") or ""))
        return parts

    async def _thread_messages(self, job: Job) -> list[dict[str, Any]]:
        """The messages of the job's thread (or, for a message of its own, of the channel since the job's
        time), with their metadata; at most 20 pages of 200."""
        messages: list[dict[str, Any]] = []
        cursor: str | None = None
        for _ in range(20):  # at most 20 pages of 200 replies
            read = (
                self.client.conversations_replies(
                    channel=job.channel, ts=job.thread_ts, include_all_metadata=True, limit=200, cursor=cursor
                )
                if job.thread_ts
                else self.client.conversations_history(
                    channel=job.channel,
                    oldest=job.message_ts,
                    include_all_metadata=True,
                    limit=200,
                    cursor=cursor,
                )
            )
            response = await slack_call(
                "conversations.replies" if job.thread_ts else "conversations.history", read
            )
            messages += response.get("messages") or []
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return messages

    @contextlib.asynccontextmanager
    async def status(self, job: Job) -> AsyncIterator[Callable[[str], Awaitable[None]]]:
        """A callback that shows what the bot is doing as Slack's native status in the job's thread
        ("summarizer is reading example.com…", `assistant.threads.setStatus`); cleared when the block
        ends. The job does not wait for Slack: each update is sent in the background, after the one
        before it (so they arrive in order), and the block's end waits for the last, the clearing.
        Cosmetic: a failure is logged and ignored (an older workspace, a missing scope)."""
        last: asyncio.Task[None] | None = None

        async def send(text: str, before: asyncio.Task[None] | None) -> None:
            if before is not None:
                await before
            try:
                await slack_call(
                    "assistant.threads.setStatus",
                    self.client.assistant_threads_setStatus(
                        channel_id=job.channel, thread_ts=job.thread_ts, status=text
                    ),
                )
            except (SlackRefused, RetryLater) as exc:
                log.info("job %s: no status shown (%s)", job.id, exc)
            except Exception as exc:  # cosmetic, and nobody awaits it but the next update
                log.warning("job %s: no status shown (%s: %s)", job.id, type(exc).__name__, exc)

        async def update(text: str) -> None:
            nonlocal last
            if not job.private:  # a private request has no thread to show it in
                last = asyncio.create_task(send(text, last))

        try:
            yield update
        finally:
            await update("")
            if last is not None:
                await last

    async def react(self, job: Job, *, add: str | None = None, remove: str | None = None) -> None:
        """Add and/or remove a reaction on the job's source message, both at once (they are independent:
        one round trip instead of two); already-done states are fine."""

        async def one(name: str, call: Any) -> None:
            try:
                await call(channel=job.channel, timestamp=job.message_ts, name=name)
            except SlackApiError as exc:
                error = exc.response.get("error")
                if error not in QUIET_REACTION_ERRORS:
                    log.warning("reaction %s failed: %s", name, error)

        calls = ((remove, self.client.reactions_remove), (add, self.client.reactions_add))
        await asyncio.gather(*(one(name, call) for name, call in calls if name))

    async def file_info(self, file_id: str) -> dict[str, Any]:
        """files.info's file object. Raises UserFacingError when Slack will not give it (gone, no scope)."""
        try:
            response = await slack_call("files.info", self.client.files_info(file=file_id))
        except SlackRefused as exc:
            if exc.error in {"file_not_found", "file_deleted"}:
                raise UserFacingError(GONE_FILE) from None
            if exc.error == "missing_scope":
                raise FilePermissionError() from None
            raise UserFacingError(f"Slack wouldn't give me that file ({exc.error}).") from None
        file: dict[str, Any] = response["file"]
        return file

    async def tell(self, job: Job, text: str) -> bool:
        """Say `text` to the person who asked, privately: an ephemeral note where they asked, else a direct
        message. True if one of them got through (failures are logged, never raised). A request with a
        response_url (a command, a shortcut) is answered there, in place of its "working" note."""
        if job.response_url:
            try:
                await self.private.responder.send(job.response_url, text=text, replace_original=True)
                return True
            except (SlackRefused, RetryLater) as exc:
                log.info("job %s: no private note (%s)", job.id, exc)
            if job.private:
                return False
        if job.user:
            try:
                await slack_call(
                    "chat.postEphemeral",
                    self.client.chat_postEphemeral(channel=job.channel, user=job.user, text=text),
                )
                return True
            except (SlackRefused, RetryLater) as exc:
                log.info("job %s: no ephemeral note (%s); trying a direct message", job.id, exc)
            try:
                opened = await slack_call(
                    "conversations.open", self.client.conversations_open(users=job.user)
                )
                channel = (opened.get("channel") or {}).get("id")
                if channel and channel != job.channel:
                    await slack_call(
                        "chat.postMessage", self.client.chat_postMessage(channel=channel, text=text)
                    )
                    return True
            except (SlackRefused, RetryLater) as exc:
                log.warning("job %s: could not reach the asker either (%s)", job.id, exc)
        return False
