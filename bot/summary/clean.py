"""Text hygiene before summarizing: whitespace, run-together sentences, boilerplate lines, sentence spans.

Contract: `clean_text` only normalises the text (`bot.text.normalize_text`), inserts a space where two
sentences were glued together (".The", ".”He") and drops short lines that match a boilerplate pattern;
every other character of the content survives in order. `sentence_spans` never drops or reorders text.
Pure: stdlib only.
"""

from __future__ import annotations

import bisect
import re

from bot.text import normalize_text

_BLANK_RUNS = re.compile(r"\n{3,}")

_TERMINAL = ".!?…"
_MAX_TOKEN = 200
_DOTTED_NAME = re.compile(r"\W*(?:[A-Z0-9-]+|[a-z0-9-]+)(?:\.(?:[A-Z0-9-]+|[a-z0-9-]+)){2,}\W*")  # BBC.CO.UK
_URL_LIKE = re.compile(r"://|^\W*www\.|@|^\W*[\w-]+(?:\.[\w-]+)+/", re.IGNORECASE)

# Boilerplate: (full-line pattern, most words such a line may have). A line is dropped only when it is
# short and matches one of these in full, so a content sentence that merely starts alike survives.
_SOCIAL = r"(?:facebook|twitter|x|linkedin|whatsapp|e-?mail|reddit|pinterest|telegram|threads|bluesky|print)"
_BOILERPLATE: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), limit)
    for pattern, limit in (
        (r"(?:keep|continue) reading(?: the (?:main )?(?:story|article))?", 8),
        (r"read (?:more|next|also)(?:\s*[:»›→>…|-].*)?", 20),
        (r"read (?:the )?(?:full|whole|original|complete) (?:story|article|report|post|interview).*", 12),
        (r"(?:click|tap) here(?: to .*)?", 12),
        (r"subscribe(?: now| today| here| for free)?(?: (?:to|for) .*)?", 8),
        (r"sign up(?: now| today| here| for free)?", 5),
        (r"(?:sign up|register|subscribe) (?:for|to) .*(?:newsletter|updates|alerts|e-?mails?).*", 16),
        (r"(?:join|subscribe to|sign up for) our (?:mailing list|newsletter|community).*", 16),
        (r"(?:get|receive) (?:the |our )?latest .*(?:news|updates|stories|headlines|articles).*", 20),
        (r"(?:enter|type) (?:your )?e-?mail(?: address)?.*", 10),
        (r"share(?: this)?(?: article| story| post| page| link)?(?: (?:on|via|with) .*)?", 10),
        (rf"{_SOCIAL}(?:[\s,|/·•-]+{_SOCIAL})*", 12),
        (r"(?:we|this (?:web)?site|our (?:web)?site) uses? cookies.*", 20),
        (r"(?:accept|reject|allow|manage|decline)(?: all)? cookies.*", 10),
        (r"cookie (?:settings|policy|preferences|consent|notice)", 4),
        (r"(?:©|\(c\)).*", 20),
        (r"copyright\W+(?:©\s*)?(?:\d{4}|\(c\)).*", 20),
        (r".*all rights reserved", 20),
        (r"(?:advertisement|advertisements|advert|ad|ads|sponsored(?: content)?|paid content|promoted)", 2),
        (r"(?:skip|close) (?:advertisement|ad)", 3),
        (r"(?:story|article) continues (?:below|after)(?: (?:the )?advertisement)?", 5),
        (r"(?:related|recommended|more)(?: articles| stories| posts| reading| content| news| videos)?", 3),
        (r"recommended for you|you (?:may|might) also like|most (?:read|popular|viewed|shared)", 5),
        (r"trending(?: now)?|top stories", 2),
        (r"(?:editor'?s|editors’) picks?|latest news|more from .{1,40}|follow us(?: on .*)?", 6),
        (r"(?:comments?|\d+ comments?|leave a (?:comment|reply)|back to top|skip to (?:main )?content)", 4),
        (r"(?:listen to (?:this )?(?:article|story)(?: \S+)?|\d+ min(?:ute)?s? read)", 6),
        (r"(?:download|open (?:it )?in) (?:our |the )?app.*", 8),
        (r"(?:tags?|topics?|filed under)\s*:.*", 12),
    )
)
_LINE_DECOR = re.compile(r"^[\s>»›→•·*#|-]+|[\s.!:;,»›→|…-]+$")

# Abbreviations after which a full stop does not end a sentence (lowercase, without the dot).
_ABBREVIATIONS = frozenset(
    re.split(
        r"\s+",
        "mr mrs ms dr prof sr jr st mt ft vs etc e.g i.e cf al approx dept est fig gen gov sen rep lt col "
        "capt sgt inc ltd co corp vol ed eds pp jan feb mar apr jun jul aug sep sept oct nov dec "
        "a.m p.m u.s u.k u.n e.u bzw usw z.b d.h ca str sig sra dra p.ej",
    )
)
_NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "nr", "nº"})
_SENTENCE_END = re.compile(r"([.!?…]+|[。！？।؟]+)([\"”’'»)\]]*)")
_CJK_END = "。！？"
_QUOTE_OR_BREAK = re.compile('[“„«”»"\n]')
_MAX_QUOTE = 600  # a longer "quotation" is more likely a stray quote mark: split it as usual


def is_boilerplate(line: str) -> bool:
    """True if `line` is a short navigation/newsletter/share/cookie/copyright/ad line, not content."""
    words = line.split()
    if not words or len(words) > 20:
        return False
    core = _LINE_DECOR.sub("", line)
    if not core:
        return False
    return any(len(words) <= limit and pattern.fullmatch(core) for pattern, limit in _BOILERPLATE)


def repair_run_together(line: str) -> str:
    """Insert the missing space in ".The", "?He", ".”We", ”“ joins; leave "1.6bn", "U.S.", URLs alone.

    Double quotes are tracked so that a misused ” that actually opens the next quote gets its space
    before it ("plan. ”We"), while a closing one gets it after ("together.” He").
    """
    out: list[str] = []
    open_quote: str | None = None
    closed_at = -2  # index of the last closing double quote
    n = len(line)
    for i, char in enumerate(line):
        nxt = line[i + 1] if i + 1 < n else ""
        prev = line[i - 1] if i > 0 else ""
        if char in '“„«”»"':
            opening = _quote_opens(char, open_quote)
            open_quote = char if opening else None
            if opening and prev and (prev in _TERMINAL or closed_at == i - 1) and not out[-1].isspace():
                out.append(" ")
            out.append(char)
            if not opening:
                closed_at = i
                if nxt and (nxt.isupper() or nxt in "“„«"):
                    out.append(" ")
            continue
        out.append(char)
        if nxt.isupper() and (
            (char in _TERMINAL and _glued_sentence(line, i)) or (char == "’" and prev in _TERMINAL)
        ):
            out.append(" ")
    return "".join(out)


def _quote_opens(char: str, open_quote: str | None) -> bool:
    if char in "“„«":
        return not (char == "“" and open_quote == "„")
    if char == '"':
        return open_quote is None
    return open_quote is None  # ” or » with nothing open is a misused opening quote


def _glued_sentence(line: str, i: int) -> bool:
    """Whether the punctuation at `i` (directly followed by an uppercase letter) ends a glued sentence."""
    start = line.rfind(" ", max(0, i - _MAX_TOKEN), i) + 1
    end = line.find(" ", i, i + _MAX_TOKEN)
    end = len(line) if end < 0 else end
    if (start == 0 and i > _MAX_TOKEN) or end - i > _MAX_TOKEN:
        return False  # a 200-character "word" is a URL or data, not two sentences
    token = line[start:end]
    if _URL_LIKE.search(token) or _DOTTED_NAME.fullmatch(token):
        return False
    if line[i] == ".":
        j = i
        while j > start and line[j - 1].isalpha():
            j -= 1
        if i - j == 1 and (j == 0 or not line[j - 1].isalnum()):
            return False  # an initialism: U.S., J.R.R.
    return True


def clean_text(text: str) -> str:
    """Whitespace normalised, glued sentences separated, short boilerplate lines dropped."""
    kept = [repair_run_together(line) for line in normalize_text(text).split("\n")]
    kept = [line for line in kept if not is_boilerplate(line)]
    return _BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, trimmed of surrounding whitespace, in order.

    A sentence ends at . ! ? … (plus closing quotes/brackets) followed by whitespace and a character that
    is not lowercase, unless the word before the full stop is a known abbreviation or an initial, or the
    end lies inside a short double-quoted passage (a quotation stays whole); at CJK 。！？ even without
    whitespace; and at every line break. Slicing the spans loses only whitespace.
    """
    spans: list[tuple[int, int]] = []
    quoted = _quoted_ranges(text)
    opens = [a for a, _ in quoted]
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        inside = bisect.bisect_left(opens, end) - 1
        if inside >= 0 and end <= quoted[inside][1]:
            continue  # keep a short quotation whole: “We agree. Now we act.”
        rest = end
        while rest < len(text) and text[rest].isspace() and text[rest] != "\n":
            rest += 1
        if rest >= len(text):
            continue
        cjk = match.group(1)[-1] in _CJK_END
        if not cjk and (rest == end or text[rest].islower() or _is_abbreviation(text, match.start())):
            continue
        _add_span(text, start, end, spans)
        start = end
    _add_span(text, start, len(text), spans)
    # Line breaks always end a sentence (headings, list items, paragraphs).
    result: list[tuple[int, int]] = []
    for a, b in spans:
        pos = a
        for piece in text[a:b].split("\n"):
            _add_span(text, pos, pos + len(piece), result)
            pos += len(piece) + 1
    return result


def _quoted_ranges(text: str) -> list[tuple[int, int]]:
    """(opening, closing) index pairs of double-quoted passages of at most _MAX_QUOTE characters."""
    ranges: list[tuple[int, int]] = []
    open_quote: str | None = None
    opened = 0
    for match in _QUOTE_OR_BREAK.finditer(text):
        char, i = match.group(), match.start()
        if char == "\n":
            open_quote = None
        elif _quote_opens(char, open_quote):
            open_quote, opened = char, i
        else:
            if i - opened <= _MAX_QUOTE:
                ranges.append((opened, i))
            open_quote = None
    return ranges


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` (see `sentence_spans`)."""
    return [text[a:b] for a, b in sentence_spans(text)]


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    j = dot
    while j > 0 and (text[j - 1].isalpha() or (text[j - 1] == "." and j > 1 and text[j - 2].isalpha())):
        j -= 1
    word = text[j:dot].lower()
    if word in _NUMBER_ABBREVIATIONS:
        following = text[dot + 1 : dot + 3].strip()
        return following[:1].isdigit()
    return (len(word) == 1 and word.isalpha()) or word in _ABBREVIATIONS
