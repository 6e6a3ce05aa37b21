"""Cited summaries end to end: Claude reads the page as a citable document, the streamed answer's
`citations_delta`s become "[n]" markers linked into the page (text fragments) and a compact *Sources*
part; a PDF's passages name their pages; the offline summary cites its own sentences; a model that
refuses citations, or the setting turned off, gives a plain summary and says nothing wrong."""

from __future__ import annotations

import json
from typing import Any

from tests.articles import article_html
from tests.documents import make_pdf
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, footer_of, message_event

ANSWER = (
    "The city council approved a new transit plan on Tuesday after a long debate about funding and routes. "
    "Opponents argued that the tax would hurt small businesses.\n\nThe mayor called the vote a turning point."
)


def first_block(request: dict[str, Any]) -> dict[str, Any]:
    block: dict[str, Any] = request["json"]["messages"][0]["content"][0]
    return block


def shared(bot: Harness, web: FakeWeb, path: str = "/plan", **overrides: Any) -> tuple[str, dict[str, Any]]:
    url = web.add(path, article_html())
    event = message_event(f"see <{url}>")
    bot.send(event)
    bot.wait_queued(1)
    bot.work(**overrides)
    (reply,) = bot.slack.bot_replies(event["channel"], event["ts"])
    return url, reply


def test_a_page_summary_carries_linked_markers_and_its_sources(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    claude.script(ANSWER)
    url, reply = shared(bot, web)
    document = first_block(claude.requests[0])
    assert document["type"] == "document" and document["citations"] == {"enabled": True}
    assert document["source"]["type"] == "text" and "cache_control" in document
    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    fragment = "The%20city%20council%20approved%20a,debate%20about%20funding%20and%20routes"
    assert f"funding and routes <{url}#:~:text={fragment}|[1]>. Opponents" in shown
    sources = next(b for b in reply["blocks"] if b["type"] == "context" and "*Sources*" in json.dumps(b))
    assert len(sources["elements"]) == 3 and "“The mayor called the vote a turning point" in json.dumps(
        sources, ensure_ascii=False
    )
    assert "Summary: 2 paragraphs" in footer_of(reply) and "could not verify" not in footer_of(reply)
    assert len(claude.requests) == 1  # markers do not upset the contract


def test_the_offline_summary_links_each_sentence_into_the_page(
    bot: Harness, slack: FakeSlack, web: FakeWeb
) -> None:
    _, reply = shared(bot, web, anthropic_api_key=None)
    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "#:~:text=" in shown and "|[1]>" in shown and "Offline summary" in footer_of(reply)
    assert "*Sources*" not in shown  # its passages are its own sentences: the markers link into the page


def test_a_model_that_refuses_citations_gets_a_plain_summary_and_is_not_asked_again(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    claude.refuse_citations()
    claude.script(ANSWER)
    _, reply = shared(bot, web)
    assert [first_block(r)["type"] for r in claude.requests] == ["document", "text"]
    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "[1]" not in shown and "Sources" not in shown and "couldn't" not in shown
    assert "turning point" in shown


def test_citations_can_be_turned_off(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    claude.script(ANSWER)
    _, reply = shared(bot, web, citations=False)
    assert first_block(claude.requests[0])["type"] == "text"
    assert "[1]" not in json.dumps(reply["blocks"])


# Page 1 and 2 carry lines the cleaner drops ("Advertisement", a newsletter pitch, "Share this article"),
# so the text Claude reads is shorter than the extracted one: pages must be found in what it read.
PDF_PAGES = (
    (
        "Subscribe to our newsletter",
        "The city council approved a new transit plan on Tuesday after a long debate about funding.",
        "Opponents argued that the new tax would hurt small businesses in the centre.",
    ),
    (
        "Share this article",
        "The plan adds two light rail lines and forty electric buses by the end of the decade.",
    ),
    ("Advertisement",),
    ("The mayor called the vote a turning point for the region and its commuters.",),
)
PDF_ANSWER = (
    "The plan adds two light rail lines and forty electric buses by the end of the decade. "
    "The mayor called the vote a turning point for the region and its commuters."
)


def shared_pdf(bot: Harness, slack: FakeSlack, **overrides: Any) -> dict[str, Any]:
    file = slack.add_file("plan.pdf", make_pdf(*PDF_PAGES), "application/pdf", "pdf")
    (reply,) = bot.round_trip(message_event("", subtype="file_share", files=[file]), **overrides)
    return reply


def sources_of(reply: dict[str, Any]) -> list[str]:
    return [
        e["text"]
        for b in reply["blocks"]
        if b["type"] == "context" and "*Sources*" in json.dumps(b)
        for e in b["elements"]
    ]


def test_a_pdf_summary_names_the_page_of_each_cited_passage(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """A multi-page PDF is read as a citable text document; each passage in the Sources part names its
    page, counted on the text Claude read (after cleaning), and a page left empty is skipped."""
    claude.script(PDF_ANSWER)
    reply = shared_pdf(bot, slack)
    document = first_block(claude.requests[0])
    assert document["type"] == "document" and document["citations"] == {"enabled": True}
    assert "Subscribe" not in document["source"]["data"]  # the cleaned text is what is cited
    assert sources_of(reply) == [
        f"*Sources* [1] “{PDF_ANSWER.split('. ')[0]}.” (p. 2)",
        "[2] “The mayor called the vote a turning point for the region and its commuters.” (p. 4)",
    ]
    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "end of the decade [1]. The mayor" in shown


def test_the_offline_summary_of_a_pdf_lists_the_pages_of_its_sentences(
    bot: Harness, slack: FakeSlack
) -> None:
    """Offline, each kept sentence of a PDF is marked, and the Sources part lists the marks' pages."""
    reply = shared_pdf(bot, slack, anthropic_api_key=None)
    (line,) = sources_of(reply)
    assert line.startswith("*Sources* [1]") and " p. 1" in line and "“" not in line
    assert "Offline summary" in footer_of(reply)
