"""bot.extract.html_rules and the HTML pass around it: boilerplate that trafilatura lets through is dropped
by structural rules, and article text (link lists included) is kept. Synthetic pages only."""

from __future__ import annotations

import pytest
from lxml import etree

from bot.extract import extract
from bot.extract.html import page_words
from bot.extract.html_rules import SHORT_WORDS, mend_split_links, prune
from tests.articles import PARAGRAPHS as ARTICLE_PARAGRAPHS
from tests.documents import TRAM_PROSE, html_page

PROSE = TRAM_PROSE[:3]


def output(*blocks: str) -> etree._Element:
    """A tree shaped like trafilatura's output (`p`, `head`, `list`/`item`, `ref` around links)."""
    return etree.fromstring(f"<body>{''.join(blocks)}</body>")


def p(text: str) -> str:
    """One paragraph of trafilatura output."""
    return f"<p>{text}</p>"


def links(*titles: str, tag: str = "list") -> str:
    """A list (or, with tag="p", a paragraph) made only of links."""
    if tag == "p":
        return "<p>" + " | ".join(f"<ref target='/{i}'>{t}</ref>" for i, t in enumerate(titles)) + "</p>"
    return (
        "<list>"
        + "".join(f"<item><ref target='/{i}'>{t}</ref></item>" for i, t in enumerate(titles))
        + "</list>"
    )


def text_of(body: etree._Element) -> str:
    """The tree's text, whitespace collapsed."""
    return " ".join(" ".join(str(piece) for piece in body.itertext()).split())


ARTICLE = "".join(p(text) for text in PROSE)
HEADLINES = ("Mayor opens new bridge", "Schools close for storm", "Budget vote delayed again")


@pytest.mark.parametrize(
    "boilerplate",
    [
        pytest.param(links("Home", "News", "Sport", "Weather", tag="p"), id="menu-bar-before"),
        pytest.param(links(*HEADLINES), id="headline-list"),
        pytest.param(links(*HEADLINES[:2]) + p("(31 Dec |") + links(HEADLINES[2]), id="run-with-fillers"),
    ],
)
def test_link_dense_runs_outside_the_prose_are_dropped(boilerplate: str) -> None:
    """Menus and headline lists before or after the article go; every article paragraph stays."""
    for body in (output(boilerplate, ARTICLE), output(ARTICLE, boilerplate)):
        prune(body)
        assert text_of(body) == " ".join(PROSE)


def test_list_of_links_inside_the_article_body_is_kept() -> None:
    """A list of links with prose on both sides is part of the article: the rule must not fire."""
    body = output(p(PROSE[0]), links("The full report", "The council minutes", "The tram map"), p(PROSE[1]))
    prune(body)
    assert "The council minutes" in text_of(body)


def test_list_of_links_introduced_by_a_sentence_is_kept() -> None:
    """Links at the end that a sentence ending in ":" announces are the article's own sources."""
    intro = p("The documents the council published this week are all available online:")
    body = output(ARTICLE, intro, links("The full report", "The council minutes", "The tram map"))
    prune(body)
    assert "The tram map" in text_of(body)


SECTIONS = ("Home", "News", "Sport", "Rugby", "Soccer", "Cricket", "Golf", "Tennis", "World", "Health")


def test_site_menu_between_paragraphs_is_dropped() -> None:
    """A table layout can put the site's menu (one short label per link) between the teasers and the
    article: it is a menu even with prose on both sides."""
    menu = "".join(f"<cell><ref target='/{name}'>{name}</ref></cell><cell></cell>" for name in SECTIONS)
    body = output(p(PROSE[0]), f"<table><row>{menu}</row></table>", p(PROSE[1]), p(PROSE[2]))
    prune(body)
    assert text_of(body) == " ".join(PROSE)


def test_list_of_titled_links_between_paragraphs_is_kept() -> None:
    """Eight links with proper titles between paragraphs are the article's own references."""
    titles = [f"The council's report on the {topic} plan" for topic in SECTIONS[:8]]
    body = output(p(PROSE[0]), links(*titles), p(PROSE[1]))
    prune(body)
    assert all(title in text_of(body) for title in titles)


def teaser(index: int, title: str, blurb: str) -> str:
    """A paragraph that opens with a headline link, then the story's first line."""
    return f"<p><ref target='/story/{index}'>{title}</ref><lb/>{blurb}</p>"


TEASERS = "".join(
    teaser(i, title, "The full story, with pictures and what the council said, is on our news page.")
    for i, title in enumerate(HEADLINES)
)


def test_paragraphs_opening_with_headline_links_are_teasers() -> None:
    """Three short paragraphs in a row, each a headline link and a blurb, after the article: dropped."""
    body = output(ARTICLE, p(PROSE[0]), TEASERS)
    prune(body)
    assert text_of(body) == " ".join([*PROSE, PROSE[0]])


def test_sentences_that_begin_with_a_link_are_not_teasers() -> None:
    """A paragraph whose first words are a link that runs on into the sentence is the article's own."""
    runs_on = "".join(
        f"<p><ref target='/{i}'>{title}</ref>, the council said on Tuesday, will be done by spring.</p>"
        for i, title in enumerate(HEADLINES)
    )
    body = output(ARTICLE, runs_on)
    prune(body)
    assert all(title in text_of(body) for title in HEADLINES)


def test_a_page_made_of_teasers_keeps_them() -> None:
    """Teasers that outweigh the page's other prose are its content (a home page)."""
    body = output(p(PROSE[0]), TEASERS)
    prune(body)
    assert all(title in text_of(body) for title in HEADLINES)


def test_single_link_in_a_paragraph_is_not_a_run() -> None:
    """One or two links are citations, wherever they are."""
    body = output(ARTICLE, p("<ref target='/r'>The full report</ref>"))
    prune(body)
    assert "The full report" in text_of(body)


@pytest.mark.parametrize(
    "heading", ["Related stories", "More from Politics", "You may also like", "Most read", "Sponsored links"]
)
def test_related_heading_goes_with_its_links_and_teasers(heading: str) -> None:
    """A "related" heading is dropped with the headline list (each item a link and a blurb) under it."""
    teasers = (
        "<list><item><ref target='/a'>Mayor opens new bridge</ref></item><item>It took six years.</item>"
        "<item><ref target='/b'>Schools close for storm</ref></item><item>Reopening on Monday.</item></list>"
    )
    body = output(ARTICLE, f"<head rend='h2'>{heading}</head>", teasers)
    prune(body)
    assert text_of(body) == " ".join(PROSE)


def test_list_under_an_ad_label_is_dropped() -> None:
    """Under "Sponsored Links" the list is ads, even when its items are sentences with the link last."""
    ads = (
        "<list><item>Thermal surveys find where your home loses heat and what it costs you each year, "
        "with free quotes. <ref target='https://ads.example'>www.surveys.example</ref></item>"
        "<item>Laptops from every maker at lower prices, compared for you every morning. "
        "<ref target='https://ads.example/2'>compare.example</ref></item></list>"
    )
    body = output("<head>Sponsored Links</head>", ads, ARTICLE)
    prune(body)
    assert text_of(body) == " ".join(PROSE)


def test_list_under_a_heading_that_only_mentions_sponsors_is_kept() -> None:
    """A heading about sponsors is not an ad label: the list under it is the article's."""
    items = "<list><item>The city pays half of the cost.</item><item>The region pays the rest.</item></list>"
    body = output(ARTICLE, "<head>Sponsored by the city and the region</head>", items, p(PROSE[0]))
    prune(body)
    assert "The region pays the rest." in text_of(body)


def test_ordinary_heading_and_its_list_are_kept() -> None:
    """A section heading of the article is not a related-content heading, even before a short list."""
    body = output(p(PROSE[0]), "<head>More money for trams</head>", links(*HEADLINES), p(PROSE[1]))
    prune(body)
    assert "More money for trams" in text_of(body) and "Schools close for storm" in text_of(body)


@pytest.mark.parametrize(
    "block",
    [
        "Related: <ref target='/x'>Tram lines across Europe, compared</ref>",
        "Read more: <ref target='/x'>How the vote went</ref>",
        "Also on example.com <ref target='/x'>Bus fares to rise in May</ref>",
        "Sign up for our morning newsletter and get the news delivered to your inbox.",
        "Like this story? Share it with a friend!",
        "Continue reading the main story",
        "Advertisement",
        "This is a modal window.",
        "This is a modal window. This modal can be closed by pressing the Escape key or activating the "
        "close button.",
        "subtitles off, selected",
        "Now watching",
        "Next video starts in : 7Play",
        "Unfortunately, this video is not available in your region.",
    ],
)
def test_short_lead_ins_calls_to_action_and_furniture_are_dropped(block: str) -> None:
    """'Related:', 'Read more:', newsletter pitches, share prompts and page furniture lines go."""
    body = output(p(PROSE[0]), p(block), p(PROSE[1]))
    prune(body)
    assert text_of(body) == " ".join(PROSE[:2])


@pytest.mark.parametrize(
    "sentence",
    [
        "Readers of the council's newsletter had been told about the plan in January, officials said.",
        "Related work on the ring road will wait until the tram line is finished, the mayor added.",
        "Continue reading the documents and you find that the budget was revised twice in one year.",
        "Now watching the budget closely, the opposition says the line will cost more, not less.",
        "Of the riders asked, 3/4 said they would take the tram, according to the survey.",
    ],
)
def test_article_sentences_with_the_same_words_are_kept(sentence: str) -> None:
    """The rules read whole blocks: an article sentence that merely contains the words stays."""
    body = output(p(PROSE[0]), p(sentence), p(PROSE[1]))
    prune(body)
    assert sentence in text_of(body)


SLIDES = [
    f"{n}/12 Story {n} in pictures: the headline of another day's news, and its caption" for n in (1, 2, 3, 4)
]


@pytest.mark.parametrize(
    "gallery",
    [
        pytest.param("<list>" + "".join(f"<item>{s}</item>" for s in SLIDES) + "</list>", id="list"),
        pytest.param("".join(p(s) for s in SLIDES), id="paragraphs"),
    ],
)
def test_a_slideshows_numbered_captions_are_dropped(gallery: str) -> None:
    """ "1/12 …", "2/12 …", "3/12 …": a gallery's captions beside the article go, as a list or as a run."""
    body = output(p(PROSE[0]), p(PROSE[1]), gallery, p(PROSE[2]))
    prune(body)
    assert text_of(body) == " ".join(PROSE)


def test_two_numbered_lines_or_mixed_totals_are_not_a_slideshow() -> None:
    """Fewer than three slides, or numbers out of different totals ("1/4 of voters", "2/3 majority"),
    are article text."""
    lines = ["1/4 of voters stayed home, the count showed.", "2/3 majority needed, and it was reached.",
             "3/10 seats changed hands in the east."]  # fmt: skip
    body = output(p(PROSE[0]), *(p(line) for line in lines), p(SLIDES[0]), p(SLIDES[1]), p(PROSE[1]))
    prune(body)
    assert all(line in text_of(body) for line in [*lines, *SLIDES[:2]])


def test_comment_section_is_cut_from_its_heading() -> None:
    """After the article, a "Comments" heading starts what readers wrote: dropped to the end."""
    body = output(ARTICLE, "<head>12 Comments</head>", p("Great news, about time!"), p("Waste of money."))
    prune(body)
    assert text_of(body) == " ".join(PROSE)


def test_copyright_footer_is_dropped_with_the_short_lines_after_it() -> None:
    """A copyright line after the article goes, with the short footer lines (address, phone) under it."""
    footer = (
        p("© 2008 Example Newspapers Ltd. All rights reserved.") + p("101 Main Street") + p("(206) 448-8000")
    )
    body = output(ARTICLE, footer)
    prune(body)
    assert text_of(body) == " ".join(PROSE)


LONG_NOTICE = (
    "© 2008 Example Media, All Rights Reserved. Example Magazine is a trademark of Example Media. All "
    "film titles, stills, clips and trailers are registered trademarks or copyrights of their holders, and "
    "the banners on this site carry artwork made by those holders. No part of this site may be reproduced "
    "without written permission."
)


def test_long_rights_notice_closing_the_page_is_dropped() -> None:
    """A rights notice longer than a line ("©", "All Rights Reserved") as the very last block is a footer."""
    assert len(LONG_NOTICE.split()) > SHORT_WORDS
    body = output(ARTICLE, p(LONG_NOTICE), "<p></p>")
    prune(body)
    assert text_of(body) == " ".join(PROSE)


def test_long_paragraph_about_copyright_is_kept() -> None:
    """The last paragraph of an article about copyright is prose, not a notice; a long notice that is not
    last is left alone too."""
    closing = (
        "The court said the company was liable for copyright infringement because it had encouraged its "
        "users to swap songs, and it sent the case back to the lower court, which will now decide how much "
        "the music labels and film studios are owed for the years of lost sales."
    )
    assert len(closing.split()) > SHORT_WORDS
    for blocks in ((ARTICLE, p(closing)), (ARTICLE, p(LONG_NOTICE), p(PROSE[0]))):
        body = output(*blocks)
        prune(body)
        assert text_of(body) == text_of(output(*blocks))


def test_copyright_line_inside_the_article_leaves_the_prose_after_it() -> None:
    """A credit line between paragraphs drops alone: the prose after it is still the article."""
    body = output(p(PROSE[0]), p("Copyright 2008 The Associated Press."), p(PROSE[1]))
    prune(body)
    assert text_of(body) == " ".join(PROSE[:2])


def test_discussion_page_keeps_its_replies() -> None:
    """On a forum thread the replies are the content: the comment rule does not fire."""
    body = output(ARTICLE, "<head>Comments</head>", p("Great news, about time!"))
    prune(body, replies=True)
    assert "Great news, about time!" in text_of(body)


def test_all_boilerplate_is_left_for_the_fallbacks() -> None:
    """When every block looks like boilerplate nothing is dropped: the caller's fallbacks judge the page."""
    body = output(links("Home", "News", "Sport", "Weather", tag="p"), links(*HEADLINES))
    prune(body)
    assert "Weather" in text_of(body) and "Budget vote delayed again" in text_of(body)


def test_tail_text_of_a_dropped_block_is_kept() -> None:
    """Text after a dropped block in the same parent (its tail) belongs to the parent and stays."""
    body = etree.fromstring(f"<body><div>{ARTICLE}<p>Advertisement</p>and these tail words stay</div></body>")
    prune(body)
    assert text_of(body).endswith("twelve after a long debate. and these tail words stay")


def test_separators_after_a_dropped_menu_go_with_it() -> None:
    """Loose "|" and "(31 Dec 07 |" between the links of a dropped menu are its separators, not text."""
    menu = "".join(f"<ref target='/{i}'>{title}</ref> (31 Dec 07 | " for i, title in enumerate(HEADLINES))
    body = output(menu + "|", ARTICLE)
    prune(body)
    assert text_of(body) == " ".join(PROSE)


def test_related_list_on_a_real_page_is_dropped_and_the_article_kept() -> None:
    """End to end: a page with a menu bar, a related-stories box and a newsletter pitch around its article."""
    related = "".join(f"<li><a href='/s/{i}'>{title}</a></li>" for i, title in enumerate(HEADLINES))
    body = (
        "<h1>Tram line to grow by four kilometres</h1>"
        + "".join(f"<p>{text}</p>" for text in PROSE)
        + f"<h2>Related stories</h2><ul>{related}</ul>"
        + "<p>Sign up for our daily newsletter to get the news delivered to your inbox.</p>"
    )
    document = extract(html_page(body).encode(), content_type="text/html", url="https://news.example.com/t")
    assert document.text.endswith("\n\n".join(PROSE))
    for boilerplate in ("Related stories", *HEADLINES, "newsletter"):
        assert boilerplate not in document.text


def test_a_line_cut_at_its_link_is_mended() -> None:
    """trafilatura (links kept) can cut "This year at <a>Comic-Con</a> I got…" in two at the link and lose
    the space after it; the line comes back whole. A paragraph that ends a sentence stays apart."""
    cut = p("This year at") + p("<ref target='/cc'>Comic-Con International</ref>I got to meet two artists.")
    body = output(cut)
    mend_split_links(body)
    assert [text_of(block) for block in body] == [
        "This year at Comic-Con International I got to meet two artists."
    ]
    whole = p("We went to the fair.") + p("<ref target='/cc'>Comic-Con International</ref> was full.")
    body = output(whole)
    mend_split_links(body)
    assert len(body) == 2


def test_unspaced_scripts_get_no_space_after_a_link() -> None:
    """Chinese text runs on after a link without a space, as it should."""
    body = output(p("<ref target='/a'>北京</ref>今天下雨。"))
    mend_split_links(body)
    assert body[0][0].tail == "今天下雨。"


LEAD = (
    "SAN FRANCISCO - Police have identified the man killed outside a school basketball game as a local "
    "anti-violence activist and the father of one of the country's best young players."
)


def test_lead_paragraph_outside_any_p_is_kept() -> None:
    """A lead written as loose text before the first `<p>` (which trafilatura's precise pass skips) is
    taken back from the balanced pass; the page's menu is not."""
    page = (
        "<html><head><title>Shooting</title></head><body><div id='nav'><a href='/'>Home</a> "
        "<a href='/news'>News</a></div><div class='articleBody'><span></span>"
        + LEAD
        + " "
        + "".join(f"<p>{text}</p>" for text in TRAM_PROSE)
        + "</div></body></html>"
    )
    document = extract(page.encode(), content_type="text/html")
    assert document.text == "\n\n".join([LEAD, *TRAM_PROSE])


def test_layout_table_cells_come_out_as_paragraphs() -> None:
    """A page laid out in a table keeps its paragraphs apart instead of gluing them into one line."""
    cells = "".join(f"<p>{text}</p>" for text in PROSE)
    page = f"<html><body><table><tr><td>{cells}</td></tr></table></body></html>"
    document = extract(page.encode(), content_type="text/html")
    assert "\n\n".join(PROSE[:2]) in document.text


def test_words_of_unspaced_scripts_are_counted_by_characters() -> None:
    """Japanese or Chinese text counts about one word per two characters, so an article is not 'thin'."""
    assert page_words("東京都は新しい交通計画を発表した") == 8
    assert page_words("Tokyo 東京") == 2
    assert page_words("plain English words") == 3


def test_japanese_article_is_read_not_refused() -> None:
    """A Japanese article without spaces is summarized from its text, not refused as having none."""
    sentence = "東京都は新しい交通計画を発表し、二〇三〇年までに路面電車の路線を四キロ延長する方針を示した。"
    body = "".join(f"<p>{sentence}{i}</p>" for i in range(6))
    document = extract(html_page(body).encode(), content_type="text/html")
    assert sentence in document.text


@pytest.mark.parametrize("declared", [True, False])
def test_page_declaring_a_discussion_keeps_its_replies(declared: bool) -> None:
    """A page whose schema.org type says it is a Q&A or forum thread keeps its replies; others drop them."""
    answer = "Use a disk image tool from a live USB stick: it copies every partition, so you can roll back."
    head = '<script type="application/ld+json">{"@type": "QAPage"}</script>' if declared else ""
    body = (
        "<h1>Back up before upgrading</h1>"
        + "".join(f"<p>{text}</p>" for text in PROSE)
        + f"<div class='comments'><div class='comment'><p>{answer}</p></div></div>"
    )
    document = extract(html_page(body, head=head).encode(), content_type="text/html")
    assert PROSE[2] in document.text
    assert (answer in document.text) is declared


def test_lead_run_on_after_the_intro_is_kept() -> None:
    """A lead written as loose text after a short intro `<span>` and a widget: the balanced pass reads
    intro and lead as one paragraph, the precise pass only the intro. The lead is taken back."""
    intro = "Saturday 12 January: the plan was years in the making, but not any more..."
    rest = "<br/><br/>".join(TRAM_PROSE[1:])
    page = (
        "<html><head><title>Tram plan</title></head><body><div class='pod'><h1>Tram plan</h1>"
        f"<span class='intro'>{intro}</span><br/><div class='ruler'></div><span class='body'>"
        f"<div class='box'><script>var x = 1;</script></div> {LEAD}<br/><br/>{rest}"
        "</span></div></body></html>"
    )
    document = extract(page.encode(), content_type="text/html")
    assert document.text.startswith(f"{intro} {LEAD}")
    assert document.text.endswith(TRAM_PROSE[-1])


@pytest.mark.parametrize(
    "head",
    ["", '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'],
    ids=["page", "declared-news-article"],
)
def test_subheadings_that_are_links_are_kept(head: str) -> None:
    """A list article's subheadings are links to what each part is about; the precise pass drops them
    for their links, and they come back from the balanced pass, each above its paragraph: on a page
    that declares itself a news article too."""
    names = [f"The {word} line" for word in ("north", "south", "east")]
    sections = "".join(
        f"<h3><a href='/lines/{index}'>{name}</a></h3><p>{TRAM_PROSE[index]}</p>"
        for index, name in enumerate(names)
    )
    rest = "".join(f"<p>{text}</p>" for text in (*TRAM_PROSE[3:], *ARTICLE_PARAGRAPHS[1:]))
    page = html_page(f"<p>{ARTICLE_PARAGRAPHS[0]}</p>{sections}{rest}", head=head)
    document = extract(page.encode(), content_type="text/html")
    assert page_words(document.text) > (250 if head else 0)  # long enough to read as an article
    for index, name in enumerate(names):
        assert f"{name}\n\n{TRAM_PROSE[index]}" in document.text
