"""How a text is laid out, and which of its sentences are clutter rather than content. Pure: stdlib only.

Contract, for cleaned text (`bot.summary.clean.clean_text`), deterministic and without scoring:
- `spans(text)` are `sentence_spans(text)`, except that a furniture lead-in which ran into the next
  sentence ("Media playback is not supported on this device The 19-year-old…") is split off; the spans
  are in order and slicing them loses only whitespace.
- `read_layout(text)` says whether the text reads as a story (prose, gist first) or a document, which
  sentences (by ordinal in `spans`) are heading lines, and which sit under a summary-like heading
  ("Summary", "Key findings", "Conclusions").
- `is_furniture(sentence, story=…)` is True for page furniture ("Scroll down for video"), a photo
  caption or credit ("(pictured)", "(left)", "Getty Images"), or, in a story, a "Label: …" caption line.
Headings and furniture are clutter: the offline summarizer (`bot.summary.offline`) keeps them only to
reach a length. These are properties of how genres are written, not of a data set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.summary.clean import sentence_spans
from bot.text import count_words

STORY_MAX_WORDS = 3000  # a longer text without headings is read as a report, not a news story
# Page furniture (a sentence that starts so is about the page, not the story) and photo captions/credits.
_FURNITURE = re.compile(
    r"(?:scroll down for (?:video|more)|media playback is (?:not supported|unsupported)|"
    r"sorry,? we are not (?:currently )?accepting comments|click here|watch (?:the )?video|"
    r"(?:photo|image|picture|video)s?(?: credit)?\s*:|credit\s*:)",
    re.IGNORECASE,
)
_RUN_IN = re.compile(
    r"(?:scroll down for (?:video|more)|"
    r"media playback is (?:not supported|unsupported) on (?:this|your) device)[.:]? (?=\S)",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"\((?:(?:far|second|third|top|bottom|centre|center|front|back) )?"
    r"(?:left|right|centre|center|above|below|top|bottom|inset)\b[^()]{0,25}\)|"
    r"\((?:[^()]{0,25} )?pictured\b[^()]{0,25}\)|,? pictured(?: (?:left|right|above|below|centre|center))?,|"
    r"\((?:file (?:photo|picture|image)|stock (?:photo|image)|posed by models?)\)|"
    r"\b(?:getty images|ap photo|afp|reuters|shutterstock|alamy|epa|pa wire)\W*$",
    re.IGNORECASE,
)
# "Breaking sweat: NBC filmed…" (not "But he said: …")
_LABEL = re.compile(
    r"(?![^:]*\b(?:said|says|told|added|asked|wrote|explained|replied|warned)\b)"
    r"[A-Z][\w'’-]*(?: [\w'’-]+){0,4}: +[\"'“‘A-Z]"
)
_LIST_ITEM = re.compile(r"\s*(?:[-*•·▪–]|\d{1,3}[.)]|#{1,6})\s")
_SPEAKER = re.compile(r"\s*[^\s:]{1,30}(?: [^\s:]{1,30}){0,2}: ")  # "Alice: …", "Q: …"
_SUMMARY_HEADING = re.compile(
    r"\W*(?:\d+(?:\.\d+)*\.?\s+)?(?:abstract|(?:executive |management )?summary|conclusions?|"
    r"key (?:findings|points|takeaways|messages)|findings|recommendations|overview|highlights|"
    r"in (?:brief|short)|tl;?dr|bottom line|results)\W*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Layout:
    """What kind of text this is: a story (gist first) or a document, and its headings' sentences."""

    story: bool
    headings: frozenset[int]  # ordinals of sentences that are heading lines
    summary: frozenset[int]  # ordinals of sentences under a summary-like heading ("Conclusions", …)


def spans(text: str) -> list[tuple[int, int]]:
    """`sentence_spans`, with a furniture lead-in that ran into the next sentence ("Media playback is not
    supported on this device The 19-year-old…", "Scroll down for video Critical: …") split off."""
    found: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        match = _RUN_IN.match(text, start, end)
        if match and match.end() < end:
            found += [(start, match.end() - 1), (match.end(), end)]
        else:
            found.append((start, end))
    return found


def is_furniture(text: str, *, story: bool) -> bool:
    """Page furniture ("Scroll down for video"), a photo caption or credit, or (in a story) a "Label: …"
    caption line."""
    return bool(_FURNITURE.match(text) or _CAPTION.search(text) or (story and _LABEL.match(text)))


def read_layout(text: str) -> Layout:
    """Headings, summary-like sections, and whether the text reads as a story (gist first).

    A story is prose: at most one heading per ten lines (the first line may be a title), few list items or
    "Speaker: …" lines, and at most STORY_MAX_WORDS words. Anything else (a report, notes, minutes, a
    transcript, slides) is a document, whose opening sentences get no special weight.
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    headings: set[int] = set()
    summary: set[int] = set()
    in_summary = False
    heading_lines = 0
    for ordinal, (start, end) in enumerate(spans(text)):
        line = _whole_line(text, start, end)
        if line is not None and is_heading(line):
            headings.add(ordinal)
            in_summary = bool(_SUMMARY_HEADING.fullmatch(line))
            heading_lines += _line_start(text, start) > 0  # a title on the first line is no structure
        elif in_summary:
            summary.add(ordinal)
    structured = sum(1 for line in lines if _LIST_ITEM.match(line) or _SPEAKER.match(line))
    story = (
        count_words(text) <= STORY_MAX_WORDS
        and heading_lines <= max(1, len(lines) // 10)
        and (structured < 3 or structured <= 0.2 * len(lines))
    )
    return Layout(story, frozenset(headings), frozenset(summary))


def is_heading(line: str) -> bool:
    """A short line without sentence punctuation at its end that starts like a title or a number."""
    return (
        count_words(line) <= 12
        and not line.rstrip("\"”’'»)").endswith((".", "!", "?", "…", ";", ",", "。", "！", "？"))
        and (line[0].isupper() or line[0].isdigit() or line[0] == "#")
    )


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _whole_line(text: str, start: int, end: int) -> str | None:
    """The sentence at start:end if it is a whole line of `text` (bar whitespace), else None."""
    line_end = text.find("\n", end)
    line = text[_line_start(text, start) : len(text) if line_end < 0 else line_end]
    return line.strip() if line.strip() == text[start:end] else None
