"""Formats end to end: a PDF link without a suffix, Office uploads and a JavaScript-only page."""

from __future__ import annotations

import json

from tests.articles import PARAGRAPHS
from tests.documents import PPTX_MIME, XLSX_MIME, make_pdf, make_pptx, make_xlsx
from tests.e2e.test_files_and_mentions import docx_bytes, section_texts, upload
from tests.fakes.anthropic_api import FakeAnthropic, prompt_text
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, message_event

JS_NOTICE = "This page needs JavaScript to show its content, so I summarized its description instead."
DESCRIPTION = (
    "The council approved a ten-year transit plan: a light rail line to the airport, two new bus routes "
    "and a fare freeze until 2027."
)


def js_page(description: str | None) -> str:
    """A single-page app's HTML: an empty mount point, a noscript warning, and maybe an og:description."""
    meta = f'<meta property="og:description" content="{description}">' if description else ""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Transit plan | Metro</title>"
        f"{meta}<script src='/static/app.js'></script></head><body>"
        "<noscript>You need to enable JavaScript to run this app.</noscript>"
        "<div id='root'></div></body></html>"
    )


def prompt_of(claude: FakeAnthropic) -> str:
    """The document text sent to Claude in the first request."""
    return prompt_text(claude.requests[0]["json"])


def answer(bot: Harness, slack: FakeSlack, event: dict[str, object]) -> dict[str, object]:
    """Deliver `event`, run the worker, and return the one reply posted in its thread."""
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    (reply,) = slack.bot_replies(str(event["channel"]), str(event["ts"]))
    return reply


def test_link_to_a_pdf_without_suffix_is_read_as_a_pdf(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """A link served as application/pdf at a path with no .pdf is summarized from the PDF's text layer."""
    url = web.add(
        "/reports/latest?id=7", make_pdf(tuple(PARAGRAPHS), title="Transit report"), "application/pdf"
    )
    event = message_event(f"Report is out <{url}>")
    reply = answer(bot, slack, event)
    assert "Transit report" in json.dumps(reply["blocks"])
    assert section_texts(reply)
    assert "light rail to the airport" in prompt_of(claude)
    assert slack.reactions(event["channel"], event["ts"]) == {"white_check_mark"}


def test_docx_upload_is_summarized(bot: Harness, slack: FakeSlack, claude: FakeAnthropic) -> None:
    """A Word upload is summarized in the thread under its file name."""
    event = upload(
        slack,
        "report.docx",
        docx_bytes(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    )
    reply = answer(bot, slack, event)
    assert "report.docx" in json.dumps(reply["blocks"])
    assert "light rail to the airport" in prompt_of(claude)


def test_pptx_upload_sends_slides_and_notes(bot: Harness, slack: FakeSlack, claude: FakeAnthropic) -> None:
    """A PowerPoint upload is summarized from its slide text and speaker notes."""
    event = upload(slack, "q3.pptx", make_pptx(title="Q3 review"), PPTX_MIME, "pptx")
    reply = answer(bot, slack, event)
    assert "q3.pptx" in json.dumps(reply["blocks"])
    prompt = prompt_of(claude)
    assert "Slide 1: Quarterly results" in prompt and "Notes: Pause here for questions." in prompt


def test_xlsx_upload_sends_sheet_rows(bot: Harness, slack: FakeSlack, claude: FakeAnthropic) -> None:
    """An Excel upload is summarized from its sheet names and leading rows."""
    rows: list[list[object]] = [["Region", "Riders"], *([f"District {n}", 1000 + n] for n in range(40))]
    event = upload(slack, "riders.xlsx", make_xlsx({"Ridership": rows}), XLSX_MIME, "xlsx")
    reply = answer(bot, slack, event)
    assert section_texts(reply)
    prompt = prompt_of(claude)
    assert "Sheet: Ridership" in prompt and "District 7 | 1007" in prompt


def test_javascript_page_summarizes_its_description_and_says_so(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """A JavaScript-only page is summarized from its og:description, and the footer says so."""
    url = web.add("/app/transit", js_page(DESCRIPTION))
    event = message_event(f"<{url}>")
    reply = answer(bot, slack, event)
    assert JS_NOTICE in json.dumps(reply["blocks"], ensure_ascii=False)
    assert slack.reactions(event["channel"], event["ts"]) == {"white_check_mark"}
    assert all("enable JavaScript" not in json.dumps(r["json"]) for r in claude.requests)


def test_javascript_page_without_description_gets_a_clear_reply(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb
) -> None:
    """A JavaScript-only page with nothing to fall back on gets ❌ and a reply saying it needs JavaScript."""
    url = web.add("/app/empty", js_page(None))
    event = message_event(f"<{url}>")
    reply = answer(bot, slack, event)
    assert "This page needs JavaScript to show its content" in str(reply["text"])
    assert slack.reactions(event["channel"], event["ts"]) == {"x"}
    assert claude.requests == []
