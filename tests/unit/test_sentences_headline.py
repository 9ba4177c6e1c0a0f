from __future__ import annotations

import pytest

from summarizer.headline import headline_from_sentence, title_line
from summarizer.sentences import number_sentences, split_sentences


def test_splits_on_terminal_punctuation_and_keeps_quotes_attached() -> None:
    text = "“The return is a mistake,” Araghchi said. He left on Monday. Then? Yes!"
    assert split_sentences(text) == [
        "“The return is a mistake,” Araghchi said.",
        "He left on Monday.",
        "Then?",
        "Yes!",
    ]


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = "Mr. Smith met Dr. Jones in the U.S. capital. J. Doe arrived at 5 p.m. on Jan. 3."
    assert split_sentences(text) == [
        "Mr. Smith met Dr. Jones in the U.S. capital.",
        "J. Doe arrived at 5 p.m. on Jan. 3.",
    ]


def test_heading_without_punctuation_is_one_sentence() -> None:
    assert split_sentences("  Opposition advances and regional implications ") == [
        "Opposition advances and regional implications"
    ]


def test_numbering_follows_kept_lines_and_records_input_line() -> None:
    lines = ["Skip to content", "", "First one. Second one.", "Third one."]
    sentences = number_sentences(lines, [3, 4])
    assert [(s.id, s.line, s.text) for s in sentences] == [
        (0, 3, "First one."),
        (1, 3, "Second one."),
        (2, 4, "Third one."),
    ]


def test_headline_strips_dateline_and_stays_short() -> None:
    sentence = (
        "ERBIL, Kurdistan Region of Iraq - Syrian President Bashar al-Assad and Iranian "
        "President Masoud Pezeshkian held a phone call on Monday to discuss recent developments."
    )
    headline = headline_from_sentence(sentence)
    assert headline.startswith("Syrian President Bashar al-Assad")
    assert len(headline.split()) <= 15
    assert "ERBIL" not in headline


def test_headline_skips_introductory_phrase() -> None:
    sentence = (
        "In a dramatic escalation of Syria’s ongoing civil war, Turkey has called for immediate "
        "reconciliation between the government and opposition forces in the north of the country."
    )
    assert headline_from_sentence(sentence).startswith("Turkey has called")


def test_short_sentence_is_its_own_headline() -> None:
    assert headline_from_sentence("Rebels storm the consulate.") == "Rebels storm the consulate"


TITLE_CASES: list[tuple[list[str], str | None]] = [
    (
        ["Tram line to reopen after repairs", "The city's oldest tram line reopens."],
        "Tram line to reopen after repairs",
    ),
    (
        ["Welcome to The Detroit News's EUROPEAN UNION EXPERIENCE",
         "Teachers rally in Indianapolis", "Thousands came."],
        "Teachers rally in Indianapolis",
    ),
    (
        ["FOR IMMEDIATE RELEASE", "Norvale Launches FieldScout 2",
         "Norvale said today it will ship."],
        "Norvale Launches FieldScout 2",
    ),
    (
        ['<img height="1" width="1" src="x">', "Wednesday November 20, 2019 Daily Headlines",
         "A protest began on Monday in the city centre."],
        None,
    ),
    (
        ["12:03 GMT, Nov 20, 2019", "Three killed in Bolivia protest",
         "Three demonstrators died."],
        "Three killed in Bolivia protest",
    ),
    (
        ["By Jane Doe", "Storm closes the coast road", "The road closed on Friday."],
        "Storm closes the coast road",
    ),
    (
        ["The council met on Tuesday and approved the budget after a long debate lasting "
         "into the night with many speakers from all sides, officials said.", "Budget approved"],
        None,
    ),
]  # fmt: skip


@pytest.mark.parametrize(("lines", "title"), TITLE_CASES)
def test_title_line_skips_banners_slugs_markup_and_date_stamps(
    lines: list[str], title: str | None
) -> None:
    kept = list(range(1, len(lines) + 1))
    skip = {1} if lines[0].startswith("By ") else set()
    assert title_line(lines, kept, skip=skip) == title
