"""A PDF's page boundaries: where each page starts in the extracted text, kept through storage."""

from __future__ import annotations

import dataclasses
import json
import pickle

import pytest

from bot.extract import ExtractLimits, extract
from bot.extract.pdf import paged_text
from bot.models import Document
from tests.documents import make_pdf

PAGE_ONE = ("The council met on Monday to discuss the transit plan and its costs.",)
PAGE_THREE = ("The third page lists the stations of the new line, one by one, with dates.",)


@pytest.mark.parametrize(
    ("pages", "text", "starts"),
    [
        (["One.", "Two."], "One.\n\nTwo.", (0, 6)),
        (["One.", "", "Three."], "One.\n\nThree.", (0, 6, 6)),  # an empty page starts where the next does
        (["", "Two."], "Two.", (0, 0)),
        (["One.", ""], "One.", (0, 4)),  # an empty last page starts at the end
    ],
)
def test_paged_text_joins_pages_and_says_where_each_starts(
    pages: list[str], text: str, starts: tuple[int, ...]
) -> None:
    """Pages are joined as paragraphs, and each start points at its page's first character."""
    assert paged_text(pages) == (text, starts)


def test_a_pdf_document_knows_where_each_page_starts() -> None:
    """Every page's text begins at its start; a blank page takes the next page's start."""
    document = extract(make_pdf(PAGE_ONE, ("",), PAGE_THREE), filename="plan.pdf")
    assert document.page_starts is not None and len(document.page_starts) == 3
    one, two, three = document.page_starts
    assert document.text[one:].startswith("The council met") and one == 0
    assert two == three and document.text[three:].startswith("The third page")
    assert document.page_of(document.text.index("stations")) == 3
    assert document.page_of(document.text.index("costs")) == 1


def test_only_the_pages_read_have_starts() -> None:
    """With a page limit, the starts cover the pages that were read."""
    pages = [(f"This is page number {n} of the long report, with words.",) for n in range(1, 5)]
    document = extract(make_pdf(*pages), filename="long.pdf", limits=ExtractLimits(max_pages=2))
    assert document.page_starts is not None and len(document.page_starts) == 2


def test_other_documents_have_no_page_starts() -> None:
    """Page starts are a PDF's: a text file has none, and no offset has a page."""
    document = extract(b"Plain text with enough words to be read as a document.", filename="a.txt")
    assert document.page_starts is None and document.page_of(3) is None


def test_page_starts_survive_json_and_pickle() -> None:
    """A document stored for follow-ups (JSON, as `bot.queue.threads` keeps it) or passed between
    processes (pickle) comes back equal, with its page starts as a tuple."""
    document = extract(make_pdf(PAGE_ONE, PAGE_THREE), filename="plan.pdf")
    from_json = Document(**json.loads(json.dumps(dataclasses.asdict(document))))
    assert from_json == document and isinstance(from_json.page_starts, tuple)
    assert pickle.loads(pickle.dumps(document)) == document
    assert hash(from_json) == hash(document)
