"""Spans: one per article, one per model call (GenAI attributes), re-asks and failures on them;
nothing at all without opentelemetry."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from summarizer import tracing
from summarizer.api import Summarizer
from summarizer.config import load_settings
from summarizer.errors import GroundingError
from tests.conftest import ScriptedBackend

ARTICLE = """Iran pledged full support to Damascus on Monday.
Turkey urged Bashar al-Assad's government to reconcile with the opposition.
The clashes killed over 400 people in less than a week, a monitor said."""
GOOD = json.dumps({"article_type": "news_report"})
BAD = json.dumps({"article_type": "gossip"})  # not an article type: a re-ask


def run(outputs: list[str], article_id: str) -> Summarizer:
    # The model names the article type, so the call spans exist.
    settings = load_settings(backend="local", article_type_judge="llm")
    s = Summarizer(settings, backend_instance=ScriptedBackend(outputs))
    s.summarize(ARTICLE, id=article_id)
    return s


def test_article_and_call_spans_carry_the_genai_attributes(
    clean_env: pytest.MonkeyPatch, span_exporter: Any
) -> None:
    run([BAD, GOOD], "a1")
    spans = span_exporter.get_finished_spans()
    article = [s for s in spans if s.name == "summarizer.article"]
    calls = [s for s in spans if s.name == "chat script-1"]
    assert len(article) == 1 and len(calls) == 2
    a = article[0].attributes
    assert a["summarizer.article_id"] == "a1" and a["summarizer.attempts"] == 2
    assert a["gen_ai.system"] == "scripted" and a["gen_ai.request.model"] == "script-1"
    assert a["summarizer.flags"] == 0 and a["summarizer.quality_score"] == 100
    for number, call in enumerate(calls, 1):
        c = call.attributes
        assert call.parent is not None and call.parent.span_id == article[0].context.span_id
        assert call.kind.name == "CLIENT"
        assert c["gen_ai.operation.name"] == "chat" and c["gen_ai.request.model"] == "script-1"
        assert c["gen_ai.usage.input_tokens"] == 100 and c["gen_ai.usage.output_tokens"] == 20
        assert c["gen_ai.response.finish_reasons"] == ("stop",)
        assert c["summarizer.attempt"] == number and c["summarizer.article_id"] == "a1"
    reasks = [e for e in article[0].events if e.name == "summarizer.reask"]
    assert len(reasks) == 1 and reasks[0].attributes["summarizer.fields"] == ("article_type",)


def test_a_failed_article_has_an_error_status(
    clean_env: pytest.MonkeyPatch, span_exporter: Any
) -> None:
    with pytest.raises(GroundingError):
        run([BAD] * 3, "a2")
    article = [s for s in span_exporter.get_finished_spans() if s.name == "summarizer.article"]
    assert article[0].status.status_code.name == "ERROR"
    assert article[0].attributes["error.type"] == "grounding_error"
    assert "article_type" in (article[0].status.description or "")


def test_without_opentelemetry_nothing_is_traced(
    clean_env: pytest.MonkeyPatch, span_exporter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry", None)  # import fails as if not installed
    monkeypatch.setattr(tracing, "_api", tracing._UNSET)
    monkeypatch.setattr(tracing, "_tracer", None)
    assert not tracing.available()
    record = run([GOOD, GOOD], "a3").summarize(ARTICLE, id="a4")  # a second one, same instance
    assert record.id == "a4"
    with tracing.span("anything") as span:
        assert not span.recording
        span.set({"x": 1})
        span.fail("e", "nothing happens")
    assert span_exporter.get_finished_spans() == ()
