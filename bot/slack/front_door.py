"""The HTTP front door of the web process: `/slack/events` to Bolt, `/healthz` for the platform, and
with OAuth installs on, Bolt's install and redirect pages (`/slack/install`, `/slack/oauth_redirect`).

Before Bolt sees a request, its body is size-capped, decoded as UTF-8 and its signature verified here.
Every signed, well-formed request gets a 2xx: Slack disables an app's event subscription when too many
deliveries fail, and retries each failure. So a signed request whose event is malformed is answered 200
with `X-Slack-No-Retry: 1` (Bolt would answer 404 or 500), `app_rate_limited` (Slack telling us it
dropped events for a minute) is logged with that minute and acknowledged, and any signed request Bolt
does not route (its 404) is acknowledged quietly. No side effects at import time.
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
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def wsgi_app(app: App, *, signing_secret: str, healthy: Callable[[], bool]) -> WSGIApp:
    """WSGI entry: `/slack/events` to Bolt (behind the checks above), `/healthz` answers whether
    `healthy()` (Redis answering) holds: 200 or 503."""
    return FrontDoor(app, signing_secret=signing_secret, healthy=healthy)


class FrontDoor:
    """The WSGI application `wsgi_app` returns."""

    def __init__(self, app: App, *, signing_secret: str, healthy: Callable[[], bool]) -> None:
        self.slack = SlackRequestHandler(app)
        self.verifier = SignatureVerifier(signing_secret)
        self.healthy = healthy
        flow = app.oauth_flow
        self.oauth_paths = {flow.install_path, flow.redirect_uri_path} if flow is not None else set()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == EVENTS_PATH:
            return self.events(environ, start_response)
        if path in self.oauth_paths:  # a browser, not Slack: no signature; Bolt checks the OAuth state
            return self.slack(environ, start_response)
        if path == "/healthz":
            return self.health(start_response)
        return respond(start_response, "404 Not Found", b'{"error": "not found"}')

    def health(self, start_response: StartResponse) -> list[bytes]:
        try:
            up = self.healthy()
        except Exception:
            up = False
        body = json.dumps({"ok": up, "redis": "up" if up else "down"}).encode()
        return respond(start_response, "200 OK" if up else "503 Service Unavailable", body)

    def events(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
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
        if not self.verifier.is_valid_request(text, headers):
            return respond(start_response, "401 Unauthorized", b'{"error": "invalid request"}')
        if malformed_event(text):
            log.warning("ignoring a signed request with a malformed event")
            return respond(start_response, "200 OK", b"{}", ("X-Slack-No-Retry", "1"))
        kind, minute = envelope_type(text)
        if kind == "app_rate_limited":
            log.warning("Slack dropped event deliveries to this app in minute %s (app_rate_limited)", minute)
            return respond(start_response, "200 OK", b"{}")
        environ["wsgi.input"] = io.BytesIO(raw)
        return self.to_bolt(environ, start_response, kind=kind)

    def to_bolt(
        self, environ: dict[str, Any], start_response: StartResponse, *, kind: str | None
    ) -> list[bytes]:
        """Bolt's answer, except that a request it does not route (its 404) is acknowledged with a 200."""
        answer: list[Any] = []

        def capture(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            answer[:] = [status, headers]
            return lambda _data: None

        try:
            body = list(self.slack(environ, capture))
        except Exception:
            log.exception("Bolt failed on a signed request")
            return respond(start_response, "200 OK", b"{}", ("X-Slack-No-Retry", "1"))
        status, headers = answer
        if status.startswith("404"):
            log.info("acknowledged a signed %s request that no listener handles", kind or "non-JSON")
            return respond(start_response, "200 OK", b"{}")
        if status.startswith("5"):  # Bolt's own middleware failed before acknowledging
            log.error("Bolt answered %s to a signed %s request; acknowledged without retry", status, kind)
            return respond(start_response, "200 OK", b"{}", ("X-Slack-No-Retry", "1"))
        start_response(status, headers)
        return body


def respond(start_response: StartResponse, status: str, body: bytes, *extra: tuple[str, str]) -> list[bytes]:
    """Answer with a JSON `body` (and any `extra` headers)."""
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *extra]
    start_response(status, headers)
    return [body]


def malformed_event(text: str) -> bool:
    """True for a JSON body that is not an object, or carries an `event` that is not an object, or is an
    event callback whose `event` has no string `type`."""
    if not text.lstrip().startswith("{"):
        return False
    try:
        body = json.loads(text)
    except ValueError:
        return True
    if not isinstance(body, dict):
        return True
    if "event" in body and not isinstance(body["event"], dict):
        return True  # Bolt's middleware reads `event` as an object whatever the envelope type
    if body.get("type") != "event_callback":
        return False
    event = body.get("event")
    return not (isinstance(event, dict) and isinstance(event.get("type"), str) and event["type"])


def envelope_type(text: str) -> tuple[str | None, object]:
    """The `type` of a JSON request body (None for form-encoded or non-object bodies), and its
    `minute_rate_limited` (for `app_rate_limited`)."""
    if not text.lstrip().startswith("{"):
        return None, None
    try:
        body = json.loads(text)
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    kind = body.get("type")
    return (kind if isinstance(kind, str) else None), body.get("minute_rate_limited")
