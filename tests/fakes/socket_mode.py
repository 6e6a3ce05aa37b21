"""A fake Slack Socket Mode server: a real RFC 6455 WebSocket server on 127.0.0.1 (aiohttp, own thread).

Point `FakeSlack.socket_url` at `server.url` so that `apps.connections.open` hands it to the client. On
each connection the server sends a `hello` frame; `deliver()` sends an `events_api` envelope shaped like
PROTOCOL.md §1.14 and the payload files, and every `{"envelope_id": ...}` frame the client sends back is
recorded as an ack (`wait_for_ack`). `stop()` closes every WebSocket, the listener and the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import WSMsgType, web

T = TypeVar("T")
LINK_PATH = "/link/"
# How long the server waits for the client's answering close frame. slack_sdk's builtin client never
# sends one (it just drops the TCP connection), so a short wait keeps stop() fast.
CLOSE_TIMEOUT = 0.5
# Slack pings its Socket Mode clients. Here it also matters for speed: slack_sdk's builtin client blocks in
# recv() (3 s socket timeout) while holding the lock that close()/reconnect need, so without traffic every
# close or reconnect stalls for up to 3 s.
PING_INTERVAL = 0.2


@dataclass(frozen=True)
class Handshake:
    """One WebSocket upgrade request as the server received it; header names are lower-cased."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]


def hello_frame(app_id: str, num_connections: int) -> dict[str, Any]:
    """The `hello` control frame Slack sends first on every connection (payload file, verbatim shape)."""
    return {
        "type": "hello",
        "num_connections": num_connections,
        "debug_info": {"host": "applink-fake", "build_number": 10, "approximate_connection_time": 18060},
        "connection_info": {"app_id": app_id},
    }


def events_api_envelope(
    payload: dict[str, Any], *, envelope_id: str, retry_attempt: int = 0, retry_reason: str = ""
) -> dict[str, Any]:
    """An `events_api` envelope exactly as Slack frames an Events API body over Socket Mode."""
    return {
        "envelope_id": envelope_id,
        "payload": copy.deepcopy(payload),
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": retry_attempt,
        "retry_reason": retry_reason,
    }


class FakeSocketMode:
    """The Socket Mode WebSocket endpoint: hello on connect, envelopes on demand, acks recorded."""

    def __init__(self, *, app_id: str = "A0FAKE", ping_interval: float | None = PING_INTERVAL) -> None:
        self.app_id = app_id
        self.ping_interval = ping_interval
        self.ticket = uuid.uuid4().hex
        self._cond = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._handshakes: list[Handshake] = []
        self._acks: dict[str, dict[str, Any]] = {}
        self._received: list[Any] = []
        self._sent: list[dict[str, Any]] = []
        self.errors: list[BaseException] = []

    # ----- lifecycle -----

    @property
    def url(self) -> str:
        """The ws:// URL that `apps.connections.open` returns (same shape as Slack's `/link/?ticket=`)."""
        if self._port is None:
            raise RuntimeError("FakeSocketMode is not started")
        return f"ws://127.0.0.1:{self._port}{LINK_PATH}?ticket={self.ticket}&app_id={self.app_id}"

    def start(self) -> Self:
        """Bind a free port and serve from a daemon thread with its own event loop; returns self."""
        if self._thread is not None:
            raise RuntimeError("FakeSocketMode is already started")
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        self._loop = loop
        self._thread = threading.Thread(
            target=self._run, args=(loop, ready), daemon=True, name="fake-socket-mode"
        )
        self._thread.start()
        if not ready.wait(10) or self._port is None:
            self.stop()
            raise RuntimeError(f"FakeSocketMode did not start: {self.errors!r}")
        return self

    def stop(self) -> None:
        """Close every WebSocket and the listener, stop the loop and join its thread; idempotent."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if loop.is_running():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._loop = self._thread = None
        self._port = None

    def __enter__(self) -> Self:
        if self._thread is None:
            self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _run(self, loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve())
            ready.set()
            loop.run_forever()
        except BaseException as exc:  # surfaced by start(); a thread must not die with a traceback
            self.errors.append(exc)
        finally:
            ready.set()
            with contextlib.suppress(Exception):
                loop.run_until_complete(self._shutdown())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_get(LINK_PATH, self._websocket)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = runner.addresses[0][1]

    async def _shutdown(self) -> None:
        with self._cond:
            sockets = list(self._sockets)
        for ws in sockets:
            with contextlib.suppress(Exception):
                await ws.close(code=1001, message=b"server shutdown")
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(timeout=CLOSE_TIMEOUT, autoping=True, compress=False)
        await ws.prepare(request)
        with self._cond:
            self._handshakes.append(
                Handshake(
                    request.path, dict(request.query), {k.lower(): v for k, v in request.headers.items()}
                )
            )
            hello = hello_frame(self.app_id, len(self._sockets) + 1)
        await ws.send_str(json.dumps(hello))
        with self._cond:
            self._sent.append(hello)
            self._sockets.append(ws)
            self._cond.notify_all()
        pinger = asyncio.create_task(self._ping(ws)) if self.ping_interval else None
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    self._record(message.data)
        finally:
            if pinger is not None:
                pinger.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pinger
            with self._cond:
                if ws in self._sockets:
                    self._sockets.remove(ws)
                self._cond.notify_all()
        return ws

    async def _ping(self, ws: web.WebSocketResponse) -> None:
        assert self.ping_interval is not None
        while not ws.closed:
            await asyncio.sleep(self.ping_interval)
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.ping(b"fake-slack-ping")

    def _record(self, text: str) -> None:
        try:
            frame: Any = json.loads(text)
        except ValueError:
            frame = text
        with self._cond:
            self._received.append(frame)
            if isinstance(frame, dict) and isinstance(frame.get("envelope_id"), str):
                self._acks.setdefault(frame["envelope_id"], frame)
            self._cond.notify_all()

    # ----- test-facing helpers -----

    @property
    def handshakes(self) -> list[Handshake]:
        """Every WebSocket upgrade request received, oldest first."""
        with self._cond:
            return list(self._handshakes)

    @property
    def connections(self) -> int:
        """How many WebSocket connections are open now (each got its hello)."""
        with self._cond:
            return len(self._sockets)

    @property
    def sent(self) -> list[dict[str, Any]]:
        """Every frame the server sent (hello, envelopes, control frames), oldest first."""
        with self._cond:
            return copy.deepcopy(self._sent)

    @property
    def received(self) -> list[Any]:
        """Every text frame the client sent (parsed JSON, or the raw text), oldest first."""
        with self._cond:
            return copy.deepcopy(self._received)

    @property
    def acks(self) -> dict[str, dict[str, Any]]:
        """The first ack frame received per envelope_id."""
        with self._cond:
            return copy.deepcopy(self._acks)

    def wait_for_connection(self, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until `count` connections are open (hello sent); AssertionError after `timeout`."""
        self._wait(lambda: len(self._sockets) >= count, timeout, f"{count} Socket Mode connection(s)")

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """Wait for the client's ack of `envelope_id` and return the ack frame."""
        self._wait(lambda: envelope_id in self._acks, timeout, f"an ack of envelope {envelope_id}")
        with self._cond:
            return copy.deepcopy(self._acks[envelope_id])

    def deliver(
        self,
        payload: dict[str, Any],
        *,
        retry_attempt: int = 0,
        retry_reason: str | None = None,
        envelope_id: str | None = None,
        timeout: float = 5.0,
    ) -> str:
        """Send an Events API body in an `events_api` envelope on the newest connection; return its id.

        A retry (`retry_attempt` > 0) gets `retry_reason` "timeout" unless told otherwise, and a fresh
        envelope_id unless one is given.
        """
        envelope_id = envelope_id or str(uuid.uuid4())
        reason = retry_reason if retry_reason is not None else ("timeout" if retry_attempt else "")
        envelope = events_api_envelope(
            payload, envelope_id=envelope_id, retry_attempt=retry_attempt, retry_reason=reason
        )
        self.send(envelope, timeout=timeout)
        return envelope_id

    def send(self, frame: dict[str, Any], *, timeout: float = 5.0) -> None:
        """Send any JSON frame (e.g. a `disconnect`) on the newest open connection."""
        self.wait_for_connection(1, timeout)
        with self._cond:
            ws = self._sockets[-1]
        self._call(ws.send_str(json.dumps(frame)), timeout)
        with self._cond:
            self._sent.append(copy.deepcopy(frame))

    def send_disconnect(self, reason: str = "refresh_requested", *, timeout: float = 5.0) -> None:
        """Send the `disconnect` control frame Slack sends before it drops a connection."""
        frame = {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake"}}
        self.send(frame, timeout=timeout)

    def _call(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        if self._loop is None or not self._loop.is_running():
            coro.close()
            raise RuntimeError("FakeSocketMode is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def _wait(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"wanted {what} within {timeout}s; received {self._received!r}")
                self._cond.wait(left)
