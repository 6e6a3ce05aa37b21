"""PowerPoint (.pptx) → text with python-pptx: each slide's title, text and tables, then its speaker notes.

Pure. The zip is checked by `check_archive` before python-pptx unpacks anything. python-pptx is the
maintained reader of the python-docx family (same authors, same lxml stack), already used for .docx.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

import pptx
from pptx.enum.shapes import MSO_SHAPE_TYPE

from bot.errors import UnsupportedContent
from bot.extract.archive import check_archive
from bot.extract.common import Extracted, join_paragraphs
from bot.text import normalize_text

DAMAGED = (
    "I couldn't open this PowerPoint file; it looks damaged or isn't a real .pptx. Open it in PowerPoint, "
    "save it as .pptx (or PDF) and share it again."
)


def extract_pptx(data: bytes, *, max_slides: int, max_unpacked_bytes: int) -> Extracted:
    """Slides in order, each as "Slide N: title", its text (top to bottom) and "Notes: …"; `pages` is
    the number of slides read (at most `max_slides`)."""
    check_archive(data, max_unpacked_bytes=max_unpacked_bytes, what="This PowerPoint file", damaged=DAMAGED)
    try:
        deck = pptx.Presentation(io.BytesIO(data))
        slides = list(deck.slides)
        blocks = [block for n, s in enumerate(slides[:max_slides], 1) for block in _slide_blocks(n, s)]
        title = deck.core_properties.title
    except Exception as exc:  # a parser on untrusted bytes: anything it raises means "can't read it"
        raise UnsupportedContent(DAMAGED, detail=repr(exc)) from exc
    read = min(len(slides), max_slides)
    notice = (
        f"I read the first {read:,} of its {len(slides):,} slides (my limit for one document)."
        if len(slides) > read
        else None
    )
    return Extracted(
        text=join_paragraphs(blocks),
        title=normalize_text(title or "").replace("\n", " ") or None,
        pages=read,
        notice=notice,
    )


def _slide_blocks(number: int, slide: Any) -> Iterator[str]:
    """The slide's heading line, its shapes' text in reading order, then its notes; nothing if empty."""
    title_shape = slide.shapes.title
    title = _one_line(title_shape.text_frame.text) if title_shape is not None else ""
    others = [
        shape for shape in slide.shapes if title_shape is None or shape.shape_id != title_shape.shape_id
    ]
    body = [text for shape in _reading_order(others) for text in _shape_texts(shape)]
    notes = ""
    if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
        notes = normalize_text(slide.notes_slide.notes_text_frame.text)
    if not (title or any(body) or notes):
        return
    yield f"Slide {number}: {title}" if title else f"Slide {number}"
    yield from body
    if notes:
        yield f"Notes: {notes}"


def _reading_order(shapes: Iterable[Any]) -> list[Any]:
    """Top to bottom, then left to right (shapes are stored in z-order, not reading order)."""
    return sorted(shapes, key=lambda shape: (shape.top or 0, shape.left or 0))


def _shape_texts(shape: Any) -> Iterator[str]:
    if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
        for inner in _reading_order(shape.shapes):
            yield from _shape_texts(inner)
    elif getattr(shape, "has_table", False) and shape.has_table:
        rows = (
            " | ".join(t for cell in row.cells if (t := _one_line(cell.text))) for row in shape.table.rows
        )
        yield "\n".join(row for row in rows if row)
    elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        yield normalize_text(shape.text_frame.text)


def _one_line(text: str) -> str:
    return normalize_text(text).replace("\n", " ")
