"""`Claude` as the worker builds it (`make_claude`: the SDK over its aiohttp transport, the raw stream
events gathered into an answer) against the fake Messages API: slots, usage, citations, a cut stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.errors import ServiceUnavailable
from bot.models import Document, LengthPlan, SummarySpec
from bot.retry import RetryPolicy
from bot.summary.claude import Claude, make_claude
from tests.articles import PARAGRAPHS
from tests.fakes.anthropic_api import FakeAnthropic
from tests.summary.shown import Shown

DOC = Document(text="\n\n".join(PARAGRAPHS[:3]), kind="text", label="your text")
PLAN = LengthPlan(words=80, paragraphs=2)
SPEC = SummarySpec()
QUICK = RetryPolicy(attempts=2, base_delay=0.05, max_delay=0.1)


@pytest.fixture
async def built(claude: FakeAnthropic) -> AsyncIterator[Claude]:
    """The worker's client, making at most two calls at once."""
    client = make_claude(api_key="sk-test", base_url=claude.url, model="claude-sonnet-5-5", calls_at_once=2)
    client.policy = QUICK
    yield client
    await client.client.close()


async def test_calls_beyond_the_slots_wait_for_one(claude: FakeAnthropic, built: Claude) -> None:
    """Five summaries at once with two slots: all five are written, never more than two calls at a time
    (and two do run together)."""
    claude.delay(0.3)
    outputs = await asyncio.gather(*(built.summarize(DOC, plan=PLAN, spec=SPEC) for _ in range(5)))
    assert all(output.paragraphs for output in outputs)
    assert len(claude.requests) == 5
    assert claude.max_in_flight == 2


async def test_the_answer_is_gathered_from_the_stream_events(claude: FakeAnthropic, built: Claude) -> None:
    """Text shown as it arrives equals the answer's text; usage and cited passages come from the events."""
    live = Shown()
    output = await built.summarize(DOC, plan=PLAN, spec=SPEC, live=live)
    usage = claude.usages[0]
    assert output.input_tokens == usage["input_tokens"]
    assert (
        output.output_tokens > usage["output_tokens"] == 1
    )  # message_delta's count replaces message_start's
    assert output.cache_write_tokens == usage.get("cache_creation_input_tokens", 0)
    assert output.sources and all(source.quote in DOC.text for source in output.sources)
    shown = "".join(live.pieces)
    for paragraph in output.paragraphs:
        for sentence in paragraph.split("["):  # the markers are added after the stream
            words = sentence.split("]")[-1].split()
            assert " ".join(words[:3]) in " ".join(shown.split())
    assert not output.truncated


async def test_a_stream_cut_before_its_end_is_asked_again(claude: FakeAnthropic, built: Claude) -> None:
    """A stream whose body ends cleanly but before `message_stop` is not taken for an answer: the call is
    made again, and the second answer is the summary."""
    claude.cut_streams(1)
    output = await built.summarize(DOC, plan=PLAN, spec=SPEC)
    assert len(claude.requests) == 2
    assert output.paragraphs and output.output_tokens > 1


async def test_streams_cut_every_time_end_in_the_busy_message(claude: FakeAnthropic, built: Claude) -> None:
    """Cut on every attempt: the user hears the service is busy, after the policy's attempts."""
    claude.cut_streams(5)
    with pytest.raises(ServiceUnavailable) as raised:
        await built.summarize(DOC, plan=PLAN, spec=SPEC)
    assert raised.value.attempts == 2 and len(claude.requests) == 2
