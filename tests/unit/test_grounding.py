from __future__ import annotations

import pytest
from pydantic import ValidationError

from summarizer.grounding import (
    GroundingContext,
    candidate_entities,
    name_in_text,
    normalize_quote,
)
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


def test_candidate_entities_are_names_from_the_text() -> None:
    entities = candidate_entities(SENTENCES)
    assert "Iran" in entities and "Turkey" in entities
    assert "Bashar al-Assad" in entities
    assert "Thousands" not in entities and "The" not in entities


def test_extractive_answer_accepts_a_grounded_answer() -> None:
    model = extractive_answer_model(4, ["Iran", "Damascus", "Turkey"], ["Iran"])
    answer = model.model_validate(
        {
            "key_sentences": [0, 1, 3],
            "article_type": "news_report",
            "stances": [
                {"holder": "Iran", "target": "Damascus", "label": "supportive", "sentence": 0}
            ],
            "target_stances": [{"target": "Iran", "label": "neutral", "sentence": 0}],
        },
        context=ctx(),
    )
    assert answer.key_sentences == [0, 1, 3]


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"key_sentences": [0, 0, 1]}, "repeats a sentence id"),
        ({"key_sentences": [0, 1, 9]}, "key_sentences"),
        (
            {
                "stances": [
                    {"holder": "Iran", "target": "Turkey", "label": "opposed", "sentence": 2}
                ]
            },
            "names neither",
        ),
        (
            {"stances": [{"holder": "Iran", "target": "Iran", "label": "opposed", "sentence": 0}]},
            "both",
        ),
        (
            {"target_stances": [{"target": "Iran", "label": "neutral", "sentence": 1}]},
            "does not name",
        ),
        ({"target_stances": [{"target": "Mars", "label": "neutral", "sentence": 0}]}, "target"),
        ({"article_type": "gossip"}, "article_type"),
    ],
)
def test_extractive_answer_rejects_ungrounded_answers(
    patch: dict[str, object], message: str
) -> None:
    model = extractive_answer_model(4, ["Iran", "Damascus", "Turkey"], ["Iran"])
    base: dict[str, object] = {
        "key_sentences": [0, 1, 3],
        "article_type": "news_report",
        "stances": [],
        "target_stances": [{"target": "Iran", "label": "neutral", "sentence": 0}],
    }
    with pytest.raises(ValidationError, match=message):
        model.model_validate({**base, **patch}, context=ctx())


def test_extractive_schema_enumerates_ids_names_and_targets() -> None:
    schema = extractive_answer_model(4, ["Iran", "Turkey"], ["Iran"]).model_json_schema()
    text = str(schema)
    assert "[0, 1, 2, 3]" in text  # sentence ids are an enum the grammar enforces
    assert "'article', 'Iran', 'Turkey'" in text
    assert "prefixItems" in text  # one target stance per requested target, in order


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
