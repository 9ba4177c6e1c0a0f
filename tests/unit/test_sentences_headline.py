from __future__ import annotations

from summarizer.headline import headline_from_sentence
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
