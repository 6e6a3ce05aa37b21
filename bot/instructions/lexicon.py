"""The instruction grammar's vocabulary: number words, units, presets, languages, verbs and filler, with
the common typos people make and the real words that look like them. Data, and the word tests that use it
(`unit`, `is_typo`, `is_paragraph`); `bot.instructions.grammar` reads it.
"""

from __future__ import annotations

import re


def word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


MAX_INSTRUCTION_CHARS = 400  # an instruction is a short line; longer first lines are content

TOKEN = re.compile(
    r"tl\s?[;:,/.]?\s?dr|<[^<>\s]+>|\d+(?:[.,]\d+)*(?:k\b)?|[^\W\d_]+(?:['’][^\W\d_]+)*|[^\w\s]",
    re.IGNORECASE,
)
ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "single": 1, "dozen": 12,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
VAGUE = {"couple": 2, "few": 3, "several": 4}
QUALIFIERS = word_set(
    "~ ≈ about around approximately approx roughly circa ca max maximum min minimum under below within "
    "over exactly just only some at most least no not less fewer more than up to longer shorter"
)
ADJECTIVES = word_set(
    "short brief concise long detailed quick key main important crisp simple clear bullet bulleted big"
)
PREPOSITIONS = word_set("to in into with of at using as")
TRAILERS = word_set("or so less fewer max maximum tops long total")
WORD_UNITS = word_set("words word wds wd w")
SENTENCE_UNITS = word_set("sentences sentence sentance sentances sentenses lines line liner liners")
BULLET_UNITS = word_set(
    "bullets bullet bulets bulet bullits bullit bulletpoints points point pts takeaways takeaway "
    "items highlights"
)
BULLET_FORM = word_set("bullets bullet bulets bullits bulleted bulletpoints bulletted listicle")
FORM_FILLER = word_set("as in into a an with using list form format points point style")
PRESETS = {
    "tldr": "tldr", "brief": "brief", "briefly": "brief", "short": "brief", "shorter": "brief",
    "quick": "brief", "concise": "brief", "concisely": "brief", "succinct": "brief",
    "detailed": "detailed", "detail": "detailed", "long": "detailed", "longer": "detailed",
    "thorough": "detailed", "comprehensive": "detailed", "depth": "detailed", "extensive": "detailed",
}  # fmt: skip
PRESET_NEIGHBOURS = word_set(
    "summary summaries version overview recap gist tldr take paragraph paragraphs bullets list it be in "
    "keep very really super and please pls one"
)
AT_MOST = word_set("under below within max maximum most tops less fewer")
AT_LEAST = word_set("least over min minimum")
LANGUAGE_PREPOSITIONS = word_set("in into en auf em na på to til")
LANGUAGES = {
    "english": "English", "french": "French", "français": "French", "francais": "French",
    "spanish": "Spanish", "español": "Spanish", "espanol": "Spanish", "castellano": "Spanish",
    "german": "German", "deutsch": "German", "italian": "Italian", "italiano": "Italian",
    "portuguese": "Portuguese", "português": "Portuguese", "portugues": "Portuguese",
    "dutch": "Dutch", "nederlands": "Dutch", "swedish": "Swedish", "svenska": "Swedish",
    "norwegian": "Norwegian", "norsk": "Norwegian", "danish": "Danish", "dansk": "Danish",
    "finnish": "Finnish", "polish": "Polish", "polski": "Polish", "czech": "Czech",
    "russian": "Russian", "ukrainian": "Ukrainian", "turkish": "Turkish", "türkçe": "Turkish",
    "greek": "Greek", "japanese": "Japanese", "日本語": "Japanese", "chinese": "Chinese",
    "mandarin": "Chinese", "中文": "Chinese", "korean": "Korean", "한국어": "Korean", "arabic": "Arabic",
    "hindi": "Hindi", "hebrew": "Hebrew", "indonesian": "Indonesian", "vietnamese": "Vietnamese",
    "romanian": "Romanian", "hungarian": "Hungarian", "catalan": "Catalan", "català": "Catalan",
    "ukrainisch": "Ukrainian", "englisch": "English", "anglais": "English", "inglés": "English",
    "ingles": "English", "französisch": "French", "alemán": "German", "allemand": "German",
}  # fmt: skip

SUMMARIZE = re.compile(r"s[ua]mm?[ae]ri[sz]e")
STRONG = word_set("condense shorten recap digest translate")
WEAK = word_set(
    "summary summaries summarized summarised summarization summarisation tldr résumé resumen resumo "
    "zusammenfassung riassunto samenvatting"
)
SUMMARY_NOUNS = word_set(
    "summary summaries tldr gist overview synopsis recap digest highlights takeaways version"
)
LEAD_FILLER = word_set("hey hi hello bot please pls plz kindly can could would will you u ok okay now")
FILLER = word_set(
    "please pls plz kindly thanks thank you thx ty can could would will u me us this that these it its the "
    "a an following above text content article message post page thread doc document story piece link hey hi "
    "hello bot for to in into of with and or as at on up down is be so just here ok okay summary summaries "
    "gist overview version tldr synopsis recap digest give make write sum boil each per i i'd id like want "
    "need we now quick keep top bitte get do"
)
TRIM = word_set("and or but then also plus so please pls plz thanks thank you thx")
LEAD_TRIM = TRIM | word_set("this that it these those the text article content")
VERB_PAIRS = frozenset(
    {("give", "me"), ("give", "us"), ("make", "it"), ("make", "this"), ("write", "me"), ("write", "a")}
)
BREAKS = frozenset(",;:.!?()[]")
BRACKETS = {"(": ")", "[": "]"}
# Leading words that make a short sentence guidance rather than prose ("Use 3 bullets.", "Focus on costs.").
IMPERATIVES = word_set(
    "use keep make give write do aim limit stick go focus include mention highlight cover add skip avoid "
    "explain stress emphasize emphasise leave drop"
)
# Real words within a typo's reach of a unit (found in the shared article corpus): never read as units.
NOT_TYPOS = word_set(
    "works worlds world woods worms wards lords cords swords wolds wordy "
    "sequences sentenced sentience sentinels "
    "bulls bullies bulletin bulletins bulbs budgets buckets butlers"
)


def distance(a: str, b: str) -> int:
    """Edit distance where swapping two neighbours counts once ("wrods" is one edit from "words")."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            best = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, rows[-2][j - 2] + 1)
            row.append(best)
        rows.append(row)
    return rows[-1][-1]


def is_typo(word: str, target: str, *, prefix: str, edits: int) -> bool:
    """Whether `word` is a misspelling of `target`: same opening, within `edits` edits, not a real word."""
    return (
        word.startswith(prefix)
        and len(word) >= len(target) - edits
        and word not in NOT_TYPOS
        and distance(word, target) <= edits
    )


def is_paragraph(word: str) -> bool:
    """True for "paragraphs" and its typos and short forms ("paragrahs", "paragraps", "pars", "paras")."""
    if word in {"par", "pars", "para", "paras", "paragraf", "paragrafs", "paragraphe", "paragraphes", "pgs"}:
        return True
    if not word.startswith("par") or len(word) < 7:
        return False
    return distance(word, "paragraphs" if word.endswith("s") else "paragraph") <= 2


def unit(word: str, following: str) -> tuple[str, int] | None:
    """The unit ("words", "paragraphs", "sentences", "bullets") a word names, typos included, and how many
    of the words after it belong to it ("bullet points": 1), or None."""
    if word in WORD_UNITS or is_typo(word, "words", prefix="w", edits=1):
        return "words", 0
    if is_paragraph(word):
        return "paragraphs", 0
    if word in SENTENCE_UNITS or is_typo(word, "sentences", prefix="s", edits=2):
        return "sentences", 0
    bulletish = word in BULLET_FORM or is_typo(word, "bullets", prefix="bul", edits=2)
    if bulletish and following in {"points", "point", "pts", "items", "list"}:
        return "bullets", 1
    if word in BULLET_UNITS or bulletish:
        return "bullets", 0
    return None
