"""More page furniture of scraped plain text from the devset's misses (issue 11): a news
site's top stories above the headline, teaser cards without a header below the article,
link chevrons, share bars with abbreviated network names, comment moderation notices,
long legal notices and shop disclaimers, Japanese box headers; and the guard that keeps a
dated listing the article ends with. Each positive has a negative of the same shape next
to it: article text that must stay."""

from __future__ import annotations

from summarizer.quality import analyze_quality
from summarizer.quality import lines as line_model
from summarizer.quality.base import Page
from summarizer.quality.line_guards import keep_headline, keep_listing

from .harbour_prose import MORE_PROSE, PROSE

HEADLINE = "Harbour bridge to close for six weeks of cable repairs"
TOP_STORIES = [
    "Two soldiers killed in helicopter crash in the mountains",
    "Safety officials urge planemaker to redesign engine part",
    "Teen accused of plotting attack on church in Colorado",
    "Democrats urge regulators to investigate broadcaster culture",
    "Space agency discovery fuels hopes in search for life",
]


def _flags(lines: list[str]) -> list[tuple[str, int, int, bool]]:
    """(kind, start, end, removed) of the rule detectors' flags."""
    with line_model.without_model():
        report = analyze_quality("\n".join(lines))
    return [(f.kind.value, f.start_line, f.end_line, f.removed) for f in report.flags]


def _spaced(lines: list[str]) -> list[str]:
    """Lines with a blank line after each (one link per block of the page)."""
    return [x for line in lines for x in (line, "")]


def test_top_stories_above_the_headline_are_link_spam() -> None:
    lines = [*_spaced(TOP_STORIES), HEADLINE, *PROSE, *MORE_PROSE]
    assert _flags(lines) == [("link_spam", 1, 9, True)]
    # Three titles are not enough above the body (a headline, a kicker and a standfirst
    # can stand there).
    assert _flags([*_spaced(TOP_STORIES[:3]), HEADLINE, *PROSE, *MORE_PROSE]) == []


def test_a_dated_calendar_above_the_body_is_not_a_list_of_stories() -> None:
    calendar = [
        "1a etapa: 10 de março – Interlagos e Autódromo de Curitiba",
        "2a etapa: 8 de abril – Curitiba, Autódromo Internacional e Alternativa",
        "3a etapa: 22 de abril – Velopark em Nova Santa Rita, Rio Grande do Sul",
        "4a etapa: 6 de maio – Autódromo Internacional Ayrton Senna em Londrina",
    ]
    assert _flags([*_spaced(calendar), HEADLINE, *PROSE, *MORE_PROSE]) == []


CARDS = [
    "Deals",
    "Wireless earbuds already discounted, grab a pair for only $234.99",
    "The maker launched the earbuds for $250, but a retailer already sells them for less.",
    "Big smart display discount available even before launch",
    "In September the retailer announced a slew of devices. Today one of them is cheaper.",
    "Deal Alert: Newest tablet up to $200 off",
    "The shop is not waiting until Black Friday to offer deep discounts on its tablets.",
]


def test_teaser_cards_without_a_header_below_the_article_are_link_spam() -> None:
    assert _flags([*PROSE, *MORE_PROSE, *CARDS]) == [("link_spam", 8, 13, True)]
    bylined = [
        "Software maker removes the safeguard hold for laptop users...",
        "by Anmol",
        "Operating system update is now available via the update assistant",
        "by Rahul",
        "Company is now rolling out its November update to more devices",
        "by Anmol",
    ]
    assert _flags([*PROSE, *MORE_PROSE, *bylined]) == [("link_spam", 7, 12, True)]


def test_article_sections_under_subheadings_stay() -> None:
    # Subheadings about the article's subject, each over its paragraph: not teaser cards.
    sections = [
        "Ferries during the closure",
        "Ferries will leave the piers every ten minutes, and residents will travel for free.",
        "Parking for residents near the piers",
        "Parking near the piers will be free, and the city will add spaces for residents.",
        "Shops on the waterfront",
        "Shops on the waterfront expect fewer visitors during the closure, the city said.",
    ]
    assert _flags([*PROSE, *MORE_PROSE, *sections]) == []


def test_titles_behind_a_link_chevron_are_links() -> None:
    lines = [*PROSE, "» Horários dos Treinos e Corridas da F1", *MORE_PROSE]
    assert _flags(lines) == [("link_spam", 4, 4, True)]
    # A quotation mark of the same shape opens a sentence, not a link.
    quote = "» Wir werden die Brücke pünktlich öffnen «, sagte der Bürgermeister am Dienstag."
    assert _flags([*PROSE, quote, *MORE_PROSE]) == []


def test_a_box_of_chevron_links_takes_the_teaser_under_each() -> None:
    box = [
        "» Preview Autoracing – GP do Brasil 2019",
        "Clique e saiba os horários da TV do GP do Brasil. Conheça a pista e as estatísticas.",
        "» Loucos 2019 – Episódio 29",
        "Grande volta do programa na 12ª temporada batendo aquele papo sobre tudo.",
        "» Horários dos Treinos e Corridas da F1",
        "» Coluna de Adauto Silva",
    ]
    assert _flags([*PROSE, *MORE_PROSE, *box]) == [("link_spam", 7, 12, True)]
    # One chevron link in an article: the paragraph under it stays.
    lines = [*PROSE, "» Horários dos Treinos e Corridas da F1", *MORE_PROSE]
    assert _flags(lines) == [("link_spam", 4, 4, True)]


def test_magazine_and_forum_calls_to_action() -> None:
    for line in (
        "Need more space? Subscribe to our sister title for the latest news from the final "
        "frontier!",
        "Join our Space Forums to keep talking space on the latest missions! And if you have a "
        "news tip, let us know at: community@example.com.",
        "Get the magazine. Subscribe now for more from the authority on music and culture.",
    ):
        assert _flags([*PROSE, *MORE_PROSE, line]) == [("call_to_action", 7, 7, True)], line
    reported = (
        "The club said its members would join our protest against the forum's new rules, "
        "a spokesman told reporters."
    )
    assert _flags([*PROSE, *MORE_PROSE, reported]) == []


def test_a_share_bar_with_abbreviated_network_names_is_removed() -> None:
    assert _flags([*PROSE, "Whatsapp Facebook Pint Baixar", *MORE_PROSE]) == [
        ("navigation_boilerplate", 4, 4, True)
    ]
    # A sentence about a network keeps its words.
    sentence = "Facebook said it would pin the notice to the top of every page in Brazil."
    assert _flags([*PROSE, sentence, *MORE_PROSE]) == []


def test_a_comment_moderation_notice_is_removed() -> None:
    notices = [
        "ATENÇÃO: Comentários com textos ininteligíveis ou que faltem com respeito ao usuário "
        "não serão aprovados pelo moderador.",
        "Comments are moderated and will appear once approved.",
        "Les commentaires sont modérés avant publication.",
    ]
    for notice in notices:
        assert _flags([*PROSE, *MORE_PROSE, notice]) == [("navigation_boilerplate", 7, 7, True)]
    reported = (
        "The council said that the comments made at the meeting had been approved by the "
        "mayor's office."
    )
    assert _flags([*PROSE, *MORE_PROSE, reported]) == []


def test_long_legal_notices_and_shop_disclaimers_are_small_print() -> None:
    registering = (
        "By registering you become a member of the family of sites and you have read and agree "
        "to the Terms of Use, Privacy Policy and Video Services Policy. "
        + "You agree to receive updates, alerts and promotions from us and our partners. "
        * 8
    )
    assert len(registering.split()) > 80
    fda = (
        "*These statements have not been evaluated by the Food and Drug Administration. These "
        "products are not intended to diagnose, treat, cure, or prevent any disease."
    )
    vary = "+Results vary depending on starting point, goals and effort."
    info = "The contents of our website are for informational purposes only."
    for line in (registering, fda, vary, info):
        assert _flags([*PROSE, line]) == [("navigation_boilerplate", 4, 4, True)], line
    # The same words inside a paragraph, not opening it, and a long one: the article's.
    story = (
        "The regulator said that by registering you agree to nothing at all, and that "
        + "the company's terms had misled its customers for years. " * 8
    )
    assert _flags([*PROSE, story]) == []


def test_japanese_related_box_header() -> None:
    box = [
        "関連記事",
        "Kindle for PCをCtrl＋Alt＋Kのショートカットキーで立ち上がらなくする方法",
        "WordPressの記事更新にWindows Live Writerを試してみる",
    ]
    assert _flags([*PROSE, *box]) == [("link_spam", 4, 6, True)]


def _page(lines: list[str]) -> Page:
    return Page("\n".join(lines))


TOUR = [
    "June 9 – West Palm Beach, FL @ Coral Sky Amphitheatre",
    "June 10 – Tampa, FL @ MIDFLORIDA Credit Union Amphitheatre",
    "June 14 – Alpharetta, GA @ Ameris Bank Amphitheatre",
    "June 17 – Nashville, TN @ Bridgestone Arena",
]


def test_a_dated_listing_that_continues_the_article_is_kept() -> None:
    lines = [*PROSE, "The Band's Tour Dates", *TOUR]
    page = _page(lines)
    # The classifier kept the article and its heading but not the listing.
    article = [True, True, True, True, False, False, False, False]
    keep_listing(page, set(), article)
    assert article == [True] * 8
    # Under the page's dateline (a calendar page), past a section label.
    lines = ["Monday, January 22, 2018 at 0:13", "StockCar", "Race calendar 2018", *TOUR]
    article = [False] * 7
    keep_listing(_page(lines), set(), article)
    assert article == [False, False, True, True, True, True, True]


def test_a_dated_listing_after_frame_lines_is_left_to_the_classifier() -> None:
    # After lines the classifier dropped (another story's teasers), a listing is not the
    # article's.
    lines = [*PROSE, "Teaser title of another story on this site today", *TOUR]
    article = [True, True, True, False, False, False, False, False]
    keep_listing(_page(lines), set(), article)
    assert article == [True, True, True, False, False, False, False, False]
    # Two dated lines are not a listing.
    lines = [*PROSE, *TOUR[:2]]
    article = [True, True, True, False, False]
    keep_listing(_page(lines), set(), article)
    assert article == [True, True, True, False, False]


def test_the_standfirst_under_a_headline_the_classifier_kept_is_kept() -> None:
    standfirst = (
        "The city will replace the cables of its harbour bridge this summer. Ferries will "
        "replace it for six weeks."
    )
    lines = [HEADLINE, "July 25, 2024", standfirst, *PROSE]
    # The classifier kept the headline but scored the standfirst as a caption.
    article = [True, False, False, True, True, True]
    keep_headline(_page(lines), set(), article)
    assert article == [True, False, True, True, True, True]


def test_the_classifier_abstains_on_pages_written_without_spaces() -> None:
    japanese = [
        "Kindle書籍を読む場合は、一般的にスマホやタブレットなどのモバイル端末で読むことが多いと思います。",
        "今回はそのKindleデスクトップアプリKindle for PCに関する話です。",
    ]
    korean = [
        "서울시는 내년부터 한강 다리 보수 공사를 시작한다고 밝혔다.",
        "공사는 여섯 주 동안 계속된다.",
    ]
    assert line_model.unsegmented(_page(japanese))
    assert not line_model.unsegmented(_page(korean))
    assert not line_model.unsegmented(_page([*PROSE, *japanese[:1]]))
