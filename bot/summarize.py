"""From a `Document` and a request to a `Summary`: clean, plan the length, then Claude or offline.

The only I/O is the injected `Claude` (None means offline, extractive and deterministic).
"""

from __future__ import annotations

from dataclasses import replace

from bot.claude import Claude
from bot.clean import clean_text
from bot.errors import NoReadableText
from bot.instructions import plan_length
from bot.models import Document, Summary, SummarySpec, count_words
from bot.offline import summarize_offline

OFFLINE = "offline"


def truncate_words(text: str, limit: int) -> str:
    """The first `limit` words of `text`, keeping its line breaks."""
    count = 0
    for index, char in enumerate(text):
        if char.isspace() and index > 0 and not text[index - 1].isspace():
            count += 1
            if count >= limit:
                return text[:index]
    return text


async def summarize(
    doc: Document, *, spec: SummarySpec, claude: Claude | None, max_input_words: int
) -> Summary:
    """Summarize `doc` as `spec` asks, within the planner's honest limits. Notes explain any compromise."""
    text = clean_text(doc.text)
    words = count_words(text)
    if words == 0:
        raise NoReadableText()
    notes: list[str] = []
    if words > max_input_words:
        text = truncate_words(text, max_input_words)
        notes.append(f"summarized the first {max_input_words:,} of {words:,} words")
    plan = plan_length(source_words=min(words, max_input_words), spec=spec)
    notes.extend(plan.notes)
    cleaned = replace(doc, text=text)
    if claude is None:
        paragraphs = summarize_offline(text, plan=plan)
        return Summary(paragraphs=paragraphs, model=OFFLINE, source_words=words, notes=tuple(notes))
    output = await claude.summarize(cleaned, plan=plan, spec=spec)
    if output.truncated:
        notes.append("the model stopped at its output limit, so the end may be missing")
    if not output.paragraphs:
        raise NoReadableText("The AI service returned an empty summary. Please try again.")
    return Summary(
        paragraphs=output.paragraphs,
        model=claude.model,
        source_words=words,
        notes=tuple(notes),
        tokens_used=output.input_tokens + output.output_tokens,
    )
