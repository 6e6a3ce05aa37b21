"""A person's own defaults (set in the App Home): the length preset and the language their summaries use
when a request does not say. Pure.

`apply_defaults` fills in only what the request left open: a request that names any length (a preset,
words, paragraphs, bullets or sentences) keeps it, and one that names a language keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.models import SummarySpec

PRESETS = {"tldr": "TL;DR", "brief": "Brief", "detailed": "Detailed"}
# The languages most people read, in the names the instruction grammar knows (also the Translate menu).
LANGUAGES = (
    "English", "Spanish", "French", "German", "Portuguese",
    "Italian", "Japanese", "Chinese", "Korean", "Hindi",
)  # fmt: skip


@dataclass(frozen=True)
class Defaults:
    """`preset` (a key of PRESETS) and `language` (one of LANGUAGES); None: the bot decides."""

    preset: str | None = None
    language: str | None = None

    @classmethod
    def read(cls, fields: dict[str, str]) -> Defaults:
        """From stored fields; anything not known is dropped (the bot decides)."""
        preset, language = fields.get("preset"), fields.get("language")
        return cls(
            preset=preset if preset in PRESETS else None,
            language=language if language in LANGUAGES else None,
        )

    def fields(self) -> dict[str, str]:
        """For storage: only what is set."""
        return {k: v for k, v in (("preset", self.preset), ("language", self.language)) if v}

    @property
    def length_label(self) -> str:
        return PRESETS[self.preset] if self.preset else "the bot decides (fits the source)"

    @property
    def language_label(self) -> str:
        return self.language or "the source's language"


def apply_defaults(spec: SummarySpec, defaults: Defaults) -> SummarySpec:
    """`spec` with the person's defaults where the request said nothing (see the module docstring)."""
    asked_length = any(
        value is not None
        for value in (spec.preset, spec.words, spec.paragraphs, spec.bullets, spec.sentences)
    )
    return replace(
        spec,
        preset=spec.preset if asked_length else defaults.preset,
        language=spec.language or defaults.language,
    )
