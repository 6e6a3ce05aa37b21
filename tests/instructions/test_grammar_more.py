"""More tests for `bot.instructions.grammar`: instructions over two sentences or lines, counts in brackets,
and the guards that keep prose, titles and typo look-alikes in the content."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.instructions import lexicon as lex
from bot.instructions.grammar import parse_request, split_instruction
from bot.models import SummarySpec
from tests.instructions.test_grammar import BODY, PHRASINGS

# First lines of real content: numbers, units, typos, brackets and summarize verbs in prose and titles.
CONTENT_LINES = [p[0] for p in PHRASINGS if not p[2]] + [
    "Starmer spoke to the press following the summit of leaders.",
    "In Brief: the council voted 7-2 to approve the budget.",
    "Sentenced to 3 years, the former minister appealed in 2 paragraphs of a letter.",
    "Key points (2023): revenue rose and costs fell in every region.",
    "Learning to summarize a novel in 3 paragraphs takes practice, teachers say.",
    "She wrote 200 wrods a day and 3 sentances on Sundays, her diary shows.",
    "Bulls and bullies: 3 budgets that went wrong in 2024.",
]
_INSTRUCTIONS = [p[0] for p in PHRASINGS if p[2]]
_MET = "The council met."
_SURVEY = "Summary (3 paragraphs) of the findings from the 2024 survey of 1,200 households across the north."


@pytest.mark.parametrize(
    ("text", "instruction", "content"),
    [
        ("Quick summary?\nTwo paragraphs.\nThe council met.", "Quick summary?\nTwo paragraphs.", _MET),
        ("Summarize.\n3 bullets\nin French\n2 paras", "Summarize.\n3 bullets\nin French", "2 paras"),
        ("Summarize this.\n\n3 bullets\nThe council met.", "Summarize this.", "3 bullets\nThe council met."),
        (
            "Summarize this.\nThe treaty has 6 paragraphs.\nIt was signed in 1998.",
            "Summarize this.",
            "The treaty has 6 paragraphs.\nIt was signed in 1998.",
        ),
        (
            "Summarize this. The report runs to 2,000 words over 12 paragraphs.",
            "Summarize this.",
            "The report runs to 2,000 words over 12 paragraphs.",
        ),
        (
            "Quick summary? The report runs to 2,000 words. It was published on Monday by the ministry.",
            "",
            "Quick summary? The report runs to 2,000 words. It was published on Monday by the ministry.",
        ),
        (
            "tl;dr (2 sentences) Starmer spoke to the press following the summit of leaders in London today.",
            "tl;dr (2 sentences)",
            "Starmer spoke to the press following the summit of leaders in London today.",
        ),
        (_SURVEY, "", _SURVEY),
    ],
)
def test_split_over_sentences_and_lines(text: str, instruction: str, content: str) -> None:
    """Short lines under an instruction join it (two at most, no blank line between); prose with numbers never
    does, and a bracket closes an instruction only before a new sentence."""
    assert split_instruction(text) == (instruction, content)


@pytest.mark.parametrize("line", CONTENT_LINES)
def test_content_lines_stay_content(line: str) -> None:
    """A first line of content with numbers, units, typos or a summarize verb is not an instruction."""
    assert parse_request(f"{line}\n{BODY}") == (SummarySpec(), f"{line}\n{BODY}")


@pytest.mark.parametrize("word", sorted(lex.NOT_TYPOS))
def test_real_words_are_not_units(word: str) -> None:
    """A real word a typo away from "words", "sentences" or "bullets" never sets a count."""
    spec, content = parse_request(f"summarize the 3 {word} in 200 words\n{BODY}")
    assert (spec.words, spec.paragraphs, spec.sentences, spec.bullets) == (200, None, None, None)
    assert content == BODY


@given(
    st.sampled_from(_INSTRUCTIONS),
    st.sampled_from(["\n", "\n\n", "\n \n"]),
    st.sampled_from(CONTENT_LINES),
    st.text(),
)
def test_article_text_never_joins_the_instruction(instruction: str, sep: str, first: str, more: str) -> None:
    """Any accepted instruction over an article leaves the article's text, first line included, as content."""
    article = f"{first}\n{more}"
    found, content = split_instruction(f"{instruction}{sep}{article}")
    assert found == instruction
    assert content == article.strip()


_SENTENCES = [
    "Summarize this.",
    "Quick summary? Two paragraphs.",
    "Please summarise this in 200 words.",
    "Summarize. 3 bullets.",
    "tl;dr (2 sentences)",
    "key takeaways (5)",
]


@given(st.sampled_from(_SENTENCES), st.lists(st.sampled_from(CONTENT_LINES), min_size=2, max_size=3))
def test_article_on_the_same_line_stays_content(instruction: str, sentences: list[str]) -> None:
    """An instruction sentence followed on its line by an article of several sentences keeps them all."""
    article = " ".join(sentences)
    assert split_instruction(f"{instruction} {article}") == (instruction, article)


_FORMS = {
    "bullets": "bullets",
    "bullet points": "bullets",
    "key takeaways": "bullets",
    "main points": "bullets",
    "bulets": "bullets",
    "paragraphs": "paragraphs",
    "paras": "paragraphs",
    "paragrahps": "paragraphs",
    "sentences": "sentences",
    "tl;dr": "sentences",
}
_NUMBER_WORDS = {v: k for k, v in lex.ONES.items() if k not in {"single", "dozen"}} | {20: "twenty"}


@given(
    st.sampled_from(["", "summarize in ", "give me the ", "as ", "Summarize this: ", "can you do "]),
    st.sampled_from(sorted(_FORMS)),
    st.integers(1, 20),
    st.booleans(),
    st.sampled_from(["()", "[]"]),
)
def test_count_in_brackets_after_a_form(lead: str, form: str, count: int, spelled: bool, pair: str) -> None:
    """A count in brackets after a form ("main points (4)", "paras [three]") always sets that count."""
    number = _NUMBER_WORDS[count] if spelled else str(count)
    spec, content = parse_request(f"{lead}{form} {pair[0]}{number}{pair[1]}\n{BODY}")
    assert getattr(spec, _FORMS[form]) == count
    assert content == BODY


@given(
    st.sampled_from(["Our editor", "The committee", "Last year the team", "Maria", "Each of the 4 pupils"]),
    st.sampled_from(["counted", "wrote", "deleted", "found", "read"]),
    st.integers(2, 40),
    st.sampled_from(["bulets", "bullits", "paragrahps", "paras", "sentances", "wrods", "pts", "works"]),
    st.sampled_from(["in the draft she returned.", "before the deadline on Friday.", "at the summit"]),
)
def test_typos_in_prose_stay_content(subject: str, verb: str, count: int, unit: str, tail: str) -> None:
    """A sentence of prose that happens to hold a count and a unit's typo is content, never an instruction."""
    line = f"{subject} {verb} {count} {unit} {tail}"
    assert split_instruction(f"{line}\n{BODY}") == ("", f"{line}\n{BODY}")


@given(
    st.sampled_from(["How to", "5 ways to", "Learning to", "Why it pays to", "Tips on how to"]),
    st.sampled_from(["sumarize", "summerise", "summarize", "summarise"]),
    st.sampled_from(["a book", "a long report", "your week", "the news"]),
    st.integers(2, 9),
    st.sampled_from(["bulets", "paragraphs", "sentences", "words", "bullet points"]),
)
def test_titles_with_a_summarize_verb_stay_content(
    title: str, verb: str, thing: str, count: int, unit: str
) -> None:
    """A title such as "How to sumarize a book in 5 bulets" is content, whatever the verb's spelling."""
    line = f"{title} {verb} {thing} in {count} {unit}"
    assert split_instruction(f"{line}\n{BODY}") == ("", f"{line}\n{BODY}")
