"""A tiny threaded HTTP/1.1 server on 127.0.0.1 that the fake Slack, Anthropic and web servers build on.

Subclasses implement `handle(request) -> Response`. A `Response` body is either bytes (sent with
`Content-Length`) or an iterable of byte chunks (sent with `Transfer-Encoding: chunked`, flushed per chunk,
which is how the SSE stream is served). `stop()` closes the listening socket and every kept-alive
connection, and joins the handler threads, so no socket outlives the server.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit


class DropConnection(Exception):
    """Raised by a fake's handle() to close the connection without answering (a crash or a cut cable)."""


@dataclass(frozen=True)
class Request:
    """One parsed HTTP request; header names are lower-cased, `target` is the raw path with its query."""

    method: str
    target: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        """Return a header value by case-insensitive name, or None."""
        return self.headers.get(name.lower())


@dataclass
class Response:
    """What a fake answers: bytes are sent with Content-Length, an iterable of chunks is sent chunked."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""


def json_response(
    obj: Any,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    content_type: str = "application/json",
) -> Response:
    """Build a JSON response with the given content type and extra headers."""
    return Response(
        status=status,
        headers={"Content-Type": content_type, **(headers or {})},
        body=json.dumps(obj).encode("utf-8"),
    )


class _Server(ThreadingHTTPServer):
    """A ThreadingHTTPServer that remembers its live connections so that stop() can close them."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # a loaded machine's bursts of connections must not overflow the backlog

    def __init__(self, owner: FakeServer) -> None:
        self.owner = owner
        self._live: dict[threading.Thread, socket.socket] = {}
        self._live_lock = threading.Lock()
        self.accepted = 0  # TCP connections accepted so far (keep-alive clients open few)
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection, args=(request, client_address), daemon=True, name="fake-http-conn"
        )
        with self._live_lock:
            self._live[thread] = request
            self.accepted += 1
        thread.start()

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._live_lock:
                self._live.pop(threading.current_thread(), None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):  # the client went away: normal for keep-alive and aborted streams
            return
        super().handle_error(request, client_address)

    def close_connections(self, timeout: float = 2.0) -> None:
        """Shut down every live connection, then wait for its handler thread to close it."""
        with self._live_lock:
            live = list(self._live.items())
        for _, sock in live:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread, _ in live:
            thread.join(timeout)


class _Handler(BaseHTTPRequestHandler):
    """Parses a request, asks the owning fake for a Response and writes it as HTTP/1.1."""

    protocol_version = "HTTP/1.1"
    # TCP_NODELAY, as real servers send server-sent events: without it, each small chunk after the
    # headers waits for the client's delayed ACK (~40 ms a stream: Nagle's algorithm)
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self) -> None:
        body = self._read_body()
        split = urlsplit(self.path)
        request = Request(
            method=self.command,
            target=self.path,
            path=split.path,
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        try:
            response = self.server.owner.handle(request)
        except DropConnection:
            self.close_connection = True
            return
        except Exception as exc:  # a bug in a fake must be loud in the test output, not a hung client
            self.server.owner.errors.append(exc)
            traceback.print_exc()
            response = Response(500, {"Content-Type": "text/plain"}, f"fake server bug: {exc!r}".encode())
        self._send(response)

    def _send(self, response: Response) -> None:
        names = {name.lower() for name in response.headers}
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.headers.get("Connection", response.headers.get("connection", "")).lower() == "close":
            self.close_connection = True
        body = response.body
        try:
            if isinstance(body, bytes):
                if "content-length" not in names:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
                self.wfile.flush()
                return
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            for chunk in body:
                if chunk:
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:  # the client hung up mid-response
            self.close_connection = True


class FakeServer:
    """Base of the fakes: serves `handle()` on 127.0.0.1:<free port> from a daemon thread."""

    def __init__(self) -> None:
        self._httpd: _Server | None = None
        self._serve_thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.errors: list[Exception] = []

    def handle(self, request: Request) -> Response:
        """Answer one request; subclasses override this."""
        raise NotImplementedError

    @property
    def url(self) -> str:
        """The base URL, e.g. "http://127.0.0.1:54321" (no trailing slash)."""
        if self._httpd is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def connections(self) -> int:
        """How many TCP connections clients opened to this server since it started."""
        return self._httpd.accepted if self._httpd is not None else 0

    def start(self) -> Self:
        """Bind a free port and serve in a daemon thread; returns self."""
        if self._httpd is not None:
            raise RuntimeError(f"{type(self).__name__} is already started")
        self._stopping.clear()
        self._httpd = _Server(self)
        self._serve_thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True, name="fake-http"
        )
        self._serve_thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the listening socket and all open connections; idempotent."""
        server, thread = self._httpd, self._serve_thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        server.close_connections()
        if thread is not None:
            thread.join(5.0)
        self._httpd = self._serve_thread = None

    def sleep(self, seconds: float) -> bool:
        """Wait up to `seconds`, cut short by stop(); returns False if the server is stopping."""
        return not self._stopping.wait(seconds) if seconds > 0 else not self._stopping.is_set()

    def __enter__(self) -> Self:
        if self._httpd is None:
            self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
