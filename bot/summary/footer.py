"""The footer every summary ends with, in Slack and in the CLI alike. Pure.

Source size, the summary's final counts ("6 paragraphs · 352 words"), the model or "Offline summary",
then every note (compromises, degraded mode) and the document's own notice.
"""

from __future__ import annotations

from bot.models import OFFLINE_MODEL, Document, Summary
from bot.summary.contract import count

SEPARATOR = " · "


def footer_parts(doc: Document, summary: Summary) -> list[str]:
    """The footer's parts, in order. A source with no words but pages (a scanned PDF read as images) is
    sized in pages."""
    model = "Offline summary" if summary.model == OFFLINE_MODEL else f"Model: {summary.model}"
    shape = count(summary.paragraphs, summary.form).describe()
    size = f"{summary.source_words:,} words"
    if summary.source_words == 0 and doc.pages:
        size = f"{doc.pages} scanned page{'s' if doc.pages != 1 else ''}"
    parts = [f"Source: {size}", f"Summary: {shape}", model, *summary.notes]
    if doc.notice:
        parts.append(doc.notice)
    return parts


def footer_text(doc: Document, summary: Summary) -> str:
    """The footer as one line of plain text (not escaped for Slack)."""
    return SEPARATOR.join(footer_parts(doc, summary))
