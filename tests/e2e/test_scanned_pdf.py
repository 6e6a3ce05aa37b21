"""A scanned PDF (no text layer): Claude reads the pages from a document block; offline says why not."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.documents import make_image_only_pdf
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.harness import Harness, footer_of, message_event


def upload_scan(slack: FakeSlack) -> tuple[dict[str, Any], bytes]:
    data = make_image_only_pdf()
    file = slack.add_file("scan.pdf", data, "application/pdf", "pdf")
    return message_event("", subtype="file_share", files=[file]), data


def test_scanned_pdf_is_sent_to_claude_as_a_document_block(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """The PDF itself goes to the Messages API as a base64 document block; the reply says pages were read."""
    claude.script("The scanned memo announces a new transit plan.\n\nIt names the costs and the timeline.")
    event, data = upload_scan(slack)
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    (request,) = claude.requests
    content = request["json"]["messages"][0]["content"]
    document = next(block for block in content if block["type"] == "document")
    assert document["source"]["media_type"] == "application/pdf"
    assert base64.b64decode(document["source"]["data"]) == data
    (reply,) = slack.bot_replies(event["channel"], event["ts"])
    footer = footer_of(reply)
    assert "2 scanned pages" in footer and "no text layer" in footer
    assert "new transit plan" in json.dumps(reply["blocks"])


def test_scanned_pdf_offline_says_it_looks_scanned(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """Without an API key a scan cannot be read, and the reply says so plainly."""
    event, _ = upload_scan(slack)
    (reply,) = bot.round_trip(event, anthropic_api_key=None)
    assert "scan" in reply["text"].lower()
    assert claude.requests == []
