"""Word (.docx) → text with python-docx: body paragraphs and table rows in document order.

Pure. The zip is checked by `check_archive` (bot/extract_archive.py) before python-docx inflates anything.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from bot.errors import UnsupportedContent
from bot.extract.archive import check_archive
from bot.extract.common import Extracted, join_paragraphs
from bot.text import normalize_text

DAMAGED = (
    "I couldn't open this Word file; it looks damaged or isn't a real .docx. Open it in Word, "
    "save it as .docx (or PDF) and share it again."
)


def extract_docx(data: bytes, *, max_unpacked_bytes: int) -> Extracted:
    """Paragraphs and tables of the main document (not headers, footers, comments or text boxes)."""
    check_archive(data, max_unpacked_bytes=max_unpacked_bytes, what="This Word file", damaged=DAMAGED)
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = list(_blocks(document.iter_inner_content()))
        title = document.core_properties.title
    except Exception as exc:  # a parser on untrusted bytes: anything it raises means "can't read it"
        raise UnsupportedContent(DAMAGED, detail=repr(exc)) from exc
    return Extracted(
        text=join_paragraphs(paragraphs), title=normalize_text(title or "").replace("\n", " ") or None
    )


def _blocks(content: Iterator[Paragraph | Table]) -> Iterator[str]:
    """One string per paragraph; one per table, a row per line with ` | ` between cells."""
    for block in content:
        if isinstance(block, Paragraph):
            yield block.text
        else:
            yield "\n".join(_rows(block))


def _rows(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        seen: list[object] = []
        for cell in row.cells:
            if cell._tc in seen:  # a merged cell is repeated once per grid column it spans
                continue
            seen.append(cell._tc)
            text = _cell_text(cell)
            if text:
                cells.append(text)
        if cells:
            yield " | ".join(cells)


def _cell_text(cell: _Cell) -> str:
    parts = (
        block.text if isinstance(block, Paragraph) else "; ".join(_rows(block))
        for block in cell.iter_inner_content()
    )
    return normalize_text(" ".join(parts)).replace("\n", " ")
