"""Which language a text is written in, as far as a few function words or its script can tell. Pure.

`guess_language` names a language from a small stopword table (English, French, Spanish, German,
Italian, Portuguese, Dutch) or, for other scripts, the script ("Cyrillic", "Arabic"…); it returns None
when the text is short or mixed, and callers treat None as "don't know", never as a mismatch.
"""

from __future__ import annotations

import re
from collections import Counter

# Function words per language: enough to tell these languages apart on a few sentences.
_STOPWORDS: dict[str, frozenset[str]] = {
    name: frozenset(words.split())
    for name, words in {
        "English": "the and of to is in that it was for on are with as be by this have from not they "
        "which but has at were their been will would said its also an or",
        "French": "le la les des du de et est une un que qui dans pour pas sur au aux avec ce cette il elle "
        "ils sont ont été par plus ne se son sa ses leur",
        "Spanish": "el la los las del de y que en un una es por con para se su sus no lo como más pero "
        "fue ha han al este esta está son",
        "German": "der die das und ist nicht ein eine einer eines dem den des mit von zu im auf für sich "
        "auch als wie es sie er wir dass wird wurde sind hat haben",
        "Italian": "il lo la gli le di del della che e è un una per con non sono ha hanno nel nella alla "
        "dei delle anche come più questo questa",
        "Portuguese": "o a os as do da dos das de e que em um uma é não com para por se no na ao mais foi "
        "são seu sua como também",
        "Dutch": "de het een en van is dat die niet op te in voor met zijn aan er ook als om maar wordt "
        "werd naar door hij zij",
    }.items()
}
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Japanese", re.compile(r"[\u3040-\u30ff]")),
    ("Korean", re.compile(r"[\uac00-\ud7af]")),
    ("Chinese", re.compile(r"[\u4e00-\u9fff]")),
    ("Cyrillic", re.compile(r"[\u0400-\u04ff]")),
    ("Arabic", re.compile(r"[\u0600-\u06ff]")),
    ("Greek", re.compile(r"[\u0370-\u03ff]")),
    ("Hebrew", re.compile(r"[\u0590-\u05ff]")),
    ("Devanagari", re.compile(r"[\u0900-\u097f]")),
)
# Languages written in a script of their own: a guess can only name the script.
_SCRIPT_OF = {
    "Russian": "Cyrillic",
    "Ukrainian": "Cyrillic",
    "Bulgarian": "Cyrillic",
    "Serbian": "Cyrillic",
    "Hindi": "Devanagari",
    "Persian": "Arabic",
    "Urdu": "Arabic",
}
_LETTERS = re.compile(r"[^\W\d_]+")


def same_language(a: str, b: str) -> bool:
    """True when `a` and `b` name the same language (or a language and its script, as guesses do)."""
    a, b = a.strip().capitalize(), b.strip().capitalize()
    return a == b or _SCRIPT_OF.get(a, a) == _SCRIPT_OF.get(b, b)


def guess_language(text: str) -> str | None:
    """The language of `text` when it is clear: a name from the stopword table, or a script's name.

    None when the text is short or mixed; callers treat None as "don't know", never as a mismatch.
    """
    letters = _LETTERS.findall(text)
    if not letters:
        return None
    joined = "".join(letters)
    for name, pattern in _SCRIPTS:
        if len(pattern.findall(joined)) > 0.3 * len(joined):
            return name
    words = [w.lower() for w in letters]
    if len(words) < 8:
        return None
    scores = Counter({name: sum(w in stop for w in words) for name, stop in _STOPWORDS.items()})
    (best, top), (_, second) = [*scores.most_common(2), ("", 0)][:2]
    if top >= max(3, 0.12 * len(words)) and top >= 1.5 * second:
        return best
    return None
