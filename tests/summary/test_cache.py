"""The summary cache's key and rules (`bot.summary.cache`), and the engine using it: a hit costs no model
call, what may not be served again is not kept, and a failing cache never fails a summary."""

from __future__ import annotations

import dataclasses
from typing import Any

import anthropic
import pytest

from bot.models import OFFLINE_MODEL, Document, LengthPlan, Summary, SummarySpec
from bot.summary import cache as cache_module
from bot.summary.cache import CACHED_NOTE, keepable, summary_key
from bot.summary.claude import Claude
from bot.summary.engine import Engine
from bot.summary.prompt import PROMPT_VERSION
from tests.articles import ARTICLE_TEXT
from tests.fakes.anthropic_api import FakeAnthropic
from tests.summary.shown import Shown

DOC = Document(text="The council approved the plan. It costs 5 million.", kind="html", label="u", title="P")
PLAN = LengthPlan(words=40, paragraphs=1)
SPEC = SummarySpec(style_notes=("for executives",), language="French")


def key(**changes: Any) -> str:
    """The key of DOC/PLAN/SPEC with `changes` applied to the document, the plan, the spec or the rest."""
    fields: dict[str, Any] = {"doc": DOC, "words": 9, "plan": PLAN, "spec": SPEC, "model": "claude-x"}
    for name, value in changes.items():
        for part in ("doc", "plan", "spec"):
            if name in {f.name for f in dataclasses.fields(fields[part])}:
                fields[part] = dataclasses.replace(fields[part], **{name: value})
                break
        else:
            fields[name] = value
    return summary_key(**fields)


def test_the_same_inputs_give_the_same_key() -> None:
    """The key is a stable sha256 hex digest of its inputs."""
    assert key() == key() and len(key()) == 64 and int(key(), 16) >= 0


@pytest.mark.parametrize(
    "change",
    [
        {"text": DOC.text + " It opens in 2031."},
        {"title": "Another title"},
        {"kind": "conversation"},
        {"words": 10},
        {"model": "claude-y"},
        {"paragraphs": 2},
        {"form": "bullets"},
        {"count": 3},
        {"check_words": False},
        {"tiny": True},
        {"style_notes": ("for engineers",)},
        {"style_notes": ()},
        {"language": "German"},
    ],
)
def test_any_change_gives_another_key(change: dict[str, Any]) -> None:
    """Content, title, kind, word count, model, any field of the shape, style notes or language: a new key."""
    assert key(**change) != key()


def test_a_new_prompt_version_gives_another_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bumping PROMPT_VERSION retires every summary kept for the old prompt."""
    before = key()
    monkeypatch.setattr(cache_module, "PROMPT_VERSION", PROMPT_VERSION + 1)
    assert key() != before


@pytest.mark.parametrize(
    ("model", "notes", "kept"),
    [
        ("claude-x", (), True),
        ("claude-x", ("asked for 2,000 words; the source has only about 360",), True),
        ("claude-x", ("long document: summarized in 4 parts, then combined",), True),
        (OFFLINE_MODEL, (), False),
        ("claude-x", ("the model stopped at its output limit, so the end may be missing",), False),
        ("claude-x", ("the summary misses the request: 3 paragraphs, asked for 2",), False),
        ("claude-x", ("could not verify: 2031",), False),
        ("claude-x", (CACHED_NOTE,), False),
    ],
)
def test_only_sound_model_summaries_are_kept(model: str, notes: tuple[str, ...], kept: bool) -> None:
    """A model's summary is kept unless it is cut off, off its request or the source, or already cached."""
    assert keepable(Summary(paragraphs=("A.",), model=model, source_words=9, notes=notes)) is kept


class MemoryCache:
    """A `SummaryCache` in a dict; `broken` makes every call fail as an unreachable Redis would."""

    def __init__(self, *, broken: bool = False) -> None:
        self.kept: dict[str, Summary] = {}
        self.broken = broken
        self.calls = 0

    async def get(self, key: str) -> Summary | None:
        self.calls += 1
        if self.broken:
            raise ConnectionError("cache down")
        return self.kept.get(key)

    async def put(self, key: str, summary: Summary) -> None:
        self.calls += 1
        if self.broken:
            raise ConnectionError("cache down")
        self.kept[key] = summary


def engine(fake: FakeAnthropic, cache: MemoryCache) -> Engine:
    client = anthropic.AsyncAnthropic(api_key="sk-test", base_url=fake.url, max_retries=0)
    return Engine(writer=Claude(client, model="claude-sonnet-5-5"), cache=cache)


ARTICLE = Document(text=ARTICLE_TEXT, kind="text", label="your text", origin="pasted")


async def test_a_hit_costs_no_model_call_and_is_shown_live(claude: FakeAnthropic) -> None:
    """The second ask is answered from the cache: no request, no tokens, noted "cached", shown on live."""
    bot, shown = engine(claude, MemoryCache()), Shown()
    first = await bot.summarize(ARTICLE, spec=SummarySpec(paragraphs=2))
    second = await bot.summarize(ARTICLE, spec=SummarySpec(paragraphs=2), live=shown)
    assert len(claude.requests) == 1 and first.tokens_used > 0
    assert second.paragraphs == first.paragraphs and second.sources == first.sources
    assert second.tokens_used == 0 and second.input_tokens == 0
    assert second.notes == (*first.notes, CACHED_NOTE)
    assert shown.pieces == [f"{p}\n\n" for p in first.paragraphs]


async def test_a_cut_off_summary_is_not_kept(claude: FakeAnthropic) -> None:
    """A summary the model stopped at its output limit is posted but asked anew next time."""
    cache = MemoryCache()
    claude.script(" ".join(["word"] * 3000))
    summary = await engine(claude, cache).summarize(ARTICLE, spec=SummarySpec(paragraphs=1))
    assert any("output limit" in n for n in summary.notes) and cache.kept == {}


async def test_an_offline_fallback_is_not_kept(claude: FakeAnthropic) -> None:
    """When the AI service refuses the credentials, the offline summary is posted and not kept."""
    cache = MemoryCache()
    claude.fail_next(status=401)
    summary = await engine(claude, cache).summarize(ARTICLE, spec=SummarySpec(paragraphs=2))
    assert summary.model == OFFLINE_MODEL and cache.kept == {}


async def test_a_failing_cache_does_not_fail_the_summary(claude: FakeAnthropic) -> None:
    """Every cache call failing: the summary is made by the model as if there were no cache."""
    cache = MemoryCache(broken=True)
    summary = await engine(claude, cache).summarize(ARTICLE, spec=SummarySpec())
    assert summary.model == "claude-sonnet-5-5" and CACHED_NOTE not in summary.notes and cache.calls == 2
    assert len(claude.requests) == 1


async def test_offline_summaries_are_neither_looked_up_nor_kept() -> None:
    """An offline engine never touches the cache (its summaries are cheap and deterministic)."""
    cache = MemoryCache()
    summary = await Engine(writer=None, cache=cache).summarize(ARTICLE, spec=SummarySpec())
    assert summary.model == OFFLINE_MODEL and cache.calls == 0
