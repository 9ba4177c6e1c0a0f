"""Page furniture of scraped plain text found from the devset's misses (issue 11): comment
forms, "Most read in ..." boxes and cut-off teaser titles, "click ..." prompts, tag boxes,
the site's legal small print, agency-style photo captions, untitled lists of other stories
below the article, and the bridge that must not carry the article across a footer. Each
positive has a negative next to it: article text of the same shape that must stay."""

from __future__ import annotations

import pytest

from summarizer.quality import analyze_quality
from summarizer.quality import lines as line_model

from .harbour_prose import MORE_PROSE, PROSE


def _flags(lines: list[str]) -> list[tuple[str, int, int, bool]]:
    """(kind, start, end, removed) of the rule detectors' flags."""
    with line_model.without_model():
        report = analyze_quality("\n".join(lines))
    return [(f.kind.value, f.start_line, f.end_line, f.removed) for f in report.flags]


def _kept(lines: list[str]) -> list[int]:
    with line_model.without_model():
        return analyze_quality("\n".join(lines)).kept_lines


@pytest.mark.parametrize(
    ("notice", "label"),
    [
        ("Your email address will not be published. Required fields are marked *", "Name *"),
        ("O seu endereço de e-mail não será publicado. Campos obrigatórios são marcados com *",
         "Nome *"),
        ("Tu dirección de correo electrónico no será publicada. Los campos obligatorios están "
         "marcados con *", "Nombre *"),
        ("Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *",
         "Nom *"),
        ("Deine E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * "
         "markiert", "Name *"),
        ("Il tuo indirizzo email non sarà pubblicato. I campi obbligatori sono contrassegnati *",
         "Nome *"),
        ("Je e-mailadres wordt niet gepubliceerd. Vereiste velden zijn gemarkeerd met *",
         "Naam *"),
        ("Twój adres e-mail nie zostanie opublikowany. Wymagane pola są oznaczone *", "Imię *"),
    ],
)  # fmt: skip
def test_a_comment_form_and_its_field_labels_are_removed(notice: str, label: str) -> None:
    lines = [*PROSE, notice, label, "E-mail *"]
    assert _flags(lines) == [("navigation_boilerplate", 4, 6, True)]


def test_comment_form_wording_in_article_prose_and_lone_field_labels_stay() -> None:
    quoted = (
        'The sign-up page promised that "your email address will not be published", but the '
        "list was sold to advertisers, the regulator said."
    )
    assert _flags([*PROSE, quoted]) == []
    # "Name *" far from any form notice: a footnote marker, not a form.
    assert _flags(["Name *", *PROSE, *MORE_PROSE]) == []
    for line in (
        "Notify me of follow-up comments by email.",
        "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
        "Save my name, email, and website in this browser for the next time I comment.",
    ):
        assert _flags([*PROSE, line]) == [("navigation_boilerplate", 4, 4, True)]


@pytest.mark.parametrize(
    "header", ["Most read in Science", "Latest videos", "Вам также может быть интересно",
               "Artigos relacionados", "Meistgelesen"],
)  # fmt: skip
def test_more_related_box_headers_and_cut_off_titles(header: str) -> None:
    titles = [
        "UK weather alert: Plague of mosquitos to devastate Britain as Hurri...",
        "Bible bombshell: Scientists claim discovery of root of all evil",
        "Plane passengers quarantined after outbreak at the airport",
    ]
    assert _flags([*PROSE, header, *titles, MORE_PROSE[0]]) == [("link_spam", 4, 7, True)]


def test_a_dont_miss_header_over_the_articles_own_list_is_not_a_related_box() -> None:
    # A deals article lists its products under "Don't Miss:" (devset, BGR): article text.
    items = ["Apple AirPods with Charging Case", "Automatically on, automatically connected",
             "Easy setup for all your Apple devices"]  # fmt: skip
    assert _flags([*PROSE, "Don't Miss:", *items, *MORE_PROSE]) == []


def test_click_prompts_are_calls_to_action() -> None:
    for line in (
        "Clique na imagem acima e veja como está o ranking dos pilotos nesta temporada.",
        "Click the image above to see all the dates of the season.",
        "Cliquez ici pour voir la vidéo.",
    ):
        assert _flags([*PROSE, line]) == [("call_to_action", 4, 4, True)]
    clicking = "Clicking sounds came from the engine for weeks before the ferry broke down."
    tap = "Tap water prices rose by ten percent this year, the utility said on Monday."
    assert _flags([*PROSE, clicking, tap]) == []


def test_a_tag_box_is_removed() -> None:
    tags = "stock car brasil, stock car cascavel, stock car interlagos, calendario 2018"
    assert _flags([*PROSE, "Tags", tags]) == [("navigation_boilerplate", 4, 5, True)]
    assert _flags([*PROSE, "Tags: politics, Brexit, Boris Johnson"]) == [
        ("navigation_boilerplate", 4, 4, True)
    ]
    sentence = "Tags, labels and stickers were found on every crate, the inspectors said."
    assert _flags([*PROSE, "Tags", sentence]) == []


@pytest.mark.parametrize(
    "line",
    [
        "The material on this site may not be reproduced, distributed, transmitted, cached or "
        "otherwise used, except with the prior written permission of Advance Local.",
        "Apple logo, Apple TV, App Store, iPad, iPhone, and iPod touch are registered trademarks "
        "of Apple Inc.",
        "By registering you become a member of the family of sites and you have read and agree "
        "to the Terms of Use.",
        "Space is supported by its audience. When you purchase through links on our site, we may "
        "earn an affiliate commission.",
        "Copyright (C) EnterMedia.co.kr. All right reserved.",
    ],
)
def test_the_sites_legal_small_print_is_removed(line: str) -> None:
    assert _flags([*PROSE, line]) == [("navigation_boilerplate", 4, 4, True)]


def test_legal_words_in_article_prose_stay() -> None:
    lawsuit = "The logos are trademarks of the company, and the copies may not be sold, it said."
    assert _flags([*PROSE, lawsuit]) == []


def test_an_agency_style_caption_is_a_media_credit() -> None:
    caption = (
        "Former Massachusetts Gov. Deval Patrick, left, speaks with a business owner during a "
        "campaign stop, Tuesday, Nov. 19, 2019, in Columbia, S.C."
    )
    assert _flags([PROSE[0], caption, *PROSE[1:]]) == [("media_credit", 2, 2, True)]
    # Article prose with a full date reports or announces: kept.
    for line in (
        "The vote will be held on Tuesday, Dec. 3, 2024, in the council chamber.",
        "Officials said the bridge closed on Monday, March 3, 2025, after an inspection.",
    ):
        assert _flags([PROSE[0], line, *PROSE[1:]]) == []


def test_an_untitled_list_of_other_stories_below_the_article_is_link_spam() -> None:
    teasers = [
        "Miss Moscow 2018 picked from 49 top beauties (PHOTOS)",
        "There's a galaxy hurtling towards our Milky Way that could wipe out life",
        "Drunk man terrorizes streets of small Polish town in Soviet tank",
        "Oxygen bars hit New Delhi as India chokes under smog",
    ]
    # (Under an ad label: lines run on from the article's last paragraph would read as its
    # hard-wrapped continuation.)
    assert _flags([*PROSE, "Advertisement", *teasers]) == [
        ("navigation_boilerplate", 4, 4, True),
        ("link_spam", 5, 8, True),
    ]


def test_the_articles_own_lists_below_it_stay() -> None:
    # Named from the article (its subject) or dated (a listing): not other stories.
    products = [
        "Harbour bridge ferries: timetable for residents",
        "Harbour bridge parking: free places near the piers",
        "Harbour bridge closure: shops on the waterfront",
    ]
    dates = ["Oct 12 – Nashville, TN – Ryman Auditorium",
             "Oct 14 – Atlanta, GA – Fox Theatre",
             "Oct 16 – Charlotte, NC – Ovens Auditorium"]  # fmt: skip
    assert _flags([*PROSE, "Advertisement", *products])[1:] == []
    assert _flags([*PROSE, "Advertisement", *dates])[1:] == []


def test_the_bridge_does_not_carry_the_article_across_a_footer() -> None:
    # A sentence after a related box and a site menu is the footer's, not the article's.
    related = [
        "Related articles",
        "Plague blamed on Madagascar ritual of digging up the dead",
        "Major cities face plague of vicious bloodthirsty super rats",
        "Major health warning issued after deadly plague confirmed in wild animals",
    ]
    menu = ["News", "UK", "World", "Politics", "Sport", "Finance", "Travel", "Home"]
    footer = (
        "See today's front and back pages, download the newspaper, order back issues and "
        "use the historic archive."
    )
    top = ["Home", "News", "Sport", "Weather", "Travel", "Bridge to close"]
    lines = [*top, *PROSE, *MORE_PROSE, *related, *menu, footer]
    kept = analyze_quality("\n".join(lines)).kept_lines
    assert len(lines) not in kept
    assert {7, 8, 9} <= set(kept)


def test_teaser_cards_under_a_related_header_go_with_their_blurbs_and_times() -> None:
    cards = [
        "More stories",
        "Rail strike called off after last-minute pay offer",
        "Unions accepted the offer late on Monday, ending a dispute that had lasted months.",
        "2 hours ago",
        "New bridge opens to traffic two years late",
        "The crossing cost twice its budget after problems with the foundations.",
        "5 hours ago",
    ]
    assert _flags([*PROSE, *cards]) == [("link_spam", 4, 10, True)]


def test_paragraphs_after_a_related_box_inside_the_article_stay() -> None:
    # The box's titles come one after another; the paragraph after them is the article's.
    box = [
        "Related articles",
        "UK weather alert: Plague of mosquitos to devastate Britain",
        "Bible bombshell: Scientists claim discovery of root of all evil",
    ]
    paragraph = "However, the other 28 people have showed no signs or symptoms of the plague."
    assert _flags([*PROSE, *box, paragraph, *MORE_PROSE]) == [("link_spam", 4, 6, True)]


def test_a_newsletter_box_goes_with_its_heading_and_pitch() -> None:
    box = [
        "Breaking News Emails",
        "Get breaking news alerts and special reports. The news and stories that matter, "
        "delivered weekday mornings.",
        "SUBSCRIBE",
    ]
    assert _flags([PROSE[0], *box, *PROSE[1:], *MORE_PROSE]) == [
        ("navigation_boilerplate", 2, 4, True)
    ]
    # Without a heading naming a newsletter, the sentence above a lone button is article text.
    last = "The parcels were delivered to every house on the island by Monday evening."
    assert _flags([*PROSE, *MORE_PROSE, last, "Subscribe"]) == [
        ("navigation_boilerplate", 8, 8, True)
    ]
