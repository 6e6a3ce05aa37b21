"""The faithfulness check: figures compared by value however written, names by word, and what is not in
the source reported in the summary's own words."""

from __future__ import annotations

import pytest

from bot.summary.faithfulness import unsupported

SOURCE = (
    "The French president Emmanuel Macron said on Tuesday that the plan, costing £1.58bn, would create "
    "4,970 jobs by 2027. Unemployment fell 40 per cent in March. Russia's reaction was muted. Five thousand "
    "people marched in Paris, and 12 were arrested."
)


@pytest.mark.parametrize(
    "summary",
    [
        "Macron's plan costs £1.6bn and creates nearly 5,000 jobs by 2027 [3].",
        "The plan costs 1.6 billion pounds; five thousand people marched.",
        "France saw unemployment fall 40% in March. Russian officials said little.",
        "5k people marched in Paris and twelve were arrested.",
        "*Plan:* President Macron promised 4970 jobs.",
        "Unemployment fell forty percent, the French president said.",
    ],
)
def test_faithful_wordings_are_supported(summary: str) -> None:
    assert unsupported([summary], SOURCE) == []


@pytest.mark.parametrize(
    ("summary", "reported"),
    [
        ("The plan costs £2.1bn.", ["£2.1bn"]),
        ("It creates 6,000 jobs by 2027.", ["6,000"]),
        ("It creates 4,970 jobs by 2031.", ["2031"]),
        ("Angela Merkel backed the plan.", ["Angela Merkel"]),
        ("Unemployment fell 45 per cent.", ["45 per cent"]),
        ("Twenty people were arrested.", ["Twenty"]),
        ("The mayor of Berlin praised Macron.", ["Berlin"]),
    ],
)
def test_changed_figures_invented_dates_and_swapped_names_are_reported(
    summary: str, reported: list[str]
) -> None:
    assert unsupported([summary], SOURCE) == reported


def test_sentence_openers_are_not_names_and_each_item_is_reported_once() -> None:
    assert unsupported(["However, the plan passed. Meanwhile prices rose."], SOURCE) == []
    assert unsupported(["Angela Merkel spoke.", "Later, Merkel spoke again."], SOURCE) == ["Angela Merkel"]
    assert unsupported(["Decision: the plan passed.", "Action item (Bob): none."], SOURCE) == ["Bob"]


def test_names_are_left_alone_when_asked_not_to_check_them() -> None:
    """A summary in another language may spell names its own way: only figures are checked."""
    assert unsupported(["Le plan, selon Moscou, date de 2027."], SOURCE, check_names=False) == []
    assert unsupported(["Le plan, selon Moscou, date de 2027."], SOURCE) == ["Moscou"]
