"""Uploads, mentions with pasted text (the seed request), thread parents and direct messages."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import docx

from tests.articles import ARTICLE_TEXT, PARAGRAPHS, article_html
from tests.fakes.anthropic_api import FakeAnthropic, prompt_text
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, footer_of, mention_event, message_event
from tests.paths import SEED_REQUEST

SEED = SEED_REQUEST.read_text()
BOILERPLATE = ["Keep Reading", "Subscribe to Updates", "Get the latest creative news", "All Rights Reserved"]


def docx_bytes() -> bytes:
    document = docx.Document()
    document.core_properties.title = "Quarterly transit report"
    for paragraph in PARAGRAPHS:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def section_texts(message: dict[str, object]) -> list[str]:
    """The text of each section block of a posted message, header excluded."""
    blocks = message.get("blocks") or []
    assert isinstance(blocks, list)
    return [b["text"]["text"] for b in blocks[1:] if b.get("type") == "section"]


def upload(slack: FakeSlack, name: str, content: bytes, mimetype: str, filetype: str) -> dict[str, Any]:
    file = slack.add_file(name, content, mimetype, filetype)
    return message_event("", subtype="file_share", files=[file])


def test_docx_upload_is_downloaded_with_the_token_and_summarized(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """A Word upload is fetched with the bot token and its text reaches Claude."""
    event = upload(
        slack,
        "report.docx",
        docx_bytes(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    )
    (reply,) = bot.round_trip(event)
    assert "report.docx" in json.dumps(reply["blocks"]) or "Quarterly transit report" in json.dumps(
        reply["blocks"]
    )
    assert [d.headers.get("authorization") for d in slack.downloads] == ["Bearer xoxb-test-token"]
    assert "light rail to the airport" in prompt_text(claude.requests[0]["json"])


def test_markdown_and_text_uploads_are_summarized(bot: Harness, slack: FakeSlack) -> None:
    """Markdown and plain-text uploads each get a summary."""
    md = upload(slack, "notes.md", ("# Transit\n\n" + ARTICLE_TEXT).encode(), "text/markdown", "markdown")
    txt = upload(slack, "notes.txt", ARTICLE_TEXT.encode(), "text/plain", "text")
    bot.send(md)
    bot.send(txt)
    bot.wait_queued(2)
    bot.work()
    for event in (md, txt):
        (reply,) = slack.bot_replies(event["channel"], event["ts"])
        assert section_texts(reply)


def test_unsupported_upload_gets_one_line_naming_the_types(bot: Harness, slack: FakeSlack) -> None:
    """A zip upload is answered with the list of file types the bot reads."""
    event = upload(slack, "data.zip", b"PK\x03\x04" + b"\x00" * 50, "application/zip", "zip")
    (reply,) = bot.round_trip(event)
    assert "data.zip" in reply["text"] and "PDF" in reply["text"]


def test_file_behind_a_foreign_redirect_is_reported_as_a_permission_problem(
    bot: Harness, slack: FakeSlack, web: FakeWeb
) -> None:
    """A download redirected off Slack's host loses the token; the sign-in page is reported."""
    event = upload(slack, "notes.txt", ARTICLE_TEXT.encode(), "text/plain", "text")
    slack.redirect_files_to(web.url)
    web.add(
        "/files-pri/" + event["files"][0]["id"] + "/download/notes.txt",
        "<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>",
    )
    (reply,) = bot.round_trip(event)
    assert "files:read" in reply["text"]
    assert all("authorization" not in r.headers for r in web.requests)


def test_seed_request_gets_six_paragraphs_a_capped_length_and_a_clean_prompt(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """The real seed request: 6 paragraphs, a footer note about the length cap, and no boilerplate sent."""
    event = mention_event(SEED)
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    request = claude.requests[0]["json"]
    prompt = prompt_text(request)
    assert "exactly 6 paragraphs" in prompt
    assert "Starmer" in prompt
    for line in BOILERPLATE:
        assert line not in prompt
    (reply,) = slack.bot_replies(event["channel"], event["ts"])
    assert len(section_texts(reply)) == 6
    footer = footer_of(reply)
    assert re.search(r"asked for 2,000 words; the source has only about \d+", footer)
    assert request["max_tokens"] >= 800


def test_mention_with_a_link_summarizes_the_link(
    bot: Harness, slack: FakeSlack, web: FakeWeb, claude: FakeAnthropic
) -> None:
    """`@summarizer <link> in 2 paragraphs` summarizes the page with the requested shape."""
    url = web.add("/story", article_html())
    event = mention_event(f"summarize <{url}> in 2 paragraphs")
    (reply,) = bot.round_trip(event)
    assert len(section_texts(reply)) == 2
    assert "exactly 2 paragraphs" in prompt_text(claude.requests[0]["json"])


def test_bare_mention_in_a_thread_summarizes_the_parent(bot: Harness, slack: FakeSlack, web: FakeWeb) -> None:
    """Mentioning the bot alone in a thread summarizes the link in the thread's first message."""
    url = web.add("/story", article_html())
    parent = slack.add_message("C0GENERAL", text=f"<{url}>")
    event = mention_event("", thread_ts=parent)
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    (reply,) = slack.bot_replies("C0GENERAL", parent)
    assert "Council approves transit plan" in json.dumps(reply["blocks"])


def test_direct_message_text_is_answered_in_the_dm(bot: Harness, slack: FakeSlack) -> None:
    """A DM with pasted text gets its summary in that DM."""
    event = message_event(ARTICLE_TEXT, channel="D0ALICE", channel_type="im")
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    (reply,) = slack.bot_replies("D0ALICE", event["ts"])
    assert "your text" in json.dumps(reply["blocks"])


def test_bare_mention_outside_a_thread_gets_help(bot: Harness, slack: FakeSlack) -> None:
    """A mention with nothing to summarize explains how to use the bot."""
    event = mention_event("")
    (reply,) = bot.round_trip(event)
    assert "Share a link or a file" in reply["text"]
