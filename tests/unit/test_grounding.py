from __future__ import annotations

import pytest
from pydantic import ValidationError

from summarizer.grounding import (
    GroundingContext,
    StanceSlot,
    candidate_entities,
    name_in_text,
    normalize_quote,
    sentences_naming,
    stance_slots,
)
from summarizer.schemas import Sentence
from summarizer.schemas.answers import abstractive_answer_model, extractive_answer_model

SENTENCES = [
    Sentence(id=0, line=1, text="Iran pledged “full support” to Damascus on Monday."),
    Sentence(id=1, line=2, text="Turkey urged Bashar al-Assad’s government to reconcile."),
    Sentence(id=2, line=4, text="Thousands of soldiers were deployed after 2011."),
    Sentence(id=3, line=5, text="The clashes killed over 400 people, a monitor said."),
]


SLOTS = [
    StanceSlot(holder="Iran", target="Damascus", sentence=0),
    StanceSlot(holder="Turkey", target="Bashar al-Assad", sentence=1),
]


def ctx() -> dict[str, object]:
    return {"grounding": GroundingContext(sentences=SENTENCES), "slots": SLOTS}


def test_quote_normalisation_folds_only_quotes_and_whitespace() -> None:
    assert normalize_quote("  “full   support”\n to ") == '"full support" to'
    assert normalize_quote("Assad’s") == "Assad's"


def test_names_match_on_distinctive_words() -> None:
    assert name_in_text("Bashar al-Assad", "Turkey urged Assad’s government")
    assert name_in_text("Iran", "Iran's foreign ministry")
    assert not name_in_text("Mars", "Iran pledged support")
    assert not name_in_text("the", "the the the")


def test_candidate_entities_are_actors_named_in_the_text() -> None:
    entities = candidate_entities(SENTENCES)
    assert "Iran" in entities and "Turkey" in entities and "Damascus" in entities
    assert "Bashar al-Assad" in entities
    for not_actor in ("Thousands", "The", "Monday"):
        assert not_actor not in entities


def test_stance_slots_pair_actors_named_in_one_sentence() -> None:
    slots = stance_slots(SENTENCES, candidate_entities(SENTENCES))
    assert StanceSlot(holder="Iran", target="Damascus", sentence=0) in slots
    assert StanceSlot(holder="Turkey", target="Bashar al-Assad", sentence=1) in slots
    for slot in slots:  # grounded by construction: the sentence names both actors
        assert name_in_text(slot.holder, SENTENCES[slot.sentence].text)
        assert name_in_text(slot.target, SENTENCES[slot.sentence].text)


def test_sentences_naming_finds_every_mention() -> None:
    assert sentences_naming(SENTENCES, "Assad") == [1]
    assert sentences_naming(SENTENCES, "Mars") == []


def extractive_model() -> type:
    return extractive_answer_model(4, len(SLOTS), {"Iran": [0]})


GOOD_EXTRACTIVE: dict[str, object] = {
    "key_sentences": [0, 1, 3],
    "article_type": "news_report",
    "stances": [{"slot": 0, "label": "supportive"}],
    "target_stances": [{"target": "Iran", "label": "neutral", "sentence": 0}],
}


def test_extractive_answer_accepts_a_grounded_answer() -> None:
    answer = extractive_model().model_validate(GOOD_EXTRACTIVE, context=ctx())
    assert answer.key_sentences == [0, 1, 3]


def test_repeated_key_sentences_are_dropped_not_fatal() -> None:
    data = {**GOOD_EXTRACTIVE, "key_sentences": [0, 1, 1, 3]}
    assert extractive_model().model_validate(data, context=ctx()).key_sentences == [0, 1, 3]


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"key_sentences": [0, 0, 1]}, "fewer than 3 distinct"),
        ({"key_sentences": [0, 1, 9]}, "key_sentences"),
        ({"stances": [{"slot": 5, "label": "opposed"}]}, "slot"),
        ({"target_stances": [{"target": "Iran", "label": "neutral", "sentence": 1}]}, "sentence"),
        ({"target_stances": [{"target": "Mars", "label": "neutral", "sentence": 0}]}, "target"),
        ({"article_type": "gossip"}, "article_type"),
    ],
)
def test_extractive_answer_rejects_ungrounded_answers(
    patch: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        extractive_model().model_validate({**GOOD_EXTRACTIVE, **patch}, context=ctx())


def test_slot_validator_rechecks_the_sentence() -> None:
    bad_slots = [StanceSlot(holder="Iran", target="Turkey", sentence=2)]
    context = {"grounding": GroundingContext(sentences=SENTENCES), "slots": bad_slots}
    model = extractive_answer_model(4, 1, {})
    data = {"key_sentences": [0, 1, 2], "article_type": "other",
            "stances": [{"slot": 0, "label": "opposed"}]}  # fmt: skip
    with pytest.raises(ValidationError, match="not supported by its sentence"):
        model.model_validate(data, context=context)


def test_extractive_schema_enumerates_only_grounded_choices() -> None:
    schema = str(extractive_model().model_json_schema())
    assert "[0, 1, 2, 3]" in schema  # key sentence ids: an enum the grammar enforces
    assert "'enum': [0, 1]" in schema  # stance slots
    assert "'const': 0" in schema  # the only sentence naming the target
    assert "prefixItems" in schema  # one target stance per requested target, in order


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
