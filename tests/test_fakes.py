"""The fake Slack, Anthropic and web servers behave like the real services when driven by the real clients."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.anthropic_api import FakeAnthropic, count_input_tokens, default_responder
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb

TOKEN = "xoxb-test-token"
MODEL = "claude-sonnet-4-6"  # claude-sonnet-4-5 is in anthropic's DEPRECATED_MODELS and warns
CHANNEL = "C0001"
HI: list[Any] = [{"role": "user", "content": "hi"}]


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A running fake Slack Web API."""
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def web_api(slack: FakeSlack) -> WebClient:
    """The real slack_sdk WebClient pointed at the fake."""
    return WebClient(token=TOKEN, base_url=slack.url + "/api/")


@pytest.fixture
def claude() -> Iterator[FakeAnthropic]:
    """A running fake Messages API."""
    with FakeAnthropic() as fake:
        yield fake


@pytest.fixture
def sdk(claude: FakeAnthropic) -> Iterator[anthropic.Anthropic]:
    """The real anthropic client pointed at the fake, with retries off."""
    with anthropic.Anthropic(api_key="sk-ant-test", base_url=claude.url, max_retries=0) as real:
        yield real


@pytest.fixture
def site() -> Iterator[FakeWeb]:
    """A running fake web site."""
    with FakeWeb() as fake:
        yield fake


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    """GET with urllib and return (status, content type, body)."""
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, response.headers["Content-Type"], response.read()


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


# ----- Slack Web API -----


def test_auth_test_answers_with_the_configured_bot_identity(web_api: WebClient) -> None:
    """auth.test returns the bot user, bot id and team the fake was built with."""
    response = web_api.auth_test()
    assert (response["user_id"], response["bot_id"], response["team_id"]) == ("U0BOT", "B0BOT", "T0FAKE")


def test_wrong_token_gets_invalid_auth(slack: FakeSlack) -> None:
    """A token other than the bot's gets ok:false invalid_auth with HTTP 200."""
    with pytest.raises(SlackApiError) as caught:
        WebClient(token="xoxb-wrong", base_url=slack.url + "/api/").auth_test()
    assert caught.value.response.status_code == 200
    assert caught.value.response["error"] == "invalid_auth"


def test_post_message_round_trip_is_recorded(slack: FakeSlack, web_api: WebClient) -> None:
    """chat.postMessage returns the real shape, stores the message and records the JSON body and token."""
    parent = slack.add_message(CHANNEL, text="see https://example.com")
    blocks = [_section("*Summary*")]
    response = web_api.chat_postMessage(channel=CHANNEL, text="fallback", blocks=blocks, thread_ts=parent)
    assert response["ok"] and response["channel"] == CHANNEL
    message = response["message"]
    assert message["ts"] == response["ts"] and message["bot_id"] == "B0BOT" and message["user"] == "U0BOT"
    assert message["thread_ts"] == parent and message["blocks"][0]["text"]["text"] == "*Summary*"
    call = slack.wait_for("chat.postMessage")[0]
    assert call.body["blocks"] == blocks and call.body["thread_ts"] == parent
    assert call.headers["authorization"] == f"Bearer {TOKEN}"
    assert call.headers["content-type"] == "application/json;charset=utf-8"
    assert [m["text"] for m in slack.bot_replies(CHANNEL, parent)] == ["fallback"]
    assert float(response["ts"]) > float(parent)


def test_form_encoded_calls_are_parsed(slack: FakeSlack, web_api: WebClient) -> None:
    """Form-encoded methods such as reactions.add arrive parsed into a dict."""
    ts = slack.add_message(CHANNEL, text="hello")
    web_api.reactions_add(channel=CHANNEL, name="eyes", timestamp=ts)
    call = slack.calls("reactions.add")[0]
    assert call.body == {"channel": CHANNEL, "name": "eyes", "timestamp": ts}
    assert call.headers["content-type"] == "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("blocks", "error"),
    [
        ([_section("x" * 3001)], "invalid_blocks"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "invalid_blocks"),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}], "invalid_blocks"),
        ([_section("ok")] * 51, "msg_blocks_too_many"),
    ],
    ids=["section-3001", "header-151", "context-11", "51-blocks"],
)
def test_block_limits_surface_as_slack_api_errors(web_api: WebClient, blocks: list[Any], error: str) -> None:
    """Blocks beyond Slack's limits are refused with the error Slack gives."""
    with pytest.raises(SlackApiError) as caught:
        web_api.chat_postMessage(channel=CHANNEL, text="fallback", blocks=blocks)
    assert caught.value.response["error"] == error


def test_section_text_too_long_explains_itself(web_api: WebClient) -> None:
    """invalid_blocks carries the json-pointer explanation Slack sends."""
    with pytest.raises(SlackApiError) as caught:
        web_api.chat_postMessage(channel=CHANNEL, text="fallback", blocks=[_section("x" * 3001)])
    problem = "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
    assert problem in caught.value.response["errors"]


def test_exactly_3000_characters_is_accepted(web_api: WebClient) -> None:
    """A section text of exactly 3000 characters is within the limit."""
    assert web_api.chat_postMessage(channel=CHANNEL, text="fallback", blocks=[_section("x" * 3000)])["ok"]


def test_message_without_text_or_blocks_is_no_text(web_api: WebClient) -> None:
    """chat.postMessage with neither text nor blocks fails with no_text."""
    with pytest.raises(SlackApiError) as caught:
        web_api.api_call("chat.postMessage", json={"channel": CHANNEL})
    assert caught.value.response["error"] == "no_text"


def test_overlong_text_is_truncated_with_a_warning(slack: FakeSlack, web_api: WebClient) -> None:
    """Text over 40,000 characters is still posted, truncated, with the message_truncated warning."""
    response = web_api.chat_postMessage(channel=CHANNEL, text="y" * 40_001)
    assert response["response_metadata"]["warnings"] == ["message_truncated"]
    assert len(slack.messages(CHANNEL)[0]["text"]) == 40_000


def test_rate_limit_surfaces_as_429_with_retry_after(slack: FakeSlack, web_api: WebClient) -> None:
    """A scripted 429 reaches the client with its integer Retry-After; the next call succeeds."""
    slack.fail_next("chat.postMessage", retry_after=3)
    with pytest.raises(SlackApiError) as caught:
        web_api.chat_postMessage(channel=CHANNEL, text="hi")
    assert caught.value.response.status_code == 429
    assert caught.value.response["error"] == "ratelimited"
    assert caught.value.response.headers["Retry-After"] == "3"
    assert web_api.chat_postMessage(channel=CHANNEL, text="hi")["ok"]


def test_rate_limit_retry_handler_retries_after_the_header(slack: FakeSlack, web_api: WebClient) -> None:
    """slack_sdk's RateLimitErrorRetryHandler parses the fake's Retry-After and retries."""
    web_api.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    slack.fail_next("chat.postMessage", retry_after=0)
    assert web_api.chat_postMessage(channel=CHANNEL, text="hi")["ok"]
    assert len(slack.calls("chat.postMessage")) == 2


@pytest.mark.parametrize(
    ("status", "error"), [(500, "internal_error"), (503, "internal_error"), (200, "not_in_channel")]
)
def test_scripted_errors_have_the_slack_shape(
    web_api: WebClient, slack: FakeSlack, status: int, error: str
) -> None:
    """Scripted 5xx and ok:false failures reach the client with their status and error code."""
    slack.fail_next("chat.postMessage", status=status, error=None if status != 200 else error)
    with pytest.raises(SlackApiError) as caught:
        web_api.chat_postMessage(channel=CHANNEL, text="hi")
    assert (caught.value.response.status_code, caught.value.response["error"]) == (status, error)


def test_reactions_keep_state_and_refuse_duplicates(slack: FakeSlack, web_api: WebClient) -> None:
    """reactions.add/remove change the message's reactions and fail like Slack on repeats."""
    ts = slack.add_message(CHANNEL, text="hello")
    web_api.reactions_add(channel=CHANNEL, name="eyes", timestamp=ts)
    assert slack.reactions(CHANNEL, ts) == {"eyes"}
    with pytest.raises(SlackApiError, match="already_reacted"):
        web_api.reactions_add(channel=CHANNEL, name="eyes", timestamp=ts)
    web_api.reactions_remove(channel=CHANNEL, name="eyes", timestamp=ts)
    assert slack.reactions(CHANNEL, ts) == set()
    with pytest.raises(SlackApiError, match="no_reaction"):
        web_api.reactions_remove(channel=CHANNEL, name="eyes", timestamp=ts)
    with pytest.raises(SlackApiError, match="message_not_found"):
        web_api.reactions_add(channel=CHANNEL, name="eyes", timestamp="1.000001")


def test_replies_return_the_thread_and_metadata_only_on_request(slack: FakeSlack, web_api: WebClient) -> None:
    """conversations.replies gives parent then replies; metadata only with include_all_metadata."""
    parent = slack.add_message(CHANNEL, text="parent")
    metadata = {"event_type": "summary_posted", "event_payload": {"job_id": "j1"}}
    web_api.chat_postMessage(channel=CHANNEL, text="reply", thread_ts=parent, metadata=metadata)
    plain = web_api.conversations_replies(channel=CHANNEL, ts=parent)
    assert [m["text"] for m in plain["messages"]] == ["parent", "reply"]
    assert plain["messages"][0]["reply_count"] == 1 and plain["messages"][1]["parent_user_id"] == "U123"
    assert "metadata" not in plain["messages"][1] and plain["has_more"] is False
    rich = web_api.conversations_replies(channel=CHANNEL, ts=parent, include_all_metadata=True)
    assert rich["messages"][1]["metadata"] == metadata
    with pytest.raises(SlackApiError, match="thread_not_found"):
        web_api.conversations_replies(channel=CHANNEL, ts="1.000001")


def test_replies_paginate_with_a_cursor(slack: FakeSlack, web_api: WebClient) -> None:
    """A limit splits a thread into pages joined by response_metadata.next_cursor."""
    parent = slack.add_message(CHANNEL, text="p")
    for n in range(4):
        slack.add_message(CHANNEL, text=f"r{n}", thread_ts=parent)
    first = web_api.conversations_replies(channel=CHANNEL, ts=parent, limit=3)
    assert [m["text"] for m in first["messages"]] == ["p", "r0", "r1"] and first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    second = web_api.conversations_replies(channel=CHANNEL, ts=parent, limit=3, cursor=cursor)
    assert [m["text"] for m in second["messages"]] == ["p", "r2", "r3"] and second["has_more"] is False


def test_update_and_delete_only_the_bots_own_messages(slack: FakeSlack, web_api: WebClient) -> None:
    """chat.update edits and chat.delete removes the bot's message; others' messages are refused."""
    ts = web_api.chat_postMessage(channel=CHANNEL, text="working…")["ts"]
    updated = web_api.chat_update(channel=CHANNEL, ts=ts, text="done")
    assert updated["text"] == "done" and slack.messages(CHANNEL)[0]["text"] == "done"
    someone = slack.add_message(CHANNEL, text="mine")
    with pytest.raises(SlackApiError, match="cant_update_message"):
        web_api.chat_update(channel=CHANNEL, ts=someone, text="hijack")
    web_api.chat_delete(channel=CHANNEL, ts=ts)
    assert [m["text"] for m in slack.messages(CHANNEL)] == ["mine"]
    with pytest.raises(SlackApiError, match="message_not_found"):
        web_api.chat_delete(channel=CHANNEL, ts=ts)


def test_file_info_and_download_need_the_bot_token(slack: FakeSlack, web_api: WebClient) -> None:
    """files.info describes a file whose bytes come only with the token; without it, a sign-in page."""
    file = slack.add_file("notes.txt", b"hello file", "text/plain", "text")
    info = web_api.files_info(file=file["id"])["file"]
    assert info["size"] == 10 and info["url_private_download"].startswith(slack.url + "/files-pri/")
    status, content_type, body = _get(info["url_private_download"], {"Authorization": f"Bearer {TOKEN}"})
    assert (status, content_type, body) == (200, "text/plain", b"hello file")
    status, content_type, body = _get(info["url_private_download"])
    assert status == 200 and content_type.startswith("text/html") and body.startswith(b"<!DOCTYPE html>")
    assert b"<title>Slack</title>" in body and b"<form" in body
    assert [d.authorized for d in slack.downloads] == [True, False]
    with pytest.raises(SlackApiError, match="file_not_found"):
        web_api.files_info(file="F404")


def test_file_redirect_shows_whether_the_token_crossed_hosts(slack: FakeSlack, site: FakeWeb) -> None:
    """With redirect_files_to, the other server records whether the client forwarded the bot token."""
    file = slack.add_file("a.pdf", b"%PDF-1.4", "application/pdf", "pdf")
    slack.redirect_files_to(site.url)
    path = file["url_private_download"].removeprefix(slack.url)
    site.add(path, b"%PDF-1.4", "application/pdf")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx2.Client(follow_redirects=True) as http:
        response = http.get(file["url_private_download"], headers=auth)
    assert (response.status_code, response.content) == (200, b"%PDF-1.4")
    assert "authorization" not in site.requests_for(path)[0].headers  # httpx2 drops it across origins
    assert _get(file["url_private_download"], auth)[2] == b"%PDF-1.4"
    assert site.requests_for(path)[1].headers["authorization"] == auth["Authorization"]  # urllib leaks it
    assert [d.path for d in slack.downloads] == [path, path]


async def test_async_web_client_talks_to_the_fake(slack: FakeSlack) -> None:
    """The aiohttp-based AsyncWebClient posts, reacts and sees 429s like the sync client."""
    client = AsyncWebClient(token=TOKEN, base_url=slack.url + "/api/")
    posted = await client.chat_postMessage(channel=CHANNEL, text="async hi")
    await client.reactions_add(channel=CHANNEL, name="white_check_mark", timestamp=posted["ts"])
    assert slack.reactions(CHANNEL, posted["ts"]) == {"white_check_mark"}
    slack.fail_next("chat.postMessage", retry_after=0)
    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel=CHANNEL, text="again")
    assert caught.value.response.status_code == 429 and caught.value.response.headers["Retry-After"] == "0"


# ----- Anthropic Messages API -----


def test_non_stream_message_has_the_real_shape(claude: FakeAnthropic, sdk: anthropic.Anthropic) -> None:
    """messages.create returns the scripted text in a Message with usage and the request id."""
    claude.script("Paragraph one.\n\nParagraph two.")
    message = sdk.messages.create(model=MODEL, max_tokens=1024, messages=HI)
    assert message.content[0].type == "text" and message.content[0].text == "Paragraph one.\n\nParagraph two."
    assert message.stop_reason == "end_turn" and message.usage.output_tokens > 0 and message.model == MODEL
    assert message._request_id is not None and message._request_id.startswith("req_")
    request = claude.wait_for(1)[0]
    assert request["json"]["max_tokens"] == 1024
    assert request["headers"]["authorization"] == "Bearer sk-ant-test"


def test_stream_helper_returns_the_scripted_text(claude: FakeAnthropic, sdk: anthropic.Anthropic) -> None:
    """messages.stream delivers the text in several deltas and get_final_text reassembles it."""
    text = "The fake streams this reply in several small pieces so the helper must join them."
    claude.script(text)
    with sdk.messages.stream(model=MODEL, max_tokens=1024, messages=HI) as s:
        chunks = list(s.text_stream)
        assert s.get_final_text() == text and s.get_final_message().stop_reason == "end_turn"
    assert len(chunks) > 1 and "".join(chunks) == text
    assert claude.requests[0]["json"]["stream"] is True


def test_raw_stream_has_the_documented_event_order(claude: FakeAnthropic, sdk: anthropic.Anthropic) -> None:
    """create(stream=True) yields message_start … message_stop in the documented order (pings are skipped)."""
    claude.script("one two three four")
    with sdk.messages.create(model=MODEL, max_tokens=100, stream=True, messages=HI) as stream:
        kinds = [event.type for event in stream]
    assert kinds == [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]


CITABLE = "The council approved the plan on Tuesday. It costs 1.2 billion dollars. Critics were loud."


def _cite_request(enabled: bool = True) -> list[anthropic.types.MessageParam]:
    document: anthropic.types.DocumentBlockParam = {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": CITABLE},
        "title": "Plan",
        "citations": {"enabled": enabled},
    }
    return [{"role": "user", "content": [document, {"type": "text", "text": "Summarize it."}]}]


def test_citations_come_as_cited_text_blocks_in_json(claude: FakeAnthropic, sdk: anthropic.Anthropic) -> None:
    """With citations on, a claim from the document is its own text block with char_location citations."""
    claude.script("The council approved the plan on Tuesday. Nobody knows why.")
    message = sdk.messages.create(model=MODEL, max_tokens=200, messages=_cite_request())
    first, rest = message.content[0], message.content[1]
    assert first.type == "text" and first.text == "The council approved the plan on Tuesday."
    (citation,) = first.citations or []
    assert citation.type == "char_location" and citation.document_title == "Plan"
    assert CITABLE[citation.start_char_index : citation.end_char_index] == citation.cited_text
    assert rest.type == "text" and rest.text == " Nobody knows why." and not rest.citations


def test_citations_stream_as_citations_deltas_before_the_text(
    claude: FakeAnthropic, sdk: anthropic.Anthropic
) -> None:
    claude.script("It costs 1.2 billion dollars, officials said.")
    with sdk.messages.create(model=MODEL, max_tokens=200, stream=True, messages=_cite_request()) as stream:
        deltas = [e.delta.type for e in stream if e.type == "content_block_delta"]
    assert deltas[0] == "citations_delta" and set(deltas[1:]) == {"text_delta"}
    claude.script("It costs 1.2 billion dollars, officials said.")
    with sdk.messages.stream(model=MODEL, max_tokens=200, messages=_cite_request()) as helper:
        final = helper.get_final_message()
    assert final.content[0].type == "text" and final.content[0].citations
    assert final.content[0].citations[0].cited_text == "It costs 1.2 billion dollars."


def test_citations_on_some_documents_only_are_refused(
    claude: FakeAnthropic, sdk: anthropic.Anthropic
) -> None:
    on, off = _cite_request(), _cite_request(enabled=False)
    content: list[Any] = [*on[0]["content"], *off[0]["content"]]
    with pytest.raises(anthropic.BadRequestError, match="all documents or none"):
        sdk.messages.create(model=MODEL, max_tokens=200, messages=[{"role": "user", "content": content}])


async def test_async_client_streams(claude: FakeAnthropic) -> None:
    """AsyncAnthropic's stream helper works against the fake too."""
    claude.script("async reply text")
    async with (
        anthropic.AsyncAnthropic(api_key="k", base_url=claude.url, max_retries=0) as client,
        client.messages.stream(model=MODEL, max_tokens=64, messages=HI) as stream,
    ):
        assert await stream.get_final_text() == "async reply text"


def test_overloaded_then_success_is_retried(claude: FakeAnthropic) -> None:
    """A 529 followed by success is retried by the SDK when max_retries ≥ 1."""
    claude.fail_next(status=529, retry_after=0.01)
    claude.script("after retry")
    with anthropic.Anthropic(api_key="k", base_url=claude.url, max_retries=1) as client:
        message = client.messages.create(model=MODEL, max_tokens=64, messages=HI)
    assert message.content[0].type == "text" and message.content[0].text == "after retry"
    assert [r["headers"]["x-stainless-retry-count"] for r in claude.requests] == ["0", "1"]


@pytest.mark.parametrize(
    ("status", "error", "kind"),
    [
        (429, anthropic.RateLimitError, "rate_limit_error"),
        (500, anthropic.InternalServerError, "api_error"),
        (529, anthropic.OverloadedError, "overloaded_error"),
        (401, anthropic.AuthenticationError, "authentication_error"),
        (403, anthropic.PermissionDeniedError, "permission_error"),
    ],
)
def test_error_statuses_map_to_sdk_exceptions(
    claude: FakeAnthropic, sdk: anthropic.Anthropic, status: int, error: type[Exception], kind: str
) -> None:
    """Each scripted status carries the documented error body and becomes the matching SDK exception."""
    claude.fail_next(status=status, retry_after=7)
    with pytest.raises(anthropic.APIStatusError) as caught:
        sdk.messages.create(model=MODEL, max_tokens=64, messages=HI)
    assert type(caught.value) is error and caught.value.status_code == status
    assert caught.value.type == kind and caught.value.request_id is not None
    assert caught.value.response.headers["retry-after"] == "7"


def test_error_mid_stream_raises_api_status_error(claude: FakeAnthropic, sdk: anthropic.Anthropic) -> None:
    """An `event: error` after some text raises APIStatusError with status 200 and is not retried."""
    claude.error_mid_stream()
    with (
        pytest.raises(anthropic.APIStatusError) as caught,
        sdk.messages.stream(model=MODEL, max_tokens=512, messages=HI) as s,
    ):
        s.get_final_text()
    assert caught.value.status_code == 200 and caught.value.type == "overloaded_error"
    assert len(claude.requests) == 1


def test_small_max_tokens_truncates(claude: FakeAnthropic, sdk: anthropic.Anthropic) -> None:
    """A reply longer than max_tokens is cut and reported with stop_reason max_tokens, streaming or not."""
    claude.responder = lambda request: " ".join(f"word{n}" for n in range(100))
    message = sdk.messages.create(model=MODEL, max_tokens=13, messages=HI)
    assert message.stop_reason == "max_tokens" and message.usage.output_tokens == 13
    assert message.content[0].type == "text"
    assert message.content[0].text == " ".join(f"word{n}" for n in range(10))
    with sdk.messages.stream(model=MODEL, max_tokens=13, messages=HI) as s:
        assert s.get_final_message().stop_reason == "max_tokens"


def test_wrong_api_key_is_an_authentication_error() -> None:
    """With an api_key configured, another key gets 401 authentication_error."""
    with (
        FakeAnthropic(api_key="right") as fake,
        anthropic.Anthropic(api_key="wrong", base_url=fake.url, max_retries=0) as client,
        pytest.raises(anthropic.AuthenticationError),
    ):
        client.messages.create(model=MODEL, max_tokens=8, messages=HI)


def test_missing_fields_are_invalid_requests(claude: FakeAnthropic) -> None:
    """A body without max_tokens gets 400 with the documented error body."""
    request = urllib.request.Request(
        claude.url + "/v1/messages",
        data=json.dumps({"model": MODEL, "messages": HI}).encode(),
        headers={"x-api-key": "k", "content-type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    with caught.value as response:
        body = json.loads(response.read())
    assert caught.value.code == 400 and body["type"] == "error"
    assert body["error"] == {"type": "invalid_request_error", "message": "max_tokens: Field required"}


def test_delay_stalls_the_answer(claude: FakeAnthropic, sdk: anthropic.Anthropic) -> None:
    """delay() holds the next answer long enough for a short client timeout to fire."""
    claude.delay(0.5, times=1)
    with pytest.raises(anthropic.APITimeoutError):
        sdk.with_options(timeout=0.1).messages.create(model=MODEL, max_tokens=8, messages=HI)
    sdk.messages.create(model=MODEL, max_tokens=8, messages=HI)


def test_count_tokens_counts_characters_over_four(sdk: anthropic.Anthropic) -> None:
    """count_tokens answers ceil(characters / 4) of the system and message text."""
    hello: list[Any] = [{"role": "user", "content": "hello"}]
    result = sdk.messages.count_tokens(model=MODEL, system="sys", messages=hello)
    assert result.input_tokens == 2


def test_default_responder_summarizes_the_document_in_n_paragraphs() -> None:
    """The default responder honours "exactly N paragraphs" and quotes sentences from the <document>."""
    document = " ".join(f"Sentence number {n} is here." for n in range(12))
    request = {
        "system": "Summarize in exactly 3 paragraphs.",
        "messages": [{"role": "user", "content": f"Ignore me.\n<document>{document}</document>"}],
    }
    paragraphs = default_responder(request).split("\n\n")
    assert len(paragraphs) == 3 and all(p and p in document for p in paragraphs)
    assert "Ignore me" not in default_responder(request)
    assert count_input_tokens(request) > len(document) // 4


def test_default_responder_reads_text_document_blocks() -> None:
    """Text-sourced document blocks count as the document; two paragraphs by default."""
    request = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {
                        "type": "document",
                        "source": {"type": "text", "media_type": "text/plain", "data": "A. B. C. D."},
                    },
                    {"type": "text", "text": "Summarize."},
                ],
            }
        ]
    }
    assert default_responder(request) == "A. B.\n\nC. D."


# ----- web site and server hygiene -----


def test_web_serves_pages_redirects_and_404s(site: FakeWeb) -> None:
    """The site serves added pages, follows its redirects, 404s the rest and records headers."""
    site.add("/article", "<html><title>T</title></html>")
    site.redirect("/old", "/article")
    status, content_type, body = _get(site.url_for("/old"))
    assert (status, content_type, body) == (200, "text/html; charset=utf-8", b"<html><title>T</title></html>")
    with pytest.raises(urllib.error.HTTPError) as caught:
        _get(site.url_for("/missing"))
    caught.value.close()
    assert caught.value.code == 404
    assert [r.path for r in site.requests] == ["/old", "/article", "/missing"]
    assert all("authorization" not in r.headers for r in site.requests)


def test_stop_closes_kept_alive_connections() -> None:
    """stop() returns promptly with a keep-alive client still attached, and the port stops accepting."""
    fake = FakeAnthropic().start()
    port = int(fake.url.rsplit(":", 1)[1])
    with anthropic.Anthropic(api_key="k", base_url=fake.url, max_retries=0) as client:
        client.messages.create(model=MODEL, max_tokens=8, messages=HI)
        started = time.monotonic()
        fake.stop()
        assert time.monotonic() - started < 1.0
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_stop_cuts_a_delay_short(claude: FakeAnthropic) -> None:
    """A request held by delay() does not hold up stop(); the client sees the connection go."""
    claude.delay(30)
    errors: list[BaseException] = []

    def call() -> None:
        with anthropic.Anthropic(api_key="k", base_url=claude.url, max_retries=0) as client:
            try:
                client.messages.create(model=MODEL, max_tokens=8, messages=HI)
            except anthropic.APIError as exc:
                errors.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    claude.wait_for(1)
    started = time.monotonic()
    claude.stop()
    caller.join(5)
    assert time.monotonic() - started < 2.0 and not caller.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], anthropic.APIConnectionError)
