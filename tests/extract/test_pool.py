"""Extraction in child processes (`bot.extract.pool`): the same documents and errors as in a thread, and a
child's native crash failing only the document it was parsing. Real processes throughout."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

import bot.errors
from bot.errors import (
    AICredentialsError,
    ContentTooLarge,
    NoReadableText,
    ScannedDocument,
    ServiceUnavailable,
    SlackRefused,
    SummarizerError,
    TransientError,
    UnsupportedContent,
    UserFacingError,
)
from bot.extract import extract
from bot.extract.pool import CRASH_FILE_ENV, CRASH_MARKER, ExtractionCrashed, ExtractPool, Failure
from bot.models import Document
from bot.settings import ExtractLimits
from tests.documents import (
    ARTICLE_HTML,
    DOCX_MIME,
    PARAGRAPHS,
    PNG,
    RTF,
    add_zip_member,
    encrypt_office,
    html_page,
    make_docx,
    make_email,
    make_image_only_pdf,
    make_pdf,
    make_pptx,
    make_xlsx,
)
from tests.harness import wait_for
from tests.paths import ROOT

Call = dict[str, Any]  # the arguments of one `extract` call: data plus its keywords


def documents() -> dict[str, Call]:
    """One readable document of every kind the worker parses."""
    return {
        "html": {"data": html_page(ARTICLE_HTML).encode(), "content_type": "text/html", "url": "http://x/a"},
        "pdf": {"data": make_pdf(PARAGRAPHS[:2], PARAGRAPHS[2:], title="Report"), "filename": "r.pdf"},
        "docx": {"data": make_docx(), "filename": "memo.docx", "content_type": DOCX_MIME},
        "pptx": {"data": make_pptx(), "filename": "deck.pptx"},
        "xlsx": {"data": make_xlsx({"Q3": [["Region", "Revenue"], *[[f"R{n}", n] for n in range(40)]]})},
        "csv": {
            "data": b"city,seats\n" + b"".join(b"Town%d,%d\n" % (n, n) for n in range(40)),
            "filename": "a.csv",
        },
        "email": {"data": make_email(), "filename": "budget.eml"},
        "rtf": {"data": RTF * 8, "filename": "plans.rtf"},
        "text": {
            "data": "\n\n".join(PARAGRAPHS).encode(),
            "content_type": "text/plain",
            "label": "your text",
        },
    }


def failing() -> dict[str, Call]:
    """Documents that extraction refuses, one per user-facing error it raises."""
    return {
        "image": {"data": PNG, "filename": "photo.png"},
        "empty": {"data": b"   ", "filename": "empty.txt"},
        "no text": {"data": html_page("<p>Hi.</p>").encode(), "content_type": "text/html"},
        "scan": {"data": make_image_only_pdf(), "filename": "scan.pdf"},
        "zip bomb": {"data": add_zip_member(make_docx(), "word/media/huge.bin", size=60_000_000)},
        "password": {"data": encrypt_office(make_docx()), "filename": "secret.docx"},
        "small limit": {
            "data": make_docx(),
            "filename": "x.docx",
            "limits": ExtractLimits(max_unpacked_bytes=10),
        },
    }


def caught(call: Call) -> BaseException:
    """The exception `extract(**call)` raises in this process."""
    with pytest.raises(UserFacingError) as raised:
        extract(**call)
    return raised.value


def same_error(got: BaseException, expected: BaseException) -> None:
    """`got` is `expected` again: class, message, user message and every attribute."""
    assert type(got) is type(expected)
    assert str(got) == str(expected) and got.args == expected.args
    assert vars(got) == vars(expected)


@pytest.fixture
async def pool() -> AsyncIterator[ExtractPool]:
    """A started pool of two children, closed after the test."""
    extract_pool = ExtractPool(2)
    extract_pool.start()
    yield extract_pool
    await extract_pool.close()


@pytest.fixture
def crash_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The test hook armed: a child given `CRASH_MARKER` deletes this file and aborts."""
    path = tmp_path / "crash-once"
    path.touch()
    monkeypatch.setenv(CRASH_FILE_ENV, str(path))
    yield path


def pool_children() -> list[multiprocessing.process.BaseProcess]:
    """The live children of this process's extraction pools."""
    return [p for p in multiprocessing.active_children() if p.name == "pebble_pool_worker"]


async def test_every_kind_comes_back_as_extracted_in_this_process(pool: ExtractPool) -> None:
    """Each kind of document, parsed concurrently in the children, equals `extract` run here."""
    calls = documents()
    got = await asyncio.gather(*(pool.extract(**call) for call in calls.values()))
    for (kind, call), document in zip(calls.items(), got, strict=True):
        assert document == extract(**call), kind
        assert document.kind == kind


@pytest.mark.parametrize("case", list(failing()))
async def test_user_facing_errors_come_back_whole(pool: ExtractPool, case: str) -> None:
    """A refused document raises the same class, messages and attributes as `extract` does here."""
    call = failing()[case]
    expected = caught(call)
    with pytest.raises(UserFacingError) as raised:
        await pool.extract(**call)
    same_error(raised.value, expected)


async def test_a_scan_comes_back_with_its_pdf(pool: ExtractPool) -> None:
    """`ScannedDocument`, whose constructor takes keyword-only data, returns with the PDF and page count."""
    data = make_image_only_pdf()
    with pytest.raises(ScannedDocument) as raised:
        await pool.extract(data, filename="scan.pdf")
    assert raised.value.data == data and raised.value.pages == 2
    assert "scan" in raised.value.user_message


def every_error_class() -> list[type[SummarizerError]]:
    """Every class of the `bot.errors` tree."""
    found: list[type[SummarizerError]] = []
    pending: list[type[SummarizerError]] = [SummarizerError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__ == bot.errors.__name__]


def sample(cls: type[SummarizerError]) -> SummarizerError:
    """An instance of `cls` with a message, a detail and every attribute its constructor takes."""
    if issubclass(cls, ScannedDocument):
        return cls("A scan.", data=b"%PDF-1.7 scan", pages=3, detail="no text layer on 3 pages")
    if issubclass(cls, ServiceUnavailable):
        return cls("Busy.", detail="529 overloaded", attempts=4)
    if issubclass(cls, UserFacingError):
        return cls(f"What {cls.__name__} tells the user.", detail=f"what the log says ({cls.__name__})")
    if issubclass(cls, TransientError):
        return cls("HTTP 503", retry_after=2.5)
    if issubclass(cls, SlackRefused):
        return cls(method="chat.postMessage", error="not_in_channel")
    return cls(f"the {cls.__name__} message")


@pytest.mark.parametrize("cls", every_error_class(), ids=lambda cls: cls.__name__)
def test_every_error_class_survives_the_trip_from_a_child(cls: type[SummarizerError]) -> None:
    """Each error class, pickled as a child returns it, is rebuilt with its messages and attributes."""
    exc = sample(cls)
    rebuilt = pickle.loads(pickle.dumps(Failure.of(exc))).rebuilt()
    same_error(rebuilt, exc)
    if isinstance(exc, UserFacingError):
        assert isinstance(rebuilt, UserFacingError) and rebuilt.user_message == exc.user_message


def test_the_error_tree_is_covered() -> None:
    """The classes above include every user-facing error extraction raises, and the rarer ones."""
    names = {cls.__name__ for cls in every_error_class()}
    for cls in (UnsupportedContent, NoReadableText, ScannedDocument, ContentTooLarge, AICredentialsError):
        assert cls.__name__ in names


def test_an_error_that_does_not_pickle_comes_back_as_a_runtime_error() -> None:
    """An exception holding something unpicklable becomes a RuntimeError naming it, not a broken pool."""

    class Local(Exception):
        pass

    failure = pickle.loads(pickle.dumps(Failure.of(Local("a parser bug"))))
    rebuilt = failure.rebuilt()
    assert type(rebuilt) is RuntimeError and "Local: a parser bug" in str(rebuilt)
    assert "a parser bug" in str(rebuilt.__cause__)  # the child's traceback, for the log


def test_documents_pickle() -> None:
    """A `Document` (page starts included) pickles to an equal one."""
    document = extract(make_pdf(PARAGRAPHS[:2], PARAGRAPHS[2:]), filename="r.pdf")
    assert document.page_starts
    assert pickle.loads(pickle.dumps(document)) == document
    text = Document(text="a b c", kind="text", label="your text", origin="pasted")
    assert pickle.loads(pickle.dumps(text)) == text


async def test_a_crashed_child_fails_only_its_own_document(
    crash_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """os.abort() in one child: that document raises ExtractionCrashed (SIGABRT, logged once), the others
    finish, and the pool parses the same document afterwards."""
    pool = ExtractPool(2)
    pool.start()
    try:
        calls = list(documents().values())
        doomed: Call = {
            "data": html_page(f"<p>{CRASH_MARKER.decode()}</p>" + ARTICLE_HTML).encode(),
            "label": "doomed",
        }
        with caplog.at_level(logging.WARNING, logger="bot.extract.pool"):
            got = await asyncio.gather(
                *(pool.extract(**call) for call in calls[:4]),
                pool.extract(**doomed),
                *(pool.extract(**call) for call in calls[4:]),
                return_exceptions=True,
            )
        crashed = got.pop(4)
        assert isinstance(crashed, ExtractionCrashed) and crashed.exitcode == -signal.SIGABRT
        assert got == [extract(**call) for call in calls]
        assert not crash_file.exists()
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "doomed" in warnings[0] and "SIGABRT" in warnings[0]
        assert (await pool.extract(**doomed)).title == "Quarterly update"
        assert len(pool_children()) == 2
    finally:
        await pool.close()
    assert pool_children() == []


async def test_a_child_killed_between_documents_does_not_stop_the_pool(pool: ExtractPool) -> None:
    """SIGKILL to an idle child breaks pebble's pool; the next document gets a new pool and is parsed."""
    call = documents()["html"]
    first = await pool.extract(**call)
    os.kill(pool_children()[0].pid or 0, signal.SIGKILL)
    wait_for(lambda: not pool._pool.active, timeout=10)  # pebble noticed: its pool is broken
    assert await pool.extract(**call) == first
    assert await pool.extract(**call) == first


_LOGGING_SCRIPT = """
import asyncio, logging
from bot.cli import setup_logging
from bot.extract.pool import ExtractPool
from bot.settings import Settings
from tests.documents import PARAGRAPHS, make_pdf

SECRET = "sk-ant-test-secret-0123456789"
setup_logging(Settings.from_env({"LOG_LEVEL": "INFO", "ANTHROPIC_API_KEY": SECRET}))
pdf = make_pdf(PARAGRAPHS)
broken = pdf[: pdf.rfind(b"startxref")] + b"startxref\\n99999\\n%%EOF\\n"  # pypdf warns, then reads it

async def main() -> None:
    pool = ExtractPool(1)
    try:
        document = await pool.extract(broken, filename="broken.pdf")
        assert PARAGRAPHS[0] in document.text
        probe = logging.getLogger("probe")
        await asyncio.wrap_future(pool._pool.schedule(probe.info, args=("key %s", SECRET)))
    finally:
        await pool.close()

asyncio.run(main())
"""


def test_children_log_as_the_worker_does() -> None:
    """A child's log lines (pypdf's warning on a broken cross-reference table, an INFO line) come out in
    the worker's format, at its level, with secrets redacted: not as Python's bare default."""
    result = subprocess.run(
        [sys.executable, "-c", _LOGGING_SCRIPT],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert re.search(
        r"^\d{4}-\d\d-\d\d [\d:,]+ WARNING pypdf\._reader: incorrect startxref", result.stderr, re.M
    ), lines
    assert any(line.endswith(" INFO probe: key [redacted]") for line in lines), lines
    assert "sk-ant-test-secret" not in result.stderr
