"""A static fake web site serving pages, files and redirects, recording every request with its headers."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from tests.fakes.http import FakeServer, Request, Response

NOT_FOUND_PAGE = b"<!DOCTYPE html>\n<html><head><title>Not Found</title></head><body>Not Found</body></html>"


@dataclass(frozen=True)
class WebRequest:
    """One request the site received; header names are lower-cased, `path` includes any query string."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass(frozen=True)
class _Page:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class FakeWeb(FakeServer):
    """Serves registered paths (path with query first, then the bare path); anything else is a 404."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._pages: dict[str, _Page] = {}
        self._requests: list[WebRequest] = []

    def add(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        """Serve `body` at `path` (e.g. "/article" or "/a?x=1") and return its absolute URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self._pages[path] = _Page(status, content_type, data, dict(headers or {}))
        return self.url_for(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        """Answer `path` with a redirect to `to` (a path on this site or an absolute URL); returns the URL."""
        location = to if "://" in to else self.url_for(to)
        return self.add(path, b"", "text/html; charset=utf-8", status, {"Location": location})

    def url_for(self, path: str) -> str:
        """The absolute URL of a path on this site."""
        return self.url + (path if path.startswith("/") else "/" + path)

    @property
    def requests(self) -> list[WebRequest]:
        """Every request received, oldest first."""
        with self._lock:
            return list(self._requests)

    def requests_for(self, path: str) -> list[WebRequest]:
        """The requests whose path (without the query string) is `path`."""
        return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    def reset(self) -> None:
        """Forget every page and recorded request."""
        with self._lock:
            self._pages.clear()
            self._requests.clear()

    def handle(self, request: Request) -> Response:
        full = request.target
        with self._lock:
            self._requests.append(WebRequest(request.method, full, dict(request.headers), request.body))
            page = self._pages.get(full) or self._pages.get(request.path)
        if page is None:
            return Response(404, {"Content-Type": "text/html; charset=utf-8"}, NOT_FOUND_PAGE)
        return Response(page.status, {"Content-Type": page.content_type, **page.headers}, page.body)
