"""How soon a user sees the summary: event → first visible words, and event → finished message.

Runs the real web process and a running worker against the fakes, with a realistic model: the first
token after `--first-token` seconds (0.8), then about `--tokens-per-second` (60). For a shared link, for
pasted text, and for a follow-up question about a 50-page PDF (with the share of its input read from the
prompt cache), prints p50/p95 over `--runs` events. Targets: first words ≤ 2.5 s p50 for a link; a
follow-up's input ≥ 80 % cache reads.

    python bench/latency.py [--runs 9]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.settings import Settings  # noqa: E402
from tests.articles import ARTICLE_TEXT, PARAGRAPHS, article_html  # noqa: E402
from tests.documents import make_pdf  # noqa: E402
from tests.fakes.anthropic_api import FakeAnthropic  # noqa: E402
from tests.fakes.slack_api import FakeSlack  # noqa: E402
from tests.fakes.web import FakeWeb  # noqa: E402
from tests.harness import (  # noqa: E402
    BOT_TOKEN,
    BOT_USER,
    SIGNING_SECRET,
    TEAM,
    BackgroundWorker,
    Harness,
    mention_event,
    message_event,
)
from tests.redis_server import start_redis  # noqa: E402

WORDS_PER_DELTA = 3  # the fake streams three words a delta; a word is about 1.3 tokens
POLL = 0.005


def until(predicate: Callable[[], Any], *, timeout: float = 120) -> float:
    """Poll `predicate` until it holds; the time it took."""
    started = time.perf_counter()
    while not predicate():
        if time.perf_counter() - started > timeout:
            raise TimeoutError("the bot did not answer in time")
        time.sleep(POLL)
    return time.perf_counter() - started


def first_words(slack: FakeSlack, channel: str, thread: str) -> bool:
    return any(m.get("text") for m in slack.bot_replies(channel, thread))


def finished(slack: FakeSlack, channel: str, thread: str, *, replies: int = 1) -> bool:
    done = [m for m in slack.bot_replies(channel, thread) if m.get("blocks")]
    return len(done) >= replies and not any(slack.streaming(channel, m["ts"]) for m in done)


def timed(bot: Harness, slack: FakeSlack, event: dict[str, Any], *, replies: int = 1) -> tuple[float, float]:
    """(seconds to the first visible words, seconds to the finished message) for one event."""
    started = time.perf_counter()
    bot.send(event)
    thread = event.get("thread_ts") or event["ts"]
    until(lambda: len([m for m in slack.bot_replies(event["channel"], thread) if m.get("text")]) >= replies)
    first = time.perf_counter() - started
    until(lambda: finished(slack, event["channel"], thread, replies=replies))
    return first, time.perf_counter() - started


def report(name: str, samples: list[tuple[float, float]]) -> None:
    firsts, dones = [s[0] for s in samples], [s[1] for s in samples]

    def p95(values: list[float]) -> float:
        return sorted(values)[min(len(values) - 1, round(0.95 * (len(values) - 1)))]

    print(
        f"  {name:<28} first words p50 {statistics.median(firsts):5.2f} s  p95 {p95(firsts):5.2f} s   "
        f"finished p50 {statistics.median(dones):5.2f} s  p95 {p95(dones):5.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--first-token", type=float, default=0.8)
    parser.add_argument("--tokens-per-second", type=float, default=60.0)
    args = parser.parse_args()
    redis_server = start_redis()
    try:
        slack = FakeSlack(bot_token=BOT_TOKEN, team_id=TEAM, bot_user_id=BOT_USER)
        with slack, FakeAnthropic() as claude, FakeWeb() as web:
            measure(args, slack, claude, web, redis_server.url)
    finally:
        redis_server.stop()


def measure(
    args: argparse.Namespace, slack: FakeSlack, claude: FakeAnthropic, web: FakeWeb, redis_url: str
) -> None:
    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.url + "/api/",
        anthropic_api_key="sk-ant-bench",
        anthropic_base_url=claude.url,
        anthropic_model="claude-sonnet-5-5",
        redis_url=redis_url,
        allow_private_urls=True,
    )
    bot = Harness(settings, slack)
    worker = BackgroundWorker(replace(settings, worker_concurrency=4))
    claude.delay(args.first_token)
    claude.pace(WORDS_PER_DELTA * 1.3 / args.tokens_per_second)
    try:
        links, texts = [], []
        for n in range(args.runs):
            url = web.add(f"/story/{n}", article_html(f"Story {n}"))
            links.append(timed(bot, slack, message_event(f"<{url}>")))
            texts.append(timed(bot, slack, mention_event(ARTICLE_TEXT)))
        report("shared link", links)
        report("pasted text", texts)
        pages = tuple(tuple(PARAGRAPHS) for _ in range(50))
        file = slack.add_file("report.pdf", make_pdf(*pages), "application/pdf", "pdf")
        upload = message_event("", subtype="file_share", files=[file])
        timed(bot, slack, upload)
        questions, cached = [], []
        for n in range(args.runs):
            ask = mention_event(f"what does it say about funding ({n})?", thread_ts=upload["ts"])
            questions.append(timed(bot, slack, ask, replies=n + 2))
            usage = claude.usages[-1]
            total = (
                usage["input_tokens"]
                + usage["cache_read_input_tokens"]
                + usage["cache_creation_input_tokens"]
            )
            cached.append(usage["cache_read_input_tokens"] / total)
        report("follow-up, 50-page PDF", questions)
        print(f"  follow-up input read from the prompt cache: p50 {100 * statistics.median(cached):.0f} %")
        print(f"  (model: first token after {args.first_token} s, ~{args.tokens_per_second:.0f} tokens/s)")
    finally:
        worker.stop()
        bot.close()


if __name__ == "__main__":
    main()
