"""Is text addressed to the bot conversation rather than content? Pure: stdlib only.

People greet the bot, thank it, test it, ask it for help or ask what it does ("hey", "Hi there!",
"test", "help me with something", "what can you do?"), or ask it a lone question. None of that is worth
summarizing; it deserves the help line. Content of substance, even a single sentence ("The council
approved the transit budget on Tuesday."), is not chatter: it gets its one-line gist.
"""

from __future__ import annotations

import re

from bot.instructions.lexicon import word_set

MIN_CONTENT_WORDS = 5  # fewer words than this is never worth summarizing (extraction's own minimum)
MAX_CHATTER_WORDS = 15  # a longer message is content, whatever its words
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+")
# Words that make up small talk with a bot: greetings, thanks, tests, calls for help, questions about it.
_CHATTER = word_set(
    """
    hi hii hiii hello helo hey heya hiya yo sup howdy greetings hallo hola bonjour ciao morning evening
    afternoon night good day gm there all everyone folks team buddy friend bot summarizer summariser
    thanks thank thx ty tks cheers great cool nice awesome perfect ok okay k kk alright sure yes yep no nope
    test testing tested tests ping pong check checking one two three 1 2 3 123 hello world
    help helps helping me my i i'm im we us you your you're youre yourself can could would will do does did
    what whats what's how who why when where which is are am was be it its it's this that these those
    something anything stuff things thing some any a an the to with for of on in at about and or but so
    please pls plz just again still there here now work works working use using used usable ask asking
    question questions answer tell show explain know need want like try trying get give make see go
    feature features command commands options mode modes doing alive awake up online around there
    summary summaries summarize summarise summarizing
    """
)


def is_chatter(text: str) -> bool:
    """True when `text` (what a person wrote to the bot, without its mention or instruction) is too short
    to summarize, or small talk: only greeting, thanks, test and help words, or one short question (there
    is nothing to summarize in a lone question)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < MIN_CONTENT_WORDS:
        return True
    if len(words) > MAX_CHATTER_WORDS:
        return False
    if all(word in _CHATTER for word in words):
        return True
    return text.strip().endswith("?") and text.count("?") == 1 and not re.search(r"[.!]\s", text)
