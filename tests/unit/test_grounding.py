from __future__ import annotations

import pytest
from pydantic import ValidationError

from summarizer.grounding import GroundingContext, name_in_text, normalize_quote
from summarizer.schemas import Sentence
from summarizer.schemas.answers import abstractive_answer_model, extractive_answer_model

SENTENCES = [
    Sentence(id=0, line=1, text="Iran pledged “full support” to Damascus on Monday."),
    Sentence(id=1, line=2, text="Turkey urged Bashar al-Assad’s government to reconcile."),
    Sentence(id=2, line=4, text="Thousands of soldiers were deployed after 2011."),
    Sentence(id=3, line=5, text="The clashes killed over 400 people, a monitor said."),
]


def ctx() -> dict[str, object]:
    return {"grounding": GroundingContext(sentences=SENTENCES)}


def test_quote_normalisation_folds_only_quotes_and_whitespace() -> None:
    assert normalize_quote("  “full   support”\n to ") == '"full support" to'
    assert normalize_quote("Assad’s") == "Assad's"


def test_names_match_on_distinctive_words() -> None:
    assert name_in_text("Bashar al-Assad", "Turkey urged Assad’s government")
    assert name_in_text("Iran", "Iran's foreign ministry")
    assert not name_in_text("Mars", "Iran pledged support")
    assert not name_in_text("the", "the the the")


def test_extractive_answer_is_one_article_type_from_a_closed_list() -> None:
    model = extractive_answer_model()
    assert model.model_validate({"article_type": "opinion"}).article_type.value == "opinion"
    with pytest.raises(ValidationError, match="article_type"):
        model.model_validate({"article_type": "gossip"})
    schema = model.model_json_schema()
    assert list(schema["properties"]) == ["article_type"]


def good_abstractive() -> dict[str, object]:
    return {
        "headline": "Iran pledges support to Damascus as Turkey urges reconciliation",
        "summary": "Iran pledged full support to Damascus. "
                   "Turkey urged Assad's government to reconcile.",
        "key_points": [
            {"text": "Iran pledged full support to Damascus", "evidence": [0]},
            {"text": "Turkey urged the Assad government to reconcile", "evidence": [1]},
            {"text": "The clashes killed over 400 people", "evidence": [3]},
        ],
        "article_type": "news_report",
        "stances": [
            {"holder": "Iran", "target": "Damascus", "label": "supportive",
             "quote": "Iran pledged \"full support\" to Damascus"},
        ],
        "flags": [],
        "target_stances": [
            {"target": "Iran", "label": "neutral", "quote": "Iran pledged “full support”"}
        ],
    }  # fmt: skip


def test_abstractive_answer_accepts_verbatim_quotes_modulo_typography() -> None:
    model = abstractive_answer_model(4, ["Iran"])
    model.model_validate(good_abstractive(), context=ctx())


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("stances", 0, "quote"), "Iran promised total support to Damascus", "verbatim"),
        (("stances", 0, "holder"), "Saudi Arabia", "not named"),
        (("key_points", 0, "evidence"), [2], "shares only"),
        (("key_points", 1, "evidence"), [7], "sentence ids"),
        (("headline"), "Aliens land on the moon and meet astronauts", "does not contain"),
        (("stances", 0, "target"), "Iran", "toward itself|own side"),
        (("target_stances", 0, "quote"), None, "needs a verbatim quote"),
    ],
)
def test_abstractive_answer_rejects_ungrounded_claims(
    path: object, value: object, message: str
) -> None:
    data = good_abstractive()
    if isinstance(path, tuple):
        node: object = data
        for key in path[:-1]:
            node = node[key]  # type: ignore[index]
        node[path[-1]] = value  # type: ignore[index]
    else:
        data[path] = value  # type: ignore[index]
    model = abstractive_answer_model(4, ["Iran"])
    with pytest.raises(ValidationError, match=message):
        model.model_validate(data, context=ctx())


def test_not_mentioned_target_must_not_quote() -> None:
    data = good_abstractive()
    data["target_stances"] = [{"target": "Iran", "label": "not_mentioned", "quote": "Iran pledged"}]
    with pytest.raises(ValidationError, match="quote must be null"):
        abstractive_answer_model(4, ["Iran"]).model_validate(data, context=ctx())
