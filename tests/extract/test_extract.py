"""bot.extract: kind detection and text extraction from real files built in the test (fpdf2, python-docx)."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import ContentTooLarge, NoReadableText, UnsupportedContent, UserFacingError
from bot.extract import SUPPORTED_FILE_TYPES_TEXT, ExtractLimits, detect_kind, extract, is_supported_file
from bot.extract.html import without_headline
from bot.extract.text import clean_markdown
from tests.damage import assert_extracts_or_refuses_cleanly, damaged
from tests.documents import (
    ARTICLE,
    ARTICLE_HTML,
    DOCX_MIME,
    GIF,
    JPEG,
    MP3,
    MP4,
    OLE_DOC,
    PARAGRAPHS,
    PNG,
    WEBP,
    add_zip_member,
    encrypt_pdf,
    html_page,
    make_docx,
    make_image_only_pdf,
    make_pdf,
    plain_zip,
    raises_user_error,
    shingle_f1,
)
from tests.paths import FIXTURES as FIXTURE_ROOT

FIXTURES = FIXTURE_ROOT / "extract"

# --- detect_kind --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type", "filename", "kind"),
    [
        pytest.param(make_pdf(PARAGRAPHS), None, None, "pdf", id="pdf-magic"),
        pytest.param(make_pdf(PARAGRAPHS), "text/plain", "notes.txt", "pdf", id="pdf-magic-beats-labels"),
        pytest.param(make_docx(), "application/octet-stream", None, "docx", id="docx-magic"),
        pytest.param(make_docx(), None, "report.zip", "docx", id="docx-magic-beats-name"),
        pytest.param(plain_zip(), None, "archive.zip", None, id="other-zip"),
        pytest.param(plain_zip(), DOCX_MIME, "fake.docx", None, id="zip-without-word-document"),
        pytest.param(b"PK\x03\x04garbage", DOCX_MIME, "broken.docx", "docx", id="truncated-docx-is-docx"),
        pytest.param(b"PK\x03\x04garbage", None, "broken.zip", None, id="truncated-zip"),
        pytest.param(PNG, None, "image.png", None, id="png"),
        pytest.param(PNG, "text/html", "page.html", None, id="png-served-as-html"),
        pytest.param(JPEG, None, None, None, id="jpeg"),
        pytest.param(GIF, "image/gif", None, None, id="gif"),
        pytest.param(WEBP, None, "photo.txt", None, id="webp-named-txt"),
        pytest.param(MP4, None, "clip.mp4", None, id="video"),
        pytest.param(MP3, None, "song.mp3", None, id="audio"),
        pytest.param(OLE_DOC, "application/msword", "old.doc", None, id="legacy-doc"),
        pytest.param(b"plain words", "image/png", None, None, id="image-content-type"),
        pytest.param(
            b"<html><body>x</body></html>", "text/html; charset=utf-8", None, "html", id="html-mime"
        ),
        pytest.param(b"<html/>", "application/xhtml+xml", None, "html", id="xhtml-mime"),
        pytest.param(b"hello there", "text/plain", None, "text", id="text-mime"),
        pytest.param(b"# Title", "text/markdown", None, "markdown", id="markdown-mime"),
        pytest.param(b"# Title", "application/octet-stream", "README.md", "markdown", id="md-suffix"),
        pytest.param(b"# Title", None, "notes.MARKDOWN", "markdown", id="markdown-suffix-any-case"),
        pytest.param(b"hello", None, "notes.txt", "text", id="txt-suffix"),
        pytest.param(b"<p>hi</p>", None, "page.htm", "html", id="htm-suffix"),
        pytest.param(b"a,b\n1,2\n", "text/csv", "data.csv", "csv", id="csv-mime"),
        pytest.param(b"print('hi')", "text/x-python", "x.py", "text", id="other-text-mime-is-text"),
        pytest.param(b"<!DOCTYPE html><html>x</html>", None, None, "html", id="sniffed-html"),
        pytest.param(b"just some words", None, None, "text", id="sniffed-text"),
        pytest.param(b"{}", "application/json", None, None, id="json-unsupported"),
        pytest.param(b"\x00\x01\x02binary\x00" * 20, "text/plain", "data.txt", None, id="binary-named-txt"),
        pytest.param("naïve text".encode("utf-16"), None, "utf16.txt", "text", id="utf16-with-nuls-is-text"),
        pytest.param(
            b"<!doctype html><html>Sign in</html>", "application/pdf", "r.pdf", "html", id="page-for-pdf"
        ),
        pytest.param(
            b"this is not a pdf at all", "application/pdf", "r.pdf", "pdf", id="damaged-pdf-stays-pdf"
        ),
        pytest.param(
            b"ID3 tags are metadata in MP3 files.", "text/plain", None, "text", id="text-starting-id3"
        ),
        pytest.param(b"GIF89a was a file format.", None, "notes.txt", "text", id="text-starting-gif89a"),
        pytest.param(b"", None, "empty.txt", "text", id="empty-txt"),
    ],
)
def test_detect_kind(data: bytes, content_type: str | None, filename: str | None, kind: str | None) -> None:
    """Magic bytes decide first, then the content type, then the suffix; binary bytes are never text."""
    assert detect_kind(data, content_type=content_type, filename=filename) == kind


@pytest.mark.parametrize(
    ("mimetype", "filetype", "name", "supported"),
    [
        ("application/pdf", "pdf", "report.pdf", True),
        (DOCX_MIME, "docx", "report.docx", True),
        ("text/plain", "text", "notes.txt", True),
        ("text/markdown", "markdown", "README.md", True),
        ("text/html", "html", "page.html", True),
        ("text/plain", "python", "script.py", True),
        ("application/octet-stream", "binary", "misclassified.md", True),
        ("application/octet-stream", "pascal", "notes.markdown", True),
        ("image/png", "png", "screenshot.png", False),
        ("video/mp4", "mp4", "demo.mp4", False),
        ("application/zip", "zip", "bundle.zip", False),
        ("application/msword", "doc", "old.doc", False),
        (None, None, None, False),
    ],
)
def test_is_supported_file(
    mimetype: str | None, filetype: str | None, name: str | None, supported: bool
) -> None:
    """Any one of Slack's filetype, the mimetype or the name's suffix naming a readable kind is enough."""
    assert is_supported_file(mimetype=mimetype, filetype=filetype, name=name) is supported


def test_supported_types_text_names_every_kind() -> None:
    """The one-line reply names each kind we read."""
    for word in ("PDF", "Word", "plain text", "Markdown", "HTML"):
        assert word in SUPPORTED_FILE_TYPES_TEXT


# --- plain text and Markdown --------------------------------------------------------------------------------

LATIN_TEXT = "Café crème, naïve façade: the résumé of a señor in São Paulo.\n\nÀ bientôt, garçon!"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        pytest.param(LATIN_TEXT.encode("utf-8"), None, id="utf-8"),
        pytest.param(LATIN_TEXT.encode("utf-8-sig"), None, id="utf-8-bom"),
        pytest.param(LATIN_TEXT.encode("utf-16"), None, id="utf-16-bom"),
        pytest.param(LATIN_TEXT.encode("utf-16-be"), "text/plain; charset=utf-16be", id="utf-16-be-declared"),
        pytest.param(LATIN_TEXT.encode("latin-1"), None, id="latin-1-guessed"),
        pytest.param(LATIN_TEXT.encode("latin-1"), "text/plain; charset=ISO-8859-1", id="latin-1-declared"),
        pytest.param(LATIN_TEXT.encode("utf-8"), "text/plain; charset=iso-8859-1", id="utf-8-mislabelled"),
        pytest.param(
            LATIN_TEXT.replace("\n", "\r\n").encode("cp1252"), "text/plain; charset=windows-1252", id="crlf"
        ),
    ],
)
def test_text_encodings_decode_to_the_same_text(data: bytes, content_type: str | None) -> None:
    """UTF-8 (with or without BOM), UTF-16 with BOM and Latin-1 all decode to the same normalised text."""
    document = extract(data, content_type=content_type, filename="notes.txt")
    assert document.text == LATIN_TEXT
    assert (document.kind, document.label, document.title) == ("text", "notes.txt", None)


def test_text_whitespace_is_normalised() -> None:
    """Runs of spaces, tabs, stray blank lines and control characters collapse; line breaks inside stay."""
    raw = (
        b"  First line\twith   gaps  \nsecond line of it\n\n\n\n\x07Next paragraph\x00 here, at last.\r\n \n"
    )
    document = extract(raw, content_type="text/plain")
    assert document.text == "First line with gaps\nsecond line of it\n\nNext paragraph here, at last."
    assert document.label == "your text"


MARKDOWN = """---
title: "Release notes"
tags: [x]
---
# Version 2.0 is *out*

We shipped the **new importer** and [a faster sync](https://example.com/sync_(beta) "Sync").
![diagram](img/arch.png) See <https://example.com/docs> and snake_case_names stay intact.

Setext heading
--------------

> Quoted advice with a [reference link][ref].

* first item
+ second item

| Feature | Status |
|---------|:------:|
| Import  | done   |

<!-- hidden note -->
```python
x = "**not bold** [kept](as-is)"
```
Escaped \\*stars\\* stay.

[ref]: https://example.com/ref
"""

MARKDOWN_TEXT = """Version 2.0 is out

We shipped the new importer and a faster sync.
See https://example.com/docs and snake_case_names stay intact.

Setext heading

Quoted advice with a reference link.

- first item
- second item

Feature | Status
Import | done

x = "**not bold** [kept](as-is)"

Escaped *stars* stay."""


def test_markdown_markup_is_stripped_lightly() -> None:
    """Headings, links, images, emphasis, rules and comments go; code blocks stay verbatim."""
    document = extract(MARKDOWN.encode(), filename="NOTES.md")
    assert document.kind == "markdown"
    assert document.text == MARKDOWN_TEXT
    assert document.title == "Release notes"


@pytest.mark.parametrize(
    ("source", "title"),
    [
        ("# Project Atlas\n\nSome words about it.", "Project Atlas"),
        ("Project Atlas\n=============\n\nSome words.", "Project Atlas"),
        ("Intro paragraph first.\n\n# Later heading", None),
        ("## Only a level-two heading", None),
    ],
)
def test_markdown_title_is_a_leading_level_one_heading(source: str, title: str | None) -> None:
    """Without front matter, the title is a level-1 heading at the very top, and nothing else."""
    assert clean_markdown(source)[1] == title


# --- HTML ---------------------------------------------------------------------------------------------------


def test_html_main_content_and_metadata() -> None:
    """The article comes out without nav or footer, a blank line between paragraphs, with its metadata."""
    head = (
        "<title>Quarterly update | Example News</title>"
        "<meta property='og:title' content='Quarterly update'>"
        "<meta property='og:site_name' content='Example News'>"
        "<meta name='author' content='Ada Lovelace'>"
        "<meta property='article:published_time' content='2024-03-05T10:00:00Z'>"
    )
    page = html_page(ARTICLE_HTML, head=head).encode()
    document = extract(page, content_type="text/html", url="https://news.example.com/q")
    assert ARTICLE in document.text
    for chrome in ("Home", "About us", "newsletter", "Privacy"):
        assert chrome not in document.text
    assert document.kind == "html"
    assert (document.title, document.site_name, document.author, document.date) == (
        "Quarterly update",
        "Example News",
        "Ada Lovelace",
        "2024-03-05",
    )
    assert (document.label, document.url) == ("https://news.example.com/q", "https://news.example.com/q")


def test_html_lists_and_tables_keep_their_structure() -> None:
    """List items become bullet lines and table rows `a | b` lines, each block its own paragraph."""
    body = (
        ARTICLE_HTML
        + "<p>The plan for next quarter has three parts:</p>"
        + "<ul><li>hire two engineers</li><li>ship the importer</li><li>close the old office</li></ul>"
        + "<table><tr><th>Region</th><th>Growth</th></tr><tr><td>Europe</td><td>12%</td></tr></table>"
    )
    document = extract(html_page(body).encode(), content_type="text/html")
    assert "- hire two engineers\n- ship the importer\n- close the old office" in document.text
    assert "Region | Growth\nEurope | 12%" in document.text


@pytest.mark.parametrize(
    ("encoding", "content_type", "meta_charset"),
    [
        pytest.param("cp1252", "text/html", "windows-1252", id="meta-charset"),
        pytest.param("latin-1", "text/html; charset=ISO-8859-1", "utf-8", id="header-beats-wrong-meta"),
        pytest.param("utf-8", "text/html", "utf-8", id="utf-8"),
        pytest.param("cp1252", None, "", id="guessed"),
    ],
)
def test_html_charset(encoding: str, content_type: str | None, meta_charset: str) -> None:
    """The Content-Type charset wins, then `<meta charset>`, then a guess; accents survive each route."""
    body = ARTICLE_HTML + "<p>Café crème and naïve façades, déjà vu: the résumé was très bien reçu.</p>"
    page = html_page(body, charset=meta_charset).encode(encoding)
    document = extract(page, content_type=content_type, filename="page.html")
    assert "Café crème and naïve façades, déjà vu" in document.text


def test_html_fragment_falls_back_to_plain_text_pass() -> None:
    """A bare fragment that trafilatura rejects is still read by the plain-text fallback."""
    fragment = b"<p>Only a fragment here, but with more than enough words in it to summarize.</p>"
    document = extract(fragment, filename="snippet.html")
    assert document.text == "Only a fragment here, but with more than enough words in it to summarize."


def test_html_with_control_characters_still_extracts() -> None:
    """Characters XML forbids (stray NUL, form feed, bell) are dropped instead of breaking the parser."""
    page = html_page(ARTICLE_HTML.replace("revenue", "rev\x00enue\x0c").replace("Finally", "\x07Finally"))
    document = extract(page.encode(), filename="page.html")
    assert document.text.endswith(ARTICLE)


def test_real_article_from_benchmark_matches_ground_truth() -> None:
    """A real news page (article-extraction-benchmark, MIT) comes out close to its human-checked body."""
    page = gzip.decompress((FIXTURES / "sciencealert-europa.html.gz").read_bytes())
    truth = (FIXTURES / "sciencealert-europa.expected.txt").read_text("utf-8")
    document = extract(page, content_type="text/html; charset=utf-8", url="https://www.sciencealert.com/x")
    assert shingle_f1(truth, document.text) > 0.95
    assert document.title and "Europa" in document.title
    assert document.date == "2019-11-18"
    assert "\n\n" in document.text


# --- PDF ----------------------------------------------------------------------------------------------------


def test_pdf_text_paragraphs_and_title() -> None:
    """Wrapped lines rejoin into paragraphs, pages are counted, and the metadata title is used."""
    data = make_pdf(
        PARAGRAPHS, ("A second page holds the appendix with the detailed numbers.",), title="Q3 Report"
    )
    document = extract(data, filename="q3.pdf")
    assert document.text == ARTICLE + "\n\nA second page holds the appendix with the detailed numbers."
    assert (document.kind, document.pages, document.title, document.label) == (
        "pdf",
        2,
        "Q3 Report",
        "q3.pdf",
    )


def test_pdf_reads_at_most_max_pages() -> None:
    """Only the first `max_pages` pages are read, and `pages` says how many that was."""
    pages = [(f"This is page number {n} of the long report, with words.",) for n in range(1, 5)]
    document = extract(make_pdf(*pages), filename="long.pdf", limits=ExtractLimits(max_pages=2))
    assert document.pages == 2
    assert "page number 2" in document.text
    assert "page number 3" not in document.text


def test_pdf_owner_password_only_opens() -> None:
    """A PDF encrypted with only an owner password (no password to open) is read normally."""
    data = encrypt_pdf(make_pdf(PARAGRAPHS), user_password="")
    assert extract(data, filename="restricted.pdf").text == ARTICLE


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_pdf_with_user_password_is_refused(algorithm: str) -> None:
    """A PDF that needs a password to open is refused with a message saying so."""
    data = encrypt_pdf(make_pdf(PARAGRAPHS), user_password="secret", algorithm=algorithm)
    with raises_user_error(UnsupportedContent, "password-protected"):
        extract(data, filename="locked.pdf")


def test_pdf_without_text_layer_looks_scanned() -> None:
    """A PDF of images only raises NoReadableText saying it looks like a scan."""
    with raises_user_error(NoReadableText, "scan"):
        extract(make_image_only_pdf(), filename="scan.pdf")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.7\n" + bytes(range(256)) * 8, id="garbage-after-header"),
        pytest.param(make_pdf(PARAGRAPHS)[:400], id="truncated"),
        pytest.param(b"%PDF-1.4\n%%EOF\n", id="header-only"),
        pytest.param(b"plain words that are not a PDF file at all", id="no-header"),
    ],
)
def test_malformed_pdf_is_unsupported_with_a_clear_message(data: bytes) -> None:
    """A damaged PDF raises UnsupportedContent saying so, never pypdf's own exception."""
    with raises_user_error(UnsupportedContent, "looks damaged"):
        extract(data, content_type="application/pdf", filename="broken.pdf")


# --- DOCX ---------------------------------------------------------------------------------------------------


def test_docx_paragraphs_tables_and_title() -> None:
    """Body paragraphs and table rows come out in order, merged cells once, with the core-properties title."""
    table = [["Region", "Growth", "Note"], ["Europe", "12%", "steady"]]
    data = make_docx(table=table, title="Q3 update", merge_first_row=True)
    document = extract(data, filename="q3.docx")
    assert document.text == "Quarterly update\n\n" + ARTICLE + "\n\nMerged header\nEurope | 12% | steady"
    assert (document.kind, document.title, document.pages) == ("docx", "Q3 update", None)


def test_docx_without_title_has_none() -> None:
    """An empty core-properties title is no title."""
    assert extract(make_docx(), filename="x.docx").title is None


def test_docx_zip_bomb_is_refused_before_unpacking() -> None:
    """A .docx whose members unpack past the limit raises ContentTooLarge."""
    data = add_zip_member(make_docx(), "word/media/huge.bin", size=60_000_000)
    assert len(data) < 1_000_000
    with raises_user_error(ContentTooLarge, "more than 50 MB"):
        extract(data, filename="bomb.docx")


def test_docx_unpack_limit_is_a_parameter() -> None:
    """`ExtractLimits.max_unpacked_bytes` sets the zip-bomb limit."""
    with pytest.raises(ContentTooLarge):
        extract(make_docx(), filename="x.docx", limits=ExtractLimits(max_unpacked_bytes=10_000))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"PK\x03\x04" + bytes(200), id="truncated-zip"),
        pytest.param(make_docx()[:2000], id="cut-short"),
        pytest.param(b"not a zip at all, just words", id="not-a-zip"),
    ],
)
def test_malformed_docx_is_unsupported_with_a_clear_message(data: bytes) -> None:
    """A damaged .docx raises UnsupportedContent saying so, never python-docx's own exception."""
    with raises_user_error(UnsupportedContent, "looks damaged"):
        extract(data, content_type=DOCX_MIME, filename="broken.docx")


def test_docx_with_broken_document_xml_is_unsupported() -> None:
    """A well-formed zip whose word/document.xml is not XML is reported as damaged."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(make_docx())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = b"<w:document><unclosed" if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item, body)
    with raises_user_error(UnsupportedContent, "looks damaged"):
        extract(out.getvalue(), filename="broken.docx")


# --- errors and labels shared by every kind ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "error", "message"),
    [
        pytest.param(PNG, "screenshot.png", UnsupportedContent, "image", id="png"),
        pytest.param(MP4, "clip.mp4", UnsupportedContent, "video", id="video"),
        pytest.param(OLE_DOC, "old.doc", UnsupportedContent, "old-style Word", id="legacy-doc"),
        pytest.param(plain_zip(), "bundle.zip", UnsupportedContent, "PDF, Word", id="zip"),
        pytest.param(b"", "empty.txt", NoReadableText, "empty", id="empty-file"),
        pytest.param(b" \n\t ", "blank.md", NoReadableText, "empty", id="blank-file"),
        pytest.param(
            b"Just four words here.", "short.txt", NoReadableText, "enough text", id="too-few-words"
        ),
        pytest.param(
            html_page("<script>var x = 1;</script>").encode(),
            "app.html",
            NoReadableText,
            "almost no text",
            id="no-text",
        ),
        pytest.param(make_docx(paragraphs=()), "blank.docx", NoReadableText, "Word file", id="empty-docx"),
    ],
)
def test_user_facing_errors(data: bytes, filename: str, error: type[UserFacingError], message: str) -> None:
    """Unreadable inputs raise the right user-facing error, with a short message that says what to do."""
    with pytest.raises(error) as caught:
        extract(data, filename=filename)
    assert message in caught.value.user_message
    assert len(caught.value.user_message) < 200
    assert "Error" not in caught.value.user_message


@pytest.mark.parametrize(
    ("given", "filename", "url", "label"),
    [
        ("Meeting notes", "notes.txt", "https://example.com/n", "Meeting notes"),
        (None, "notes.txt", "https://example.com/n", "notes.txt"),
        (None, None, "https://example.com/n", "https://example.com/n"),
        (None, None, None, "your text"),
    ],
)
def test_label_prefers_given_label_then_filename_then_url(
    given: str | None, filename: str | None, url: str | None, label: str
) -> None:
    """The label is the given label, else the file name, else the URL, else "your text"."""
    document = extract(ARTICLE.encode(), content_type="text/plain", filename=filename, url=url, label=given)
    assert document.label == label


# --- robustness -------------------------------------------------------------------------------------------

SAMPLES = {
    "pdf": (make_pdf(PARAGRAPHS, title="Sample"), "sample.pdf"),
    "docx": (make_docx(table=[["a", "b"], ["c", "d"]]), "sample.docx"),
    "html": (html_page(ARTICLE_HTML).encode(), "sample.html"),
    "markdown": (MARKDOWN.encode(), "sample.md"),
}


@settings(max_examples=200, deadline=None, database=None)
@given(
    kind=st.sampled_from(sorted(SAMPLES)),
    patches=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=8)), max_size=6
    ),
    keep=st.floats(0.05, 1),
)
def test_damaged_files_raise_only_user_facing_errors(
    kind: str, patches: list[tuple[float, bytes]], keep: float
) -> None:
    """Overwritten or truncated files either extract or raise a UserFacingError, never a parser's error."""
    data, filename = SAMPLES[kind]
    assert_extracts_or_refuses_cleanly(damaged(data, patches=patches, keep=keep), filename)


@pytest.mark.parametrize(
    ("text", "title", "expected"),
    [
        pytest.param("Quarterly update\n\nRevenue grew.", "Quarterly update", "Revenue grew.", id="same"),
        pytest.param(
            "Quarterly update\n\nRevenue grew.", "Quarterly update | Example News", "Revenue grew.", id="part"
        ),
        pytest.param(
            "Example News: Quarterly update\n\nA\n\nB", "Example News: Quarterly update", "A\n\nB", id="colon"
        ),
        pytest.param("Big news today\n\nBig news today\n\nBody.", "Big news today", "Body.", id="twice"),
        pytest.param("News\n\nBody.", "News", "News\n\nBody.", id="too-short-to-be-a-headline"),
        pytest.param("Quarterly update", "Quarterly update", "Quarterly update", id="never-the-whole-text"),
        pytest.param(
            "Quarterly update in full\n\nBody.",
            "Quarterly update",
            "Quarterly update in full\n\nBody.",
            id="longer",
        ),
        pytest.param(
            "Revenue grew.\n\nQuarterly update",
            "Quarterly update",
            "Revenue grew.\n\nQuarterly update",
            id="not-first",
        ),
        pytest.param("Quarterly update\n\nBody.", None, "Quarterly update\n\nBody.", id="no-title"),
    ],
)
def test_html_headline_repeating_the_title_is_left_to_the_title(
    text: str, title: str | None, expected: str
) -> None:
    """The reply shows the title on its own line: the text does not open with it again (the offline
    summary would otherwise take the headline for its first sentence)."""
    assert without_headline(text, title) == expected


def test_html_page_text_starts_after_its_headline() -> None:
    """End to end: the `<h1>` that repeats the page's title is the document's title, not its first line."""
    page = html_page(ARTICLE_HTML, head="<title>Quarterly update | Example News</title>").encode()
    document = extract(page, content_type="text/html", url="https://news.example.com/q")
    assert document.title == "Quarterly update"
    assert document.text == ARTICLE
