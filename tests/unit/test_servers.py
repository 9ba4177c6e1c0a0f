"""What the backend reads from servers: error kinds, context limits, model families, context
windows from discovery answers (samples of the formats each server documents or returned)."""

from __future__ import annotations

from typing import Any

import pytest

from summarizer.backends.servers import (
    OLLAMA_FALLBACK_CONTEXT,
    classify,
    context_limit,
    facts,
    fallback_chain,
    forget_servers,
    is_openai_api,
    model_family,
    modes_to_try,
    server_key,
    server_root,
    window_from_models,
    window_from_ollama,
    window_from_props,
)

from ..conftest import status_error

LLAMA_CPP_PYTHON_500 = (
    "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'),"
    " 'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}"
)
LLAMA_CONTEXT_400 = (
    "This model's maximum context length is 4096 tokens. However, you requested 4804 tokens "
    "(4164 in the messages, 640 in the completion). Please reduce the length of the messages "
    "or completion."
)


@pytest.mark.parametrize(
    ("status", "message", "kind"),
    [
        (500, LLAMA_CPP_PYTHON_500, "mode_refused"),  # llama-cpp-python, issue 16
        (400, "Invalid schema for response_format 'AbstractiveAnswer': ...", "mode_refused"),
        (400, "'tools' is not supported with this model.", "mode_refused"),
        (400, LLAMA_CONTEXT_400, "context_exceeded"),
        (400, "the request exceeds the available context size, try increasing it",
         "context_exceeded"),
        (500, "Unknown model 'gpt-9'", "permanent"),
        (404, "The model `nope` does not exist", "permanent"),
        (422, "field required: messages", "permanent"),
        (400, "Unsupported parameter: 'max_tokens' is not supported with this model. "
              "Use 'max_completion_tokens' instead.", "max_tokens_param"),
        (400, "Unsupported value: 'temperature' does not support 0 with this model. Only the "
              "default (1) value is supported.", "temperature_param"),
        (401, "Incorrect API key provided", "permanent"),
        (429, "Rate limit reached", "transient"),
        (500, "injected server_error", "transient"),
        (503, "Service Unavailable", "transient"),
    ],
)  # fmt: skip
def test_errors_are_classified_by_what_their_body_says(
    status: int, message: str, kind: str
) -> None:
    assert classify(status_error(status, message)) == kind


@pytest.mark.parametrize(
    ("message", "body_extra", "limit"),
    [
        (LLAMA_CONTEXT_400, {}, 4096),  # llama-cpp-python and OpenAI
        ("Requested tokens (4164) exceed context window of 2048", {}, 2048),
        ("'max_tokens' or 'max_completion_tokens' is too large: 640. This model's maximum "
         "context length is 8192 tokens and your request has 7700 input tokens", {}, 8192),
        ("the request exceeds the available context size, try increasing it",
         {"n_ctx": 4096, "n_prompt_tokens": 5000}, 4096),  # llama.cpp's C++ server
        ("prompt is too long", {}, None),
    ],
)  # fmt: skip
def test_the_context_limit_is_read_from_the_error(
    message: str, body_extra: dict[str, Any], limit: int | None
) -> None:
    assert context_limit(status_error(400, message, **body_extra)) == limit


@pytest.mark.parametrize(
    ("model", "param", "temperature"),
    [
        ("gpt-4o-mini", "max_tokens", True),
        ("o1", "max_completion_tokens", False),
        ("o3-mini", "max_completion_tokens", False),
        ("o4-mini-2025-04-16", "max_completion_tokens", False),
        ("gpt-5", "max_completion_tokens", False),
        ("gpt-5-mini", "max_completion_tokens", False),
        ("gpt-5-chat-latest", "max_tokens", True),
        ("openai/o3", "max_completion_tokens", False),
        ("llama3.1", "max_tokens", True),
        ("olmo-2", "max_tokens", True),  # an "o" that is not the o-series
    ],
)
def test_reasoning_model_families(model: str, param: str, temperature: bool) -> None:
    family = model_family(model)
    assert (family.completion_tokens_param, family.temperature) == (param, temperature)


def test_o1_mini_takes_no_system_messages() -> None:
    assert not model_family("o1-mini").system_messages
    assert model_family("o1").system_messages


def test_fallback_order_and_memory() -> None:
    forget_servers()
    assert fallback_chain("json_schema") == ("json_schema", "tools", "json_object", "json")
    assert fallback_chain("json_object") == ("json_object", "json")
    assert fallback_chain("md_json") == ("md_json",)
    key = server_key("http://127.0.0.1:9/v1/", "m")
    assert key == ("http://127.0.0.1:9/v1", "m")
    facts(key).refused_modes.add("json_schema")
    assert list(modes_to_try(key, "json_schema")) == ["tools", "json_object", "json"]
    facts(key).working_mode = "tools"
    assert list(modes_to_try(key, "json_schema")) == ["tools", "json_object", "json"]
    facts(key).working_mode = "json_object"
    assert next(modes_to_try(key, "json_schema")) == "json_object"
    assert list(modes_to_try(key, "json")) == ["json"]  # the start is the user's choice
    forget_servers()
    assert next(modes_to_try(key, "json_schema")) == "json_schema"


def test_openai_is_recognised_by_its_address() -> None:
    assert is_openai_api(None) and is_openai_api("https://api.openai.com/v1")
    assert is_openai_api("https://x.openai.azure.com/openai/deployments/d")
    assert not is_openai_api("http://localhost:8000/v1")
    assert server_root("http://localhost:11434/v1/") == "http://localhost:11434"


def test_context_windows_from_discovery_answers() -> None:
    vllm = {"data": [{"id": "Qwen/Qwen2.5-7B-Instruct", "max_model_len": 32768}]}
    assert window_from_models(vllm, "Qwen/Qwen2.5-7B-Instruct") == 32768
    assert window_from_models(vllm, "other-name") == 32768  # one model served: it is that one
    two = {"data": [{"id": "a", "max_model_len": 1}, {"id": "b", "max_model_len": 2}]}
    assert window_from_models(two, "b") == 2 and window_from_models(two, "c") is None
    llama_py = {"data": [{"id": "/models/x.gguf", "object": "model", "owned_by": "me"}]}
    assert window_from_models(llama_py, "x") is None
    props = {"default_generation_settings": {"n_ctx": 4096}, "total_slots": 1}
    assert window_from_props(props) == 4096 and window_from_props({"n_ctx": 8192}) == 8192
    assert window_from_props({"detail": "Not Found"}) is None
    ps = {
        "models": [{"name": "llama3.1:latest", "model": "llama3.1:latest", "context_length": 8192}]
    }
    assert window_from_ollama(ps, None, "llama3.1:latest") == 8192
    show = {"parameters": 'stop "<|eot_id|>"\nnum_ctx                        16384'}
    assert window_from_ollama({"models": []}, show, "llama3.1") == 16384
    assert window_from_ollama({"models": []}, {"parameters": ""}, "x") == OLLAMA_FALLBACK_CONTEXT
    assert window_from_ollama(None, None, "x") is None
