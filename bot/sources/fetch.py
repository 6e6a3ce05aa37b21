"""Download links and Slack files, safely. I/O only: what to do with the bytes is `bot.extract`'s job.

- Every hop of a redirect chain is checked (`bot.sources.netguard.check_url`), and every address a name
  resolves to is checked at connect time by `GuardedResolver`: the connection can only use addresses
  that passed, so DNS that changes between a check and the connect cannot slip through.
- The bot token is attached only for hosts in `FetchLimits.slack_file_hosts`, and dropped on a redirect
  to any other host.
- Size and time are capped; an HTML sign-in page served instead of a Slack file is reported as such.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.errors import (
    BlockedURLError,
    ContentTooLarge,
    FetchError,
    FilePermissionError,
    TransientError,
)
from bot.settings import FetchLimits, netloc_of
from bot.sources.netguard import INVALID, PublicTest, check_address, check_url, is_public_ip
from bot.text import human_size

MAX_REDIRECTS = 5
USER_AGENT = "summarizer-bot/0.1 (+https://github.com/; Slack summarizer)"
STATUS_HINTS = {
    401: "it needs a login",
    403: "the site refused access (it may need a login or block bots)",
    404: "the page was not found",
    410: "the page is gone",
    451: "the page is unavailable for legal reasons",
}


@dataclass(frozen=True)
class Fetched:
    """A downloaded body with the final URL (after redirects) and its declared content type."""

    url: str
    content_type: str | None
    data: bytes


class GuardedResolver(AbstractResolver):
    """Resolves names like the default resolver, then drops every address the guard refuses."""

    def __init__(
        self,
        *,
        allow_private: bool,
        inner: AbstractResolver | None = None,
        is_public: PublicTest = is_public_ip,
    ) -> None:
        self._inner = inner or aiohttp.ThreadedResolver()
        self._allow_private = allow_private
        self._is_public = is_public

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        allowed = []
        for result in results:
            try:
                check_address(result["host"], allow_private=self._allow_private, is_public=self._is_public)
            except BlockedURLError:
                continue
            allowed.append(result)
        if not allowed:
            raise BlockedURLError(detail=f"{host} resolves only to blocked addresses")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


def make_session(
    limits: FetchLimits,
    *,
    connections: int = 100,
    inner_resolver: AbstractResolver | None = None,
    is_public: PublicTest = is_public_ip,
) -> aiohttp.ClientSession:
    """The worker's one HTTP session (create inside the running event loop, close at shutdown), with at
    most `connections` open at once (the worker sizes it from its concurrency).

    `inner_resolver` and `is_public` exist for tests (a fake DNS; loopback playing the internet).
    """
    connector = aiohttp.TCPConnector(
        resolver=GuardedResolver(
            allow_private=limits.allow_private, inner=inner_resolver, is_public=is_public
        ),
        use_dns_cache=False,
        limit=connections,
    )
    timeout = aiohttp.ClientTimeout(total=limits.timeout_seconds, sock_connect=10)
    return aiohttp.ClientSession(
        connector=connector, timeout=timeout, headers={"User-Agent": USER_AGENT}, trust_env=False
    )


async def fetch(
    session: aiohttp.ClientSession,
    url: str,
    *,
    limits: FetchLimits,
    token: str | None = None,
    accept: str = "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5",
    is_public: PublicTest = is_public_ip,
) -> Fetched:
    """GET `url` following at most MAX_REDIRECTS redirects, each hop checked; body capped in size.

    `token`, when given, is sent as a Bearer token, but only to Slack's file hosts.
    Raises BlockedURLError, FetchError, ContentTooLarge, or TransientError (timeouts, 429, 5xx).
    """
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        trusted = netloc_of(current) in limits.slack_file_hosts
        if not trusted:
            check_url(current, allow_private=limits.allow_private, is_public=is_public)
        headers = {"Accept": accept}
        if token and trusted:
            headers["Authorization"] = f"Bearer {token}"
        try:
            async with session.get(current, headers=headers, allow_redirects=False) as response:
                if response.status in {301, 302, 303, 307, 308} and "Location" in response.headers:
                    current = urljoin(current, response.headers["Location"])
                    continue
                _raise_for_status(response.status, response.headers)
                data = await _read_capped(response, limits.max_bytes)
                return Fetched(
                    url=str(response.url), content_type=response.headers.get("Content-Type"), data=data
                )
        except BlockedURLError:
            raise
        except (aiohttp.InvalidURL, ValueError):  # what yarl cannot parse (a bad IDN label, say)
            raise BlockedURLError(INVALID, detail=f"unparsable URL {current!r}") from None
        except TimeoutError:
            raise TransientError(f"timed out fetching {current}") from None
        except aiohttp.ClientConnectorDNSError as exc:
            raise FetchError(
                "I couldn't find that website (its name doesn't resolve).", detail=str(exc)
            ) from None
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
            raise TransientError(f"connection failed: {exc}") from None
    raise FetchError(f"That link redirects more than {MAX_REDIRECTS} times, so I gave up on it.")


def _raise_for_status(status: int, headers: Any) -> None:
    if status < 400:
        return
    if status == 429 or status >= 500:
        retry_after = headers.get("Retry-After")
        hint = float(retry_after) if retry_after and retry_after.isdigit() else None
        raise TransientError(f"HTTP {status}", retry_after=hint)
    reason = STATUS_HINTS.get(status, "the site returned an error")
    raise FetchError(f"I couldn't open that link: it returned HTTP {status} ({reason}).")


async def _read_capped(response: aiohttp.ClientResponse, limit: int) -> bytes:
    declared = response.content_length
    too_big = f"I download at most {human_size(limit)} (SUMMARIZER_MAX_DOWNLOAD_BYTES)"
    if declared is not None and declared > limit:
        raise ContentTooLarge(f"That is {human_size(declared)}, too large: {too_big}.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(65536):
        size += len(chunk)
        if size > limit:
            raise ContentTooLarge(f"That is too large: {too_big}.")
        chunks.append(chunk)
    return b"".join(chunks)


def looks_like_signin_page(fetched: Fetched, *, expected_html: bool) -> bool:
    """True when Slack answered a file download with its HTML sign-in page (token or scope missing)."""
    head = fetched.data[:4096].lstrip().lower()
    is_html = (fetched.content_type or "").lower().startswith("text/html") or head.startswith(
        (b"<!doctype html", b"<html")
    )
    if not is_html:
        return False
    if not expected_html:
        return True
    return b"slack" in head and (b"sign in" in fetched.data.lower() or b"signin" in fetched.data.lower())


async def download_slack_file(
    session: aiohttp.ClientSession, url: str, *, limits: FetchLimits, token: str | None, expected_html: bool
) -> Fetched:
    """Download a Slack file with the bot token. Raises FilePermissionError on Slack's sign-in page."""
    if netloc_of(url) not in limits.slack_file_hosts:
        raise FetchError("That file is not hosted by Slack, so I won't download it with the bot's token.")
    fetched = await fetch(session, url, limits=limits, token=token, accept="*/*")
    if looks_like_signin_page(fetched, expected_html=expected_html):
        raise FilePermissionError()
    return fetched
