"""bot.extract on office and mail formats: PPTX, XLSX, CSV/TSV, RTF and EML, built as real files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import ContentTooLarge, NoReadableText, UnsupportedContent
from bot.extract import SUPPORTED_FILE_TYPES_TEXT, ExtractLimits, detect_kind, extract, is_supported_file
from tests.damage import assert_extracts_or_refuses_cleanly, damaged
from tests.documents import (
    PPTX_MIME,
    RTF,
    XLSX_MIME,
    add_zip_member,
    encrypt_office,
    make_docx,
    make_email,
    make_pptx,
    make_xlsx,
    raises_user_error,
)

# --- detection ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type", "filename", "kind"),
    [
        pytest.param(make_pptx(), "application/octet-stream", None, "pptx", id="pptx-magic"),
        pytest.param(make_xlsx({"S": [["a"]]}), None, "data.zip", "xlsx", id="xlsx-magic-beats-name"),
        pytest.param(b"a;b\n1;2\n", None, "data.csv", "csv", id="csv-suffix"),
        pytest.param(b"a\tb\n1\t2\n", "text/tab-separated-values", None, "csv", id="tsv-mime"),
        pytest.param(RTF, "application/octet-stream", "notes.txt", "rtf", id="rtf-magic-beats-name"),
        pytest.param(make_email(), None, "mail.eml", "email", id="eml-suffix"),
        pytest.param(make_email(), "message/rfc822", None, "email", id="rfc822-mime"),
        pytest.param(make_email(), None, None, "email", id="sniffed-email-headers"),
        pytest.param(make_email(), "text/plain", None, "text", id="declared-text-stays-text"),
        pytest.param(make_email(), "text/plain", "mail.eml", "email", id="eml-named-beats-text-plain"),
        pytest.param(b"a,b\n1,2\n", "text/plain", "data.csv", "csv", id="csv-named-beats-text-plain"),
        pytest.param(encrypt_office(make_docx()), None, "locked.docx", None, id="encrypted-docx"),
        pytest.param(b"\x1f\x8b\x08\x00" + bytes(64), None, "logs.gz", None, id="gzip"),
        pytest.param(b"PK\x03\x04garbage", PPTX_MIME, "deck.pptx", "pptx", id="truncated-pptx-is-pptx"),
    ],
)
def test_detect_new_kinds(
    data: bytes, content_type: str | None, filename: str | None, kind: str | None
) -> None:
    """Office, CSV, RTF and e-mail files are told apart by magic bytes, then content type, then suffix."""
    assert detect_kind(data, content_type=content_type, filename=filename) == kind


@pytest.mark.parametrize(
    ("mimetype", "filetype", "name"),
    [
        (PPTX_MIME, "pptx", "deck.pptx"),
        (XLSX_MIME, "xlsx", "sheet.xlsx"),
        ("text/csv", "csv", "data.csv"),
        ("text/tab-separated-values", "tsv", "data.tsv"),
        ("application/rtf", "rtf", "notes.rtf"),
        ("message/rfc822", "email", "mail.eml"),
        ("application/octet-stream", "binary", "mail.eml"),
    ],
)
def test_new_slack_file_types_are_supported(mimetype: str, filetype: str, name: str) -> None:
    """Slack files of the new kinds are worth downloading, whichever signal names them."""
    assert is_supported_file(mimetype=mimetype, filetype=filetype, name=name)


def test_supported_types_text_names_the_new_kinds() -> None:
    """The one-line reply about file types names PowerPoint, Excel, CSV, RTF and email."""
    for word in ("PowerPoint", "Excel", "CSV", "RTF", "email"):
        assert word in SUPPORTED_FILE_TYPES_TEXT


# --- PPTX ---------------------------------------------------------------------------------------------------


def test_pptx_slides_notes_tables_and_title() -> None:
    """Each slide gives its title, text in reading order and notes; tables become ` | ` rows."""
    document = extract(make_pptx(title="Q3 review", table=True), filename="q3.pptx")
    assert document.text == (
        "Slide 1: Quarterly results\n\nRevenue grew twelve percent in every region.\n\n"
        "Notes: Pause here for questions.\n\n"
        "Slide 2: Costs\n\nHiring in engineering raised operating expenses.\nThe new office opened early.\n\n"
        "Slide 3: Regions\n\nRegion | Growth\nEurope | 12%"
    )
    assert (document.kind, document.title, document.pages, document.notice) == ("pptx", "Q3 review", 3, None)


def test_pptx_slide_limit_is_said_in_the_notice() -> None:
    """Past `max_pages` slides the rest are skipped and the notice names the limit."""
    slides = tuple((f"Topic {n}", f"Slide number {n} explains one more point.", "") for n in range(1, 6))
    document = extract(make_pptx(slides), filename="long.pptx", limits=ExtractLimits(max_pages=2))
    assert "Slide number 2" in document.text and "Slide number 3" not in document.text
    assert document.pages == 2
    assert document.notice == "I read the first 2 of its 5 slides (my limit for one document)."


def test_pptx_without_text_says_so() -> None:
    """A deck whose slides hold no text raises NoReadableText naming the presentation."""
    with raises_user_error(NoReadableText, "presentation has no text"):
        extract(make_pptx((("", "", ""), ("", "", ""))), filename="pictures.pptx")


# --- XLSX ---------------------------------------------------------------------------------------------------


def test_xlsx_sheets_rows_and_values_read_as_people_write_them() -> None:
    """Sheet names head their rows; whole floats, dates and booleans print plainly; empty rows drop."""
    data = make_xlsx(
        {
            "Sales": [
                ["Region", "Revenue", "Date", "Final"],
                ["Europe", 1200.0, dt.date(2024, 9, 30), True],
                [],
            ],
            "Notes": [["Forecast stays cautious", None, None]],
        },
        title="Q3 figures",
    )
    document = extract(data, filename="q3.xlsx")
    assert document.text == (
        "Sheet: Sales\nRegion | Revenue | Date | Final\nEurope | 1200 | 2024-09-30 | TRUE\n\n"
        "Sheet: Notes\nForecast stays cautious"
    )
    assert (document.kind, document.title, document.notice) == ("xlsx", "Q3 figures", None)


def test_xlsx_row_limit_is_said_in_the_notice() -> None:
    """Only the first `max_rows` rows of a long sheet are read, and the notice names the limit."""
    rows: list[list[object]] = [["Item", "Amount"], *([f"item {n}", n] for n in range(1, 3000))]
    document = extract(make_xlsx({"Ledger": rows}), filename="big.xlsx", limits=ExtractLimits(max_rows=100))
    assert document.text.count("\n") == 100  # the sheet line and 100 rows
    assert "item 99 | 99" in document.text and "item 100 |" not in document.text
    assert (
        document.notice == 'I read the first 100 rows of sheet "Ledger" (my limit per sheet); there are more.'
    )


def test_empty_xlsx_says_so() -> None:
    """A workbook with no values raises NoReadableText naming the spreadsheet."""
    with raises_user_error(NoReadableText, "spreadsheet has no cells"):
        extract(make_xlsx({"Empty": []}), filename="empty.xlsx")


# --- CSV ----------------------------------------------------------------------------------------------------


def test_csv_semicolons_in_a_legacy_encoding() -> None:
    """A semicolon-separated Windows-1252 CSV is decoded and laid out as rows."""
    data = "Ville;Habitants;Note\nMontréal;1 762 949;grande\nQuébec;549 459;capitale\n".encode("cp1252")
    document = extract(data, filename="villes.csv")
    assert (
        document.text
        == "Ville | Habitants | Note\nMontréal | 1 762 949 | grande\nQuébec | 549 459 | capitale"
    )
    assert document.kind == "csv"


def test_tsv_with_quoted_fields() -> None:
    """Tab-separated values with a quoted field keep the field whole."""
    data = b'name\tcomment\nAnna\t"likes tabs, commas; and quotes"\nBen\tfine by me\n'
    document = extract(data, content_type="text/tab-separated-values", filename="c.tsv")
    assert document.text == "name | comment\nAnna | likes tabs, commas; and quotes\nBen | fine by me"


def test_huge_csv_reads_the_leading_rows_quickly() -> None:
    """A 200,000-row CSV is cut at the row limit with a notice, not read whole."""
    data = b"id,name,amount\n" + b"".join(b"%d,customer %d,%d.50\n" % (n, n, n) for n in range(200_000))
    document = extract(data, filename="big.csv")
    assert document.text.count("\n") == 999
    assert document.notice == "I read the first 1,000 rows of the file (my limit per sheet); there are more."


def test_csv_with_a_giant_field_falls_back_to_plain_text() -> None:
    """A field larger than the csv module allows is read as plain text instead of failing."""
    data = b'a,b\n"' + b"word " * 40_000 + b'",x\n'
    document = extract(data, filename="odd.csv")
    assert document.words > 39_000


# --- RTF and e-mail -----------------------------------------------------------------------------------------


def test_rtf_text_escapes_and_info_title() -> None:
    """RTF escapes decode (\\'e9, \\u8364), each \\par is a paragraph, and \\info gives title and author."""
    document = extract(RTF, filename="plans.rtf")
    assert document.text == (
        "The café opens in March and serves 40 seats.\n\n"
        "Prices stay the same: € 3 for coffee, as agreed last week."
    )
    assert (document.kind, document.title, document.author) == ("rtf", "Café plans", "Anna Berg")


def test_email_plain_body_headers_and_attachment_names() -> None:
    """Subject is the title, From the author, the date ISO; the plain body wins; attachments are listed."""
    document = extract(make_email(), filename="budget.eml")
    assert document.text.startswith(
        "From: Anna Berg <anna@example.com>\nTo: team@example.com\nDate: 2024-10-01\n\nHi all,"
    )
    assert "(HTML)" not in document.text
    assert document.text.endswith("Attachments (not read): budget.pdf")
    assert (document.kind, document.title, document.author, document.date) == (
        "email",
        "Café budget for Q3",
        "Anna Berg",
        "2024-10-01",
    )


def test_email_with_only_an_html_body_in_latin1() -> None:
    """An HTML-only message is read through the HTML extractor; a Latin-1 charset decodes."""
    document = extract(make_email(plain=False, attachment=False, charset="iso-8859-1"), filename="m.eml")
    assert "The café budget (HTML) is approved." in document.text
    assert "Attachments" not in document.text


def test_email_without_a_body_says_so() -> None:
    """A message with headers and an attachment but no text body raises NoReadableText."""
    with raises_user_error(NoReadableText, "email has no text"):
        extract(make_email(plain=False, html=False), filename="empty.eml")


# --- encrypted, legacy, damaged and bomb inputs -------------------------------------------------------------


@pytest.mark.parametrize(
    "data", [make_docx(), make_pptx(), make_xlsx({"S": [["a", "b"]]})], ids=["docx", "pptx", "xlsx"]
)
def test_password_protected_office_files_say_so(data: bytes) -> None:
    """Office files saved with a password (OLE2 with an EncryptedPackage) are refused, saying so."""
    with raises_user_error(UnsupportedContent, "password-protected"):
        extract(encrypt_office(data), filename="locked.bin")


@pytest.mark.parametrize(
    ("stream", "words"), [("Workbook", "old-style Excel"), ("PowerPoint Document", "old-style PowerPoint")]
)
def test_legacy_office_files_name_their_format(stream: str, words: str) -> None:
    """Pre-2007 .xls and .ppt files (OLE2 with their main stream) are named in the reply."""
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + stream.encode("utf-16-le") + bytes(64)
    with raises_user_error(UnsupportedContent, words):
        extract(data, filename="old.bin")


@pytest.mark.parametrize(
    ("data", "filename", "member"),
    [
        (make_pptx(), "bomb.pptx", "ppt/media/huge.bin"),
        (make_xlsx({"S": [["a"]]}), "bomb.xlsx", "xl/media/x.bin"),
    ],
    ids=["pptx", "xlsx"],
)
def test_office_zip_bombs_are_refused_naming_the_limit(data: bytes, filename: str, member: str) -> None:
    """A small file that would unpack past 50 MB raises ContentTooLarge naming the limit."""
    bomb = add_zip_member(data, member, size=60_000_000)
    assert len(bomb) < 1_000_000
    with raises_user_error(ContentTooLarge, "more than 50 MB"):
        extract(bomb, filename=filename)


def test_zip_with_too_many_members_is_refused() -> None:
    """A .xlsx padded with tens of thousands of tiny members raises ContentTooLarge."""
    out = io.BytesIO(make_xlsx({"S": [["a"]]}))
    with zipfile.ZipFile(out, "a") as archive:
        for n in range(20_001):
            archive.writestr(f"xl/pad/{n}.xml", b"")
    with raises_user_error(ContentTooLarge, "parts"):
        extract(out.getvalue(), filename="many.xlsx")


@pytest.mark.parametrize(
    ("data", "content_type", "filename"),
    [
        pytest.param(make_pptx()[:3000], PPTX_MIME, "cut.pptx", id="pptx-cut-short"),
        pytest.param(make_xlsx({"S": [["a"]]})[:3000], XLSX_MIME, "cut.xlsx", id="xlsx-cut-short"),
        pytest.param(b"PK\x03\x04" + bytes(100), XLSX_MIME, "bad.xlsx", id="xlsx-truncated-zip"),
        pytest.param(b"not a deck, only words", PPTX_MIME, "bad.pptx", id="pptx-not-a-zip"),
    ],
)
def test_damaged_office_files_say_so(data: bytes, content_type: str, filename: str) -> None:
    """A damaged .pptx or .xlsx raises UnsupportedContent saying it looks damaged."""
    with raises_user_error(UnsupportedContent, "looks damaged"):
        extract(data, content_type=content_type, filename=filename)


def test_xlsx_with_broken_workbook_xml_is_damaged() -> None:
    """A well-formed zip whose workbook part is not XML is reported as damaged, not as a parser error."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(make_xlsx({"S": [["a"]]}))) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for item in source.infolist():
            target.writestr(
                item, b"<workbook><open" if item.filename == "xl/workbook.xml" else source.read(item)
            )
    with raises_user_error(UnsupportedContent, "looks damaged"):
        extract(out.getvalue(), filename="broken.xlsx")


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        pytest.param(rb"{\rtf1 {{{{ \par unbalanced \'zz \u99999999999", "bad.rtf", id="rtf-garbage"),
        pytest.param(
            b"From: x\nSubject: =?bad?Q?zz?=\nDate: not a date\n\n\xff\xfe body", "m.eml", id="eml-garbage"
        ),
        pytest.param(b"", "empty.csv", id="empty-csv"),
        pytest.param(b"", "empty.eml", id="empty-eml"),
    ],
)
def test_malformed_text_formats_end_in_a_user_facing_error_or_text(data: bytes, filename: str) -> None:
    """Broken RTF and e-mail either extract something or raise a UserFacingError, never a parser error."""
    assert_extracts_or_refuses_cleanly(data, filename)


SAMPLES = {
    "pptx": (make_pptx(table=True), "sample.pptx"),
    "xlsx": (make_xlsx({"S": [["Region", "Growth"], ["Europe", 12.5]]}), "sample.xlsx"),
    "csv": (b"a,b,c\n1,2,3\n4,5,6\n7,8,9\n", "sample.csv"),
    "rtf": (RTF, "sample.rtf"),
    "email": (make_email(), "sample.eml"),
}


@settings(max_examples=150, deadline=None, database=None)
@given(
    kind=st.sampled_from(sorted(SAMPLES)),
    patches=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=8)), max_size=6
    ),
    keep=st.floats(0.05, 1),
)
def test_damaged_new_formats_raise_only_user_facing_errors(
    kind: str, patches: list[tuple[float, bytes]], keep: float
) -> None:
    """Overwritten or truncated PPTX/XLSX/CSV/RTF/EML files extract or raise only a UserFacingError."""
    data, filename = SAMPLES[kind]
    assert_extracts_or_refuses_cleanly(damaged(data, patches=patches, keep=keep), filename)
