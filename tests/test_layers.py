"""The layout holds at run time, not only in the import-linter contracts: the web process loads no parser,
no summary engine and no model SDK, and each package exports exactly its surface."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import bot.extract
import bot.instructions
from tests.paths import ROOT

HEAVY = (
    "trafilatura",
    "lxml",
    "pypdf",
    "docx",
    "pptx",
    "openpyxl",
    "striprtf",
    "charset_normalizer",
    "anthropic",
    "aiohttp",
    "bot.summary",
    "bot.sources",
    "bot.pipeline",
    "bot.worker",
    "bot.processes.worker",
    "bot.extract.html",
    "bot.extract.pdf",
)


def modules_after(code: str) -> list[str]:
    """The modules a fresh interpreter has loaded after running `code`."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return loaded


def test_the_web_process_loads_no_parser_engine_or_model_sdk() -> None:
    """Importing everything `summarizer web` and `summarizer socket` run loads none of the worker's weight."""
    loaded = modules_after("import bot.cli, bot.processes.web, handlers, slack_bolt.adapter.socket_mode")
    heavy = sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert heavy == []
    assert "bot.slack.intake" in loaded and "bot.instructions.grammar" in loaded


def test_a_parser_is_loaded_only_when_a_document_of_its_kind_is_read() -> None:
    """`bot.extract` imports no parser; extracting a text file loads the text reader, not trafilatura."""
    loaded = modules_after("from bot.extract import extract; extract(b'five words of plain text here')")
    assert "bot.extract.text" in loaded
    assert not any(
        m.startswith(("trafilatura", "pypdf", "bot.extract.html", "bot.extract.pdf")) for m in loaded
    )


@pytest.mark.parametrize(
    ("package", "surface"),
    [
        (
            bot.extract,
            {"KINDS", "MIN_WORDS", "SUPPORTED_FILE_TYPES_TEXT", "ExtractLimits", "detect_kind", "extract"}
            | {"is_supported_file"},
        ),
        (bot.instructions, {"parse_request", "split_instruction"}),
    ],
)
def test_package_surfaces_are_pinned(package: object, surface: set[str]) -> None:
    """A package exports exactly its documented names (as httpx pins its `__all__`)."""
    assert set(getattr(package, "__all__", ())) == surface
