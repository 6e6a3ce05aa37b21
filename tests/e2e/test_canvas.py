"""Long summaries as canvases: the whole summary in a canvas shared with the channel, a short reply in the
thread leading to it; made once per job; nothing in it can ping anyone."""

from __future__ import annotations

import asyncio
import json

import redis.asyncio as aioredis

from bot.processes.worker import slack_client
from bot.queue.jobs import Job
from bot.settings import Settings
from bot.slack.canvas import Canvases
from tests.articles import ARTICLE_TEXT
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlack
from tests.harness import Harness, mention_event

LONG_PARAGRAPH = " ".join(f"Point {i} of the plan is explained here in plain words." for i in range(14))


def long_summary(claude: FakeAnthropic) -> None:
    """Claude answers with 8 paragraphs (about 1,000 words), one of them trying to ping the channel."""
    paragraphs = [LONG_PARAGRAPH] * 7 + ["Everyone @channel <!here> should read ![](@U0ALICE) this."]
    answer = "\n\n".join(paragraphs)
    claude.script(answer, answer)  # should the length check ask once more, the same answer


def test_a_long_summary_goes_in_a_canvas_with_a_short_reply(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    long_summary(claude)
    event = mention_event("Summarize in 8 paragraphs, 1000 words\n" + (ARTICLE_TEXT + "\n\n") * 20)
    bot.send(event)
    bot.wait_queued(1)
    bot.work()
    canvases = slack.canvases()
    assert len(canvases) == 1
    canvas_id, canvas = next(iter(canvases.items()))
    assert canvas["title"] == "Summary: your text" and canvas["access"] == {event["channel"]: "read"}
    markdown = canvas["markdown"]
    assert markdown.count("Point 13 of the plan") == 7 and "Offline summary" not in markdown
    assert "<!here>" not in markdown and "@channel" not in markdown and "![](@U0ALICE)" not in markdown
    replies = slack.bot_replies(event["channel"], event["ts"])
    assert len(replies) == 1
    blocks = json.dumps(replies[0]["blocks"], ensure_ascii=False)
    assert f"fake.slack.com/docs/T0FAKE/{canvas_id}" in blocks and "is in a canvas" in blocks
    assert blocks.count("Point 13 of the plan") <= 1 and "reshape_shorter" in blocks


def test_a_short_summary_or_a_dm_gets_messages(bot: Harness, slack: FakeSlack, claude: FakeAnthropic) -> None:
    """Under the threshold, or in a DM (a canvas is shared with a channel), no canvas is made."""
    claude.script("The council approved a transit plan.")
    bot.round_trip(mention_event("tl;dr " + ARTICLE_TEXT))
    long_summary(claude)
    dm = mention_event(
        "Summarize in 8 paragraphs, 1000 words\n" + (ARTICLE_TEXT + "\n\n") * 20, channel="D0ALICE"
    )
    bot.round_trip(dm)
    assert slack.calls("canvases.create") == [] and len(slack.bot_replies("D0ALICE", dm["ts"])) >= 1


def test_a_rerun_reuses_its_canvas(settings: Settings, slack: FakeSlack) -> None:
    """Publishing twice for the same job and source (a crashed job's re-run) makes one canvas."""

    async def twice() -> list[str | None]:
        redis = aioredis.Redis.from_url(settings.redis_url or "")
        client = slack_client(settings)
        canvases = Canvases(client, redis, min_words=600)
        job = Job(id="j1", kind="text", team="T0FAKE", channel="C0CHAN", message_ts="1.0", thread_ts="1.0",
                  user="U0ALICE", source="text")  # fmt: skip
        try:
            return [await canvases.publish(job, "s1", title="Summary", markdown="# Hi\n") for _ in range(2)]
        finally:
            await redis.aclose()

    first, second = asyncio.run(twice())
    assert first and first == second
    assert len(slack.calls("canvases.create")) == 1 and len(slack.canvases()) == 1
