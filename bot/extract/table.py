"""Spreadsheets → text: .xlsx with openpyxl (read-only, streaming) and CSV/TSV with the stdlib `csv`.

Pure. Each sheet becomes "Sheet: name" followed by its leading rows, one per line with ` | ` between
cells (the same shape as tables from Word and web pages); empty rows and trailing empty cells are
dropped. At most `max_rows` non-empty rows are read per sheet; the `notice` says when a sheet had more.
openpyxl's read-only mode parses rows lazily, so a huge sheet costs only the rows actually read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

import openpyxl

from bot.errors import UnsupportedContent
from bot.extract.archive import check_archive
from bot.extract.common import Extracted
from bot.extract.decode import charset_from_content_type, decode_bytes
from bot.text import normalize_text

DAMAGED = (
    "I couldn't open this Excel file; it looks damaged or isn't a real .xlsx. Open it in Excel, "
    "save it as .xlsx (or CSV) and share it again."
)
_MAX_SHEETS = 50
_MAX_COLUMNS = 60
_MAX_CELL_CHARS = 300
# Rows scanned per sheet, empty ones included, before giving up: a sheet can declare a million blank rows.
_SCAN_FACTOR = 20
_MIN_SCAN = 10_000
_CSV_SNIFF_BYTES = 64_000


def extract_xlsx(data: bytes, *, max_rows: int, max_unpacked_bytes: int) -> Extracted:
    """Every worksheet's name and leading rows (cached values, not formulas); the workbook title."""
    check_archive(data, max_unpacked_bytes=max_unpacked_bytes, what="This Excel file", damaged=DAMAGED)
    blocks: list[str] = []
    longer: list[str] = []
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            title = book.properties.title
            for sheet in book.worksheets[:_MAX_SHEETS]:
                rows = sheet.iter_rows(max_col=_MAX_COLUMNS, values_only=True)
                text, more = render_rows(((_cell(v) for v in row) for row in rows), max_rows=max_rows)
                if text:
                    blocks.append(f"Sheet: {sheet.title}\n{text}")
                if more:
                    longer.append(sheet.title)
        finally:
            book.close()
    except Exception as exc:  # a parser on untrusted bytes: anything it raises means "can't read it"
        raise UnsupportedContent(DAMAGED, detail=repr(exc)) from exc
    return Extracted(
        text=normalize_text("\n\n".join(blocks)),
        title=normalize_text(title or "").replace("\n", " ") or None,
        notice=_rows_notice(longer, max_rows=max_rows),
    )


def extract_csv(data: bytes, *, content_type: str | None, filename: str | None, max_rows: int) -> Extracted:
    """A CSV or TSV file's leading rows; a file the `csv` module can't parse is read as plain text."""
    text = decode_bytes(data, declared=charset_from_content_type(content_type))
    tab = (filename or "").lower().endswith(".tsv") or "tab-separated" in (content_type or "").lower()
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:_CSV_SNIFF_BYTES], delimiters="\t" if tab else ",;\t|"
        )
    except csv.Error:
        dialect = csv.excel_tab if tab else csv.excel
    try:
        rendered, more = render_rows(csv.reader(io.StringIO(text, newline=""), dialect), max_rows=max_rows)
    except csv.Error:
        return Extracted(text=normalize_text(text))
    return Extracted(text=rendered, notice=_rows_notice(["the file"] if more else [], max_rows=max_rows))


def render_rows(rows: Iterable[Iterable[str]], *, max_rows: int) -> tuple[str, bool]:
    """(text, more): up to `max_rows` non-empty rows as ` | `-joined lines; `more` if rows were left."""
    lines: list[str] = []
    limit = max(_SCAN_FACTOR * max_rows, _MIN_SCAN)
    for scanned, row in enumerate(rows, 1):
        cells = _trimmed(row)
        if cells:
            if len(lines) == max_rows:
                return "\n".join(lines), True
            lines.append(" | ".join(cells))
        if scanned >= limit:
            return "\n".join(lines), True
    return "\n".join(lines), False


def _trimmed(row: Iterable[str]) -> list[str]:
    cells = [_one_line(value) for _, value in zip(range(_MAX_COLUMNS), row, strict=False)]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _one_line(value: str) -> str:
    text = " ".join(value.split())
    return text if len(text) <= _MAX_CELL_CHARS else text[: _MAX_CELL_CHARS - 1] + "…"


def _cell(value: object) -> str:
    """A cell value as a person would read it: whole floats without ".0", dates without midnight."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.10g}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _rows_notice(longer: Sequence[str], *, max_rows: int) -> str | None:
    if not longer:
        return None
    where = "the file" if list(longer) == ["the file"] else _names(longer)
    return f"I read the first {max_rows:,} rows of {where} (my limit per sheet); there are more."


def _names(names: Sequence[str]) -> str:
    quoted = [f'sheet "{name}"' for name in names[:3]]
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return ", ".join(quoted) + more
