"""A source (a shared link, a Slack file, pasted text, a local file) → its bytes and what is known about
them (`Loaded`) → the extracted `Document`.

Downloads go through `bot.sources.fetch` with the retry policy (a site that keeps failing becomes a
`FetchError` saying how often it was tried). Extraction is CPU work, so it never runs on the event loop
(which must keep serving other jobs and renewing leases): the worker parses in the child processes of
its `ExtractPool` (a parser's native crash costs one attempt of one job); other callers, such as the CLI,
in a thread.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bot.errors import ContentTooLarge, FetchError, TransientError, UnsupportedContent
from bot.extract import extract
from bot.extract.pool import ExtractPool
from bot.models import Document, Origin
from bot.queue.jobs import SlackFile
from bot.retry import RetryPolicy, retrying
from bot.settings import ExtractLimits, FetchLimits
from bot.sources.fetch import Fetched, download_slack_file, fetch
from bot.text import human_size

DOWNLOAD_POLICY = RetryPolicy(attempts=3, base_delay=1.0, max_delay=10.0)
PASTED_LABEL = "your text"
FileInfo = Callable[[str], Awaitable[Mapping[str, Any]]]


@dataclass(frozen=True)
class Loaded:
    """Bytes to extract, with what `bot.extract.extract` needs to know about them."""

    data: bytes
    label: str
    origin: Origin
    content_type: str | None = None
    filename: str | None = None
    url: str | None = None


def pasted(text: str | bytes, *, url: str | None = None) -> Loaded:
    """Text pasted into Slack (or piped to the CLI, as bytes in any encoding); `url`, when given, is the
    page it came from."""
    return Loaded(
        data=text if isinstance(text, bytes) else text.encode(),
        label=PASTED_LABEL,
        origin="link" if url else "pasted",
        content_type="text/plain",
        url=url,
    )


def local_file(path: Path, *, max_bytes: int, url: str | None = None) -> Loaded:
    """A file on disk (the CLI), refused past `max_bytes` as a download would be."""
    if not path.is_file():
        raise UnsupportedContent(f"No such file: {path}")
    size = path.stat().st_size
    if size > max_bytes:
        raise ContentTooLarge(f"{path.name} is {size:,} bytes; I read files of at most {max_bytes:,} bytes.")
    return Loaded(data=path.read_bytes(), label=path.name, origin="file", filename=path.name, url=url)


async def link(
    http: aiohttp.ClientSession, url: str, *, limits: FetchLimits, policy: RetryPolicy = DOWNLOAD_POLICY
) -> Loaded:
    """A shared link, downloaded (retried while the site answers with transient failures)."""
    fetched = await _downloaded(lambda: fetch(http, url, limits=limits), policy=policy)
    return Loaded(
        data=fetched.data, label=url, origin="link", content_type=fetched.content_type, url=fetched.url
    )


async def slack_file(
    http: aiohttp.ClientSession,
    file: SlackFile,
    *,
    limits: FetchLimits,
    token: str | None,
    file_info: FileInfo,
    policy: RetryPolicy = DOWNLOAD_POLICY,
) -> Loaded:
    """A file shared in Slack, downloaded with the bot token. `file_info` (files.info) is asked first when
    the event did not carry a download link (`file_access: check_file_info`)."""
    url = file.url_private_download
    if not url:
        info = await file_info(file.id)
        url = info.get("url_private_download") or info.get("url_private")
        file = SlackFile(
            id=file.id,
            name=str(info.get("name") or file.name),
            mimetype=info.get("mimetype"),
            filetype=info.get("filetype"),
            size=info.get("size"),
            url_private_download=url,
        )
    if not url:
        raise FetchError("Slack didn't give me a download link for that file.")
    if file.size and file.size > limits.max_bytes:
        limit = human_size(limits.max_bytes)
        raise ContentTooLarge(f"That file is {human_size(file.size)}; I read files of at most {limit}.")
    expected_html = (file.filetype or "") == "html" or (file.mimetype or "").startswith("text/html")
    download = url
    fetched = await _downloaded(
        lambda: download_slack_file(http, download, limits=limits, token=token, expected_html=expected_html),
        policy=policy,
    )
    return Loaded(
        data=fetched.data,
        label=file.name,
        origin="file",
        content_type=fetched.content_type or file.mimetype,
        filename=file.name,
    )


async def document(loaded: Loaded, *, limits: ExtractLimits, pool: ExtractPool | None = None) -> Document:
    """The `Document` of `loaded`, extracted in a child process of `pool`, or without one in a thread.
    Raises extraction's user-facing errors, and with a pool `ExtractionCrashed` (a `RetryLater`) when
    the child parsing it died."""
    about: dict[str, Any] = {
        "content_type": loaded.content_type,
        "filename": loaded.filename,
        "url": loaded.url,
        "label": loaded.label,
        "origin": loaded.origin,
        "limits": limits,
    }
    if pool is not None:
        return await pool.extract(loaded.data, **about)
    return await asyncio.to_thread(functools.partial(extract, loaded.data, **about))


async def _downloaded(call: Callable[[], Awaitable[Fetched]], *, policy: RetryPolicy) -> Fetched:
    def give_up(attempts: int, _: TransientError) -> FetchError:
        return FetchError(
            f"I couldn't reach that site (tried {attempts} times). It may be down; try again later."
        )

    return await retrying(call, policy=policy, give_up=give_up, what="download")
