"""The article-type rules: each cue fires on what it is for and stays quiet on news that
merely resembles it (precision first: a wrong genre is worse than the default)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from summarizer.genre import DEFAULT_CONFIDENCE, judge, judge_article_type
from summarizer.lines import split_lines
from summarizer.schemas import ArticleType, Flag, FlagKind, Severity
from summarizer.sentences import number_sentences

NEWS = ArticleType.news_report
BODY = [
    "The regional council approved a new budget for its bus network on Tuesday.",
    "The plan adds forty buses and two night routes from the spring.",
    "Officials said the cost would be met from parking revenue.",
    "Opposition members voted against it, saying fares should fall first.",
]


def genre(
    lines: Sequence[str],
    *,
    title: str | None = None,
    url: str | None = None,
    flags: Sequence[Flag] = (),
    kept: Sequence[int] | None = None,
) -> tuple[ArticleType, float, str]:
    """Judge a text given as lines; every non-blank line is article prose unless `kept` says."""
    text = "\n".join(lines)
    split = split_lines(text)
    if kept is None:
        kept = [n for n, line in enumerate(split, 1) if line.strip()]
    sentences = number_sentences(split, kept)
    return judge_article_type(title, split, sentences, flags, url=url)


def kind(lines: Sequence[str], **kwargs: object) -> ArticleType:
    return genre(lines, **kwargs)[0]  # type: ignore[arg-type]


# ------------------------------------------------------------------------- default


def test_plain_news_is_the_default_with_its_confidence() -> None:
    found, confidence, reason = genre(BODY, title="Council approves bus budget")
    assert found is NEWS and confidence == DEFAULT_CONFIDENCE and "default" in reason


# --------------------------------------------------------------------- title labels


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Opinion: The city should keep its night buses", ArticleType.opinion),
        ("OP-ED | Why fares must fall", ArticleType.opinion),
        ("Analysis: What the bus budget means for commuters", ArticleType.analysis),
        ("Explainer - How the council pays for buses", ArticleType.analysis),
        ("Sponsored: Five reasons to ride electric", ArticleType.promotional),
        ("Press release: Metro adds night routes", ArticleType.press_release),
        ("The bus budget is a mistake | Opinion | The Daily Courier", ArticleType.opinion),
        ("Meinung: Die Stadt braucht mehr Busse", ArticleType.opinion),
        ("Opinião: A cidade precisa de ônibus", ArticleType.opinion),
        ("Kommentar: Der Haushalt ist ein Fehler", ArticleType.opinion),
    ],
)
def test_a_genre_label_in_the_title_decides(title: str, expected: ArticleType) -> None:
    found, confidence, reason = genre(BODY, title=title)
    assert found is expected and confidence >= 0.85 and "label" in reason


@pytest.mark.parametrize(
    "title",
    [
        "Opinion polls put the mayor ahead",  # the word, not a label
        "Review of bus fares ordered by council",
        "Analysis finds buses run late: report",  # "Analysis finds ..." is the headline
        "Council approves bus budget - The Daily Courier",
    ],
)
def test_genre_words_inside_a_headline_are_not_labels(title: str) -> None:
    assert kind(BODY, title=title) is NEWS


# ------------------------------------------------------------------ kicker, byline


def test_a_kicker_line_above_the_headline_decides() -> None:
    title = "The bus budget leaves the suburbs behind"
    lines = ["Skip to content", "", "COMMENTARY", title, "By Ana Ruiz", *BODY]
    assert kind(lines, title=title, kept=[6, 7, 8, 9]) is ArticleType.opinion


def test_a_label_inside_a_menu_next_to_the_headline_is_not_a_kicker() -> None:
    title = "Council approves bus budget"
    lines = ["News", "Sport", "Business", "Opinion", title, *BODY]
    assert kind(lines, title=title, kept=[6, 7, 8, 9]) is NEWS


def test_a_breadcrumb_from_home_ending_in_a_label_decides() -> None:
    title = "The bus budget leaves the suburbs behind"
    lines = ["Home › Opinion", "", title, *BODY]
    assert kind(lines, title=title) is ArticleType.opinion


def test_a_flattened_menu_is_not_a_breadcrumb() -> None:
    title = "Council approves bus budget"
    lines = ["News | Sport | Business | Opinion", "", title, *BODY]
    assert kind(lines, title=title) is NEWS


def test_a_columnist_byline_under_the_headline_decides() -> None:
    title = "Haldon deserves better buses"
    lines = [title, "By Miriam Okafor, transport columnist", *BODY]
    assert kind(lines, title=title, kept=[3, 4, 5, 6]) is ArticleType.opinion


def test_a_reporter_byline_is_news() -> None:
    title = "Council approves bus budget"
    lines = [title, "By Miriam Okafor, transport correspondent", *BODY]
    assert kind(lines, title=title, kept=[3, 4, 5, 6]) is NEWS


# ----------------------------------------------------------------------------- URL


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/opinion/2024/05/buses-must-run-later", ArticleType.opinion),
        ("https://example.com/news/opinions/bus-fares", ArticleType.opinion),
        ("https://example.de/meinung/busse-123.html", ArticleType.opinion),
        ("https://example.com/about/press-releases/metro-adds-routes", ArticleType.press_release),
        ("https://www.prnewswire.com/news-releases/metro-adds-routes-301.html",
         ArticleType.press_release),
        ("https://example.com/sponsored/ride-electric", ArticleType.promotional),
        ("https://example.com/politics/fact-check/bus-claims", ArticleType.analysis),
    ],
)  # fmt: skip
def test_a_genre_section_in_the_url_decides(url: str, expected: ArticleType) -> None:
    assert kind(BODY, title="Buses", url=url) is expected


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/news/world/opinion-polls-show-mayor-ahead",  # a slug, not a section
        "https://example.com/2024/05/analysis",  # the last segment is the slug
        "https://example.com/news/local/council-approves-bus-budget",
    ],
)
def test_genre_words_in_a_slug_do_not_count(url: str) -> None:
    assert kind(BODY, title="Buses", url=url) is NEWS


# ------------------------------------------------------------------- press releases


def test_for_immediate_release_at_the_top_decides() -> None:
    lines = ["FOR IMMEDIATE RELEASE", "", "Metro Adds Two Night Routes", *BODY]
    assert kind(lines) is ArticleType.press_release


def test_the_phrase_deep_inside_a_paragraph_is_news() -> None:
    sentence = (
        "The transport authority, which in a statement marked for immediate release on Monday "
        "admitted the delays, said the budget would help."
    )
    assert kind([sentence, *BODY]) is NEWS


def test_a_newswire_dateline_in_the_lead_decides() -> None:
    lead = "SPRINGFIELD, Ill., May 2, 2024 /PRNewswire/ -- Metro Transit today added two routes."
    assert kind([lead, *BODY]) is ArticleType.press_release


def test_a_newswire_named_late_in_a_news_story_is_news() -> None:
    late = "The company's statement was distributed by Business Wire on Monday."
    assert kind([*BODY, *BODY, late]) is NEWS


RELEASE_TAIL = [
    "About Northway Transit Ltd",
    "Northway Transit Ltd was founded in 2009 and runs 400 buses in three counties.",
    "Media contact",
    "Jo Lane, press office",
    "press@northway.example",
]


def test_about_the_organisation_and_a_media_contact_make_a_release() -> None:
    found, confidence, reason = genre([*BODY, *RELEASE_TAIL])
    assert found is ArticleType.press_release
    assert "About" in reason and "media contact" in reason and 0.7 <= confidence <= 0.9


def test_one_piece_of_release_furniture_is_not_enough() -> None:
    footer = ["About Reuters", "Reuters is a leading provider of news, founded in 1851."]
    assert kind([*BODY, *footer]) is NEWS


def test_an_author_box_is_not_an_organisation() -> None:
    box = ["About the author", "Ana Ruiz founded the paper's transport desk in 2009.",
           "Press contact", "ana@paper.example"]  # fmt: skip
    assert kind([*BODY, *box]) is NEWS


def test_forward_looking_statements_and_an_announcing_lead_make_a_release() -> None:
    lead = "Northway Transit today announced two new night routes for the county."
    fls = "This release contains forward-looking statements about routes and costs."
    assert kind([lead, *BODY, fls]) is ArticleType.press_release


def test_today_announced_alone_is_news() -> None:
    lead = "Northway Transit today announced two new night routes for the county."
    assert kind([lead, *BODY]) is NEWS


# ---------------------------------------------------------------------- promotional


def test_a_sponsored_post_disclosure_at_the_top_decides() -> None:
    note = "This post is sponsored by Voltride. All opinions are my own. #ad"
    assert kind([note, *BODY]) is ArticleType.promotional


def test_a_bill_sponsored_by_a_senator_is_news() -> None:
    lead = "The bill, sponsored by Senator Ana Ruiz, passed the state senate on Tuesday."
    assert kind([lead, *BODY]) is NEWS


PRODUCTS = [f"The Model {n} scooter is down to ${100 + n * 20} this week." for n in range(6)]


def test_an_affiliate_disclosure_with_many_prices_is_a_shopping_page() -> None:
    disclosure = "We may earn a commission when you buy through links on this page."
    assert kind([*PRODUCTS, *BODY, disclosure]) is ArticleType.promotional


def test_prices_without_an_affiliate_disclosure_are_news() -> None:
    assert kind([*PRODUCTS, *BODY]) is NEWS


def test_an_affiliate_footer_on_a_story_with_one_price_is_news() -> None:
    footer = "We may earn a commission from links on this page."
    assert kind([PRODUCTS[0], *BODY, footer]) is NEWS


def test_sales_wording_in_several_sentences_with_prices_is_promotional() -> None:
    sales = [
        "Order now and get free shipping on every Voltride scooter.",
        "Use code RIDE10 at checkout for 10% off.",
        "This limited-time offer ends Sunday, so buy today for $299.",
        "Add to cart before stocks run out: only $349 for the Pro model.",
    ]
    assert kind([*sales, *BODY]) is ArticleType.promotional


def test_one_sales_phrase_in_a_news_story_is_news() -> None:
    line = "The shop, which offers free shipping, said sales rose 4% to $2 million."
    assert kind([*BODY, line]) is NEWS


# ----------------------------------------------------------------------- fact checks


def test_a_fact_check_verdict_makes_an_analysis() -> None:
    verdict = "We rate the claim Mostly False."
    assert kind([*BODY, verdict]) is ArticleType.analysis


def test_rating_something_else_is_news() -> None:
    assert kind([*BODY, "Critics rate the new buses highly."]) is NEWS


# ---------------------------------------------------------------------------- other


def test_a_transcript_of_two_speakers_is_other() -> None:
    turns = [
        "Anna: Welcome back to the show.",
        "Ben: Thanks, it is good to be here.",
        "Anna: Tell us about the new routes.",
        "Ben: There are two of them, both at night.",
        "Anna: When do they start?",
        "Ben: In the spring.",
    ]
    found, _, reason = genre(turns)
    assert found is ArticleType.other and "transcript" in reason


def test_quotes_introduced_by_one_name_are_not_a_transcript() -> None:
    quotes = [
        "Mayor: the buses will run.",
        "Mayor: fares will not rise this year.",
        *BODY,
        *BODY,
    ]
    assert kind(quotes) is NEWS


def test_a_blog_url_with_the_writers_first_person_is_other() -> None:
    post = [
        "I have ridden the night bus every week since I moved here.",
        "My favourite route is the one along the river.",
        "I remember when it took an hour to get home.",
        *BODY,
    ]
    assert kind(post, url="https://example.com/blog/my-night-bus") is ArticleType.other


def test_a_blog_url_without_a_first_person_voice_is_news() -> None:
    assert kind(BODY, url="https://example.com/blogs/briefing-room/news/bus-budget") is NEWS


def test_a_first_person_voice_without_a_blog_url_is_not_other() -> None:
    post = [
        "I have ridden the night bus every week since I moved here.",
        "My favourite route is the one along the river.",
        "I remember when it took an hour to get home.",
        *BODY,
    ]
    assert kind(post, url="https://example.com/news/night-bus") is NEWS


def test_a_how_to_with_numbered_steps_is_other() -> None:
    steps = ["Step 1: Buy a card.", "Step 2: Top it up online.", "Step 3: Tap in on the bus."]
    assert kind([*steps, *BODY], title="How to ride the night bus") is ArticleType.other


# ------------------------------------------------------------------------- opinion voice

ARGUMENT = [
    "I think the council has its priorities backwards.",
    "In my view the night routes matter more than new depots.",
    "We must stop pretending that wider roads cure congestion.",
    "Why should riders pay for a plan that ignores them?",
    "The council should vote the budget down.",
]


def test_an_argument_in_the_writers_own_voice_is_opinion() -> None:
    found, confidence, reason = genre([*ARGUMENT, *BODY])
    assert found is ArticleType.opinion and "stance phrases" in reason
    assert 0.6 <= confidence <= 0.7


def test_the_same_words_in_quotes_are_news() -> None:
    quoted = [
        '"I think the council has its priorities backwards," said Ana Ruiz.',
        '"In my view the night routes matter more," she told reporters.',
        "Ben Cole said: 'We must stop pretending that wider roads cure congestion.'",
        *BODY,
    ]
    assert kind(quoted) is NEWS


def test_reported_arguments_without_quotes_are_news() -> None:
    reported = [
        "Ana Ruiz said we must stop pretending that wider roads cure congestion.",
        "According to Ben Cole, we should vote the budget down.",
        "Cole told reporters we cannot afford new depots.",
        "Ruiz added that the council should listen to riders.",
        *BODY,
    ]
    assert kind(reported) is NEWS


def test_a_single_i_think_is_not_enough() -> None:
    assert kind([ARGUMENT[0], *BODY]) is NEWS


def test_an_opinion_disclaimer_decides() -> None:
    note = "The views expressed in this commentary are solely those of the author."
    assert kind([*BODY, note]) is ArticleType.opinion


# ------------------------------------------------------------------------------ SEO


def _seo(severity: Severity) -> Flag:
    return Flag(kind=FlagKind.seo_filler, severity=severity, start_line=1, end_line=4,
                evidence=BODY[0], explanation="filler")  # fmt: skip


def test_a_page_of_seo_filler_is_an_analysis_by_the_labelling_guide() -> None:
    found, confidence, _ = genre(BODY, flags=[_seo(Severity.warning)])
    assert found is ArticleType.analysis and confidence < DEFAULT_CONFIDENCE


def test_a_few_filler_paragraphs_leave_a_news_report() -> None:
    assert kind(BODY, flags=[_seo(Severity.info)]) is NEWS


def test_seo_filler_that_sells_is_promotional() -> None:
    lines = [*BODY, "Buy now for just $19 and discover the tapestry of history."]
    assert kind(lines, flags=[_seo(Severity.warning)]) is ArticleType.promotional


# ------------------------------------------------------------------------- contract


def test_judge_returns_the_same_as_the_tuple_form() -> None:
    split = split_lines("\n".join(ARGUMENT + BODY))
    sentences = number_sentences(split, list(range(1, len(split) + 1)))
    j = judge(None, split, sentences, [])
    as_tuple = judge_article_type(None, split, sentences, [])
    assert (j.article_type, j.confidence, j.reason) == as_tuple
    assert 0.0 <= j.confidence <= 1.0 and j.reason


def test_no_sentences_and_no_title_is_the_default() -> None:
    assert judge_article_type(None, [""], [], []) == (
        NEWS,
        DEFAULT_CONFIDENCE,
        "no genre cue: default",
    )
