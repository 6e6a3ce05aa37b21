"""The CLI's own work, wired like the worker's: `summarizer summarize` and `summarizer extract` read a URL,
a file or standard input with the same fetch, extraction and summary engine as the bot, and return text.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from bot.instructions import parse_request
from bot.models import Document, SummarySpec
from bot.processes.worker import claude_for
from bot.settings import Settings
from bot.sources import load
from bot.sources.fetch import make_session
from bot.summary.engine import Engine
from bot.summary.footer import footer_text


async def document_of(source: str, settings: Settings, *, url: str | None = None) -> Document:
    """Fetch (a URL) or read (a file, or - for stdin) `source` and extract it as the worker would."""
    if source == "-":
        loaded = load.pasted(sys.stdin.buffer.read(), url=url)
    elif source.startswith(("http://", "https://")):
        async with make_session(settings.fetch_limits) as http:
            loaded = await load.link(http, source, limits=settings.fetch_limits)
    else:
        loaded = load.local_file(Path(source), max_bytes=settings.max_download_bytes, url=url)
    return await load.document(loaded, limits=settings.extract_limits)


async def extract_source(source: str, settings: Settings, *, url: str | None, as_json: bool) -> str:
    """The text the bot would summarize from `source`, or (`as_json`) the whole document with its words."""
    document = await document_of(source, settings, url=url)
    if not as_json:
        return document.text
    return json.dumps({**dataclasses.asdict(document), "words": document.words}, ensure_ascii=False, indent=2)


async def summarize_source(settings: Settings, source: str, *, spec: SummarySpec | None = None) -> str:
    """The summary of `source` as plain text: title, paragraphs (or bullets) with their citation markers,
    the cited sources, and the bot's footer. Text
    input (stdin or a text file) may start with an instruction, as a mention may."""
    doc = await document_of(source, settings)
    request = spec or SummarySpec()
    if doc.kind == "text" and spec is None:
        request, content = parse_request(doc.text)
        doc = dataclasses.replace(doc, text=content)
    claude = claude_for(settings)
    engine = Engine(
        writer=claude,
        ai_deadline_seconds=settings.ai_deadline_seconds,
        max_input_words=settings.max_input_words,
        input_budget_tokens=settings.input_budget_tokens,
    )
    try:
        summary = await engine.summarize(doc, spec=request)
    finally:
        if claude is not None:
            await claude.client.close()
    bullet = "• " if summary.form == "bullets" else ""
    body = "\n\n".join(f"{bullet}{item}" for item in summary.paragraphs)
    sources = "".join(
        f"\n[{s.number}] {s.quote}" + (f" (p. {s.page})" if s.page else "") for s in summary.sources
    )
    cited = f"\n\nSources:{sources}" if sources else ""
    return f"{doc.title or doc.label}\n\n{body}{cited}\n\n{footer_text(doc, summary)}"
