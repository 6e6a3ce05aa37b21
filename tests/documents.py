"""Real documents built in the tests (fpdf2, python-docx, python-pptx, openpyxl, email): the builders and
sample texts that the extraction, CLI and end-to-end tests share."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

import docx
import openpyxl
import pptx
import pytest
from fpdf import FPDF
from msoffcrypto.format.ooxml import OOXMLFile
from PIL import Image
from pptx.util import Inches
from pypdf import PdfReader, PdfWriter

from bot.errors import UserFacingError

# A short news article (the tram line), for the HTML boilerplate tests: six paragraphs of prose.
TRAM_PROSE = (
    "The council voted on Tuesday to extend the tram line by four kilometres, after two years of "
    "consultation with residents, shop owners and the regional transport authority.",
    "Work starts in March and should take eighteen months; the budget of 210 million euros is shared "
    "between the city, the region and a European fund for cleaner transport.",
    "Opponents said the money would be better spent on buses, which reach more neighbourhoods, but the "
    "motion passed by thirty-one votes to twelve after a long debate.",
    "The new line will serve the hospital, the university and the business park, and the authority "
    "expects twelve thousand passengers a day once it opens in the spring of next year.",
    "Residents along the route will be offered help with noise insulation, and two bus lines will be "
    "changed to meet the trams at the new interchange beside the railway station.",
    "A public meeting on the timetable for the works will be held at the town hall next month, and the "
    "plans can be read at every library in the city until the end of the year.",
)
PARAGRAPHS = (
    "The first paragraph talks about revenue, which grew steadily across every region during the quarter, "
    "driven mostly by new customers in the enterprise segment and by strong renewals.",
    "Second, costs rose too: hiring in engineering and support added about twelve percent to operating "
    "expenses, and the new office opened a month earlier than planned.",
    "Finally, the outlook stays cautious.",
)
ARTICLE = "\n\n".join(PARAGRAPHS)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def make_pdf(*pages: tuple[str, ...], title: str | None = None) -> bytes:
    """A PDF with one page per tuple of paragraphs (Helvetica, so latin-1 text only)."""
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.set_font("Helvetica", size=12)
    for paragraphs in pages:
        pdf.add_page()
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, text=paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
    return bytes(pdf.output())


def make_image_only_pdf() -> bytes:
    """A two-page PDF of page-sized images and no text layer: what a scan looks like to an extractor."""
    page_image = Image.new("L", (210, 297), color=255)
    page_image.paste(0, (20, 20, 190, 40))  # a dark band where a scanned heading would be
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.image(page_image, x=0, y=0, w=210, h=297)
    return bytes(pdf.output())


def encrypt_pdf(data: bytes, *, user_password: str, algorithm: str = "AES-128") -> bytes:
    """`data` re-saved with encryption; an empty user password means "opens without asking"."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(
    paragraphs: tuple[str, ...] = PARAGRAPHS,
    *,
    table: list[list[str]] | None = None,
    title: str | None = None,
    merge_first_row: bool = False,
) -> bytes:
    """A .docx with a heading, the paragraphs, and optionally a table after them."""
    document = docx.Document()
    document.core_properties.title = title or ""
    document.add_heading("Quarterly update", level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
        if merge_first_row:
            grid.cell(0, 0).merge(grid.cell(0, len(table[0]) - 1)).text = "Merged header"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_zip_member(data: bytes, name: str, *, size: int) -> bytes:
    """`data` (a zip) with one more member of `size` zero bytes, deflated (so it shrinks ~1000x)."""
    out = io.BytesIO(data)
    with (
        zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w") as member,
    ):
        chunk = bytes(1 << 20)
        for _ in range(size // len(chunk)):
            member.write(chunk)
    return out.getvalue()


def html_page(body: str, *, head: str = "", charset: str = "utf-8") -> str:
    """A complete HTML document with site chrome around `body`."""
    return (
        f"<!DOCTYPE html><html><head><meta charset='{charset}'>{head}</head><body>"
        "<header><nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/about'>About us</a></nav>"
        "</header>"
        f"<main><article>{body}</article></main>"
        "<footer><p>Subscribe to our newsletter for weekly updates.</p><p>Privacy policy and terms.</p>"
        "</footer>"
        "</body></html>"
    )


ARTICLE_HTML = "<h1>Quarterly update</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + bytes(64)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(64)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + bytes(32)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + bytes(32)
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + bytes(32)
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x21" + bytes(64)
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64)


def plain_zip() -> bytes:
    """A zip that is not a Word file."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "just a zipped note")
    return out.getvalue()


def shingle_f1(truth: str, predicted: str) -> float:
    """F1 over 4-word shingles, the article-extraction benchmark's measure for one page."""

    def shingles(text: str) -> Counter[tuple[str, ...]]:
        tokens = re.findall(r"\w+", text)
        return Counter(tuple(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3)))

    expected, got = shingles(truth), shingles(predicted)
    tp = sum((expected & got).values())
    return 2 * tp / (sum(expected.values()) + sum(got.values()))


@contextmanager
def raises_user_error(error: type[UserFacingError], words: str) -> Iterator[None]:
    """Like pytest.raises, but matches the user-facing message, not the logged detail."""
    with pytest.raises(error) as caught:
        yield
    assert words in caught.value.user_message, caught.value.user_message


PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SLIDES = (
    ("Quarterly results", "Revenue grew twelve percent in every region.", "Pause here for questions."),
    ("Costs", "Hiring in engineering raised operating expenses.\nThe new office opened early.", ""),
)


def make_pptx(
    slides: tuple[tuple[str, str, str], ...] = SLIDES, *, title: str = "", table: bool = False
) -> bytes:
    """A deck of title-and-content slides with optional speaker notes, and optionally a table slide."""
    deck = pptx.Presentation()
    deck.core_properties.title = title
    for heading, body, notes in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = heading
        slide.placeholders[1].text_frame.text = body
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    if table:
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        slide.shapes.title.text = "Regions"
        grid = slide.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(2)).table
        for (row, col), value in {
            (0, 0): "Region",
            (0, 1): "Growth",
            (1, 0): "Europe",
            (1, 1): "12%",
        }.items():
            grid.cell(row, col).text = value
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def make_xlsx(sheets: dict[str, list[list[object]]], *, title: str = "") -> bytes:
    """A workbook with one worksheet per entry, rows appended as given."""
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    book.properties.title = title
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def encrypt_office(data: bytes) -> bytes:
    """`data` (a .docx/.pptx/.xlsx) encrypted with a password, as Office saves it (an OLE2 container)."""
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("secret", out)
    return out.getvalue()


def make_email(
    *, html: bool = True, plain: bool = True, attachment: bool = True, charset: str = "utf-8"
) -> bytes:
    """A multipart e-mail with a plain and/or an HTML body and a PDF attachment."""
    message = EmailMessage()
    message["Subject"] = "Café budget for Q3"
    message["From"] = "Anna Berg <anna@example.com>"
    message["To"] = "team@example.com"
    message["Date"] = "Tue, 01 Oct 2024 09:30:00 +0200"
    text = "Hi all,\n\nThe café budget for Q3 is approved. " + PARAGRAPHS[0]
    if plain:
        message.set_content(text, charset=charset)
    if html:
        markup = (
            f"<html><body><p>Hi all,</p><p>The café budget (HTML) is approved. {PARAGRAPHS[0]}</p>"
            "</body></html>"
        )
        if plain:
            message.add_alternative(markup, subtype="html")
        else:
            message.set_content(markup, subtype="html")
    if attachment:
        message.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="budget.pdf")
    return message.as_bytes()


RTF = (
    rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times;}}{\info{\title Caf\'e9 plans}{\author Anna Berg}}"
    rb"{\*\generator Test;}\f0\pard The caf\'e9 opens in March and serves 40 seats.\par"
    rb" Prices stay the same: \u8364? 3 for coffee, as agreed last week.\par}"
)
