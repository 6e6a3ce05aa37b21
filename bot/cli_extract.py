"""`summarizer extract URL|FILE|- [--url URL] [--json]`: print what the bot would summarize.

The same fetch and `extract()` as the worker, with the same limits; the main text, or with `--json`
the whole `Document` (title, site name, author, date, canonical URL, pages, notice, word count).
Errors are the bot's own user-facing ones; `bot.cli` prints them as one line.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import ContentTooLarge, UnsupportedContent
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.models import Document


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `extract` subcommand to the `summarizer` parser."""
    parser = subparsers.add_parser(
        "extract", help="print the text (and with --json the metadata) the bot would summarize"
    )
    parser.add_argument("source", help="http(s) URL, path to a file, or - for standard input")
    parser.add_argument("--url", help="the page's address, when SOURCE is a saved web page")
    parser.add_argument("--json", action="store_true", help="print the whole document as JSON")


async def run(args: argparse.Namespace, settings: Settings) -> str:
    """The text the bot would summarize from `args.source`, or the whole document as JSON."""
    document = await load(args.source, settings, url=args.url)
    if not args.json:
        return document.text
    return json.dumps({**dataclasses.asdict(document), "words": document.words}, ensure_ascii=False, indent=2)


async def load(source: str, settings: Settings, *, url: str | None = None) -> Document:
    """Fetch (a URL) or read (a file, or - for stdin) `source` and extract it as the worker would."""
    from bot.extract import extract
    from bot.sources.fetch import fetch, make_session

    limits = settings.extract_limits
    if source == "-":
        data = sys.stdin.buffer.read()
        return extract(data, content_type="text/plain", url=url, label="your text", limits=limits)
    if source.startswith(("http://", "https://")):
        async with make_session(settings) as http:
            fetched = await fetch(http, source, settings=settings)
        return extract(
            fetched.data, content_type=fetched.content_type, url=fetched.url, label=source, limits=limits
        )
    path = Path(source)
    if not path.is_file():
        raise UnsupportedContent(f"No such file: {source}")
    size = path.stat().st_size
    if size > settings.max_download_bytes:
        raise ContentTooLarge(
            f"{path.name} is {size:,} bytes; I read files of at most {settings.max_download_bytes:,} bytes."
        )
    return extract(path.read_bytes(), filename=path.name, url=url, label=path.name, limits=limits)
