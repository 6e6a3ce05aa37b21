"""Web pages that are not articles: say why a page shows (almost) no text, and fall back on its description.

Pure. Runs only when the main-content pass found little text (under `THIN_WORDS` words). It looks for
why — a paywall, a login form, an app that needs JavaScript — and then either returns the page's
own description (og:description, twitter:description or meta description) with a `notice` saying it
did so, or raises `NoReadableText` naming the reason. A paywalled page's teaser is kept (with a notice)
when there is no description. A thin page with no such sign keeps its text, unless it has under
`ALMOST_NO_TEXT` words and a longer description, or under `MIN_WORDS` and none.
"""

from __future__ import annotations

import re
from dataclasses import replace

import lxml.html
from lxml import etree

from bot.errors import NoReadableText
from bot.extract.common import MIN_WORDS, Extracted
from bot.extract.html import decode_html, page_words
from bot.text import normalize_text

THIN_WORDS = 50
ALMOST_NO_TEXT = 20

_WHY = {
    "paywall": "is behind a paywall",
    "login": "needs a login to show its content",
    "javascript": "needs JavaScript to show its content",
    "no_text": "has almost no text",
}
_INSTEAD = "If you can see it in your browser, paste the text into Slack and I'll summarize that."
NOTICES = {
    reason: f"This page {why}, so I summarized its description instead." for reason, why in _WHY.items()
}
TEASER = "This page is behind a paywall, so I summarized only the part it shows."
MESSAGES = {
    "paywall": f"This page is behind a paywall, so I can't read it. {_INSTEAD}",
    "login": f"This page needs a login to show its content, so I can't read it. {_INSTEAD}",
    "javascript": f"This page needs JavaScript to show its content, and I don't run JavaScript. {_INSTEAD}",
    "no_text": "This page has almost no text, so there is nothing for me to summarize.",
}

_PAYWALL = re.compile(
    r"""["']isaccessibleforfree["']\s*:\s*["']?false"""
    r"""|(?:class|id)\s*=\s*["'][^"']*\b(?:paywall|piano-?offer|subscriber-only|meteredcontent)"""
    r"|subscribe (?:now )?to (?:continue|keep) reading|to continue reading,? (?:please )?subscribe"
    r"|(?:for|only for|available to) (?:paying )?subscribers(?: only)?\b|already a subscriber\?"
    r"|this (?:article|story|content) is (?:only )?(?:for|available to) subscribers",
    re.IGNORECASE,
)
_LOGIN = re.compile(
    r"""<input\b[^>]*\btype\s*=\s*["']?password"""
    r"|<title[^>]*>[^<]*\b(?:sign in|log in|login|sign-in|log-in)\b"
    r"|(?:please |you must |you need to )(?:sign in|log in)\b",
    re.IGNORECASE,
)
_NOSCRIPT = re.compile(r"<noscript\b[^>]*>(.*?)</noscript>", re.IGNORECASE | re.DOTALL)
_APP_ROOT = re.compile(
    r"""<(div|main|body)\b[^>]*\bid\s*=\s*["'](?:root|app|__next|__nuxt|___gatsby|svelte|main-app)["'][^>]*>"""
    r"""\s*(?:<!--.*?-->\s*)*</\1>|<(?:app-root|ng-app)\b""",
    re.IGNORECASE | re.DOTALL,
)
_JS_WORDS = re.compile(r"javascript|\bjs\b", re.IGNORECASE)
_DESCRIPTION_KEYS = ("og:description", "twitter:description", "description")


def check_page(data: bytes, *, content_type: str | None, found: Extracted) -> Extracted:
    """`found` itself, or the page's description with a notice, or `NoReadableText` with the reason."""
    words = page_words(found.text)
    if words >= THIN_WORDS:
        return found
    page = decode_html(data, content_type=content_type)
    reason = page_problem(page)
    if reason is None:
        if words >= ALMOST_NO_TEXT:
            return found
        reason = "no_text"
    meta = _meta(page)
    description = meta.get("description", "")
    described = page_words(description)
    if described >= MIN_WORDS and (reason != "no_text" or described > words):
        return Extracted(
            text=description,
            title=meta.get("og_title") or found.title or meta.get("title"),
            site_name=found.site_name or meta.get("site_name"),
            author=found.author,
            date=found.date,
            url=found.url,
            notice=NOTICES[reason],
        )
    if reason == "paywall" and words >= ALMOST_NO_TEXT:
        return replace(found, notice=TEASER)
    if reason == "no_text" and words >= MIN_WORDS:
        return found  # a few words and no description: better a one-line gist than nothing
    raise NoReadableText(MESSAGES[reason])


def page_problem(page: str) -> str | None:
    """Why a page shows little text: "paywall", "login", "javascript", or None when no sign says so."""
    if _PAYWALL.search(page):
        return "paywall"
    if _LOGIN.search(page):
        return "login"
    if _APP_ROOT.search(page) or any(_JS_WORDS.search(block) for block in _NOSCRIPT.findall(page)):
        return "javascript"
    return None


def _meta(page: str) -> dict[str, str]:
    """The page's description (the longest of its description tags), og:title, <title> and site name."""
    try:
        root = lxml.html.document_fromstring(
            page.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
        )
    except (etree.ParserError, ValueError):
        return {}
    tags: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = normalize_text(meta.get("content") or "").replace("\n", " ")
        if key and content and key not in tags:
            tags[key] = content
    found: dict[str, str] = {}
    descriptions = [tags[key] for key in _DESCRIPTION_KEYS if key in tags]
    if descriptions:
        found["description"] = max(descriptions, key=len)
    if "og:title" in tags:
        found["og_title"] = tags["og:title"]
    title = normalize_text(root.findtext(".//title") or "").replace("\n", " ")
    if title:
        found["title"] = title
    if "og:site_name" in tags:
        found["site_name"] = tags["og:site_name"]
    return found
