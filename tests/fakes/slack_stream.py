"""Slack's streaming methods for the fake Web API (`chat.startStream`, `chat.appendStream`,
`chat.stopStream`), with Slack's rules and errors: a streamed message is a thread reply; in channels the
recipient user and team are required; one mode (markdown_text or chunks) per stream, never both in one
call; a stream expires (`message_not_in_streaming_state`) after `stream_max_seconds` in all or
`stream_idle_seconds` without an append; `chat.update` on a message still streaming fails with
`streaming_state_conflict`. Mixed into `FakeSlack`, whose lock is held when these run."""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

from tests.fakes.slack_blocks import SlackError


class StreamingMethods:
    """The streaming half of the fake; `FakeSlack` provides `_find`, `_store`, `_claim_ts` and the ids."""

    stream_max_seconds: float = 300.0
    stream_idle_seconds: float = 60.0
    bot_user_id: str
    bot_id: str
    app_id: str
    team_id: str
    _lock: threading.RLock

    def _find(self, channel: str, ts: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def _store(self, channel: str, message: dict[str, Any], thread_ts: str | None) -> None:
        raise NotImplementedError

    def _claim_ts(self, ts: str | None) -> str:
        raise NotImplementedError

    def _init_streams(self) -> None:
        self._streams: dict[tuple[str, str], dict[str, Any]] = {}

    def streaming(self, channel: str, ts: str) -> bool:
        """Whether the message is still streaming (not stopped, not expired)."""
        with self._lock:
            return self._live_stream(channel, ts) is not None

    def _live_stream(self, channel: str, ts: str) -> dict[str, Any] | None:
        state = self._streams.get((channel, ts))
        now = time.monotonic()
        if state is None:
            return None
        if now - state["started"] > self.stream_max_seconds or now - state["last"] > self.stream_idle_seconds:
            del self._streams[(channel, ts)]  # Slack closed it; the message keeps what it had
            return None
        return state

    def _stream_text(self, body: dict[str, Any]) -> tuple[str, str | None]:
        """(text, mode) of one streaming call: its markdown_text, or its markdown_text chunks."""
        markdown, chunks = body.get("markdown_text"), body.get("chunks")
        if markdown and chunks:
            raise SlackError("cannot_provide_both_markdown_text_and_chunks")
        if chunks:
            parsed = chunks if isinstance(chunks, list) else []
            if not parsed or not all(isinstance(c, dict) and c.get("type") for c in parsed):
                raise SlackError("invalid_chunks")
            text = "".join(str(c.get("text") or "") for c in parsed if c.get("type") == "markdown_text")
            return text, "chunks"
        if markdown:
            if len(str(markdown)) > 12_000:
                raise SlackError("msg_too_long")
            return str(markdown), "markdown_text"
        return "", None

    def _m_chat_startStream(self, body: dict[str, Any]) -> dict[str, Any]:
        channel, thread_ts = str(body.get("channel") or ""), str(body.get("thread_ts") or "")
        if not channel:
            raise SlackError("channel_not_found")
        if not thread_ts:
            raise SlackError("invalid_arguments")
        if channel[:1] in {"C", "G"}:
            if not body.get("recipient_user_id"):
                raise SlackError("missing_recipient_user_id")
            if not body.get("recipient_team_id"):
                raise SlackError("missing_recipient_team_id")
        text, mode = self._stream_text(body)
        ts = self._claim_ts(None)
        message: dict[str, Any] = {
            "user": self.bot_user_id,
            "type": "message",
            "ts": ts,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "text": text,
            "team": self.team_id,
        }
        self._store(channel, message, thread_ts)
        now = time.monotonic()
        self._streams[(channel, ts)] = {"mode": mode, "started": now, "last": now}
        return {"channel": channel, "ts": ts}

    def _streamed_message(self, body: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
        channel, ts = str(body.get("channel") or ""), str(body.get("ts") or "")
        message = self._find(channel, ts)
        if message is None:
            raise SlackError("message_not_found")
        state = self._live_stream(channel, ts)
        if state is None:
            raise SlackError("message_not_in_streaming_state")
        return channel, message, state

    def _m_chat_appendStream(self, body: dict[str, Any]) -> dict[str, Any]:
        channel, message, state = self._streamed_message(body)
        text, mode = self._stream_text(body)
        if mode is None:
            raise SlackError("no_text")
        if state["mode"] not in {None, mode}:
            raise SlackError("streaming_mode_mismatch")
        state["mode"], state["last"] = mode, time.monotonic()
        message["text"] += text
        return {"channel": channel, "ts": message["ts"]}

    def _m_chat_stopStream(self, body: dict[str, Any]) -> dict[str, Any]:
        channel, message, state = self._streamed_message(body)
        text, mode = self._stream_text(body)
        if mode is not None and state["mode"] not in {None, mode}:
            raise SlackError("streaming_mode_mismatch")
        message["text"] += text
        blocks = body.get("blocks")
        if isinstance(blocks, list) and blocks:
            message["blocks"] = copy.deepcopy(blocks)
        metadata = body.get("metadata")
        if isinstance(metadata, dict):
            message["metadata"] = copy.deepcopy(metadata)
        del self._streams[(channel, message["ts"])]
        shown = {k: v for k, v in message.items() if k not in {"thread_ts", "parent_user_id", "metadata"}}
        return {
            "channel": channel,
            "ts": message["ts"],
            "message": {**copy.deepcopy(shown), "subtype": "bot_message"},
        }
