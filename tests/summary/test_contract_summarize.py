"""`bot.summary.summarize` with the fake Messages API: contract revisions, long documents, progress."""

from __future__ import annotations

import anthropic
import pytest

from bot.models import Document, SummarySpec
from bot.summary.claude import Claude
from bot.summary.summarize import prepared, summarize
from tests.articles import PARAGRAPHS
from tests.fakes.anthropic_api import FakeAnthropic, count_input_tokens


def _claude(fake: FakeAnthropic) -> Claude:
    client = anthropic.AsyncAnthropic(api_key="sk-test", base_url=fake.url, max_retries=0)
    return Claude(client, model="claude-sonnet-5-5")


def _report(sections: int) -> str:
    return "\n\n".join(
        f"# Part {s}\n\n" + "\n\n".join(f"Section {s}, item {n}: {p}" for n, p in enumerate(PARAGRAPHS))
        for s in range(sections)
    )


async def test_long_document_reports_progress_and_bounds_tokens(claude: FakeAnthropic) -> None:
    """Over the budget: parts summarized concurrently with progress texts, then combined; tokens bounded."""
    text = _report(30)
    seen: list[str] = []

    async def progress(message: str) -> None:
        seen.append(message)

    doc = Document(text=text, kind="markdown", label="report.md")
    summary = await summarize(
        doc,
        spec=SummarySpec(paragraphs=3),
        writer=_claude(claude),
        input_budget_tokens=4000,
        progress=progress,
    )
    parts = len(claude.requests) - 1
    assert parts >= 3
    assert seen[0] == f"is summarizing part 1 of {parts}…"
    assert seen[-1] == f"is combining the summaries of {parts} parts…"
    assert len(summary.paragraphs) == 3
    doc_tokens = count_input_tokens({"messages": [{"role": "user", "content": text}]})
    assert summary.input_tokens == sum(count_input_tokens(r["json"]) for r in claude.requests)
    assert summary.input_tokens <= 1.1 * doc_tokens + 700 * len(claude.requests)


async def test_a_failing_progress_callback_does_not_fail_the_summary(claude: FakeAnthropic) -> None:
    """Progress is cosmetic: an exception in it is logged, not raised."""

    async def broken(message: str) -> None:
        raise RuntimeError("slack down")

    doc = Document(text=_report(20), kind="markdown", label="report.md")
    summary = await summarize(
        doc, spec=SummarySpec(), writer=_claude(claude), input_budget_tokens=4000, progress=broken
    )
    assert summary.paragraphs


async def test_revision_is_bounded(claude: FakeAnthropic) -> None:
    """A model that keeps missing is asked again once, and the footer note says what is still off."""
    claude.script("Only one paragraph.", "Still one paragraph.")
    doc = Document(text="\n\n".join(PARAGRAPHS), kind="text", label="your text")
    summary = await summarize(doc, spec=SummarySpec(paragraphs=4), writer=_claude(claude))
    assert len(claude.requests) == 2
    assert "the summary misses the request: it has 1 paragraph, not 4" in summary.notes


async def test_tiny_source_gets_a_gist_offline() -> None:
    """A one-sentence text is answered with itself as the gist and a note that it is already short."""
    doc = Document(text="The council approved the transit plan on Tuesday.", kind="text", label="your text")
    summary = await summarize(doc, spec=SummarySpec(words=300), writer=None)
    assert summary.paragraphs == ("The council approved the transit plan on Tuesday.",)
    assert summary.notes[0].startswith("the text is already short (8 words)")


@pytest.mark.parametrize("language", ["French", "German"])
async def test_offline_says_it_cannot_translate(language: str) -> None:
    """Asked for another language, the offline summary keeps the source's and says so."""
    doc = Document(text="\n\n".join(PARAGRAPHS), kind="text", label="your text")
    summary = await summarize(doc, spec=SummarySpec(language=language), writer=None)
    assert f"asked for {language}; an offline summary keeps the source's language" in summary.notes


async def test_a_long_document_summarized_in_parts_cites_passages_of_the_whole(claude: FakeAnthropic) -> None:
    """Each part is read as a citable document and the combining step cites the parts' summaries; the
    final markers point through them to passages of the whole document, at their place in it."""
    text = "\n\n".join(f"Section {s}, item {n}: {p}" for s in range(30) for n, p in enumerate(PARAGRAPHS))
    doc = Document(text=text, kind="text", label="report.txt")
    summary = await summarize(
        doc, spec=SummarySpec(paragraphs=3), writer=_claude(claude), input_budget_tokens=4000
    )
    documents = [r["json"]["messages"][0]["content"][0] for r in claude.requests]
    assert all(d["type"] == "document" and d["citations"] == {"enabled": True} for d in documents)
    assert all("cache_control" not in d for d in documents)  # parts are read once: nothing to cache
    assert summary.sources and all(f"[{s.number}]" in " ".join(summary.paragraphs) for s in summary.sources)
    cleaned = prepared(doc)[0].text
    for source in summary.sources:
        assert source.start is not None
        assert " ".join(cleaned[source.start :].split()).startswith(source.quote)  # its place in the whole
    assert max(s.start or 0 for s in summary.sources) > len(cleaned) // 2  # not only the first part's


async def test_a_long_pdf_summarized_in_parts_names_the_pages(claude: FakeAnthropic) -> None:
    """The passages cited through a long PDF's parts get the pages they are on."""
    pages = [f"Page {n}: " + " ".join(PARAGRAPHS) for n in range(1, 31)]
    text = "\n\n".join(pages)
    starts = tuple(text.index(page) for page in pages)
    doc = Document(text=text, kind="pdf", label="report.pdf", pages=30, page_starts=starts)
    summary = await summarize(
        doc, spec=SummarySpec(paragraphs=3), writer=_claude(claude), input_budget_tokens=4000
    )
    assert len(claude.requests) > 3 and summary.sources
    for source in summary.sources:
        assert source.page is not None and source.start is not None
        assert source.page == doc.page_of(source.start)  # cleaning changed nothing here
    assert len({s.page for s in summary.sources}) > 1
