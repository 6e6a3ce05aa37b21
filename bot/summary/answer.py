"""The offline answer to a follow-up question: the source sentences that share the most meaningful
words with the question, quoted, or a plain "the source doesn't seem to say". Pure: stdlib only.

It never invents: every word of an answer is the source's, in quotation marks, so it is as faithful as
the offline summary. Claude's answers (`bot.summary.claude`) read the question properly; this one only
matches words.
"""

from __future__ import annotations

import re

from bot.models import Document
from bot.summary.clean import sentence_spans

NOT_FOUND = "I couldn't find anything about that in the source."
MAX_QUOTES = 2
_WORD = re.compile(r"[^\W_]+")
_STOP = frozenset(
    """
    a an the and or but of to in on at for with by from about as is are was were be been being it its
    this that these those what which who whom whose when where why how do does did done doing can could
    would should will shall may might must has have had having i me my we our you your he she they them
    their his her say says said tell mention mentions mentioned document article text source report it's
    there any some more most much many please anything something
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def keywords(text: str) -> set[str]:
    """The meaningful words of `text`, lower-cased, with a plural 's' dropped."""
    words = {w.lower() for w in _WORD.findall(text)}
    return {w[:-1] if len(w) > 4 and w.endswith("s") else w for w in words if w not in _STOP and len(w) > 1}


def answer_offline(docs: list[Document], question: str) -> tuple[str, ...]:
    """Up to `MAX_QUOTES` source sentences that best match the question, quoted; or `NOT_FOUND`."""
    wanted = keywords(question)
    if not wanted:
        return (NOT_FOUND,)
    scored: list[tuple[float, int, str]] = []
    order = 0
    for doc in docs:
        for start, end in sentence_spans(doc.text):
            sentence = doc.text[start:end]
            found = keywords(sentence)
            hits = len(wanted & found)
            if hits:
                scored.append((hits / len(wanted), -order, sentence))
            order += 1
    if not scored:
        return (NOT_FOUND,)
    best = sorted(scored, reverse=True)[:MAX_QUOTES]
    best.sort(key=lambda item: -item[1])  # in the source's order
    quotes = " … ".join(sentence for _, _, sentence in best)
    return (f"The source says: “{quotes}”",)
