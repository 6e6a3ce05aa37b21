"""Plain data passed between the stages: what was extracted, what was asked for, what was produced.

All frozen: a stage never mutates another stage's output.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal

from bot.text import count_words

Form = Literal["paragraphs", "bullets", "sentences"]
Origin = Literal["link", "file", "pasted", "conversation"]
OFFLINE_MODEL = "offline"  # `Summary.model` of the extractive summarizer


@dataclass(frozen=True)
class Document:
    """Text extracted from one source, ready to summarize.

    `kind` is one of `bot.extract.KINDS` ("html", "pdf", "docx", "pptx", "xlsx", "csv", "rtf", "email",
    "text", "markdown", or "conversation" for a Slack thread's transcript). `origin` is where it came from:
    a shared link, a file, text pasted into Slack (or given to the CLI), or a thread's conversation.
    `label` is how the summary names the source when there is no title (a file name, a URL, "your text",
    "this thread"). `notice` is a sentence for the footer about what was read (a limit that cut it short;
    a page summarized from its description instead of its content). `page_starts` (PDFs with a text
    layer) is where each page starts in `text`: page n begins at `page_starts[n - 1]` (a page with no
    text starts where the next one does); `page_of` turns an offset into its page.
    """

    text: str
    kind: str
    label: str
    origin: Origin = "file"
    title: str | None = None
    url: str | None = None
    site_name: str | None = None
    author: str | None = None
    date: str | None = None
    pages: int | None = None
    notice: str | None = None
    page_starts: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.page_starts is not None and not isinstance(self.page_starts, tuple):  # read back from JSON
            object.__setattr__(self, "page_starts", tuple(int(n) for n in self.page_starts))

    @property
    def words(self) -> int:
        return count_words(self.text)

    def page_of(self, offset: int) -> int | None:
        """The page (from 1) that holds character `offset` of `text`, or None without page starts."""
        if not self.page_starts or offset < self.page_starts[0]:
            return None
        return bisect.bisect_right(self.page_starts, offset)


@dataclass(frozen=True)
class SummarySpec:
    """What the user asked for. None means "not asked": the planner picks a default.

    `style_notes` holds instruction text the grammar did not turn into numbers; it is passed on to the
    model as guidance, never dropped. `form` is the shape asked for ("as bullets" sets it without a
    count); `preset` is "tldr", "brief" or "detailed"; `language` an English language name ("French").
    """

    words: int | None = None
    paragraphs: int | None = None
    style_notes: tuple[str, ...] = ()
    bullets: int | None = None
    sentences: int | None = None
    form: Form | None = None
    language: str | None = None
    preset: str | None = None


@dataclass(frozen=True)
class LengthPlan:
    """The length actually aimed for after weighing the request against the source.

    `notes` are short footer remarks such as "asked for 2,000 words; the source has only about 360".
    `count` is how many paragraphs, bullets or sentences (`form`) the summary must have (0: use
    `paragraphs`); `paragraphs` is how many blocks to write (the bullets for a list, 1 for sentences).
    `check_words` / `check_count` are False when no length / no shape was asked: a default is an aim,
    not a contract, so the model is not asked again over it. `tiny` marks a source too short to
    summarize: the summary is a one-line gist.
    """

    words: int
    paragraphs: int
    notes: tuple[str, ...] = ()
    form: Form = "paragraphs"
    count: int = 0
    language: str | None = None
    check_words: bool = True
    tiny: bool = False
    check_count: bool = True

    @property
    def items(self) -> int:
        """Paragraphs, bullets or sentences to write (`count`, or `paragraphs` when `count` is unset)."""
        return self.count or self.paragraphs


@dataclass(frozen=True)
class Source:
    """A passage a summary cites: the number of its marker ("[2]" in the text), the passage as the
    source words it, and its page for a PDF.

    `start` is where the passage starts in the text the model read, when the citation says so (a text
    document's character range): what its page is found from. It is a detail of the citation, not of
    the passage: not compared, and not kept with a cached summary.
    """

    number: int
    quote: str
    page: int | None = None
    start: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Summary:
    """A finished summary. `model` is the model id, or "offline" for the extractive summarizer.

    `paragraphs` holds the items of the summary: paragraphs, bullet items (`form == "bullets"`), or the
    one paragraph of a sentence-shaped summary, with "[n]" markers after what cites `sources[n - 1]`
    (markers are not counted as words). `input_tokens` is what was sent to the model in all.
    """

    paragraphs: tuple[str, ...]
    model: str
    source_words: int
    notes: tuple[str, ...] = field(default=())
    tokens_used: int = 0
    form: Form = "paragraphs"
    input_tokens: int = 0
    sources: tuple[Source, ...] = ()  # the passages its "[n]" markers cite, numbered from 1

    @property
    def bullets(self) -> tuple[str, ...]:
        """The bullet items when the summary is a list, else ()."""
        return self.paragraphs if self.form == "bullets" else ()

    @property
    def words(self) -> int:
        return sum(count_words(p) for p in self.paragraphs)


@dataclass(frozen=True)
class Answer:
    """An answer to a follow-up question about a thread's documents. `model` as for `Summary`;
    `tokens_used` counts every token of the call (cache reads and writes included)."""

    paragraphs: tuple[str, ...]
    model: str
    notes: tuple[str, ...] = ()
    tokens_used: int = 0
    cache_read_tokens: int = 0
