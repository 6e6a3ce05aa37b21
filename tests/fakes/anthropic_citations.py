"""Citations for the fake Messages API, as the real one returns them.

With `document` blocks whose `citations.enabled` is true (text sources), the answer comes back as
several `text` content blocks: a block that makes a claim from the documents carries `citations`, a list
of `char_location` objects (`cited_text`, `document_index`, `document_title`, `start_char_index`,
`end_char_index`, 0-based over the document's text); text between claims is its own block without
citations. Streaming, each cited block opens with `{"type": "text", "text": ""}`, then one
`citations_delta` event per citation comes before its `text_delta`s. The API refuses a request that
enables citations on some documents and not others. Here a sentence of the answer cites the document
sentence it copies, or else the one it shares most words with (at least half of its words).
"""

from __future__ import annotations

import re
from typing import Any

_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+(?:[.!?]+[\"”’)]*)?")  # "1.2" is not an end
_WORD = re.compile(r"\w+")
MIXED = "citations must be enabled on all documents or none of them"


def citable_documents(body: dict[str, Any]) -> list[tuple[str, str | None]] | None:
    """(text, title) of each document of the request's last user turn when citations are on; None when
    none has them on; raises ValueError (the API's 400) when only some have."""
    messages = body.get("messages") or []
    last = next((m for m in reversed(messages) if isinstance(m, dict) and m.get("role") == "user"), {})
    content = last.get("content")
    documents = (
        [b for b in content if isinstance(b, dict) and b.get("type") == "document"]
        if isinstance(content, list)
        else []
    )
    enabled = [bool((d.get("citations") or {}).get("enabled")) for d in documents]
    if not any(enabled):
        return None
    if not all(enabled):
        raise ValueError(MIXED)
    found: list[tuple[str, str | None]] = []
    for document in documents:
        source = document.get("source") or {}
        found.append(
            (str(source.get("data") or "") if source.get("type") == "text" else "", document.get("title"))
        )
    return found


def cited_blocks(text: str, documents: list[tuple[str, str | None]]) -> list[dict[str, Any]]:
    """The answer `text` as the API's content blocks with their citations."""
    spans = [
        (n, m.start(), m.end(), m.group(0).strip())
        for n, (data, _) in enumerate(documents)
        for m in _SENTENCE.finditer(data)
        if m.group(0).strip()
    ]
    blocks: list[dict[str, Any]] = []
    position = 0
    for match in _SENTENCE.finditer(text):
        sentence = match.group(0)
        if match.start() > position:
            _plain(blocks, text[position : match.start()])
        position = match.end()
        best = _source_of(sentence.strip(), spans)
        if best is None:
            _plain(blocks, sentence)
            continue
        n, start, end, cited = best
        data_start = start + (len(documents[n][0][start:end]) - len(documents[n][0][start:end].lstrip()))
        blocks.append(
            {
                "type": "text",
                "text": sentence,
                "citations": [
                    {
                        "type": "char_location",
                        "cited_text": cited,
                        "document_index": n,
                        "document_title": documents[n][1],
                        "start_char_index": data_start,
                        "end_char_index": data_start + len(cited),
                    }
                ],
            }
        )
    if position < len(text):
        _plain(blocks, text[position:])
    return blocks


def _source_of(sentence: str, spans: list[tuple[int, int, int, str]]) -> tuple[int, int, int, str] | None:
    words = {w.lower() for w in _WORD.findall(sentence)}
    if len(words) < 3:
        return None
    best, score = None, 0.0
    for span in spans:
        if sentence in span[3]:
            return span
        overlap = len(words & {w.lower() for w in _WORD.findall(span[3])}) / len(words)
        if overlap > score:
            best, score = span, overlap
    return best if score >= 0.5 else None


def _plain(blocks: list[dict[str, Any]], text: str) -> None:
    if blocks and "citations" not in blocks[-1]:
        blocks[-1]["text"] += text
    else:
        blocks.append({"type": "text", "text": text})
