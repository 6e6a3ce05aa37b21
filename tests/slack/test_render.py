"""Tests for `bot.slack.render`: escaping, links, message splitting, header, footer and notices."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.models import Document, Source, Summary
from bot.slack.blocks import SlackMessage, escape, link, render_notice
from bot.slack.render import MAX_MESSAGE_CHARS, render_summary

WJ = "\u2060"
URL_DOC = Document(
    text="x", kind="html", label="https://example.com/a", title="Leaders agree", url="https://example.com/a"
)
FILE_DOC = Document(text="x", kind="pdf", label="report_2025.pdf")
TEXT_DOC = Document(text="x", kind="text", label="your text", origin="pasted")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<!here>", "&lt;!here&gt;"),
        ("<!everyone>", "&lt;!everyone&gt;"),
        ("<!here|here>", "&lt;!here|here&gt;"),
        ("<@U012AB3CD>", "&lt;@U012AB3CD&gt;"),
        ("<@W123|bob>", "&lt;@W123|bob&gt;"),
        ("<#C123|general>", "&lt;#C123|general&gt;"),
        ("<!subteam^S123|@team>", "&lt;!subteam^S123|@team&gt;"),
        ("<!date^1392734382^{date}|Feb 18>", "&lt;!date^1392734382^{date}|Feb 18&gt;"),
        ("<https://evil.example|click me>", "&lt;https://evil.example|click me&gt;"),
        ("@channel look", f"@{WJ}channel look"),
        ("hey @here!", f"hey @{WJ}here!"),
        ("@everyone.", f"@{WJ}everyone."),
        ("@Channel", f"@{WJ}Channel"),
        ("@channels and @hereby", "@channels and @hereby"),
        ("AT&T <b>", "AT&amp;T &lt;b&gt;"),
        ("&lt;!channel&gt;", "&amp;lt;!channel&amp;gt;"),
        ("plain *bold* text", "plain *bold* text"),
    ],
)
def test_escape(text: str, expected: str) -> None:
    """Every ping and link form is neutralised and control characters become entities."""
    assert escape(text) == expected


@given(st.text())
def test_escape_never_pings(text: str) -> None:
    """Escaped output never contains `<!`, `<@` or any `<` at all, and unescapes back to the input."""
    escaped = escape(text)
    assert "<!" not in escaped
    assert "<@" not in escaped
    assert "<" not in escaped and ">" not in escaped
    if WJ not in text:
        restored = (
            escaped.replace(f"@{WJ}", "@").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        )
        assert restored == text


@pytest.mark.parametrize(
    ("url", "label", "expected"),
    [
        ("https://example.com/a", "Title", "<https://example.com/a|Title>"),
        ("http://example.com/a b", "T", "<http://example.com/a%20b|T>"),
        ("https://example.com/?q=a|b<c>", "T", "<https://example.com/?q=a%7Cb%3Cc%3E|T>"),
        ("https://example.com/", "A | B", "<https://example.com/|A ¦ B>"),
        ("https://example.com/", "<!channel> & co", "<https://example.com/|&lt;!channel&gt; &amp; co>"),
        ("https://example.com/", "line\nbreak", "<https://example.com/|line break>"),
        ("https://example.com/", "", "<https://example.com/>"),
        ("javascript:alert(1)", "Click <me>", "Click &lt;me&gt;"),
        ("ftp://example.com/file", "File", "File"),
        ("https://", "Nothing", "Nothing"),
        ("http://[::1", "Broken", "Broken"),
    ],
)
def test_link(url: str, label: str, expected: str) -> None:
    """Links are built only for http(s) URLs, with the URL encoded and the label escaped."""
    assert link(url, label) == expected


def _texts(block: dict[str, object]) -> list[str]:
    """The mrkdwn texts of a section or context block."""
    text = block.get("text")
    if isinstance(text, dict):
        return [str(text["text"])]
    elements = block.get("elements")
    assert isinstance(elements, list)
    return [str(e["text"]) for e in elements]


def _sections(message: SlackMessage) -> list[str]:
    return [t for b in message.blocks if b["type"] == "section" for t in _texts(b)]


def _block_text(message: SlackMessage) -> int:
    return sum(len(t) for b in message.blocks for t in _texts(b))


def _long_paragraph(words: int, seed: int) -> str:
    sentences = []
    for n in range(words // 10):
        sentences.append(f"Sentence {seed}-{n} has exactly ten words in it for testing.")
    return " ".join(sentences)


def test_long_summary_is_split() -> None:
    """A 20,000-word summary becomes several valid messages whose sections rebuild the paragraphs."""
    paragraphs = tuple(_long_paragraph(2000, seed) for seed in range(10))
    summary = Summary(paragraphs=paragraphs, model="claude-sonnet-5-5", source_words=50_000)
    assert summary.words == 20_000
    messages = render_summary(URL_DOC, summary)
    assert len(messages) > 1
    for message in messages:
        assert len(message.blocks) <= 50
        assert _block_text(message) <= MAX_MESSAGE_CHARS
        assert all(len(text) <= 3000 for text in _sections(message))
        assert len(message.text) <= 3000
        json.dumps(message.blocks)
    body = [text for m in messages for text in _sections(m)][1:]
    assert " ".join(body) == " ".join(paragraphs)
    assert _sections(messages[0])[0] == "*<https://example.com/a|Leaders agree>*"
    assert all("Leaders agree>*" not in text for m in messages[1:] for text in _sections(m))
    assert [m.blocks[-1]["type"] for m in messages].count("context") == 1
    assert messages[-1].blocks[-1]["type"] == "context"
    assert messages[0].text.startswith("Summary of Leaders agree: Sentence 0-0")
    assert messages[1].text == f"Summary of Leaders agree (part 2 of {len(messages)})"


def test_unbreakable_text_is_split() -> None:
    """A sentence or word longer than a section is cut between words, then inside the word."""
    sentence = " ".join(["word"] * 2000)
    blob = "x" * 7000
    messages = render_summary(
        TEXT_DOC, Summary(paragraphs=(sentence, blob), model="offline", source_words=9000)
    )
    sections = [text for m in messages for text in _sections(m)][1:]
    assert all(len(text) <= 3000 for text in sections)
    assert "".join(sections).replace(" ", "") == (sentence + blob).replace(" ", "")


def test_escaping_expansion_respects_limits() -> None:
    """Text that grows when escaped still fits each section limit."""
    paragraph = " ".join(["<&>"] * 1500) + ". " + "&" * 4000
    messages = render_summary(TEXT_DOC, Summary(paragraphs=(paragraph,), model="offline", source_words=5000))
    for message in messages:
        assert all(len(text) <= 3000 for text in _sections(message))
        assert _block_text(message) <= MAX_MESSAGE_CHARS
        assert "<&>" not in "".join(_sections(message))


def test_footer_with_model_and_notes() -> None:
    """The footer names the source and summary sizes, the model and every note."""
    summary = Summary(
        paragraphs=(" ".join(["word"] * 180),),
        model="claude-sonnet-5-5",
        source_words=1234,
        notes=(
            "asked for 2,000 words; the source has only about 360",
            "summarized the first 100 of 200 words",
        ),
    )
    footer = render_summary(URL_DOC, summary)[-1].blocks[-1]
    assert footer == {
        "type": "context",
        "elements": [
            {
                "type": "mrkdwn",
                "text": "Source: 1,234 words · Summary: 1 paragraph · 180 words · Model: claude-sonnet-5-5 · "
                "asked for 2,000 words; the source has only about 360 · "
                "summarized the first 100 of 200 words",
            }
        ],
    }


def test_footer_offline() -> None:
    """An offline summary says so instead of naming a model."""
    summary = Summary(paragraphs=("One two three.",), model="offline", source_words=10)
    footer = render_summary(TEXT_DOC, summary)[-1].blocks[-1]
    assert footer["elements"] == [
        {"type": "mrkdwn", "text": "Source: 10 words · Summary: 1 paragraph · 3 words · Offline summary"}
    ]


@pytest.mark.parametrize(
    ("doc", "header"),
    [
        (URL_DOC, "*<https://example.com/a|Leaders agree>*"),
        (
            Document(text="x", kind="html", label="https://example.com/b", url="https://example.com/b"),
            "*<https://example.com/b|https://example.com/b>*",
        ),
        (FILE_DOC, ":page_facing_up: *report_2025.pdf*"),
        (
            Document(text="x", kind="pdf", label="<!here> *bold*.pdf"),
            ":page_facing_up: *&lt;!here&gt; bold.pdf*",
        ),
        (TEXT_DOC, "*Summary of your text*"),
        (
            Document(text="x", kind="html", label="u", title="<@U1> & *Co*", url="https://e.com/"),
            "*<https://e.com/|&lt;@U1&gt; &amp; Co>*",
        ),
    ],
)
def test_header(doc: Document, header: str) -> None:
    """The header links URLs by title (or URL), names files with an icon, and titles pasted text."""
    message = render_summary(doc, Summary(paragraphs=("Body.",), model="offline", source_words=1))[0]
    assert message.blocks[0] == {"type": "section", "text": {"type": "mrkdwn", "text": header}}


def test_paragraph_content_is_escaped() -> None:
    """Summary paragraphs and the notification text cannot ping anyone."""
    summary = Summary(paragraphs=("Tell <!channel> and @here now.",), model="offline", source_words=10)
    message = render_summary(TEXT_DOC, summary)[0]
    assert _sections(message)[1] == f"Tell &lt;!channel&gt; and @{WJ}here now."
    assert message.text == f"Summary of your text: Tell &lt;!channel&gt; and @{WJ}here now."


def test_fallback_text_truncated() -> None:
    """The notification text is cut to 3,000 characters and ends with an ellipsis."""
    summary = Summary(paragraphs=(" ".join(["word&"] * 2000),), model="offline", source_words=2000)
    text = render_summary(FILE_DOC, summary)[0].text
    assert len(text) <= 3000
    assert text.startswith("Summary of report_2025.pdf: word&amp;")
    assert text.endswith("…")


def test_short_summary_is_one_message() -> None:
    """A short summary is one message: header, one section per paragraph, footer."""
    summary = Summary(paragraphs=("First.", "Second."), model="offline", source_words=100)
    messages = render_summary(FILE_DOC, summary)
    assert len(messages) == 1
    assert [b["type"] for b in messages[0].blocks] == ["section", "section", "section", "context"]


def test_render_notice() -> None:
    """A notice is one section with the emoji and the trusted text as given."""
    message = render_notice("I can't read *that* file.", emoji="x")
    assert message.blocks == (
        {"type": "section", "text": {"type": "mrkdwn", "text": ":x: I can't read *that* file."}},
    )
    assert message.text == "I can't read *that* file."


def test_render_notice_defaults() -> None:
    """The default emoji is :warning:, and an invalid emoji name falls back to it."""
    assert _sections(render_notice("Careful."))[0] == ":warning: Careful."
    assert (
        _sections(render_notice("Careful.", emoji=":information_source:"))[0]
        == ":information_source: Careful."
    )
    assert _sections(render_notice("Careful.", emoji="bad emoji>"))[0] == ":warning: Careful."


def test_render_notice_long() -> None:
    """A very long notice still fits one section."""
    message = render_notice("word " * 2000)
    assert len(_sections(message)[0]) <= 3000
    assert len(message.text) <= 3000


def test_bullets_render_as_a_slack_list_with_counts_in_the_footer() -> None:
    """A bulleted summary is one section of "• item" lines (escaped) and the footer counts the bullets."""
    summary = Summary(
        paragraphs=("First <!here> point.", "Second point.", "Third point."),
        model="offline",
        source_words=500,
        form="bullets",
    )
    (message,) = render_summary(TEXT_DOC, summary)
    sections = [b["text"]["text"] for b in message.blocks[1:-1]]  # type: ignore[index]
    assert sections == ["• First &lt;!here&gt; point.\n• Second point.\n• Third point."]
    footer = message.blocks[-1]["elements"][0]["text"]  # type: ignore[index]
    assert "Summary: 3 bullets · 7 words" in footer


def test_many_long_bullets_stay_within_section_limits() -> None:
    """Bullets too many or too long for one section are spread over sections of at most 3,000 characters."""
    items = tuple("word " * 400 for _ in range(12))
    summary = Summary(paragraphs=items, model="offline", source_words=10_000, form="bullets")
    blocks = [b for m in render_summary(TEXT_DOC, summary) for b in m.blocks]
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"][1:]  # type: ignore[index]
    assert all(len(t) <= 3000 for t in texts)
    assert sum(t.count("• ") for t in texts) == 12


def test_sentence_summary_counts_sentences() -> None:
    """A sentence-shaped summary's footer counts its sentences."""
    summary = Summary(paragraphs=("One. Two here.",), model="offline", source_words=50, form="sentences")
    footer = render_summary(TEXT_DOC, summary)[-1].blocks[-1]["elements"][0]["text"]  # type: ignore[index]
    assert "Summary: 2 sentences · 3 words" in footer


def test_document_notice_is_shown_in_the_footer() -> None:
    """A notice attached to the document (e.g. from extraction) ends the footer, escaped."""
    doc = Document(text="x", kind="pdf", label="a.pdf", notice="read 100 of 300 pages <!channel>")
    summary = Summary(paragraphs=("One.",), model="offline", source_words=5)
    footer = render_summary(doc, summary)[-1].blocks[-1]["elements"][0]["text"]  # type: ignore[index]
    assert footer.endswith("read 100 of 300 pages &lt;!channel&gt;")


def test_header_carries_title_site_author_and_date() -> None:
    """A page's header links its title and adds a byline of site name, author and date, all escaped."""
    doc = Document(
        text="x",
        kind="html",
        label="https://metro.example/a",
        url="https://metro.example/a",
        title="Council <!here> approves",
        site_name="Metro News",
        author="Jane Reporter",
        date="2025-03-02",
    )
    summary = Summary(paragraphs=("One.",), model="offline", source_words=100)
    header = render_summary(doc, summary)[0].blocks[0]["text"]["text"]  # type: ignore[index]
    assert header.startswith("*<https://metro.example/a|Council &lt;!here&gt; approves>*")
    assert header.endswith("\nMetro News · Jane Reporter · 2025-03-02")


def test_file_header_uses_the_metadata_title_and_names_the_file() -> None:
    """A file with a metadata title shows the title, with the file name in the byline."""
    doc = Document(text="x", kind="docx", label="q3.docx", title="Quarterly report", author="Ann")
    summary = Summary(paragraphs=("One.",), model="offline", source_words=100)
    header = render_summary(doc, summary)[0].blocks[0]["text"]["text"]  # type: ignore[index]
    assert header == ":page_facing_up: *Quarterly report*\nq3.docx · Ann"


# --- sources ------------------------------------------------------------------------------------------------

PDF_FILE = Document(text="x", kind="pdf", label="plan.pdf", pages=9)
PDF_LINK = Document(text="x", kind="pdf", label="plan", url="https://metro.example/plan.pdf#top", pages=9)
CITED = (
    Source(1, "The council approved the plan on Tuesday.", page=2),
    Source(2, "It costs 1.2 billion dollars.", page=4),
    Source(3, "The mayor called it a turning point."),
)


def _sources(message: SlackMessage) -> list[str]:
    return [t for b in message.blocks if b["type"] == "context" for t in _texts(b) if "[" in t]


def test_the_sources_part_names_the_page_of_each_pdf_passage() -> None:
    """Each quoted passage of a PDF says its page; a passage without one says nothing of pages."""
    summary = Summary(
        paragraphs=("Approved [1] at a cost [2] [3].",), model="m", source_words=900, sources=CITED
    )
    (message,) = render_summary(PDF_FILE, summary)
    assert _sources(message) == [
        "*Sources* [1] “The council approved the plan on Tuesday.” (p. 2)",
        "[2] “It costs 1.2 billion dollars.” (p. 4)",
        "[3] “The mayor called it a turning point.”",
    ]


def test_a_linked_pdf_opens_at_the_cited_page() -> None:
    """Markers of a PDF shared as a link open the file at the page (viewers ignore text fragments)."""
    summary = Summary(paragraphs=("Approved [1].",), model="m", source_words=900, sources=CITED[:1])
    (message,) = render_summary(PDF_LINK, summary)
    assert "<https://metro.example/plan.pdf#page=2|[1]>" in _sections(message)[1]
    assert _sources(message)[0].startswith("*Sources* <https://metro.example/plan.pdf#page=2|[1]> “The")


def test_an_offline_pdf_summary_lists_only_its_pages() -> None:
    """An extract's passages are its own sentences: the Sources part lists their pages, grouped."""
    sources = (Source(1, "a", page=1), Source(2, "b", page=1), Source(3, "c", page=4), Source(4, "d"))
    summary = Summary(
        paragraphs=("A [1]. B [2]. C [3]. D [4].",), model="offline", source_words=900, sources=sources
    )
    (message,) = render_summary(PDF_FILE, summary)
    assert _sources(message) == ["*Sources* [1][2] p. 1 · [3] p. 4"]
    without_pages = Summary(paragraphs=("A [1].",), model="offline", source_words=900, sources=sources[3:])
    assert _sources(render_summary(PDF_FILE, without_pages)[0]) == []
