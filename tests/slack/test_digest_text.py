"""The digest message: what it shows, in which order, and that nothing from people or pages can ping or
break its markup."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.instructions.digest import Schedule
from bot.slack.digest_text import BusyThread, Digest, SharedLink, render_digest, schedule_line

DAILY = Schedule("daily", 9, 0, tz="Europe/Paris")


def digest(**fields: object) -> Digest:
    base: dict[str, object] = {
        "where": "general",
        "schedule": DAILY,
        "start": datetime(2026, 11, 29, 9, 0, tzinfo=UTC),
        "end": datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        "messages": 12,
        "people": ("Alice", "Bob"),
    }
    base.update(fields)
    return Digest(**base)  # type: ignore[arg-type]


def test_links_then_threads_with_counts_and_the_way_to_stop_it() -> None:
    message = render_digest(
        digest(
            links=(SharedLink("https://example.com/a", "Plan", "The plan passed.", "Alice", "https://s/p1"),),
            threads=(BusyThread("Launch on May 4?", "Bob", 7, "https://s/p2"),),
        )
    )
    text = "\n".join(json.dumps(b, ensure_ascii=False) for b in message.blocks)
    assert "Daily digest of #general" in text and "12 messages from Alice, Bob" in text
    assert text.index("Links shared") < text.index("Busiest threads")
    assert "<https://example.com/a|Plan> — The plan passed." in text and "<https://s/p1|Alice>" in text
    assert "<https://s/p2|Launch on May 4?> — 7 replies, started by Bob" in text
    assert "every day at 09:00 (Europe/Paris)" in text and "/summarize digest off" in text
    assert message.text.startswith("Daily digest of #general: 12 messages")


def test_nothing_from_people_or_pages_can_ping_or_break_out() -> None:
    message = render_digest(
        digest(
            where="gen<eral>",
            people=("<!channel>", "@here"),
            links=(SharedLink("https://e.com/x", "Title | <@U1>", "@everyone look <!here>", "<@U2>"),),
            threads=(BusyThread("Hey <!channel> *bold* & more", "@channel", 1),),
        )
    )
    text = json.dumps([b for b in message.blocks], ensure_ascii=False)
    for ping in ("<!channel>", "<!here>", "<@U1>", "<@U2>", "@everyone", "@here", "@channel"):
        assert ping not in text, ping
    assert "&lt;!channel&gt;" in text and "1 reply," in text


def test_a_period_without_links_or_threads_says_so_and_a_partial_read_is_told() -> None:
    text = json.dumps(render_digest(digest(partial=True, messages=1, people=("Alice",))).blocks)
    assert "No links were shared" in text and "1 message from Alice" in text and "latest ones only" in text


def test_the_confirmation_names_the_next_run_in_its_zone() -> None:
    line = schedule_line(DAILY, where="general", next_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert line.startswith("Digest set: every day at 09:00 (Europe/Paris) in #general")
    assert "Tuesday, Dec 1 at 09:00" in line
