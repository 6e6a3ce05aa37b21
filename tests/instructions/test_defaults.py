"""A person's defaults fill in only what their request left open."""

from __future__ import annotations

from bot.instructions import parse_request
from bot.instructions.defaults import Defaults, apply_defaults
from bot.models import SummarySpec

MINE = Defaults(preset="brief", language="French")


def spec_of(instruction: str) -> SummarySpec:
    spec, _ = parse_request(f"{instruction}\nThe council approved the plan on Tuesday after a long debate.")
    return spec


def test_an_open_request_takes_both_defaults() -> None:
    spec = apply_defaults(SummarySpec(), MINE)
    assert (spec.preset, spec.language) == ("brief", "French")


def test_a_request_that_names_a_length_or_a_language_keeps_it() -> None:
    for asked in ("in 3 bullets", "in 200 words", "in 2 paragraphs", "tl;dr", "in 4 sentences"):
        spec = apply_defaults(spec_of(asked), MINE)
        assert spec.preset == spec_of(asked).preset, asked  # the default preset is not added
        assert spec.language == "French", asked
    spec = apply_defaults(spec_of("in Spanish"), MINE)
    assert (spec.preset, spec.language) == ("brief", "Spanish")


def test_no_defaults_change_nothing_and_unknown_stored_values_are_dropped() -> None:
    assert apply_defaults(spec_of("in 3 bullets"), Defaults()) == spec_of("in 3 bullets")
    assert Defaults.read({"preset": "enormous", "language": "Klingon"}) == Defaults()
    assert Defaults.read(MINE.fields()) == MINE and Defaults().fields() == {}
