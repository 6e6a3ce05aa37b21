"""A long summary as canvas markdown and the short reply leading to it."""

from __future__ import annotations

import json

from bot.models import Document, Source, Summary
from bot.slack.canvas_text import canvas_markdown, canvas_title, render_canvas_reply

PAGE = Document(
    label="example.com",
    text="x",
    kind="html",
    title="Council approves <plan>",
    url="https://example.com/a",
    author="Jane",
)
THREAD = Document(text="x", kind="conversation", label="#general", origin="conversation", title="Catch-up")


def test_markdown_has_the_source_the_bullets_and_linked_citations() -> None:
    summary = Summary(
        paragraphs=("*Launch:* moved to May 4 [2]", "*Budget:* approved [7] and [99]"),
        model="claude-sonnet-5-5",
        source_words=900,
        form="bullets",
    )
    markdown = canvas_markdown(THREAD, summary, refs={"2": "https://fake.slack.com/archives/C1/p2"})
    assert "- *Launch:* moved to May 4 [[2]](https://fake.slack.com/archives/C1/p2)" in markdown
    assert "[7] and [99]" in markdown and markdown.rstrip().endswith("_")


def test_nothing_from_the_source_or_the_model_is_live_markup() -> None:
    summary = Summary(
        paragraphs=("Hello @here and @Everyone, see <https://evil.example|x> <!channel> ![](@U1).",),
        model="offline",
        source_words=900,
    )
    markdown = canvas_markdown(PAGE, summary)
    for live in ("@here", "@Everyone", "<https", "<!channel>", "![](@U1)"):
        assert live not in markdown
    assert "Source: [Council approves ‹plan›](https://example.com/a)" in markdown
    assert canvas_title(PAGE) == "Summary: Council approves <plan>"


def test_the_reply_shows_the_lead_and_links_the_canvas() -> None:
    summary = Summary(paragraphs=("First paragraph.", "Second paragraph."), model="offline", source_words=900)
    [message] = render_canvas_reply(
        PAGE, summary, canvas_url="https://fake.slack.com/docs/T1/F1", reply_id="r1"
    )
    blocks = json.dumps(message.blocks)
    assert "First paragraph." in blocks and "Second paragraph." not in blocks
    assert "<https://fake.slack.com/docs/T1/F1|Summary: Council approves &lt;plan&gt;>" in blocks
    assert "reshape:r1" in blocks and "feedback:r1" in blocks


def test_canvas_sources_name_a_pdfs_pages() -> None:
    """The canvas's Sources list gives a PDF passage's page; an offline summary lists only pages."""
    doc = Document(text="x", kind="pdf", label="plan.pdf")
    sources = (Source(1, "The council approved the plan.", page=3), Source(2, "It costs a lot.", page=3))
    model = Summary(
        paragraphs=("Approved [1].",), model="claude-sonnet-5-5", source_words=900, sources=sources
    )
    assert "- [1] “The council approved the plan.” (p. 3)" in canvas_markdown(doc, model)
    offline = Summary(
        paragraphs=("Approved [1]. Costly [2].",), model="offline", source_words=900, sources=sources
    )
    markdown = canvas_markdown(doc, offline)
    assert "## Sources\n- [1][2] p. 3\n" in markdown and "“" not in markdown
