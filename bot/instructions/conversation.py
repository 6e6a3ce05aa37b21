"""Does a mention in a thread ask for the conversation itself to be summarized ("summarize this thread",
"catch me up", "what did I miss?", "tl;dr of the discussion") rather than its first message? Does a
request outside a thread ask for a catch-up of the channel ("catch me up", "summarize this channel")?
Pure.
"""

from __future__ import annotations

import re

from bot.instructions.grammar import parse_request

_CONVERSATION = re.compile(r"\b(?:this |the |our )?(?:thread|conversation|discussion|convo|chat)\b", re.I)
_VERB = re.compile(r"\b(?:s[ua]mm?[ae]ri[sz]e|summary|recap|tl;?\s?dr|digest|sum up|overview|gist)\b", re.I)
_CHANNEL = re.compile(r"\b(?:this |the |our )?(?:channel|conversation|chat)\b", re.I)
CATCH_UP_MAX_WORDS = 12  # a longer request is text to summarize, whatever words it contains
_CATCH_UP = re.compile(
    r"\b(?:catch (?:me|us) up|what did (?:i|we) miss|what(?:'s| has| have)? (?:happened|been said|i missed)"
    r"|fill (?:me|us) in|where are we(?: at)?)\b",
    re.I,
)


def asks_for_conversation(text: str) -> bool:
    """True when `text` (a mention in a thread, without the mention) asks for the thread's conversation."""
    if _CATCH_UP.search(text):
        return True
    if not _CONVERSATION.search(text):
        return False
    spec, _ = parse_request(text)
    return bool(_VERB.search(text)) or spec.preset is not None


def asks_for_catch_up(text: str) -> bool:
    """True when `text` (a short request outside a thread, its window already removed) asks for a
    catch-up of the channel: "catch me up", "what did I miss", "summarize this channel", "recap"."""
    words = text.split()
    if not words or len(words) > CATCH_UP_MAX_WORDS:
        return False
    if _CATCH_UP.search(text):
        return True
    return bool(_CHANNEL.search(text)) and (bool(_VERB.search(text)) or len(words) <= 3)
