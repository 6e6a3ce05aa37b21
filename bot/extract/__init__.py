"""Bytes in, `Document` out: what a download is, and its readable text.

Owns: kind detection (`kinds`, `detect`, `decode`), the format parsers (`html`, `page`, `pdf`, `docx`,
`pptx`, `table`, `rtf`, `mail`, `archive`, `text`) and the `extract()` contract (`document`).
May import: the kernel (`bot.settings`, `bot.errors`, `bot.models`, `bot.text`) and parsing libraries;
never Slack, Redis, Anthropic or HTTP code. Importing this package is light: each parser module is
loaded the first time a document of its kind is read, so the web process (which only asks
`is_supported_file`) loads none.
"""

from bot.extract.common import MIN_WORDS
from bot.extract.document import detect_kind, extract
from bot.extract.kinds import KINDS, SUPPORTED_FILE_TYPES_TEXT, is_supported_file
from bot.settings import ExtractLimits

__all__ = [
    "KINDS",
    "MIN_WORDS",
    "SUPPORTED_FILE_TYPES_TEXT",
    "ExtractLimits",
    "detect_kind",
    "extract",
    "is_supported_file",
]
