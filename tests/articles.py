"""Sample content for end-to-end tests: a news-style article page and plain paragraphs."""

from __future__ import annotations

PARAGRAPHS = [
    "The city council approved a new transit plan on Tuesday after a long debate about funding and routes. "
    "The plan adds three bus lines and extends the light rail to the airport by 2029.",
    "Council members said the project will cost about 1.2 billion dollars, paid by state grants and a small "
    "sales tax increase. Opponents argued that the tax would hurt small businesses in the downtown area.",
    "Supporters pointed to studies showing that commuters lose an average of forty minutes a day in traffic. "
    "They said faster buses would help workers who cannot afford to live near their jobs.",
    "The mayor called the vote a turning point for the region and promised regular public reports on the "
    "budget. Construction of the first bus line is expected to begin next spring.",
    "Residents will be able to comment on the exact routes at a series of meetings in the coming months. "
    "The transit agency said it would publish maps of the proposed stops before the first meeting.",
]
ARTICLE_TEXT = "\n\n".join(PARAGRAPHS)


def article_html(title: str = "Council approves transit plan") -> str:
    """A realistic page: navigation, the article, related links and a footer."""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | Metro News</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="Metro News">
</head><body><nav><a href="/">Home</a> <a href="/politics">Politics</a> <a href="/sport">Sport</a></nav>
<main><article><h1>{title}</h1><p class="byline">By Jane Reporter</p>{body}</article></main>
<aside><h2>Related stories</h2><ul><li><a href="/a">Bridge repairs delayed again</a></li>
<li><a href="/b">New park opens downtown</a></li></ul></aside>
<footer><p>Subscribe to our newsletter</p>
<p>© 2025 Metro News. All Rights Reserved.</p></footer></body></html>"""
