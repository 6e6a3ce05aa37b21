"""A stateful fake Slack Web API (plus files.slack.com downloads) for the real slack_sdk clients.

Point `WebClient(token=..., base_url=fake.url + "/api/")` at it. Shapes follow PROTOCOL.md §3-§5 and the
payload files; block limits follow slack_sdk's validators. Header names in recordings are lower-cased.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from tests.fakes.http import FakeServer, Request, Response, json_response
from tests.fakes.slack_blocks import SlackError, validate_blocks
from tests.fakes.slack_canvases import CanvasMethods
from tests.fakes.slack_oauth import OAuthMethods
from tests.fakes.slack_people import PeopleMethods
from tests.fakes.slack_responses import ResponseUrls
from tests.fakes.slack_stream import StreamingMethods
from tests.fakes.slack_views import ViewMethods

JSON_CONTENT_TYPE = "application/json;charset=utf-8"
TRUNCATED_TEXT_LIMIT = 40_000
SIGN_IN_PAGE = b"""<!DOCTYPE html>
<html lang="en-US"><head><meta charset="utf-8"><title>Slack</title></head>
<body><div id="page"><h1>Sign in to Slack</h1>
<form id="signin_form" action="/" method="post" accept-charset="UTF-8">
<input type="email" name="email" placeholder="name@work-email.com">
<input type="password" name="password" placeholder="Your password">
<button type="submit" id="signin_btn">Sign In</button></form></div></body></html>
"""
APP_TOKEN_METHOD = "apps.connections.open"  # the one method called with the xapp- token, not the bot's
OAUTH_METHOD = "oauth.v2.access"  # authenticated with the app's client id and secret, not a token
NOT_FOUND_PAGE = b"<!DOCTYPE html>\n<html><head><title>Slack</title></head><body>Not found</body></html>\n"


@dataclass(frozen=True)
class Call:
    """One Web API call as the fake received it (body parsed from JSON or form)."""

    method: str
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def token(self) -> str | None:
        """The bearer token the call was made with (which workspace's bot, with OAuth installs)."""
        authorization = self.headers.get("authorization", "")
        return authorization.removeprefix("Bearer ") if authorization.startswith("Bearer ") else None


@dataclass(frozen=True)
class Download:
    """One GET of file bytes under /files-pri/; `authorized` says whether the bot token was presented."""

    path: str
    headers: dict[str, str]
    authorized: bool


@dataclass
class _Failure:
    method: str
    status: int
    retry_after: int | None
    error: str
    times: int
    after: int = 0  # calls of `method` to answer normally first


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str | int) and str(value).lower() in {"1", "true"})


def _ts_value(ts: str) -> int:
    seconds, _, fraction = ts.partition(".")
    return int(seconds) * 1_000_000 + int((fraction or "0").ljust(6, "0")[:6])


def _parse_metadata(raw: Any) -> dict[str, Any] | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise SlackError("invalid_metadata_format") from None
    if not (
        isinstance(raw, dict)
        and isinstance(raw.get("event_type"), str)
        and isinstance(raw.get("event_payload"), dict)
    ):
        raise SlackError("invalid_metadata_schema")
    return {"event_type": raw["event_type"], "event_payload": raw["event_payload"]}


def _parse_blocks(raw: Any) -> list[dict[str, Any]] | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise SlackError("invalid_blocks_format") from None
    validate_blocks(raw)
    blocks: list[dict[str, Any]] = copy.deepcopy(raw)
    for index, block in enumerate(blocks):  # Slack fills in a block_id where the sender gave none
        if "block_id" not in block:
            digest = hashlib.sha1(f"{index}:{json.dumps(block, sort_keys=True)}".encode()).digest()
            block["block_id"] = base64.b64encode(digest).decode()[:5].replace("/", "a").replace("+", "b")
    return blocks


# Methods that answer the channel's refusal (`not_in_channel`, `is_archived`…) set by `shut_out`.
MEMBER_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.startStream",
        "chat.postEphemeral",
        "chat.update",
        "chat.delete",
        "reactions.add",
        "reactions.remove",
        "conversations.replies",
        "conversations.history",
    }
)


class FakeSlack(
    StreamingMethods, PeopleMethods, ResponseUrls, CanvasMethods, ViewMethods, OAuthMethods, FakeServer
):
    """The fake Web API: messages, threads, reactions, files, recorded calls, scripted failures."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-test-token",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        team_id: str = "T0FAKE",
        app_id: str = "A0FAKE",
        scopes: str = "app_mentions:read,channels:history,chat:write,files:read,reactions:write",
        app_token: str = "xapp-test-token",
        client_id: str = "111.222",
        client_secret: str = "test-client-secret",
    ) -> None:
        super().__init__()
        self.bot_token, self.bot_user_id, self.bot_id = bot_token, bot_user_id, bot_id
        # Socket Mode (addition): apps.connections.open takes the app-level token and answers this URL
        # (a tests.fakes.socket_mode.FakeSocketMode's `url`); None → `not_allowed`.
        self.app_token = app_token
        self.socket_url: str | None = None
        self.team_id, self.app_id, self.scopes = team_id, app_id, scopes
        self._lock = threading.RLock()
        self._calls: list[Call] = []
        self._downloads: list[Download] = []
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._reactions: dict[tuple[str, str], dict[str, list[str]]] = {}
        self._files: dict[str, tuple[dict[str, Any], bytes]] = {}
        self._failures: list[_Failure] = []
        self._clock = _ts_value("1700000000.000000")
        self._file_seq = 0
        self._redirect_base: str | None = None
        self._outside: dict[str, str] = {}  # channel → the error its member-only methods answer
        self._ephemerals: list[dict[str, Any]] = []
        self._statuses: dict[tuple[str, str], list[str]] = {}
        self._held: dict[str, threading.Event] = {}
        self._waiting: dict[str, int] = {}
        self._init_responses()
        self._init_canvases()
        self._init_views()
        self._init_streams()
        self._init_people()
        self._init_oauth(client_id=client_id, client_secret=client_secret)

    # ----- test-facing helpers -----

    def shut_out(self, channel: str, *, error: str = "not_in_channel") -> None:
        """Make `channel` refuse the bot (`not_in_channel`, `is_archived`, `channel_not_found`…) on
        every method that needs membership."""
        with self._lock:
            self._outside[channel] = error

    def statuses(self, channel: str, thread_ts: str) -> list[str]:
        """Every native status set in a thread (`assistant.threads.setStatus`), in order; "" clears it."""
        with self._lock:
            return list(self._statuses.get((channel, thread_ts), []))

    def ephemerals(self) -> list[dict[str, Any]]:
        """Ephemeral messages posted (`channel`, `user`, `text`), oldest first."""
        with self._lock:
            return copy.deepcopy(self._ephemerals)

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded calls, all or those of one method (e.g. "chat.postMessage"), oldest first."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Poll until `count` calls of `method` arrived and return them; AssertionError after `timeout`."""
        deadline = time.monotonic() + timeout
        while len(calls := self.calls(method)) < count:
            if time.monotonic() >= deadline:
                seen = [c.method for c in self.calls()]
                raise AssertionError(f"wanted {count} {method} call(s) in {timeout}s; got {seen}")
            time.sleep(0.02)
        return calls

    @property
    def downloads(self) -> list[Download]:
        """Recorded GETs of file bytes, oldest first."""
        with self._lock:
            return list(self._downloads)

    def reset(self) -> None:
        """Forget every call, download, message, reaction, file, scripted failure and redirect."""
        with self._lock:
            self._calls.clear()
            self._downloads.clear()
            self._messages.clear()
            self._reactions.clear()
            self._files.clear()
            self._failures.clear()
            self._redirect_base = None

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        error: str | None = None,
        after: int = 0,
    ) -> None:
        """Fail the next `times` calls of `method` (after answering `after` of them normally): 429 +
        Retry-After, 5xx internal_error, or 200 + `error`."""
        if status == 200 and error is None:
            raise ValueError("a 200 failure needs error=")
        default = "ratelimited" if status == 429 else "internal_error"
        with self._lock:
            self._failures.append(_Failure(method, status, retry_after, error or default, times, after))

    def hold(self, method: str) -> None:
        """Keep every call of `method` waiting (up to 30 s) until `release(method)`: a slow Slack."""
        with self._lock:
            self._held[method] = threading.Event()

    def release(self, method: str) -> None:
        """Answer the held calls of `method`, and the later ones at once."""
        with self._lock:
            gate = self._held.pop(method, None)
        if gate is not None:
            gate.set()

    def redirect_files_to(self, base_url: str | None) -> None:
        """Answer file GETs with a 302 to the same path on `base_url` (None turns this off)."""
        with self._lock:
            self._redirect_base = base_url.rstrip("/") if base_url else None

    def add_message(
        self,
        channel: str,
        *,
        text: str,
        user: str = "U123",
        ts: str | None = None,
        thread_ts: str | None = None,
        files: list[dict[str, Any]] | None = None,
        blocks: list[dict[str, Any]] | None = None,
        **fields: Any,
    ) -> str:
        """Seed a message (a thread reply when `thread_ts` is given) and return its ts."""
        with self._lock:
            ts = self._claim_ts(ts)
            message: dict[str, Any] = {"type": "message", "user": user, "text": text, "ts": ts}
            message["team"] = self.team_id
            if blocks is not None:
                message["blocks"] = copy.deepcopy(blocks)
            if files is not None:
                message["files"] = copy.deepcopy(files)
                message["upload"] = False
            self._store(channel, message, thread_ts)
            message.update(fields)
            return ts

    def add_file(
        self,
        name: str,
        content: bytes,
        mimetype: str = "text/plain",
        filetype: str = "text",
        *,
        user: str = "U123",
    ) -> dict[str, Any]:
        """Register a file served by files.info and /files-pri/; returns its Slack file object."""
        with self._lock:
            self._file_seq += 1
            file_id = f"F0FAKE{self._file_seq:05d}"
            url = f"{self.url}/files-pri/{file_id}"
            created = 1700000000 + self._file_seq
            file: dict[str, Any] = {
                "id": file_id,
                "created": created,
                "timestamp": created,
                "name": name,
                "title": name,
                "mimetype": mimetype,
                "filetype": filetype,
                "pretty_type": filetype.upper(),
                "user": user,
                "user_team": self.team_id,
                "editable": False,
                "size": len(content),
                "mode": "hosted",
                "is_external": False,
                "external_type": "",
                "is_public": True,
                "public_url_shared": False,
                "display_as_bot": False,
                "username": "",
                "url_private": f"{url}/{name}",
                "url_private_download": f"{url}/download/{name}",
                "has_rich_preview": False,
                "permalink": f"https://fake.slack.com/files/{user}/{file_id}/{name}",
            }
            self._files[file_id] = (file, content)
            return copy.deepcopy(file)

    def messages(self, channel: str, thread_ts: str | None = None) -> list[dict[str, Any]]:
        """All messages of a channel, or only the replies of one thread (parent excluded), oldest first."""
        with self._lock:
            found = self._sorted(channel)
            if thread_ts is not None:
                found = [m for m in found if m.get("thread_ts") == thread_ts and m["ts"] != thread_ts]
            return copy.deepcopy(found)

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        """One message as Slack's payloads carry it (a thread's parent with reply_count and reply_users)."""
        with self._lock:
            found = self._find(channel, ts)
            assert found is not None, f"no message {ts} in {channel}"
            return self._render(channel, found, metadata=False)

    def all_messages(self) -> dict[str, list[dict[str, Any]]]:
        """Every channel's messages, oldest first."""
        with self._lock:
            return {channel: [copy.deepcopy(m) for m in self._sorted(channel)] for channel in self._messages}

    def bot_replies(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """The replies this bot posted in a thread, oldest first."""
        return [m for m in self.messages(channel, thread_ts) if self._is_bot(m)]

    def reactions(self, channel: str, ts: str) -> set[str]:
        """Names of the reactions currently on a message (by anyone)."""
        with self._lock:
            return {name for name, users in self._reactions.get((channel, ts), {}).items() if users}

    # ----- HTTP -----

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/api/"):
            return self._api(request.path.removeprefix("/api/"), request)
        if request.path.startswith("/files-pri/"):
            return self._download(request)
        if request.path.startswith(("/actions/", "/commands/")):  # response_urls (hooks.slack.com)
            return self._respond(request)
        return Response(404, {"Content-Type": "text/html; charset=utf-8"}, NOT_FOUND_PAGE)

    def _reply(
        self, payload: dict[str, Any], *, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        extra = {"x-oauth-scopes": self.scopes, **(headers or {})}
        return json_response(payload, status=status, headers=extra, content_type=JSON_CONTENT_TYPE)

    def waiting(self, method: str) -> int:
        """How many calls of `method` arrived while it was held (`hold`)."""
        with self._lock:
            return self._waiting.get(method, 0)

    def _wait_if_held(self, method: str) -> None:
        with self._lock:
            gate = self._held.get(method)
            if gate is not None:
                self._waiting[method] = self._waiting.get(method, 0) + 1
        if gate is not None:
            gate.wait(30)

    def _api(self, method: str, request: Request) -> Response:
        self._wait_if_held(method)
        body: dict[str, Any] = dict(request.query)
        content_type = request.header("content-type") or ""
        if request.body:
            if "json" in content_type:
                try:
                    parsed = json.loads(request.body)
                except ValueError:
                    parsed = None
                if not isinstance(parsed, dict):
                    return self._reply({"ok": False, "error": "invalid_json"})
                body.update(parsed)
            else:
                body.update(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
        with self._lock:
            self._calls.append(Call(method, body, dict(request.headers)))
            authorization = request.header("authorization") or ""
            if method == OAUTH_METHOD:  # OAuth (addition): client id and secret, see slack_oauth.py
                return self._reply(self._oauth_v2_access(body, authorization))
            token = authorization.removeprefix("Bearer ") if authorization else body.get("token")
            if not token:
                return self._reply({"ok": False, "error": "not_authed"})
            refused = self._refused_token(token, app_call=method == APP_TOKEN_METHOD)  # + Socket Mode, OAuth
            if refused is not None:
                return self._reply({"ok": False, "error": refused})
            failure = next((f for f in self._failures if f.method == method and f.times > 0), None)
            if failure is not None and failure.after > 0:
                failure.after -= 1
                failure = None
            if failure is not None:
                failure.times -= 1
                retry = {} if failure.retry_after is None else {"Retry-After": str(failure.retry_after)}
                error = {"ok": False, "error": failure.error}
                return self._reply(error, status=failure.status, headers=retry)
            refused = self._outside.get(str(body.get("channel") or ""))
            if refused is not None and method in MEMBER_METHODS:
                return self._reply({"ok": False, "error": refused})
            handler = getattr(self, "_m_" + method.replace(".", "_"), None)
            if handler is None:
                return self._reply({"ok": False, "error": "unknown_method", "req_method": method})
            try:
                return self._reply({"ok": True, **handler(body)})
            except SlackError as exc:
                return self._reply({"ok": False, "error": exc.error, **exc.extra})

    def _download(self, request: Request) -> Response:
        token = (request.header("authorization") or "").removeprefix("Bearer ")
        html = {"Content-Type": "text/html; charset=utf-8"}
        with self._lock:
            authorized = token not in self._revoked and (
                token == self.bot_token or self._workspace_of(token) is not None
            )
            self._downloads.append(Download(request.path, dict(request.headers), authorized))
            if self._redirect_base is not None:
                return Response(302, {"Location": self._redirect_base + request.path, **html}, b"")
            if not authorized:
                return Response(200, html, SIGN_IN_PAGE)
            parts = request.path.split("/")  # "", "files-pri", id, [download,] name
            stored = self._files.get(parts[2]) if len(parts) > 3 else None
            if stored is None:
                return Response(404, html, NOT_FOUND_PAGE)
            file, content = stored
            headers = {"Content-Type": file["mimetype"]}
            if "download" in parts[3:-1]:
                headers["Content-Disposition"] = f'attachment; filename="{file["name"]}"'
            return Response(200, headers, content)

    # ----- state -----

    def _claim_ts(self, ts: str | None) -> str:
        if ts is None:
            self._clock += 100
            micros = self._clock
            return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"
        self._clock = max(self._clock, _ts_value(ts))
        return ts

    def _sorted(self, channel: str) -> list[dict[str, Any]]:
        return sorted(self._messages.get(channel, []), key=lambda m: _ts_value(m["ts"]))

    def _thread_messages(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """The parent (ts) and its replies, oldest first."""
        return [m for m in self._sorted(channel) if m["ts"] == ts or m.get("thread_ts") == ts]

    def _find(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self._messages.get(channel, []) if m["ts"] == ts), None)

    def _is_bot(self, message: dict[str, Any]) -> bool:
        return message.get("user") == self.bot_user_id or message.get("bot_id") == self.bot_id

    def _store(self, channel: str, message: dict[str, Any], thread_ts: str | None) -> None:
        if thread_ts:
            parent = self._find(channel, thread_ts)
            if parent is not None and parent.get("thread_ts", parent["ts"]) != parent["ts"]:
                parent = self._find(channel, parent["thread_ts"])  # a reply to a reply joins the thread
            thread_ts = parent["ts"] if parent is not None else thread_ts
            message["thread_ts"] = thread_ts
            if parent is not None:
                parent["thread_ts"] = thread_ts
                message["parent_user_id"] = parent.get("user", "")
        self._messages.setdefault(channel, []).append(message)

    def _render(self, channel: str, message: dict[str, Any], *, metadata: bool) -> dict[str, Any]:
        out = copy.deepcopy(message)
        if not metadata:
            out.pop("metadata", None)
        if out.get("thread_ts") == out["ts"]:
            replies = self._thread_messages(channel, out["ts"])[1:]
            out["reply_count"] = len(replies)
            out["reply_users"] = sorted({r.get("user", "") for r in replies})
            out["reply_users_count"] = len(out["reply_users"])
            if replies:
                out["latest_reply"] = replies[-1]["ts"]
        reactions = self._reactions.get((channel, out["ts"]), {})
        if any(reactions.values()):
            out["reactions"] = [{"name": n, "users": u, "count": len(u)} for n, u in reactions.items() if u]
        return out

    def _content(self, body: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]] | None, bool]:
        """Return (text, blocks, truncated) after Slack's checks on text, blocks and markdown_text."""
        text, markdown = body.get("text"), body.get("markdown_text")
        blocks = _parse_blocks(body.get("blocks"))
        if markdown:
            if text or blocks:
                raise SlackError("markdown_text_conflict")
            if len(markdown) > 12_000:
                raise SlackError("msg_too_long")
            text = markdown
        if not text and not blocks and not body.get("attachments"):
            raise SlackError("no_text")
        truncated = isinstance(text, str) and len(text) > TRUNCATED_TEXT_LIMIT
        return (text[:TRUNCATED_TEXT_LIMIT] if truncated and text else text), blocks, truncated

    def _own_message(self, body: dict[str, Any], forbidden: str) -> tuple[str, dict[str, Any]]:
        channel, ts = str(body.get("channel") or ""), str(body.get("ts") or "")
        if not channel:
            raise SlackError("channel_not_found")
        message = self._find(channel, ts)
        if message is None or message.get("subtype") == "tombstone":
            raise SlackError("message_not_found")
        if not self._is_bot(message):
            raise SlackError(forbidden)
        return channel, message

    # ----- Web API methods (called under the lock) -----

    def _m_auth_test(self, body: dict[str, Any]) -> dict[str, Any]:
        installed = self._workspace_auth_test()  # OAuth (addition): another workspace's token
        if installed is not None:
            return installed
        return {
            "url": "https://fake.slack.com/",
            "team": "Fake",
            "user": "summarizer",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
        }

    def _m_chat_postMessage(self, body: dict[str, Any]) -> dict[str, Any]:
        channel = str(body.get("channel") or "")
        if not channel:
            raise SlackError("channel_not_found")
        text, blocks, truncated = self._content(body)
        metadata = _parse_metadata(body.get("metadata"))
        message: dict[str, Any] = {
            "user": self.bot_user_id,
            "type": "message",
            "ts": self._claim_ts(None),
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "text": text or "",
            "team": self.team_id,
            "bot_profile": {
                "id": self.bot_id,
                "app_id": self.app_id,
                "name": "summarizer",
                "deleted": False,
                "team_id": self.team_id,
            },
        }
        if blocks is not None:
            message["blocks"] = blocks
        if body.get("attachments"):
            attachments = body["attachments"]
            message["attachments"] = json.loads(attachments) if isinstance(attachments, str) else attachments
        if metadata is not None:
            message["metadata"] = metadata
        self._store(channel, message, str(body["thread_ts"]) if body.get("thread_ts") else None)
        result: dict[str, Any] = {"channel": channel, "ts": message["ts"], "message": copy.deepcopy(message)}
        if truncated:
            result["warning"] = "message_truncated"
            result["response_metadata"] = {
                "warnings": ["message_truncated"],
                "messages": [
                    "[WARN] Your message was truncated but still posted. "
                    "The `text` field accepts up to 40,000 characters."
                ],
            }
        return result

    def _m_chat_update(self, body: dict[str, Any]) -> dict[str, Any]:
        channel, message = self._own_message(body, "cant_update_message")
        if self._live_stream(channel, message["ts"]) is not None:
            raise SlackError("streaming_state_conflict")
        text, blocks, truncated = self._content(body)
        if truncated:
            raise SlackError("msg_too_long")
        if text is not None:
            message["text"] = text
        if blocks is not None or "blocks" in body:
            message["blocks"] = blocks or []
        metadata = _parse_metadata(body.get("metadata"))
        if metadata is not None:
            message["metadata"] = metadata
        message["edited"] = {"user": self.bot_user_id, "ts": self._claim_ts(None)}
        hidden = {"ts", "thread_ts", "parent_user_id", "metadata"}
        shown = {k: v for k, v in message.items() if k not in hidden}
        ts = message["ts"]
        return {"channel": channel, "ts": ts, "text": message["text"], "message": copy.deepcopy(shown)}

    def _m_chat_delete(self, body: dict[str, Any]) -> dict[str, Any]:
        channel, message = self._own_message(body, "cant_delete_message")
        has_replies = len(self._thread_messages(channel, message["ts"])) > 1
        self._messages[channel].remove(message)
        self._reactions.pop((channel, message["ts"]), None)
        if has_replies:  # Slack keeps a tombstone so the thread survives its parent
            self._messages[channel].append(
                {
                    "type": "message",
                    "subtype": "tombstone",
                    "hidden": True,
                    "text": "This message was deleted.",
                    "user": "USLACKBOT",
                    "ts": message["ts"],
                    "thread_ts": message["ts"],
                }
            )
        return {"channel": channel, "ts": message["ts"]}

    def _reaction_target(self, body: dict[str, Any]) -> tuple[dict[str, list[str]], str]:
        name = str(body.get("name") or "")
        if not re.fullmatch(r"[a-z0-9_+'\-]+(::skin-tone-[2-6])?", name):
            raise SlackError("invalid_name")
        channel, ts = str(body.get("channel") or ""), str(body.get("timestamp") or "")
        if not channel or not ts:
            raise SlackError("no_item_specified")
        if self._find(channel, ts) is None:
            raise SlackError("message_not_found")
        return self._reactions.setdefault((channel, ts), {}), name

    def _m_reactions_add(self, body: dict[str, Any]) -> dict[str, Any]:
        reactions, name = self._reaction_target(body)
        users = reactions.setdefault(name, [])
        if self.bot_user_id in users:
            raise SlackError("already_reacted")
        users.append(self.bot_user_id)
        return {}

    def _m_reactions_remove(self, body: dict[str, Any]) -> dict[str, Any]:
        reactions, name = self._reaction_target(body)
        if self.bot_user_id not in reactions.get(name, []):
            raise SlackError("no_reaction")
        reactions[name].remove(self.bot_user_id)
        return {}

    def _m_conversations_replies(self, body: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(body.get("channel") or ""), str(body.get("ts") or "")
        target = self._find(channel, ts)
        if target is None:
            raise SlackError("thread_not_found")
        metadata = _truthy(body.get("include_all_metadata"))
        if target.get("thread_ts", ts) != ts:  # "ts: a thread's parent message or a message in the thread"
            target = self._find(channel, target["thread_ts"]) or target
        thread = self._thread_messages(channel, target["ts"])
        limit = max(1, min(int(body.get("limit") or 1000), 1000))
        start, cursor = 0, str(body.get("cursor") or "")
        if cursor:
            try:
                after = int(base64.b64decode(cursor).decode().removeprefix("next_ts:"))
            except ValueError:
                raise SlackError("invalid_cursor") from None
            start = next((i for i, m in enumerate(thread) if _ts_value(m["ts"]) >= after), len(thread))
        page = thread[start : start + limit]
        if start > 0:  # every page starts with the parent, as on real Slack
            page = [target, *page]
        rest = thread[start + limit :]
        cursor = base64.b64encode(f"next_ts:{_ts_value(rest[0]['ts'])}".encode()).decode() if rest else ""
        messages = [self._render(channel, m, metadata=metadata) for m in page]
        return {"messages": messages, "has_more": bool(rest), "response_metadata": {"next_cursor": cursor}}

    def _m_apps_connections_open(self, body: dict[str, Any]) -> dict[str, Any]:
        """Socket Mode (addition): the WebSocket URL to connect to, from `self.socket_url`."""
        if self.socket_url is None:
            raise SlackError("not_allowed")
        return {"url": self.socket_url}

    def _m_chat_postEphemeral(self, body: dict[str, Any]) -> dict[str, Any]:
        channel, user = str(body.get("channel") or ""), str(body.get("user") or "")
        if not channel:
            raise SlackError("channel_not_found")
        if not user:
            raise SlackError("user_not_in_channel")
        text, blocks, _ = self._content(body)
        self._ephemerals.append({"channel": channel, "user": user, "text": text or "", "blocks": blocks})
        return {"message_ts": self._claim_ts(None)}

    def _m_assistant_threads_setStatus(self, body: dict[str, Any]) -> dict[str, Any]:
        """Native status in a thread (scope chat:write since 2026-03); `status` "" clears it."""
        channel, thread_ts = str(body.get("channel_id") or ""), str(body.get("thread_ts") or "")
        if not channel or not thread_ts or "status" not in body:
            raise SlackError("invalid_arguments")
        if channel in self._outside:
            raise SlackError(self._outside[channel])
        self._statuses.setdefault((channel, thread_ts), []).append(str(body["status"]))
        return {}

    def _m_conversations_open(self, body: dict[str, Any]) -> dict[str, Any]:
        users = str(body.get("users") or "")
        if not users or "," in users:
            raise SlackError("user_not_found" if not users else "not_enough_users")
        return {"no_op": False, "already_open": False, "channel": {"id": "D" + users.removeprefix("U")}}

    def _m_files_info(self, body: dict[str, Any]) -> dict[str, Any]:
        stored = self._files.get(str(body.get("file") or ""))
        if stored is None:
            raise SlackError("file_not_found")
        return {"file": copy.deepcopy(stored[0]), "comments": [], "response_metadata": {"next_cursor": ""}}
