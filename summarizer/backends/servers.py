"""What summarizer knows about OpenAI-compatible servers: which structured-output styles to try
and in what order, which model families take which parameters, which errors are permanent, and
what each server has told us so far (per process).

Measured against llama-cpp-python's server (`python -m llama_cpp.server`, SmolLM2-135M GGUF,
`--n_ctx 4096`; issue 16): it answers `response_format: json_schema` with HTTP 500 and a
pydantic message ("Input should be 'text' or 'json_object'"), reports a tool call cut at
`max_tokens` as `finish_reason: "tool_calls"`, and states no context window anywhere but in its
context_length_exceeded message. Hence: error bodies are read, not only status codes; truncation
is judged from the token counts; the context limit is parsed from the message.
"""

from __future__ import annotations

import asyncio
import re
import weakref
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import openai

# ------------------------------------------------------------------ structured-output styles

# The fixed fallback order: a server that refuses one style is asked with the next.
# json_schema: response_format json_schema (OpenAI structured outputs, vLLM, Ollama, llama.cpp's
# C++ server). tools: one forced function call. json_object: response_format json_object plus
# the schema in it (llama.cpp and llama-cpp-python compile it into a grammar; others ignore it)
# and in the prompt. json: response_format json_object, the schema in the prompt only.
FALLBACK_ORDER: tuple[str, ...] = ("json_schema", "tools", "json_object", "json")
# instructor's mode for each style (json_object is instructor's JSON plus our schema field).
INSTRUCTOR_MODE = {
    "json_schema": "JSON_SCHEMA",
    "tools": "TOOLS",
    "json_object": "JSON",
    "json": "JSON",
    "md_json": "MD_JSON",
}


def fallback_chain(start: str) -> tuple[str, ...]:
    """The styles to try from `start` on; md_json (no response_format at all) stands alone."""
    if start not in FALLBACK_ORDER:
        return (start,)
    return FALLBACK_ORDER[FALLBACK_ORDER.index(start) :]


def is_openai_api(base_url: str | None) -> bool:
    """True for OpenAI's own API (no base URL, or an api.openai.com address)."""
    if not base_url:
        return True
    host = urlsplit(base_url).hostname or ""
    return host == "api.openai.com" or host.endswith(".openai.azure.com")


# ----------------------------------------------------------------------- model families


@dataclass(frozen=True)
class ModelFamily:
    """Request parameters a family of models takes.

    Reasoning models (OpenAI's o-series and gpt-5) refuse `max_tokens` (they take
    `max_completion_tokens`, which also bounds their hidden reasoning) and any `temperature`
    but the default; o1-mini and o1-preview also refuse system messages.
    """

    name: str
    completion_tokens_param: str = "max_tokens"
    temperature: bool = True
    system_messages: bool = True
    # Hidden reasoning is billed as completion tokens: added to the answer budget.
    reasoning_allowance: int = 0


# First match wins; names are matched after a provider prefix ("openai/o3-mini" -> "o3-mini").
MODEL_FAMILIES: tuple[tuple[re.Pattern[str], ModelFamily], ...] = (
    (re.compile(r"^o1-(mini|preview)"), ModelFamily(
        "o1-mini/o1-preview", "max_completion_tokens", temperature=False,
        system_messages=False, reasoning_allowance=4096)),
    (re.compile(r"^(o1|o3|o4)(-|$)"), ModelFamily(
        "o-series", "max_completion_tokens", temperature=False, reasoning_allowance=4096)),
    (re.compile(r"^gpt-5(?!-chat)"), ModelFamily(
        "gpt-5", "max_completion_tokens", temperature=False, reasoning_allowance=4096)),
)  # fmt: skip
DEFAULT_FAMILY = ModelFamily("chat")


def model_family(model: str) -> ModelFamily:
    """The family of `model` (the default chat family when no pattern matches)."""
    name = model.rsplit("/", 1)[-1].lower()
    for pattern, family in MODEL_FAMILIES:
        if pattern.match(name):
            return family
    return DEFAULT_FAMILY


# ------------------------------------------------------------------------------ errors

ErrorKind = Literal[
    "transient", "permanent", "mode_refused", "context_exceeded", "max_tokens_param",
    "temperature_param",
]  # fmt: skip

_RETRYABLE_STATUS = frozenset({408, 409, 425, 429})
_PERMANENT_STATUS = frozenset({400, 401, 403, 404, 405, 413, 415, 422})
_CONTEXT = re.compile(
    r"context[_ ]length[_ ]exceeded|maximum context length|context window|context size"
    r"|exceeds? (the )?(model'?s? )?(maximum )?context|too many tokens|prompt is too long"
    r"|exceed_context_size",
    re.I,
)
_MODE = re.compile(
    r"response_format|json_schema|json_object|tool_choice|\btools?\b|function|strict"
    r"|structured output|guided|grammar",
    re.I,
)
_INVALID = re.compile(
    r"invalid_request|invalid request|validation error|input should be|unsupported|not supported"
    r"|unrecognized|unknown (model|parameter|field|argument)|does not exist|not found"
    r"|extra (inputs|fields) (are )?not permitted|is not allowed|bad request",
    re.I,
)
_MAX_TOKENS_PARAM = re.compile(
    r"max_tokens.{0,80}(not supported|unsupported)|use 'max_completion_tokens'", re.I
)
_TEMPERATURE_PARAM = re.compile(
    r"temperature.{0,80}(not support|unsupported|only the default)", re.I
)


def error_text(exc: BaseException) -> str:
    """The server's own words: the error body's message, else the exception text."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            code = inner.get("code") or inner.get("type") or ""
            return f"{inner['message']} ({code})" if code else str(inner["message"])
        if isinstance(inner, str):
            return inner
        detail = body.get("detail")
        if detail:
            return str(detail)
    return str(getattr(exc, "message", "") or exc)


def classify(exc: BaseException) -> ErrorKind:
    """What an error from the server means for us, from its status and, above all, its body.

    Servers disagree on status codes (llama-cpp-python answers an unsupported response_format
    with 500), so an error whose text says the request is invalid is permanent whatever its
    status, and a refusal that names a structured-output feature is a reason to fall back.
    """
    if isinstance(exc, openai.APIConnectionError):
        return "transient"
    if not isinstance(exc, openai.APIStatusError):
        return "permanent"
    status = exc.status_code
    text = error_text(exc)
    if status in (401, 403):
        return "permanent"
    if status == 429:  # rate and quota limits: the same request succeeds later
        return "transient"
    if _CONTEXT.search(text):
        return "context_exceeded"
    if _MAX_TOKENS_PARAM.search(text):
        return "max_tokens_param"
    if _TEMPERATURE_PARAM.search(text):
        return "temperature_param"
    invalid = status in _PERMANENT_STATUS or bool(_INVALID.search(text))
    if invalid and _MODE.search(text):
        return "mode_refused"
    if invalid:
        return "permanent"
    if status in _RETRYABLE_STATUS or status >= 500:
        return "transient"
    return "permanent"


_LIMIT_PATTERNS = (
    re.compile(r"maximum context length is (\d+)", re.I),
    re.compile(r"context window of (\d+)", re.I),
    re.compile(r"context (?:length|size|window) (?:is|of) (\d+)", re.I),
    re.compile(r"\bn_ctx\D{1,4}(\d+)", re.I),
    re.compile(r"\((\d+) *> *(\d+) *-", re.I),  # vLLM: "(640 > 4096 - 3500)"
)


def context_limit(exc: BaseException) -> int | None:
    """The context window a context_length_exceeded error states, when it states one."""
    body = getattr(exc, "body", None)
    inner = body.get("error", body) if isinstance(body, dict) else None
    if isinstance(inner, dict) and isinstance(inner.get("n_ctx"), int):
        return int(inner["n_ctx"])  # llama.cpp's C++ server
    text = error_text(exc)
    for pattern in _LIMIT_PATTERNS:
        match = pattern.search(text)
        if match:
            return int(match.group(match.lastindex or 1))
    return None


# ---------------------------------------------------------------- per-process knowledge


@dataclass
class ServerFacts:
    """What one (base URL, model) has shown this process; shared by every backend instance."""

    working_mode: str | None = None
    refused_modes: set[str] = field(default_factory=set)
    context_tokens: int | None = None
    context_checked: bool = False
    family: ModelFamily | None = None  # adapted after a parameter refusal


_FACTS: dict[tuple[str, str], ServerFacts] = {}
# One lock per (server, event loop): while a style or the context is unknown, one request
# finds out and the others wait for its answer instead of all asking at once.
_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, ...], asyncio.Lock]]
_LOCKS = weakref.WeakKeyDictionary()


def server_key(base_url: str | None, model: str) -> tuple[str, str]:
    """The identity facts are kept under: base URL (normalised) and model name."""
    return ((base_url or "https://api.openai.com/v1").rstrip("/"), model)


def facts(key: tuple[str, str]) -> ServerFacts:
    """The facts known about a server (created empty on first use)."""
    found = _FACTS.get(key)
    if found is None:
        found = _FACTS[key] = ServerFacts()
    return found


def forget_servers() -> None:
    """Drop everything learnt (tests start each case from a clean process state)."""
    _FACTS.clear()


@asynccontextmanager
async def probing(key: tuple[str, ...]) -> AsyncIterator[None]:
    """Hold the server's lock of the running loop while finding something out."""
    loop = asyncio.get_running_loop()
    locks = _LOCKS.setdefault(loop, {})
    lock = locks.setdefault(key, asyncio.Lock())
    async with lock:
        yield


def modes_to_try(key: tuple[str, str], start: str) -> Iterator[str]:
    """The styles worth trying: the one known to work first, then the rest of the chain from
    `start` that the server has not refused (an article whose schema alone is refused falls
    back without unlearning the working style)."""
    known = facts(key)
    chain = fallback_chain(start)
    if known.working_mode in chain:
        yield known.working_mode
    for mode in chain:
        if mode != known.working_mode and mode not in known.refused_modes:
            yield mode


# --------------------------------------------------------------------- context discovery


def server_root(base_url: str) -> str:
    """http://host:port/v1 -> http://host:port (where /props and /api/... live)."""
    root = base_url.rstrip("/")
    return root[: -len("/v1")] if root.endswith("/v1") else root


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def window_from_models(listing: Any, model: str) -> int | None:
    """A /v1/models listing's context field for `model` (vLLM: max_model_len)."""
    data = listing.get("data") if isinstance(listing, dict) else None
    if not isinstance(data, list):
        return None
    entries = [e for e in data if isinstance(e, dict)]
    mine = [e for e in entries if e.get("id") == model] or (entries if len(entries) == 1 else [])
    for entry in mine:
        for name in ("max_model_len", "context_length", "context_window", "max_context_length"):
            found = _int(entry.get(name))
            if found:
                return found
    return None


def window_from_props(props: Any) -> int | None:
    """llama.cpp server's /props: the runtime n_ctx (not the model's training context)."""
    if not isinstance(props, dict):
        return None
    settings = props.get("default_generation_settings")
    nested = _int(settings.get("n_ctx")) if isinstance(settings, dict) else None
    return nested or _int(props.get("n_ctx"))


# Ollama uses num_ctx from the model file, else OLLAMA_CONTEXT_LENGTH, else a default that has
# been 2048 tokens and later depends on memory; it truncates an overlong prompt silently, so an
# unknown window is assumed to be the smallest default.
OLLAMA_FALLBACK_CONTEXT = 2048
DISCOVERY_TIMEOUT = 10.0  # seconds per discovery request


def window_from_ollama(ps: Any, show: Any, model: str) -> int | None:
    """Ollama: the loaded model's context (/api/ps), else num_ctx from its parameters."""
    if isinstance(ps, dict):
        for entry in ps.get("models") or []:
            if isinstance(entry, dict) and model in (entry.get("name"), entry.get("model")):
                found = _int(entry.get("context_length"))
                if found:
                    return found
    if isinstance(show, dict):
        match = re.search(r"^\s*num_ctx\s+(\d+)", str(show.get("parameters") or ""), re.M)
        if match:
            return int(match.group(1))
        return OLLAMA_FALLBACK_CONTEXT
    return None


async def ask_context(client: openai.AsyncOpenAI, base_url: str, model: str) -> int | None:
    """The context window a server states: vLLM's /v1/models, llama.cpp's /props, Ollama's
    /api/ps and /api/show, in that order (each asked once; a 404 just moves on)."""
    root = server_root(base_url)

    async def fetch(path: str, body: dict[str, Any] | None = None) -> Any:
        options: Any = {"timeout": DISCOVERY_TIMEOUT}
        try:
            if body is None:
                return await client.get(path, cast_to=object, options=options)
            return await client.post(path, cast_to=object, body=body, options=options)
        except (openai.APIError, ValueError):
            return None

    found = window_from_models(await fetch("/models"), model)
    if found is None:
        found = window_from_props(await fetch(f"{root}/props"))
    if found is None:
        ps = await fetch(f"{root}/api/ps")
        show = await fetch(f"{root}/api/show", {"model": model}) if ps else None
        found = window_from_ollama(ps, show, model)
    return found
