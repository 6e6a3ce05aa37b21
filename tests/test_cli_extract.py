"""`summarizer extract`: prints the text the bot would summarize, or the whole document as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings
from tests.articles import article_html
from tests.documents import ARTICLE, ARTICLE_HTML, html_page, make_pdf
from tests.fakes.web import FakeWeb

PARAGRAPHS_PDF = ("The plan adds a light rail line to the airport and two new bus routes.",)


@pytest.fixture(autouse=True)
def in_empty_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs where no developer's .env can be loaded."""
    monkeypatch.chdir(tmp_path)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `summarizer extract ARGS`; returns (exit status, stdout, stderr)."""
    status = main(["extract", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_file_prints_its_main_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A saved page prints only its article text, without site chrome or its headline (the title)."""
    path = tmp_path / "page.html"
    path.write_text(html_page(ARTICLE_HTML))
    status, out, err = run_cli(capsys, str(path))
    assert (status, err) == (0, "")
    assert out == ARTICLE + "\n"


def test_json_has_the_metadata_and_url_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints the document's fields and word count; --url gives a saved page its address."""
    path = tmp_path / "saved.html"
    path.write_text(article_html())
    status, out, _ = run_cli(capsys, str(path), "--json", "--url", "https://metro.example/news/transit")
    found = json.loads(out)
    assert status == 0
    assert found["title"] == "Council approves transit plan"
    assert (found["kind"], found["site_name"], found["url"]) == (
        "html",
        "Metro News",
        "https://metro.example/news/transit",
    )
    assert found["words"] > 50 and found["notice"] is None and found["label"] == "saved.html"


def test_url_is_fetched_like_the_worker_does(
    web: FakeWeb, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A URL (here a PDF without a .pdf suffix) is downloaded and extracted by content."""
    monkeypatch.setenv("SUMMARIZER_ALLOW_PRIVATE_URLS", "true")
    url = web.add(
        "/reports/latest", make_pdf(PARAGRAPHS_PDF, title="Transit report"), content_type="application/pdf"
    )
    status, out, _ = run_cli(capsys, url, "--json")
    found = json.loads(out)
    assert status == 0
    assert (found["kind"], found["title"], found["pages"]) == ("pdf", "Transit report", 1)
    assert found["text"] == PARAGRAPHS_PDF[0]


def test_row_limit_setting_reaches_the_extractor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SUMMARIZER_MAX_ROWS caps the rows read, and the JSON notice names the limit."""
    monkeypatch.setenv("SUMMARIZER_MAX_ROWS", "10")
    path = tmp_path / "data.csv"
    path.write_text("id,name\n" + "".join(f"{n},customer {n}\n" for n in range(50)))
    status, out, _ = run_cli(capsys, str(path), "--json")
    found = json.loads(out)
    assert status == 0
    assert found["text"].count("\n") == 9
    assert found["notice"] == "I read the first 10 rows of the file (my limit per sheet); there are more."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(64), "looks like an image", id="image"),
        pytest.param(
            b"<html><body><div id='root'></div><noscript>Enable JavaScript</noscript></body></html>",
            "needs JavaScript",
            id="js-page",
        ),
    ],
)
def test_unreadable_input_prints_one_line_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    """What the bot would refuse exits 1 with its one-line reply on stderr, no traceback."""
    path = tmp_path / "input.bin"
    path.write_bytes(content)
    status, out, err = run_cli(capsys, str(path))
    assert (status, out) == (1, "")
    (reply,) = [line for line in err.splitlines() if line.startswith("summarizer:")]  # logs may precede it
    assert message in reply and "Traceback" not in err


def test_missing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A path that does not exist is named in a one-line error."""
    status, _, err = run_cli(capsys, "no/such/file.pdf")
    assert status == 1 and "No such file: no/such/file.pdf" in err


def test_settings_map_limits_onto_extract_limits() -> None:
    """SUMMARIZER_MAX_PAGES/ROWS/UNPACKED_BYTES become `extract_limits`; bad values name the variable."""
    env = {
        "SUMMARIZER_MAX_PAGES": "7",
        "SUMMARIZER_MAX_ROWS": "20",
        "SUMMARIZER_MAX_UNPACKED_BYTES": "1000000",
    }
    limits = Settings.from_env(env).extract_limits
    assert (limits.max_pages, limits.max_rows, limits.max_unpacked_bytes) == (7, 20, 1_000_000)
    with pytest.raises(Exception, match="SUMMARIZER_MAX_ROWS"):
        Settings.from_env({"SUMMARIZER_MAX_ROWS": "0"})


def test_text_file_keeps_zwnj_words_and_emoji_sequences_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """«می‌خواهم» (with its ZWNJ) and 👩‍💻 (with its ZWJ) come out exactly as they went in."""
    text = "من می\u200cخواهم این را بخوانم.\n\nThe 👩\u200d💻 emoji is one character sequence, not two."
    path = tmp_path / "notes.txt"
    path.write_bytes(text.encode("utf-8"))
    status, out, err = run_cli(capsys, str(path))
    assert (status, err) == (0, "")
    assert out.encode("utf-8") == text.encode("utf-8") + b"\n"


@pytest.mark.parametrize("url", ["http://2130706433/", "http://127.1/", "http://0177.0.0.1/", "http://[::1/"])
def test_odd_links_print_one_line_not_a_traceback(capsys: pytest.CaptureFixture[str], url: str) -> None:
    """Links people type that Slack auto-links as numbers are refused with a one-line reason."""
    status, out, err = run_cli(capsys, url)
    assert (status, out) == (1, "")
    (reply,) = [line for line in err.splitlines() if line.startswith("summarizer:")]
    assert "Traceback" not in err and ("unusual form" in reply or "valid web address" in reply)
