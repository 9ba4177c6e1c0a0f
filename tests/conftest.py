"""Shared test set-up: paths, the opt-in gate for live tests, and the fakes several tiers use.

Fakes over mocks: `ScriptedBackend` is a real backend whose model text is fixed in advance, so
instructor's parsing, validation and re-asks run for real around it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml
from openai.types.chat import ChatCompletion

from summarizer.backends.base import (
    BaseBackend,
    CallLog,
    Generation,
    GenerationRequest,
    structured_call,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEEDS = sorted(EXAMPLES.glob("*.txt"))
FIXTURES = ROOT / "evals" / "fixtures"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Live tests call the real OpenAI API: they run only when explicitly asked for."""
    if os.environ.get("SUMMARIZER_LIVE_TESTS") == "1" and os.environ.get("OPENAI_API_KEY"):
        return
    skip = pytest.mark.skip(reason="live test: set SUMMARIZER_LIVE_TESTS=1 and OPENAI_API_KEY")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No summarizer or OpenAI settings leak in from the machine running the tests."""
    for name in list(os.environ):
        if name.startswith(("SUMMARIZER_", "OPENAI_")):
            monkeypatch.delenv(name, raising=False)
    return monkeypatch


def copy_fixtures(folder: Path, names: Iterable[str]) -> Path:
    """Copy some eval fixtures (label files and their articles) into `folder`."""
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(FIXTURES / f"{name}.yaml", folder)
        article = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text())["article"]
        shutil.copy(FIXTURES / article, folder / article)
    return folder


def completion(text: str, *, finish_reason: str = "stop") -> ChatCompletion:
    """A chat completion whose message content is `text`."""
    return ChatCompletion.model_validate(
        {
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": "script",
            "choices": [
                {"index": 0, "finish_reason": finish_reason,
                 "message": {"role": "assistant", "content": text}}
            ],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
        }
    )  # fmt: skip


class ScriptedBackend(BaseBackend):
    """Answers with prepared texts, one per model call, through the real instructor loop."""

    name = "scripted"
    model = "script-1"

    def __init__(self, outputs: list[str]) -> None:
        self.outputs = list(outputs)
        self.requests: list[list[dict[str, str]]] = []

    def _raw(self, log: CallLog) -> Callable[..., Any]:
        def create(**kwargs: Any) -> ChatCompletion:
            self.requests.append(list(kwargs["messages"]))
            response = completion(self.outputs.pop(0))
            log.record(response)
            return response

        return create

    async def generate(self, request: GenerationRequest) -> Generation:
        return structured_call(self._raw, "JSON_SCHEMA", request)


# ------------------------------------------------------------------ OpenTelemetry spans

_SPAN_EXPORTER: Any = None


@pytest.fixture
def span_exporter() -> Any:
    """An in-memory exporter behind the process's TracerProvider (set once: OpenTelemetry
    refuses to replace it), emptied for each test. Skips when the SDK is not installed."""
    global _SPAN_EXPORTER
    sdk_trace = pytest.importorskip("opentelemetry.sdk.trace")
    from opentelemetry import trace
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    if _SPAN_EXPORTER is None:
        provider = sdk_trace.TracerProvider()
        exporter = InMemorySpanExporter()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        _SPAN_EXPORTER = exporter
    _SPAN_EXPORTER.clear()
    yield _SPAN_EXPORTER
    _SPAN_EXPORTER.clear()
