"""A fake Anthropic Messages API (JSON and SSE streaming) for the real `anthropic` 2.x clients.

Point `anthropic.Anthropic(api_key=..., base_url=fake.url)` at it. Shapes follow PROTOCOL.md §7 and the
payload files. Reply text comes from scripted replies (FIFO) first, then from `fake.responder`.
Token counts are approximations: output ≈ words × 1.3, input ≈ characters / 4.
"""

from __future__ import annotations

import collections
import json
import math
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from tests.fakes.anthropic_citations import citable_documents, cited_blocks
from tests.fakes.http import DropConnection, FakeServer, Request, Response, json_response

Responder = Callable[[dict[str, Any]], str]

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    409: "conflict_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
ERROR_MESSAGES = {
    "invalid_request_error": "Invalid request",
    "authentication_error": "invalid x-api-key",
    "billing_error": "Your credit balance is too low",
    "conflict_error": "Conflict",
    "permission_error": "Your API key does not have permission to use the specified resource.",
    "not_found_error": "Not found",
    "request_too_large": "Request exceeds the maximum allowed number of bytes.",
    "rate_limit_error": "Number of request tokens has exceeded your per-minute rate limit",
    "api_error": "Internal server error",
    "overloaded_error": "Overloaded",
}
NUMBER_WORDS = {w: n for n, w in enumerate(("one", "two", "three", "four", "five", "six", "seven"), 1)}
OVERLOADED = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}


@dataclass
class _Failure:
    status: int
    retry_after: float | None
    error_type: str
    times: int


def approx_tokens(text: str) -> int:
    """Output tokens as the fake counts them: ceil(words × 1.3)."""
    return math.ceil(len(text.split()) * 1.3)


def _strings(value: Any) -> Iterator[str]:
    """Every string under a `text`, `data` or `content` key (or a bare string) in a request fragment."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key in ("text", "data", "content", "source"):
            if key in value:
                yield from _strings(value[key])


def count_input_tokens(request: dict[str, Any]) -> int:
    """Input tokens as the fake counts them: ceil(characters of all text / 4)."""
    chars = sum(len(s) for s in _strings(request.get("system")))
    chars += sum(len(s) for m in request.get("messages") or [] for s in _strings(m))
    return math.ceil(chars / 4)


MIN_CACHEABLE_TOKENS = 1024  # the smallest prefix the API caches (model-dependent; Sonnet's)
CACHE_TTL_SECONDS = 300  # the default "ephemeral" cache lifetime


def _cached_prefix(request: dict[str, Any]) -> str:
    """The text of the request's prefix up to (and including) the last block with `cache_control`, in the
    API's order (system, then messages); "" when no block asks to be cached."""
    blocks: list[tuple[str, bool]] = []
    system = request.get("system")
    for block in system if isinstance(system, list) else [system]:
        if isinstance(block, dict):
            blocks.append(("".join(_strings(block)), "cache_control" in block))
        elif isinstance(block, str):
            blocks.append((block, False))
    for message in request.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        for block in content if isinstance(content, list) else [content]:
            if isinstance(block, dict):
                blocks.append(("".join(_strings(block)), "cache_control" in block))
            elif isinstance(block, str):
                blocks.append((block, False))
    marked = [n for n, (_, cached) in enumerate(blocks) if cached]
    return "".join(text for text, _ in blocks[: marked[-1] + 1]) if marked else ""


def prompt_text(request: dict[str, Any]) -> str:
    """All the text of a recorded request's first user turn (its blocks joined), for assertions."""
    messages = request.get("messages") or [{}]
    return _content_text(messages[0].get("content"))


def _content_text(content: Any) -> str:
    """The text of a message's content; text-sourced document blocks are wrapped in <document> tags."""
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for block in content if isinstance(content, list) else []:
        if not isinstance(block, dict):
            continue
        source = block.get("source")
        if block.get("type") == "text":
            parts.append(str(block.get("text", "")))
        elif block.get("type") == "document" and isinstance(source, dict) and source.get("type") == "text":
            parts.append(f"<document>{source.get('data', '')}</document>")
    return "\n\n".join(parts)


def _sentences(text: str) -> list[str]:
    flat = " ".join(text.split())
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", flat) if s.strip()]
    return [" ".join(s.split()[:40]) for s in sentences]


def default_responder(request: dict[str, Any]) -> str:
    """A deterministic summary: N paragraphs ("exactly N paragraphs", else 2) of the document's sentences."""
    messages = request.get("messages") or []
    last_user = next((m for m in reversed(messages) if isinstance(m, dict) and m.get("role") == "user"), {})
    text = _content_text(last_user.get("content"))
    pattern = re.compile(r"<document\b[^>]*>(.*?)</document>", re.S)
    documents = [d for d in pattern.findall(text) if d.strip()]
    instructions = "\n".join([*_strings(request.get("system")), pattern.sub(" ", text)])
    found = re.search(r"exactly\s+(\d+|" + "|".join(NUMBER_WORDS) + r")\s+paragraphs?", instructions, re.I)
    count = 2
    if found:
        word = found.group(1).lower()
        count = max(1, int(word) if word.isdigit() else NUMBER_WORDS[word])
    sentences = _sentences("\n\n".join(documents) if documents else text) or ["Nothing to summarize."]
    if len(sentences) < count:
        return "\n\n".join(sentences[i % len(sentences)] for i in range(count))
    per, step = max(1, min(3, len(sentences) // count)), len(sentences) / count
    starts = [math.floor(i * step) for i in range(count)]
    return "\n\n".join(" ".join(sentences[s : s + per]) for s in starts)


def _blocks(text: str, documents: list[tuple[str, str | None]] | None) -> list[dict[str, Any]]:
    """The answer's content blocks: cited blocks when the request enabled citations, else one text block."""
    if not text:
        return []
    return cited_blocks(text, documents) if documents else [{"type": "text", "text": text}]


def _deltas(text: str) -> list[str]:
    """A block's text as the stream sends it: a few words a delta."""
    pieces = re.split(r"(?<=\s)(?=\S)", text) if text else []
    return ["".join(pieces[i : i + 3]) for i in range(0, len(pieces), 3)]


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


def _validate(body: Any, *, needs_max_tokens: bool) -> str | None:
    """Return the invalid_request_error message for a malformed body, or None."""
    if not isinstance(body, dict):
        return "There was an error parsing the body of your request."
    if not isinstance(body.get("model"), str):
        return "model: Field required"
    max_tokens = body.get("max_tokens")
    if needs_max_tokens:
        if not isinstance(max_tokens, int) or isinstance(max_tokens, bool):
            return "max_tokens: Field required"
        if max_tokens < 0:
            return "max_tokens: Input should be greater than or equal to 0"
    messages = body.get("messages")
    if not isinstance(messages, list):
        return "messages: Field required"
    if not messages:
        return "messages: at least one message is required"
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in {"user", "assistant", "system"}:
            return f"messages.{i}.role: Input should be 'user' or 'assistant'"
        if not isinstance(message.get("content"), str | list):
            return f"messages.{i}.content: Field required"
    if "stream" in body and not isinstance(body["stream"], bool):
        return "stream: Input should be a valid boolean"
    return None


class FakeAnthropic(FakeServer):
    """The fake Messages API: records requests, answers in JSON or SSE, fails and stalls on request."""

    def __init__(self, *, api_key: str | None = None, responder: Responder = default_responder) -> None:
        super().__init__()
        self.api_key = api_key
        self.responder: Responder = responder
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], float] = {}  # (model, cached prefix) → expiry
        self._usages: list[dict[str, int]] = []
        self._requests: list[dict[str, Any]] = []
        self._count_requests: list[dict[str, Any]] = []
        self._scripted: collections.deque[str] = collections.deque()
        self._failures: list[_Failure] = []
        self._mid_stream_errors = 0
        self._delay, self._delay_times = 0.0, 0
        self._pace = 0.0
        self._seq = 0
        self._refuse_citations = False
        self._cut_streams = 0
        self._in_flight = 0
        self.max_in_flight = 0  # the most /v1/messages requests answered at the same time

    # ----- test-facing helpers -----

    def cut_streams(self, times: int = 1) -> None:
        """End the next `times` streams cleanly halfway, before `message_delta` and `message_stop` (as a
        proxy that closes a long response may)."""
        with self._lock:
            self._cut_streams += times

    @property
    def usages(self) -> list[dict[str, int]]:
        """The usage reported for each answered request, in order (cache writes and reads included)."""
        with self._lock:
            return [dict(u) for u in self._usages]

    def script(self, *texts: str) -> None:
        """Queue replies used before the responder, first in first out."""
        with self._lock:
            self._scripted.extend(texts)

    def fail_next(
        self, *, status: int, times: int = 1, retry_after: float | None = None, error_type: str | None = None
    ) -> None:
        """Make the next `times` /v1/messages requests fail with `status` and the matching error body."""
        fallback = "api_error" if status >= 500 else "invalid_request_error"
        kind = error_type or ERROR_TYPES.get(status, fallback)
        with self._lock:
            self._failures.append(_Failure(status, retry_after, kind, times))

    def error_mid_stream(self, times: int = 1) -> None:
        """Make the next `times` streaming requests send some text, then an overloaded `event: error`."""
        with self._lock:
            self._mid_stream_errors += times

    def delay(self, seconds: float, *, times: int | None = None) -> None:
        """Wait `seconds` before answering the next `times` requests (None: every request until delay(0))."""
        with self._lock:
            self._delay, self._delay_times = seconds, -1 if times is None else times

    def refuse_citations(self) -> None:
        """Answer a request that enables citations with 400, as for a model that does not support them."""
        with self._lock:
            self._refuse_citations = True

    def pace(self, seconds: float) -> None:
        """Stream each text delta `seconds` after the previous one (a model writing at a given speed)."""
        with self._lock:
            self._pace = seconds

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every POST /v1/messages as {"path", "json", "headers", "at"} (lower-cased header names; `at` the
        wall-clock time it arrived), oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def count_requests(self) -> list[dict[str, Any]]:
        """Every POST /v1/messages/count_tokens, recorded like `requests`."""
        with self._lock:
            return list(self._count_requests)

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Poll until `count` /v1/messages requests arrived, then return them; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while len(found := self.requests) < count:
            if time.monotonic() >= deadline:
                raise AssertionError(f"wanted {count} Messages request(s) in {timeout}s; got {len(found)}")
            time.sleep(0.02)
        return found

    def reset(self) -> None:
        """Forget requests, scripted replies, failures and delays; restore the default responder."""
        with self._lock:
            self._requests.clear()
            self._count_requests.clear()
            self._scripted.clear()
            self._failures.clear()
            self._mid_stream_errors, self._delay, self._delay_times = 0, 0.0, 0
            self.responder = default_responder

    # ----- HTTP -----

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            self._seq += 1
            return f"{prefix}_01Fake{self._seq:018d}"

    def _error(self, status: int, kind: str, message: str | None = None, **headers: str) -> Response:
        request_id = self._next_id("req")
        error = {"type": kind, "message": message or ERROR_MESSAGES.get(kind, kind)}
        body = {"type": "error", "error": error, "request_id": request_id}
        return json_response(body, status=status, headers={"request-id": request_id, **headers})

    def handle(self, request: Request) -> Response:
        if request.method != "POST" or request.path not in {"/v1/messages", "/v1/messages/count_tokens"}:
            return self._error(404, "not_found_error", f"Not found: {request.method} {request.path}")
        try:
            body: Any = json.loads(request.body or b"null")
        except ValueError:
            body = None
        record = {"path": request.path, "json": body, "headers": dict(request.headers), "at": time.time()}
        is_count = request.path.endswith("/count_tokens")
        with self._lock:
            (self._count_requests if is_count else self._requests).append(record)
        bearer = (request.header("authorization") or "").removeprefix("Bearer ").strip()
        key = request.header("x-api-key") or bearer
        if not key:
            return self._error(401, "authentication_error", "x-api-key header is required")
        if self.api_key is not None and key != self.api_key:
            return self._error(401, "authentication_error", "invalid x-api-key")
        if not is_count and (failure := self._take_failure()) is not None:
            extra = {} if failure.retry_after is None else {"retry-after": f"{failure.retry_after:g}"}
            return self._error(failure.status, failure.error_type, **extra)
        problem = _validate(body, needs_max_tokens=not is_count)
        if problem is not None:
            return self._error(400, "invalid_request_error", problem)
        if is_count:
            return json_response({"input_tokens": count_input_tokens(body)})
        try:
            documents = citable_documents(body)
        except ValueError as exc:
            return self._error(400, "invalid_request_error", str(exc))
        if documents is not None and self._refuse_citations:
            return self._error(400, "invalid_request_error", "Citations are not supported for this model.")
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        streamed = False
        try:
            self._wait_if_delayed()
            if not body.get("stream"):
                return self._message(body, documents)
            response = self._stream(body, documents)
            response.body, streamed = self._counted(response.body), True
            return response
        finally:
            if not streamed:
                self._done()

    def _done(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _counted(self, chunks: Any) -> Iterator[bytes]:
        """A stream's chunks; the request is in flight until the last is sent (or the client went)."""
        try:
            yield from chunks
        finally:
            self._done()

    def _take_failure(self) -> _Failure | None:
        with self._lock:
            failure = next((f for f in self._failures if f.times > 0), None)
            if failure is not None:
                failure.times -= 1
            return failure

    def _wait_if_delayed(self) -> None:
        with self._lock:
            seconds = self._delay if self._delay_times != 0 else 0.0
            if self._delay_times > 0:
                self._delay_times -= 1
        if not self.sleep(seconds):
            raise DropConnection  # stopped while holding the answer: the client sees the connection go

    def _generate(self, body: dict[str, Any]) -> tuple[str, str, str | None, int]:
        """Return (text, stop_reason, stop_sequence, output_tokens) for a valid request."""
        with self._lock:
            scripted = self._scripted.popleft() if self._scripted else None
        text = scripted if scripted is not None else self.responder(body)
        stop_reason, stop_sequence = "end_turn", None
        stops = [s for s in body.get("stop_sequences") or [] if isinstance(s, str) and s]
        hits = [(text.find(s), s) for s in stops if s in text]
        if hits:
            index, stop_sequence = min(hits)
            text, stop_reason = text[:index], "stop_sequence"
        max_tokens: int = body["max_tokens"]
        if approx_tokens(text) > max_tokens:
            words = list(re.finditer(r"\S+", text))
            keep = math.floor(max_tokens / 1.3)
            text = text[: words[keep - 1].end()] if keep > 0 else ""
            return text, "max_tokens", None, max_tokens
        return text, stop_reason, stop_sequence, approx_tokens(text)

    def _usage(self, body: dict[str, Any], output_tokens: int) -> dict[str, Any]:
        """Usage as the API reports it, prompt caching included: the prefix up to the last block marked
        `cache_control` is written to the cache (at least MIN_CACHEABLE_TOKENS long) or, when the same
        prefix was cached within CACHE_TTL_SECONDS, read from it."""
        total = count_input_tokens(body)
        prefix = _cached_prefix(body)
        written = read = 0
        tokens = math.ceil(len(prefix) / 4)
        if prefix and tokens >= MIN_CACHEABLE_TOKENS:
            key = (str(body.get("model")), prefix)
            with self._lock:
                now = time.monotonic()
                if self._cache.get(key, 0.0) > now:
                    read = tokens
                else:
                    written = tokens
                self._cache[key] = now + CACHE_TTL_SECONDS
        usage = {
            "input_tokens": total - written - read,
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": written,
            "cache_read_input_tokens": read,
        }
        with self._lock:
            self._usages.append(usage)
        return usage

    def _message(self, body: dict[str, Any], documents: list[tuple[str, str | None]] | None) -> Response:
        text, stop_reason, stop_sequence, output_tokens = self._generate(body)
        message = {
            "id": self._next_id("msg"),
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": _blocks(text, documents),
            "stop_reason": stop_reason,
            "stop_sequence": stop_sequence,
            "usage": self._usage(body, output_tokens),
        }
        return json_response(message, headers={"request-id": self._next_id("req")})

    def _stream(self, body: dict[str, Any], documents: list[tuple[str, str | None]] | None) -> Response:
        text, stop_reason, stop_sequence, output_tokens = self._generate(body)
        with self._lock:
            fail = self._mid_stream_errors > 0
            self._mid_stream_errors -= 1 if fail else 0
            cut = self._cut_streams > 0
            self._cut_streams -= 1 if cut else 0
            pace = self._pace
        start = {
            "id": self._next_id("msg"),
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": self._usage(body, 1),
        }
        blocks = _blocks(text, documents)
        total = sum(len(_deltas(b["text"])) for b in blocks)

        def events() -> Iterator[bytes]:
            yield _sse("message_start", {"type": "message_start", "message": start})
            if not blocks:
                yield _sse("ping", {"type": "ping"})
            sent = 0
            for index, block in enumerate(blocks):
                opened = {"type": "text", "text": ""}
                yield _sse(
                    "content_block_start",
                    {"type": "content_block_start", "index": index, "content_block": opened},
                )
                if index == 0:  # the API pings after the first block opens
                    yield _sse("ping", {"type": "ping"})
                for citation in block.get("citations") or []:
                    delta = {"type": "citations_delta", "citation": citation}
                    yield _sse(
                        "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}
                    )
                for piece in _deltas(block["text"]):
                    if fail and sent >= max(1, total // 2):
                        yield _sse("error", OVERLOADED)
                        return
                    if cut and sent >= max(1, total // 2):
                        return  # the body ends here, cleanly: no message_delta, no message_stop
                    if pace and sent:
                        time.sleep(pace)
                    sent += 1
                    delta = {"type": "text_delta", "text": piece}
                    yield _sse(
                        "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}
                    )
                yield _sse("content_block_stop", {"type": "content_block_stop", "index": index})
            if fail:
                yield _sse("error", OVERLOADED)
                return
            stop = {"stop_reason": stop_reason, "stop_sequence": stop_sequence}
            usage = {"output_tokens": output_tokens}
            yield _sse("message_delta", {"type": "message_delta", "delta": stop, "usage": usage})
            yield _sse("message_stop", {"type": "message_stop"})

        headers = {
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-cache",
            "request-id": self._next_id("req"),
        }
        if fail:
            headers["Connection"] = "close"
        return Response(200, headers, events())
