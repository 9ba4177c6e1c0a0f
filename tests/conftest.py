"""Shared test set-up: paths, the opt-in gate for live tests, and the fakes several tiers use.

Fakes over mocks: `ScriptedBackend` is a real backend whose model text is fixed in advance, so
instructor's parsing, validation and re-asks run for real around it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml
from hypothesis import settings as hypothesis_settings
from openai import _exceptions as _openai_exceptions
from openai.types.chat import ChatCompletion

from summarizer.backends.base import (
    BaseBackend,
    CallLog,
    Generation,
    GenerationRequest,
    structured_call,
)
from summarizer.backends.openai import OpenAIBackend
from summarizer.config import Settings
from summarizer.testing.answers import build_answer, parse_request

# Every hypothesis test in `make test` draws the same examples on every run and keeps no
# example database: the outcome of a run is a function of the code, never of what an earlier
# run happened to draw (a random draw once found a real bug in one of three fresh-clone runs).
# To hunt for new failures with fresh random examples: HYPOTHESIS_PROFILE=explore; add what
# it finds as an @example.
hypothesis_settings.register_profile("summarizer", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "summarizer"))

# The HTTP library the installed openai client is built on (httpx, or httpx2 in openai 3).
_httpx: Any = getattr(_openai_exceptions, "httpx2", None) or _openai_exceptions.httpx

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


# ------------------------------------------------------------ OpenAI-compatible servers, scripted


def status_error(status: int, message: str, **body_extra: Any) -> openai.APIStatusError:
    """The exception the openai client raises for an HTTP error with an OpenAI-style body."""
    kind = (
        "rate_limit_error"
        if status == 429
        else ("invalid_request_error" if status < 500 else "server_error")
    )
    body = {"error": {"message": message, "type": kind, **body_extra}}
    request = _httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = _httpx.Response(status, json=body, request=request)
    return openai.AsyncOpenAI(api_key="k")._make_status_error(message, body=body, response=response)


def chat_reply(
    body: dict[str, Any],
    *,
    answer: dict[str, Any] | str | None = None,
    completion_tokens: int | None = None,
    prompt_tokens: int | None = None,
    finish_reason: str | None = None,
) -> ChatCompletion:
    """A completion answering `body` in the style it asked for: by default the fake server's
    valid, grounded answer; token counts and `finish_reason` as a real server may say them."""
    parsed = parse_request(body)
    if answer is None:
        answer = build_answer(parsed)
    text = answer if isinstance(answer, str) else json.dumps(answer)
    message: dict[str, Any] = {"role": "assistant", "content": None}
    if parsed.style == "tools":
        function = {"name": parsed.tool_name or "answer", "arguments": text}
        message["tool_calls"] = [{"id": "call_1", "type": "function", "function": function}]
    else:
        message["content"] = text
    used = completion_tokens if completion_tokens is not None else max(1, len(text) // 4)
    finish = finish_reason or ("tool_calls" if parsed.style == "tools" else "stop")
    prompt = prompt_tokens if prompt_tokens is not None else max(1, parsed.prompt_chars // 4)
    return ChatCompletion.model_validate(
        {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
         "choices": [{"index": 0, "finish_reason": finish, "message": message}],
         "usage": {"prompt_tokens": prompt, "completion_tokens": used,
                   "total_tokens": prompt + used}}
    )  # fmt: skip


class ScriptedServer:
    """Stands in for the HTTP exchange of OpenAIBackend: each request body goes to `handler`,
    which returns a completion or raises what the openai client would. Requests are kept."""

    def __init__(self, handler: Callable[[dict[str, Any]], ChatCompletion]) -> None:
        self.handler = handler
        self.bodies: list[dict[str, Any]] = []

    async def __call__(self, body: dict[str, Any]) -> ChatCompletion:
        self.bodies.append(json.loads(json.dumps(body)))  # as it would go over the wire
        return self.handler(body)


def scripted_openai_backend(server: ScriptedServer, **settings: Any) -> OpenAIBackend:
    """A real OpenAIBackend whose HTTP exchange is `server` (no sockets, no discovery)."""
    config = Settings(
        backend="openai",
        base_url=settings.pop("base_url", f"http://scripted-{id(server)}/v1"),
        api_key="k",
        model=settings.pop("model", "scripted-model"),
        **{"retry_max_wait": 0.01, "context_tokens": 4096, **settings},
    )
    backend = OpenAIBackend(config)
    backend.send = server  # type: ignore[method-assign]
    return backend
