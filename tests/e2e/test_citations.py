"""Cited summaries end to end: Claude reads the page as a citable document, the streamed answer's
`citations_delta`s become "[n]" markers linked into the page (text fragments) and a compact *Sources*
part; the offline summary cites its own sentences; a model that refuses citations, or the setting turned
off, gives a plain summary and says nothing wrong."""

from __future__ import annotations

import json
from typing import Any

from tests.articles import article_html
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
