"""The pipeline with a scripted model: real instructor parsing, validation and re-asks; only
the model's text is fixed in advance (the real model runs in tests/integration)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from summarizer.api import Summarizer
from summarizer.config import load_settings
from summarizer.errors import BackendError, GroundingError, InputError
from summarizer.inputs import Article
from summarizer.schemas import FlagKind, StanceLabel
from tests.conftest import ScriptedBackend

ARTICLE = """Skip to content
Iran pledged full support to Damascus on Monday.
Turkey urged Bashar al-Assad's government to reconcile with the opposition.
The clashes killed over 400 people in less than a week, a monitor said.
Iranian officials downplayed the fall of Aleppo."""


def summarizer(outputs: list[str], **overrides: Any) -> tuple[Summarizer, ScriptedBackend]:
    backend = ScriptedBackend(outputs)
    settings = load_settings(backend="local", **overrides)
    return Summarizer(settings, backend_instance=backend), backend


GOOD = {
    "key_sentences": [0, 1, 2],
    "article_type": "news_report",
    "stances": [{"slot": 0, "label": "supportive"}],
    "target_stances": [{"target": "Iran", "label": "neutral", "sentence": 0}],
}


def test_extractive_record_is_assembled_from_cited_sentences(clean_env: pytest.MonkeyPatch) -> None:
    s, backend = summarizer([json.dumps(GOOD)])
    result = s.summarize(ARTICLE, targets=["Iran", "Mars"], id="a1")
    assert result.id == "a1"
    texts = [p.text for p in result.summary.key_points]
    assert texts[0] == "Iran pledged full support to Damascus on Monday."
    assert all(result.sentences[p.evidence[0]].text == p.text for p in result.summary.key_points)
    requested = [st for st in result.stances if st.requested]
    assert [(st.target, st.label) for st in requested] == [
        ("Iran", StanceLabel.neutral),
        ("Mars", StanceLabel.not_mentioned),  # decided without asking the model
    ]
    assert requested[1].evidence is None
    actor = [st for st in result.stances if not st.requested]
    assert (actor[0].holder, actor[0].target) == ("Iran", "Damascus")
    assert actor[0].evidence == result.sentences[0].text
    # The slot table the model chose from is in the prompt, and names only grounded pairs.
    assert "[0] Iran -> Damascus, in sentence 0" in backend.requests[0][-1]["content"]
    prov = result.provenance
    assert (prov.backend, prov.model, prov.attempts) == ("scripted", "script-1", 1)
    assert prov.prompt_tokens == 100 and prov.completion_tokens == 20
    assert prov.prompt_version.startswith("extractive@")
    # The model saw neither the skip link nor Mars.
    user = backend.requests[0][-1]["content"]
    assert "Skip to content" not in user and "Mars" not in user
    assert "Skip to content" not in result.quality.clean_text
    assert any(f.kind is FlagKind.navigation_boilerplate for f in result.quality.flags)


def test_ungrounded_answer_is_re_asked_with_the_error(clean_env: pytest.MonkeyPatch) -> None:
    bad = {**GOOD, "key_sentences": [0, 0, 1]}  # only two distinct sentences
    s, backend = summarizer([json.dumps(bad), json.dumps(GOOD)])
    result = s.summarize(ARTICLE, targets=["Iran"])
    assert result.provenance.attempts == 2
    assert result.provenance.prompt_tokens == 200
    reask = backend.requests[1]
    assert any("fewer than 3 distinct" in m.get("content", "") for m in reask)


def test_never_grounded_answer_becomes_a_clear_error(clean_env: pytest.MonkeyPatch) -> None:
    bad = {**GOOD, "target_stances": [{"target": "Iran", "label": "opposed", "sentence": 3}]}
    s, _ = summarizer([json.dumps(bad)] * 3, max_attempts=3)
    with pytest.raises(GroundingError) as info:
        s.summarize(ARTICLE, targets=["Iran"], id="bad-1")
    err = info.value
    assert err.article_id == "bad-1" and err.attempts == 3
    assert any("target_stances" in f for f in err.fields)
    assert err.last_raw_output and '"sentence": 3' in err.last_raw_output
    assert err.to_dict()["type"] == "grounding_error"


def test_malformed_json_is_re_asked(clean_env: pytest.MonkeyPatch) -> None:
    s, _ = summarizer(['{"key_sentences": [0, 1', json.dumps(GOOD)])
    assert s.summarize(ARTICLE, targets=["Iran"]).provenance.attempts == 2


def test_failure_outside_validation_is_a_backend_error(clean_env: pytest.MonkeyPatch) -> None:
    s, _ = summarizer([])  # the scripted model has nothing to say: its create raises
    with pytest.raises(BackendError, match="model call failed"):
        s.summarize(ARTICLE, id="x")


def test_article_of_only_boilerplate_is_an_input_error(clean_env: pytest.MonkeyPatch) -> None:
    s, backend = summarizer([])
    with pytest.raises(InputError, match="no article prose"):
        s.summarize("Skip to content\nSkip to main menu\n")
    assert backend.requests == []


def test_article_longer_than_the_context_is_cut_and_flagged(clean_env: pytest.MonkeyPatch) -> None:
    moods = ["calm", "tense", "long", "short", "heated", "quiet", "late"]
    cities = ["Lyon", "Graz", "Porto", "Turin", "Ghent", "Bergen", "Split", "Cork", "Brno"]
    topics = ["rail", "water", "schools", "housing", "ports", "power", "roads", "parks"]
    paragraphs = [
        f"A {moods[i % 7]} council session in {cities[i % 9]} debated {topics[i % 8]} "
        f"and {topics[(i // 8) % 8]} before a vote."
        for i in range(400)
    ]
    text = "\n".join(paragraphs)
    answer = {"key_sentences": [0, 1, 2], "article_type": "news_report", "stances": []}
    s, _ = summarizer([json.dumps(answer)], n_ctx=4096)
    result = s.summarize(text)
    overflow = [f for f in result.quality.flags if f.kind is FlagKind.context_overflow]
    assert len(overflow) == 1 and overflow[0].removed
    shown = len(result.sentences)
    assert 0 < shown < 400
    assert overflow[0].start_line == result.sentences[-1].line + 1
    assert overflow[0].end_line == 400
    assert result.quality.clean_text.count("\n") + 1 == shown


def test_cache_hit_skips_the_model_and_is_marked(clean_env: pytest.MonkeyPatch) -> None:
    class MemoryCache:
        def __init__(self) -> None:
            self.data: dict[str, dict[str, Any]] = {}

        def get(self, key: str) -> dict[str, Any] | None:
            return self.data.get(key)

        def put(self, key: str, value: dict[str, Any]) -> None:
            self.data[key] = value

    cache = MemoryCache()
    backend = ScriptedBackend([json.dumps(GOOD)])
    s = Summarizer(load_settings(backend="local"), backend_instance=backend, cache=cache)
    first = s.summarize(Article.create(ARTICLE, id="x", targets=["Iran"]))
    second = asyncio.run(s.asummarize(Article.create(ARTICLE, id="y", targets=["Iran"])))
    assert not first.provenance.cached and second.provenance.cached
    assert second.id == "y" and second.summary == first.summary
    assert len(backend.requests) == 1


def test_article_text_is_never_rendered_as_a_template(clean_env: pytest.MonkeyPatch) -> None:
    """instructor renders messages as Jinja2 when given `context=`; the article must arrive
    byte for byte, so grounding context must never travel that way."""
    hostile = (
        "The council voted {{ 7*7 }} times on the budget.\n"
        "A banner read {% for x in range(3) %}X{% endfor %} outside the hall.\n"
        "Officials said the vote would be repeated next week."
    )
    answer = {"key_sentences": [0, 1, 2], "article_type": "news_report", "stances": []}
    s, backend = summarizer([json.dumps(answer)])
    result = s.summarize(hostile)
    user = backend.requests[0][-1]["content"]
    assert "{{ 7*7 }}" in user and "49" not in user
    assert "{% for x in range(3) %}X{% endfor %}" in user and "XXX" not in user
    assert result.sentences[0].text == "The council voted {{ 7*7 }} times on the budget."
