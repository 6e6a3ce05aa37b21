"""The output contract end to end: exact shapes, honest caps, a second try when the model misses, and
long documents summarized in parts within a bounded token total."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.articles import PARAGRAPHS
from tests.fakes.anthropic_api import FakeAnthropic, count_input_tokens, default_responder, prompt_text
from tests.fakes.slack_api import FakeSlack
from tests.harness import Harness, footer_of, mention_event, message_event
from tests.paths import SEED_REQUEST

SEED = SEED_REQUEST.read_text()
BOILERPLATE = [
    "Keep Reading",
    "Subscribe to Updates",
    "Get the latest creative news from FooBar about art, design and business.",
    "© 2025 Globe Timeline. All Rights Reserved.",
]


def sections(message: dict[str, Any]) -> list[str]:
    """Section texts of a posted message, header excluded."""
    return [b["text"]["text"] for b in message["blocks"][1:] if b.get("type") == "section"]


def footer(message: dict[str, Any]) -> str:
    return footer_of(message)


def prompt(request: dict[str, Any]) -> str:
    return prompt_text(request["json"])


def test_seed_request_has_six_paragraphs_an_honest_cap_and_no_boilerplate(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """The seed asks 2,000 words in 6 paragraphs of a ~360-word article: 6 paragraphs, capped, said so."""
    event = mention_event(SEED)
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    first = prompt(claude.requests[0])
    assert "exactly 6 paragraphs" in first
    for line in BOILERPLATE:
        assert line not in first
    (reply,) = slack.bot_replies(event["channel"], event["ts"])
    assert len(sections(reply)) == 6
    text = footer(reply)
    assert re.search(r"asked for 2,000 words; the source has only about 3\d0", text)
    assert "Summary: 6 paragraphs · " in text
    posted = json.dumps(reply["blocks"])
    for line in BOILERPLATE:
        assert line not in posted


def test_a_summary_with_the_wrong_paragraph_count_is_asked_again(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """The model first answers with 4 paragraphs; it is asked again with the counts and 6 are posted."""
    claude.script("\n\n".join(PARAGRAPHS[:4]))
    event = mention_event(SEED)
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    first, second = claude.requests
    assert "<draft>" not in prompt(first)
    assert "<draft>" in prompt(second) and "it has 4 paragraphs, not 6" in prompt(second)
    assert "Starmer" in prompt(second)  # the revision still has the document to work from
    (reply,) = slack.bot_replies(event["channel"], event["ts"])
    assert len(sections(reply)) == 6
    assert "paragraphs, not" not in footer(reply)  # (the fake's word counts are its own business)


def bullet_responder(request: dict[str, Any]) -> str:
    """A model that writes "- " bullets when asked for "exactly N bullet points"."""
    text = json.dumps(request)
    found = re.search(r"exactly (\d+) bullet points?", text)
    if not found:
        return default_responder(request)
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(PARAGRAPHS))
    return "\n".join(f"- {s}" for s in sentences[: int(found.group(1))])


def test_a_three_bullet_request_posts_a_list_of_three(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """ "3 bullet points" reaches the model as a contract and is posted as a Slack list of three."""
    claude.responder = bullet_responder
    event = message_event("3 bullet points\n" + "\n\n".join(PARAGRAPHS), channel="D0ALICE", channel_type="im")
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    assert "exactly 3 bullet points" in prompt(claude.requests[0])
    assert len(claude.requests) == 1
    (reply,) = slack.bot_replies("D0ALICE", event["ts"])
    (listing,) = sections(reply)
    assert [line[:2] for line in listing.split("\n")] == ["• "] * 3
    assert "Summary: 3 bullets · " in footer(reply)


def long_report(target_chars: int) -> str:
    """A report with headings and paragraphs, about `target_chars` long, every paragraph distinct."""
    out: list[str] = []
    size, section = 0, 0
    while size < target_chars:
        section += 1
        out.append(f"# Section {section}")
        for n, paragraph in enumerate(PARAGRAPHS):
            out.append(f"In section {section}, item {n}: {paragraph}")
            size += len(out[-1]) + 2
    return "\n\n".join(out)


def test_a_document_over_the_input_budget_is_summarized_in_parts_within_a_token_bound(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    """A ~120k-token upload is split on headings, its parts summarized and combined; no word is dropped
    and the input tokens sent stay within 1.1 × the document plus a fixed cost per call."""
    document = long_report(480_000)
    file = slack.add_file("report.txt", document.encode(), "text/plain", "text")
    event = message_event("", subtype="file_share", files=[file])
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    requests = claude.requests
    parts = requests[:-1]
    assert len(parts) >= 2
    doc_tokens = count_input_tokens({"messages": [{"role": "user", "content": document}]})
    overhead = 700  # system prompt + request wording + part labels, per call
    sent = sum(count_input_tokens(r["json"]) for r in requests)
    assert sent <= 1.1 * doc_tokens + overhead * len(requests)
    assert all(count_input_tokens(r["json"]) <= 100_000 for r in requests)
    parts.sort(key=lambda r: int(re.findall(r"is part (\d+) of", prompt(r))[-1]))  # sent concurrently
    documents = [r["json"]["messages"][0]["content"][0] for r in parts]  # citable: each part a document
    sent_words = " ".join(d["source"]["data"] for d in documents if d["type"] == "document").split()
    assert sent_words == document.split()  # every word read once, in order
    assert "Combine them into one summary" in prompt(requests[-1])
    (reply,) = slack.bot_replies(event["channel"], event["ts"])
    assert f"long document: summarized in {len(parts)} parts, then combined" in footer(reply)
    statuses = slack.statuses(event["channel"], event["ts"])  # Slack's native "is …" status, no extra message
    assert statuses[0] == "is reading report.txt…" and statuses[-1] == ""
    assert f"is summarizing part 1 of {len(parts)}…" in statuses
    assert f"is combining the summaries of {len(parts)} parts…" in statuses
    assert slack.calls("chat.delete") == []  # no progress message to clean up
    assert not any("part" in str(c.body.get("text"))[:40] for c in slack.calls("chat.update"))
