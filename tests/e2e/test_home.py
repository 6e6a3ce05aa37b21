"""The App Home: the Home tab published on `app_home_opened`, the defaults modal (`views.open` with the
click's trigger_id, `view_submission` checked and saved), the defaults applied to the person's next
requests, and their requests this week listed."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from bot.settings import Settings
from tests.articles import ARTICLE_TEXT, article_html
from tests.fakes.anthropic_api import FakeAnthropic, prompt_text
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import Harness, mention_event, message_event, wait_for
from tests.redis_server import RedisServer


def opened_home(bot: Harness, slack: FakeSlack, user: str = "U0ALICE") -> dict[str, Any]:
    """Open the Home tab and return it once published (listeners run after the ack)."""
    before = slack.home(user)
    bot.home_opened(user)
    home: dict[str, Any] = wait_for(
        lambda: slack.home(user) if slack.home(user) != before else None, timeout=10
    )
    return home


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def set_defaults(bot: Harness, slack: FakeSlack, choices: dict[str, str]) -> tuple[int, bytes]:
    home = opened_home(bot, slack)
    status, _ = bot.view_click(home, "edit_defaults")
    assert status == 200
    modal = wait_for(lambda: slack.modals()[-1] if slack.modals() else None, timeout=10)
    return bot.submit_view(modal, choices)


def test_the_home_tab_explains_and_shows_no_defaults_and_no_requests_yet(
    bot: Harness, slack: FakeSlack
) -> None:
    home = text_of(opened_home(bot, slack))
    assert "/summarize digest daily 09:00" in home and "summarize this thread" in home
    assert "Length: the bot decides" in home and "Language: the source's language" in home
    assert "Your requests this week:* none yet" in home and "edit_defaults" in home


def test_the_messages_tab_publishes_nothing(bot: Harness, slack: FakeSlack) -> None:
    bot.home_opened("U0ALICE", tab="messages")
    opened_home(bot, slack, "U0BOB")  # a later event is handled, so the first was too
    assert slack.home("U0ALICE") is None


def test_defaults_set_in_the_modal_apply_to_the_next_requests_unless_they_say_otherwise(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    status, body = set_defaults(bot, slack, {"preset": "brief", "language": "French"})
    assert status == 200 and body in {b"", b"{}"}
    (modal,) = slack.modals()
    assert modal["user"] == "U0ALICE" and modal["callback_id"] == "defaults"
    home = wait_for(lambda: "Length: Brief" in text_of(slack.home("U0ALICE") or {"blocks": []}), timeout=10)
    assert home and "Language: French" in text_of(slack.home("U0ALICE") or {})
    # the modal opens again with the saved choices selected
    status, _ = bot.view_click(slack.home("U0ALICE") or {}, "edit_defaults")
    reopened = wait_for(lambda: slack.modals()[1:] and slack.modals()[1], timeout=10)
    assert [b["element"]["initial_option"]["value"] for b in reopened["blocks"][:2]] == ["brief", "French"]

    def first_prompt(event: dict[str, Any]) -> str:
        """The prompt of the request's first model call (a language miss may add a re-ask)."""
        asked = len(claude.requests)
        bot.round_trip(event)
        return prompt_text(claude.requests[asked]["json"])

    mine = first_prompt(mention_event(ARTICLE_TEXT, user="U0ALICE"))
    explicit = first_prompt(mention_event(f"in 3 bullets in English\n{ARTICLE_TEXT}", user="U0ALICE"))
    bobs = first_prompt(mention_event(ARTICLE_TEXT, user="U0BOB"))
    assert "Write the summary in French." in mine
    assert "in English" in explicit and "French" not in explicit and "3" in explicit
    assert "French" not in bobs


def test_a_choice_not_offered_is_refused_on_its_field_and_nothing_is_saved(
    bot: Harness, slack: FakeSlack
) -> None:
    status, body = set_defaults(bot, slack, {"preset": "enormous", "language": "French"})
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors" and "preset" in answer["errors"]
    assert bot.redis.exists("summarizer:prefs:T0FAKE:U0ALICE") == 0


def test_the_week_s_requests_are_listed_newest_first(bot: Harness, slack: FakeSlack, web: FakeWeb) -> None:
    url = web.add("/story", article_html("Council approves transit plan"))
    bot.round_trip(message_event(f"see <{url}>", user="U0ALICE"))
    hook = bot.command("in 2 bullets: " + ARTICLE_TEXT, channel="C0CHAN")
    bot.wait_queued(2)
    bot.work()
    assert slack.private_view(hook)
    home = text_of(opened_home(bot, slack))
    assert "Your requests this week:* 2" in home
    assert home.index("pasted text") < home.index("link: " + url)
    assert "privately" in home and "in <#C0GENERAL>" in home and "✅" in home and "<!date^" in home
    bot.work()  # the jobs are not run again, and nothing is counted twice
    assert "Your requests this week:* 2" in text_of(opened_home(bot, slack))


def test_with_redis_away_the_tab_still_opens_and_says_so(
    settings: Settings, slack: FakeSlack, own_redis: RedisServer
) -> None:
    bot = Harness(replace(settings, redis_url=own_redis.url), slack)
    try:
        own_redis.stop()
        home = text_of(opened_home(bot, slack))
        assert "can't read your settings just now" in home and "edit_defaults" not in home
    finally:
        own_redis.start(appendonly=True)
        bot.close()
