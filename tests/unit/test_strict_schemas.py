"""The answer schemas sent with `strict: true` follow OpenAI's published strict-mode rules, and
the rewrite admits the same answers the answer models accept."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from summarizer.backends.strict import (
    MAX_ENUM_VALUES,
    strict_schema,
    strict_schema_for,
    strict_violations,
)
from summarizer.grounding import GroundingContext
from summarizer.schemas.answers import abstractive_answer_model, extractive_answer_model
from summarizer.schemas.record import Sentence
from summarizer.testing.answers import ParsedRequest, build_answer

SENTENCES = [
    Sentence(id=0, line=1, text="Iran pledged full support to Damascus on Monday."),
    Sentence(id=1, line=2, text="Turkey urged the Assad government to reconcile with rebels."),
    Sentence(id=2, line=3, text="Russia said it would keep its bases in Syria."),
    Sentence(id=3, line=4, text="The clashes killed over 400 people this week."),
]


def answer_models() -> list[type[BaseModel]]:
    """Every shape of answer model the pipeline builds: with and without targets and slots."""
    return [
        abstractive_answer_model(4, []),
        abstractive_answer_model(4, ["Iran"]),
        abstractive_answer_model(4, ["Iran", "Bashar al-Assad", "Nobody Else"]),
        abstractive_answer_model(2, ["Iran"]),
        extractive_answer_model(),
    ]


# ------------------------------------------------------------------- the rules as a checker


def strict_ok() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "at most 80 characters"},
            "unit": {"anyOf": [{"type": "string", "enum": ["F", "C"]}, {"type": "null"}]},
            "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}, "maxItems": 3},
        },
        "required": ["name", "unit", "items"],
        "additionalProperties": False,
        "$defs": {
            "Item": {
                "type": "object",
                "properties": {"n": {"type": "integer", "minimum": 0}},
                "required": ["n"],
                "additionalProperties": False,
            }
        },
    }


def test_a_schema_inside_the_subset_passes() -> None:
    assert strict_violations(strict_ok()) == []


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (lambda s: s.pop("additionalProperties"), "additionalProperties must be false"),
        (lambda s: s["$defs"]["Item"].update(additionalProperties=True), "must be false"),
        (lambda s: s["required"].remove("unit"), "every property must be required"),
        (lambda s: s["properties"]["name"].update(minLength=1), "'minLength'"),
        (lambda s: s["properties"]["name"].update(maxLength=9), "'maxLength'"),
        (lambda s: s["properties"]["name"].update(default="x"), "'default'"),
        (lambda s: s["properties"]["items"].update(uniqueItems=True), "'uniqueItems'"),
        (lambda s: s["properties"]["items"].update(prefixItems=[{}]), "'prefixItems'"),
        (lambda s: s["properties"]["items"].update(items=[{}]), "tuples are not supported"),
        (lambda s: s["properties"]["name"].update(allOf=[{}]), "'allOf'"),
        (lambda s: s["properties"]["name"].update(oneOf=[{}]), "'oneOf'"),
        (lambda s: s["properties"]["unit"]["anyOf"][0].update(pattern="x", maxLength=2), "anyOf"),
        (lambda s: s["properties"]["name"].update({"$ref": "#/$defs/Item"}), "sibling"),
        (lambda s: s.update(anyOf=[{}]), "root: must be an object"),
    ],
)
def test_the_checker_finds_each_broken_rule(break_it: Any, message: str) -> None:
    schema = strict_ok()
    break_it(schema)
    problems = strict_violations(schema)
    assert any(message in p for p in problems), problems


def test_the_checker_counts_the_published_limits() -> None:
    enum_heavy = strict_ok()
    enum_heavy["properties"]["unit"] = {"type": "integer", "enum": list(range(1001))}
    assert any("1001 enum values" in p for p in strict_violations(enum_heavy))
    deep: dict[str, Any] = {"type": "string"}
    for i in range(11):
        deep = {
            "type": "object",
            "properties": {f"p{i}": deep},
            "required": [f"p{i}"],
            "additionalProperties": False,
        }
    assert any("11 levels" in p for p in strict_violations(deep))


# ----------------------------------------------------------------- our schemas, converted


@pytest.mark.parametrize("model", answer_models(), ids=lambda m: m.__name__)
def test_every_answer_schema_passes_strict_mode_once_converted(model: type[BaseModel]) -> None:
    assert strict_violations(strict_schema_for(model)) == []


def test_the_abstractive_schema_has_no_tuple_and_states_bounds_in_words() -> None:
    model = abstractive_answer_model(4, ["Iran", "Bashar al-Assad"])
    assert strict_violations(model.model_json_schema())  # as pydantic writes it: refused
    schema = strict_schema_for(model)
    text = json.dumps(schema)
    assert "prefixItems" not in text and "minLength" not in text and '"default"' not in text
    assert schema["properties"]["headline"]["description"] == "8-120 characters"
    stances = schema["properties"]["target_stances"]
    assert (stances["minItems"], stances["maxItems"]) == (2, 2)
    target = schema["$defs"]["TargetStance"]
    assert target["properties"]["target"]["enum"] == ["Iran", "Bashar al-Assad"]
    assert target["required"] == ["target", "label", "quote"]  # quote: required, nullable
    assert {"type": "null"} in target["properties"]["quote"]["anyOf"]
    assert schema["required"] == list(schema["properties"])  # stances and flags too


def test_conversion_does_not_touch_its_input() -> None:
    raw = abstractive_answer_model(4, ["Iran"]).model_json_schema()
    before = copy.deepcopy(raw)
    strict_schema(raw)
    assert raw == before


def test_integer_enums_over_the_limit_become_ranges() -> None:
    """Sentence-id enums of a very long article would pass the 1,000-value limit."""
    raw = strict_ok()
    raw["properties"]["key"] = {
        "type": "array",
        "items": {"type": "integer", "enum": list(range(950))},
    }
    raw["$defs"]["Item"]["properties"]["n"] = {"type": "integer", "enum": list(range(60))}
    raw["required"].append("key")
    schema = strict_schema(raw)
    assert strict_violations(schema) == []
    key = schema["properties"]["key"]["items"]
    assert "enum" not in key and (key["minimum"], key["maximum"]) == (0, 949)
    assert schema["$defs"]["Item"]["properties"]["n"]["enum"] == list(range(60))  # kept exact
    assert MAX_ENUM_VALUES < 950 + 60


# ------------------------------------------------- same answers accepted, same ones refused


def _request_for(schema: dict[str, Any], targets: list[str]) -> ParsedRequest:
    return ParsedRequest(
        sentences=[(s.id, s.text) for s in SENTENCES],
        article_text="",
        targets=targets,
        schema=schema,
        style="content",
        tool_name=None,
        model="m",
        prompt_chars=0,
    )


@pytest.mark.parametrize("targets", [[], ["Iran"], ["Turkey", "Nobody Else"]])
def test_an_answer_written_to_the_strict_schema_validates(targets: list[str]) -> None:
    model = abstractive_answer_model(len(SENTENCES), targets)
    answer = build_answer(_request_for(strict_schema_for(model), targets))
    context = {"grounding": GroundingContext(sentences=SENTENCES)}
    parsed = model.model_validate(answer, context=context)
    assert [t.target for t in getattr(parsed, "target_stances", [])] == targets


def test_bounds_left_out_of_the_strict_schema_are_still_enforced() -> None:
    model = abstractive_answer_model(len(SENTENCES), ["Iran"])
    answer = build_answer(_request_for(strict_schema_for(model), ["Iran"]))
    with pytest.raises(ValidationError, match="at most 120 characters"):
        model.model_validate({**answer, "headline": "Iran " * 40})


def test_target_stances_are_put_in_order_and_each_target_is_required_once() -> None:
    model = abstractive_answer_model(len(SENTENCES), ["Turkey", "Iran"])
    base = build_answer(_request_for(strict_schema_for(model), ["Turkey", "Iran"]))
    swapped = {**base, "target_stances": list(reversed(base["target_stances"]))}
    parsed = model.model_validate(swapped)
    assert [t.target for t in getattr(parsed, "target_stances", [])] == ["Turkey", "Iran"]
    twice = {**base, "target_stances": [base["target_stances"][0]] * 2}
    with pytest.raises(ValidationError, match="missing 'Iran'; repeated 'Turkey'"):
        model.model_validate(twice)
