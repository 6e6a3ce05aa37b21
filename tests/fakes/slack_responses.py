"""Slack's `response_url`s (hooks.slack.com/commands/… for a slash command, /actions/… for a shortcut or a
button), as the fake Slack serves them.

Each URL takes at most 5 posts within 30 minutes; past that it answers 404 `used_url` / `expired_url`. A
post is JSON: `text`/`blocks`, `response_type` (`ephemeral`, the default, or `in_channel`: a message in
the channel for everyone, posted as the app even where the bot is not a member), `replace_original` or
`delete_original` (the last ephemeral message that URL's request produced: the command's ack, or an
earlier response). The fake keeps, per URL, what the asker privately sees.
"""

from __future__ import annotations

import copy
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.http import Request, Response
from tests.fakes.slack_blocks import SlackError, validate_blocks

MAX_USES = 5
LIFETIME_SECONDS = 30 * 60
_tokens = itertools.count(1)


@dataclass
class _Url:
    channel: str | None
    user: str | None
    created: float = field(default_factory=time.monotonic)
    uses: int = 0
    shown: list[dict[str, Any]] = field(default_factory=list)  # the asker's ephemeral messages, in order


class ResponseUrls:
    """response_url endpoints; `FakeSlack` provides `url`, the lock and the message store."""

    url: str
    team_id: str
    bot_user_id: str
    bot_id: str
    app_id: str
    _lock: threading.RLock

    def _init_responses(self) -> None:
        self._responses: list[dict[str, Any]] = []
        self._urls: dict[str, _Url] = {}

    def _store(self, channel: str, message: dict[str, Any], thread_ts: str | None) -> None:
        raise NotImplementedError

    def _claim_ts(self, ts: str | None) -> str:
        raise NotImplementedError

    # ----- test-facing helpers -----

    def response_url(
        self, *, channel: str | None, user: str | None, kind: str = "commands", clicked_in: str | None = None
    ) -> str:
        """A new response_url for one request by `user` in `channel` (`kind`: commands or actions).
        `clicked_in`: the response_url whose ephemeral messages hold the clicked button; the new URL's
        `replace_original`/`delete_original` act on those messages, as a click's response_url does."""
        path = f"/{kind}/{self.team_id}/{next(_tokens)}/t{time.monotonic_ns()}"
        with self._lock:
            state = _Url(channel=channel, user=user)
            if clicked_in is not None:
                state.shown = self._urls[self._path(clicked_in)].shown
            self._urls[path] = state
        return self.url + path

    def acked(self, url: str, body: bytes) -> None:
        """Record what the request's HTTP ack showed the asker (Bolt's `ack(text or blocks)`), as Slack
        shows it: an ephemeral message that a later `replace_original` replaces."""
        if not body.strip():
            return
        try:
            shown = json.loads(body)
        except ValueError:
            shown = {"text": body.decode()}
        with self._lock:
            self._urls[self._path(url)].shown.append(
                {"text": shown.get("text", ""), "blocks": shown.get("blocks")}
            )

    def expire(self, url: str) -> None:
        """Age a response_url past its 30 minutes."""
        with self._lock:
            self._urls[self._path(url)].created -= LIFETIME_SECONDS + 1

    def private_view(self, url: str) -> list[dict[str, Any]]:
        """What the asker sees now from the request behind `url`: its ephemeral messages, oldest first."""
        with self._lock:
            return copy.deepcopy(self._urls[self._path(url)].shown)

    def responses(self) -> list[dict[str, Any]]:
        """Every JSON body posted to any response_url that Slack accepted, oldest first."""
        with self._lock:
            return copy.deepcopy(self._responses)

    def uses(self, url: str) -> int:
        """How many posts `url` has taken."""
        with self._lock:
            return self._urls[self._path(url)].uses

    # ----- HTTP -----

    def _path(self, url: str) -> str:
        return url.removeprefix(self.url)

    def _respond(self, request: Request) -> Response:
        with self._lock:
            state = self._urls.setdefault(request.path, _Url(channel=None, user=None))
            if time.monotonic() - state.created > LIFETIME_SECONDS:
                return Response(404, {"Content-Type": "text/plain"}, b"expired_url")
            if state.uses >= MAX_USES:
                return Response(404, {"Content-Type": "text/plain"}, b"used_url")
            try:
                body = json.loads(request.body or b"{}")
                if not isinstance(body, dict):
                    raise SlackError("invalid_payload")
                self._apply(state, body)
            except (ValueError, SlackError) as exc:
                error = exc.error if isinstance(exc, SlackError) else "invalid_payload"
                return Response(400, {"Content-Type": "text/plain"}, error.encode())
            state.uses += 1
            self._responses.append(body)
        return Response(200, {"Content-Type": "text/html"}, b"ok")

    def _apply(self, state: _Url, body: dict[str, Any]) -> None:
        if body.get("delete_original"):
            if state.shown:
                state.shown.pop()
            return
        text, blocks = body.get("text"), body.get("blocks")
        if blocks is not None:
            validate_blocks(blocks)
        if not text and not blocks:
            raise SlackError("no_text")
        if body.get("response_type") == "in_channel":
            if state.channel is None:
                return
            message = {
                "type": "message",
                "user": self.bot_user_id,
                "bot_id": self.bot_id,
                "app_id": self.app_id,
                "ts": self._claim_ts(None),
                "text": text or "",
                "team": self.team_id,
            }
            if blocks is not None:
                message["blocks"] = copy.deepcopy(blocks)
            thread = body.get("thread_ts")
            self._store(state.channel, message, str(thread) if thread else None)
            return
        shown = {"text": text or "", "blocks": copy.deepcopy(blocks)}
        if body.get("replace_original") and state.shown:
            state.shown[-1] = shown
        else:
            state.shown.append(shown)
