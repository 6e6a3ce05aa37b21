"""The faithfulness check end to end: a figure or a name the source does not support sends the answer back
once with the list; what is still unsupported is named in the footer, and a faithful answer costs nothing
more."""

from __future__ import annotations

from tests.articles import ARTICLE_TEXT
from tests.fakes.anthropic_api import FakeAnthropic, prompt_text
from tests.fakes.slack_api import FakeSlack
from tests.harness import Harness, footer_of, mention_event

FAITHFUL = (
    "The council approved a transit plan with three bus lines and a rail link to the airport by 2029, "
    "costing about 1.2 billion dollars."
)


def test_an_invented_figure_and_name_are_sent_back_and_a_corrected_answer_is_posted(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    claude.script(
        "Mayor Gavin Newsom's council approved a transit plan costing 2.5 billion dollars, done by 2031.",
        FAITHFUL,
    )
    (reply,) = bot.round_trip(mention_event(f"in one paragraph\n{ARTICLE_TEXT}"))
    assert len(claude.requests) == 2
    second = prompt_text(claude.requests[1]["json"])
    assert "does not say: 2.5 billion, 2031, Gavin Newsom" in second
    assert "could not verify" not in footer_of(reply)
    assert "1.2 billion dollars" in str(reply["blocks"])


def test_what_stays_unsupported_is_named_in_the_footer(
    bot: Harness, slack: FakeSlack, claude: FakeAnthropic
) -> None:
    wrong = "The council approved a transit plan that will be finished by 2031."
    claude.script(wrong, wrong)
    (reply,) = bot.round_trip(mention_event(f"in one paragraph\n{ARTICLE_TEXT}"))
    assert len(claude.requests) == 2
    assert "could not verify: 2031" in footer_of(reply)


def test_a_faithful_answer_is_asked_once(bot: Harness, slack: FakeSlack, claude: FakeAnthropic) -> None:
    claude.script(FAITHFUL)
    (reply,) = bot.round_trip(mention_event(f"in one paragraph\n{ARTICLE_TEXT}"))
    assert len(claude.requests) == 1 and "could not verify" not in footer_of(reply)
