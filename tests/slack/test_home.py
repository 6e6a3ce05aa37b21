"""The Home tab and the defaults modal as views: what they show, what a submission means, and that
labels from people or pages stay inert."""

from __future__ import annotations

import json

from bot.instructions.defaults import Defaults
from bot.queue.prefs import Asked
from bot.slack.home import defaults_modal, home_view, read_defaults


def values(preset: str, language: str) -> dict[str, object]:
    return {
        block: {block: {"type": "static_select", "selected_option": {"value": value}}}
        for block, value in (("preset", preset), ("language", language))
    }


def test_the_modal_round_trips_the_defaults() -> None:
    modal = defaults_modal(Defaults(preset="detailed", language="Japanese"))
    selected = {b["block_id"]: b["element"]["initial_option"]["value"] for b in modal["blocks"][:2]}
    assert selected == {"preset": "detailed", "language": "Japanese"}
    assert read_defaults(values("detailed", "Japanese")) == (Defaults("detailed", "Japanese"), {})
    assert read_defaults(values("auto", "auto")) == (Defaults(), {})
    chosen, errors = read_defaults(values("huge", "Klingon"))
    assert chosen is None and set(errors) == {"preset", "language"}


def test_requests_are_listed_with_local_times_and_inert_labels() -> None:
    asked = [
        Asked(at=1796000000, kind="url", label="https://e.com/<!channel>", channel="C1", ok=True),
        Asked(at=1795990000, kind="text", label="", channel="D1", ok=False),
        Asked(at=1795980000, kind="channel", label="#general", channel="C2", ok=None, private=True),
    ]
    shown = json.dumps(home_view(Defaults(), asked)["blocks"], ensure_ascii=False)
    assert "Your requests this week:* 3" in shown and "<!date^1796000000^" in shown
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
    assert (
        "in <#C1> ✅" in shown
        and "pasted text in a DM ❌" in shown
        and "channel catch-up: #general privately" in shown
    )


def test_many_requests_show_the_latest_ten_and_how_many_more() -> None:
    asked = [
        Asked(at=1796000000 - n, kind="url", label=f"https://e.com/{n}", channel="C1", ok=True)
        for n in range(14)
    ]
    shown = json.dumps(home_view(Defaults(), asked)["blocks"])
    assert "https://e.com/9" in shown and "https://e.com/10" not in shown and "and 4 more" in shown
