"""bot.extract on links that are not articles: JavaScript apps, logins, paywalls, empty pages, files."""

from __future__ import annotations

import pytest

from bot.errors import NoReadableText, ScannedDocument
from bot.extract import ExtractLimits, detect_kind, extract
from tests.documents import (
    ARTICLE,
    ARTICLE_HTML,
    PARAGRAPHS,
    html_page,
    make_docx,
    make_image_only_pdf,
    make_pdf,
    raises_user_error,
)

DESCRIPTION = "The city council approved a ten-year transit plan with a new light rail line to the airport."
META = (
    '<title>Transit plan | Metro</title><meta property="og:title" content="Transit plan">'
    f'<meta property="og:description" content="{DESCRIPTION}">'
    '<meta property="og:site_name" content="Metro News"><meta name="description" content="Short one.">'
)
JS_APP = "<noscript>You need to enable JavaScript to run this app.</noscript><div id='root'></div>"
LOGIN = "<form action='/session'><label>Email <input name='email'></label><input type='password'></form>"
PAYWALL_JSON = (
    '<script type="application/ld+json">{"@type": "NewsArticle", "isAccessibleForFree": "False"}</script>'
)


def page(body: str, *, head: str = "") -> bytes:
    """A bare HTML page: `head` in <head>, `body` in <body>, no site chrome."""
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()
    )


@pytest.mark.parametrize(
    ("body", "head", "reason"),
    [
        pytest.param(JS_APP, "", "needs JavaScript to show its content", id="javascript"),
        pytest.param(
            "<div id='__next'></div><script src='/app.js'></script>",
            "",
            "needs JavaScript to show its content",
            id="spa-root",
        ),
        pytest.param("<h1>Sign in</h1>" + LOGIN, "", "needs a login to show its content", id="login"),
        pytest.param(
            "<p>Subscribe to continue reading.</p>", PAYWALL_JSON, "is behind a paywall", id="paywall"
        ),
        pytest.param("<img src='/chart.png'>", "", "has almost no text", id="no-text"),
    ],
)
def test_page_without_article_summarizes_its_description_and_says_why(
    body: str, head: str, reason: str
) -> None:
    """A page that shows no article gets its og:description as text and a notice naming the reason."""
    document = extract(page(body, head=META + head), content_type="text/html", url="https://metro.example/t")
    assert document.text == DESCRIPTION
    assert document.notice == f"This page {reason}, so I summarized its description instead."
    assert (document.title, document.site_name, document.kind) == ("Transit plan", "Metro News", "html")


@pytest.mark.parametrize(
    ("body", "head", "message"),
    [
        pytest.param(JS_APP, "", "This page needs JavaScript to show its content", id="javascript"),
        pytest.param(LOGIN, "<title>Log in - Example</title>", "This page needs a login", id="login"),
        pytest.param(
            "<div class='paywall'>Subscribe</div>", "", "This page is behind a paywall", id="paywall"
        ),
        pytest.param("<p>Hello.</p>", "", "This page has almost no text", id="no-text"),
    ],
)
def test_page_without_article_or_description_raises_the_reason(body: str, head: str, message: str) -> None:
    """With no description to fall back on, the reply names exactly why there is nothing to summarize."""
    with raises_user_error(NoReadableText, message):
        extract(page(body, head=head), content_type="text/html", url="https://example.com/app")


def test_paywall_teaser_is_summarized_with_a_notice() -> None:
    """A paywalled page's visible teaser (no description) is summarized, and the notice says it is partial."""
    teaser = "<p>" + PARAGRAPHS[0] + "</p><p>Subscribe to continue reading.</p>"
    document = extract(page(teaser, head=PAYWALL_JSON), content_type="text/html")
    assert document.text.startswith(PARAGRAPHS[0][:60])
    assert document.notice == "This page is behind a paywall, so I summarized only the part it shows."


def test_full_article_with_a_javascript_warning_is_an_article() -> None:
    """A real article keeps its text and gets no notice, even with a noscript warning and a login link."""
    body = ARTICLE_HTML + "<p>" + " ".join(PARAGRAPHS[:2]) + "</p>" + JS_APP + LOGIN
    document = extract(html_page(body, head=META).encode(), content_type="text/html")
    assert document.text.startswith("Quarterly update\n\n" + PARAGRAPHS[0])
    assert document.notice is None


def test_short_page_without_signs_keeps_its_few_words() -> None:
    """A short fragment with no description and no sign of a problem is still summarized as it is."""
    document = extract(page("<p>Meeting moved to Thursday at ten in room four, bring the slides.</p>"))
    assert document.text == "Meeting moved to Thursday at ten in room four, bring the slides."
    assert document.notice is None


@pytest.mark.parametrize(
    ("canonical", "fetched", "expected"),
    [
        (
            "https://www.metro.example/news/transit",
            "https://metro.example/t?utm=x",
            "https://www.metro.example/news/transit",
        ),
        ("https://elsewhere.example/phish", "https://metro.example/t", "https://metro.example/t"),
        ("javascript:alert(1)", "https://metro.example/t", "https://metro.example/t"),
        ("https://metro.example/news/transit", None, "https://metro.example/news/transit"),
    ],
)
def test_canonical_url_is_used_only_on_the_same_site(
    canonical: str, fetched: str | None, expected: str
) -> None:
    """The header links to the canonical URL if it is on the site the page came from, else the fetched one."""
    head = f'<link rel="canonical" href="{canonical}">'
    document = extract(html_page(ARTICLE_HTML, head=head).encode(), content_type="text/html", url=fetched)
    assert document.url == expected


# --- links to files are routed by content, never by the URL's suffix ---------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type", "kind"),
    [
        pytest.param(make_pdf(PARAGRAPHS), "application/pdf", "pdf", id="pdf-by-type"),
        pytest.param(make_pdf(PARAGRAPHS), "application/octet-stream", "pdf", id="pdf-by-magic"),
        pytest.param(make_pdf(PARAGRAPHS), "text/html; charset=utf-8", "pdf", id="pdf-mislabelled-html"),
        pytest.param(make_docx(), "application/octet-stream", "docx", id="docx-by-magic"),
        pytest.param(ARTICLE.encode(), "text/plain; charset=utf-8", "text", id="text-by-type"),
    ],
)
def test_links_to_files_go_to_the_file_extractor(data: bytes, content_type: str, kind: str) -> None:
    """A link whose URL has no file suffix is read by what the bytes and Content-Type say it is."""
    url = "https://files.example/download?id=42"
    assert detect_kind(data, content_type=content_type, filename=None) == kind
    assert extract(data, content_type=content_type, url=url).kind == kind


# --- PDF limits and scans -----------------------------------------------------------------------------------


def test_scanned_pdf_carries_the_file_and_page_count() -> None:
    """A PDF of images raises ScannedDocument (a NoReadableText) with the PDF bytes and its page count."""
    data = make_image_only_pdf()
    with pytest.raises(ScannedDocument) as caught:
        extract(data, filename="scan.pdf")
    assert isinstance(caught.value, NoReadableText)
    assert (caught.value.data, caught.value.pages) == (data, 2)
    assert "scan" in caught.value.user_message


def test_pdf_page_limit_is_said_in_the_notice() -> None:
    """Past `max_pages` pages the rest are skipped and the notice names how many were read of how many."""
    pages = [(f"This is page number {n} of the long report, with words.",) for n in range(1, 6)]
    document = extract(make_pdf(*pages), filename="long.pdf", limits=ExtractLimits(max_pages=3))
    assert document.notice == "I read the first 3 of its 5 pages (my limit for one document)."
