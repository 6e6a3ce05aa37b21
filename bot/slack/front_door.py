"""The HTTP front door of the web process: `/slack/events` to Bolt, `/healthz` for the platform.

Before Bolt sees a request, its body is size-capped, decoded as UTF-8 and its signature verified here;
a signed request whose event is malformed is answered 200 with `X-Slack-No-Retry: 1` (Bolt would
answer 404 or 500, and Slack would retry it again and again). No side effects at import time.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1_000_000
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def wsgi_app(app: App, *, signing_secret: str, healthy: Callable[[], bool]) -> WSGIApp:
    """WSGI entry: `/slack/events` to Bolt (behind the checks above), `/healthz` answers whether
    `healthy()` (Redis answering) holds: 200 or 503."""
    slack = SlackRequestHandler(app)
    verifier = SignatureVerifier(signing_secret)

    def respond(
        start_response: Callable[..., Any], status: str, body: bytes, *extra: tuple[str, str]
    ) -> list[bytes]:
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *extra]
        start_response(status, headers)
        return [body]

    def events(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            return respond(start_response, "413 Payload Too Large", b'{"error": "too large"}')
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return respond(start_response, "400 Bad Request", b'{"error": "invalid request"}')
        headers = {
            "x-slack-request-timestamp": environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
            "x-slack-signature": environ.get("HTTP_X_SLACK_SIGNATURE", ""),
        }
        if not verifier.is_valid_request(text, headers):
            return respond(start_response, "401 Unauthorized", b'{"error": "invalid request"}')
        if malformed_event(text):
            log.warning("ignoring a signed request with a malformed event")
            return respond(start_response, "200 OK", b"{}", ("X-Slack-No-Retry", "1"))
        environ["wsgi.input"] = io.BytesIO(raw)
        try:
            result: Iterable[bytes] = slack(environ, start_response)
            return result
        except Exception:
            log.exception("Bolt failed on a signed request")
            return respond(start_response, "200 OK", b"{}", ("X-Slack-No-Retry", "1"))

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == EVENTS_PATH:
            return events(environ, start_response)
        if path == "/healthz":
            try:
                up = healthy()
            except Exception:
                up = False
            body = json.dumps({"ok": up, "redis": "up" if up else "down"}).encode()
            return respond(start_response, "200 OK" if up else "503 Service Unavailable", body)
        return respond(start_response, "404 Not Found", b'{"error": "not found"}')

    return application


def malformed_event(text: str) -> bool:
    """True for a JSON event callback whose `event` is not an object with a string `type`."""
    if not text.lstrip().startswith("{"):
        return False
    try:
        body = json.loads(text)
    except ValueError:
        return True
    if not isinstance(body, dict):
        return True
    if body.get("type") != "event_callback":
        return False
    event = body.get("event")
    return not (isinstance(event, dict) and isinstance(event.get("type"), str) and event["type"])
