"""OpenAI and every OpenAI-compatible server (vLLM, Ollama, llama.cpp server, LM Studio)."""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
import weakref
from typing import Any

import openai
from openai.types.chat import ChatCompletion
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from .. import events
from ..config import Settings
from ..errors import BackendError, ConfigError
from .base import BaseBackend, CallLog, Generation, GenerationRequest, astructured_call

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
# Structured-output styles instructor can drive; tools is the most widely supported.
INSTRUCTOR_MODES = {
    "tools": "TOOLS",
    "json_schema": "JSON_SCHEMA",
    "json": "JSON",
    "md_json": "MD_JSON",
}
_RETRYABLE_STATUS = frozenset({408, 409, 425, 429})


class MalformedResponseError(Exception):
    """The server answered 200 with a body that is not JSON (a truncated or mangled reply)."""


def is_transient(exc: BaseException) -> bool:
    """Timeouts, dropped connections, mangled bodies, 429s and 5xx are worth retrying."""
    if isinstance(exc, (openai.APIConnectionError, MalformedResponseError)):
        return True  # APIConnectionError includes APITimeoutError
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in _RETRYABLE_STATUS or exc.status_code >= 500
    return False


def retry_after_seconds(exc: BaseException) -> float | None:
    """The server's Retry-After (seconds or HTTP date), when it sent one."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class _BackoffHonouringRetryAfter:
    """Exponential backoff with full jitter, unless the server said how long to wait."""

    def __init__(self, max_wait: float) -> None:
        self.max_wait = max_wait
        self.jitter = wait_random_exponential(multiplier=0.25, max=max_wait)

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        hinted = retry_after_seconds(exc) if exc is not None else None
        if hinted is not None:
            return min(hinted, self.max_wait)
        return float(self.jitter(state))


def _report_retry(state: RetryCallState) -> None:
    """Tell the log, hooks and the call's span that a transient failure is retried, and when."""
    error = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    events.transient_retry(state.attempt_number, float(wait), error)


class OpenAIBackend(BaseBackend):
    """The async openai client wrapped by instructor; transient errors retried by tenacity."""

    name = "openai"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model = settings.model or DEFAULT_OPENAI_MODEL
        if settings.api_key is None and settings.base_url is None:
            raise ConfigError(
                "the openai backend needs OPENAI_API_KEY, or --base-url for a local server"
            )
        # One async client per event loop: pooled connections must not cross loops.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, openai.AsyncOpenAI]
        self._clients = weakref.WeakKeyDictionary()
        self._mode = INSTRUCTOR_MODES[settings.openai_mode]

    @property
    def context_tokens(self) -> int:
        """Context assumed for server models unless configured."""
        return self.settings.n_ctx or 128_000

    def _client(self) -> openai.AsyncOpenAI:
        """The client for the running event loop, created on first use."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            settings = self.settings
            # Local servers (vLLM, Ollama) accept any key; the client library insists on one.
            key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
            client = openai.AsyncOpenAI(
                api_key=key,
                base_url=settings.base_url,
                timeout=settings.timeout,
                max_retries=0,  # tenacity owns retries: counted and bounded in one place
            )
            self._clients[loop] = client
        return client

    async def aclose(self) -> None:
        """Close the HTTP client of the running event loop (open sockets otherwise linger)."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.close()

    async def send(self, body: dict[str, Any]) -> ChatCompletion:
        """POST one chat completion: a single HTTP exchange, no retries, no re-asks."""
        # The client's documented low-level `post` rather than the typed `create`: `create`
        # walks every message and the whole tool schema against its TypedDict annotations
        # (about 1 ms of CPU per call, benchmarks/batch_overhead.py), and the body instructor
        # builds is plain JSON already. Auth, base URL, timeout and error types are the same.
        try:
            return await self._client().post("/chat/completions", body=body, cast_to=ChatCompletion)
        except json.JSONDecodeError as exc:
            # A transport fault, not the model's answer: retry it, never re-ask the model.
            raise MalformedResponseError(f"the response body is not JSON ({exc.msg})") from None

    def _raw_create(self, log: CallLog, article_id: str | None) -> Any:
        """The client's create, with transient failures retried and every call counted."""
        settings = self.settings

        async def create(**kwargs: Any) -> Any:
            kwargs.setdefault("model", self.model)
            kwargs.setdefault("temperature", settings.temperature)
            if settings.seed is not None:
                kwargs.setdefault("seed", settings.seed)
            retrying = AsyncRetrying(
                retry=retry_if_exception(is_transient),
                stop=stop_after_attempt(settings.max_transient_retries + 1),
                wait=_BackoffHonouringRetryAfter(settings.retry_max_wait),
                before_sleep=_report_retry,
                reraise=True,
            )
            try:
                async for attempt in retrying:
                    with attempt:
                        if attempt.retry_state.attempt_number > 1:
                            log.transient_retries += 1
                        response = await self.send(kwargs)
            except openai.APIStatusError as exc:
                raise BackendError(
                    _status_message(exc),
                    article_id=article_id,
                    attempts=log.calls + log.transient_retries + 1,
                    status_code=exc.status_code,
                ) from None
            except openai.APIConnectionError as exc:
                raise BackendError(
                    f"cannot reach the model server ({type(exc).__name__}) after "
                    f"{log.transient_retries + 1} tries",
                    article_id=article_id,
                    attempts=log.calls + log.transient_retries + 1,
                ) from None
            except MalformedResponseError as exc:
                raise BackendError(
                    f"{exc} after {log.transient_retries + 1} tries",
                    article_id=article_id,
                    attempts=log.calls + log.transient_retries + 1,
                ) from None
            log.record(response)
            return response

        return create

    async def generate(self, request: GenerationRequest) -> Generation:
        """One structured answer; validation failures are re-asked by instructor."""
        article_id = request.article_id
        return await astructured_call(
            lambda log: self._raw_create(log, article_id), self._mode, request
        )


def _status_message(exc: openai.APIStatusError) -> str:
    """A short message for an HTTP error; the body may echo input, never a key."""
    if exc.status_code == 401:
        return "the server rejected the API key (401)"
    if exc.status_code == 404:
        return "model or endpoint not found (404); check --model and --base-url"
    text = str(getattr(exc, "message", "") or exc)
    return f"HTTP {exc.status_code}: {text[:300]}"
