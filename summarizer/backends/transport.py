"""The HTTP side of talking to a server: which failures are retried and how long to wait,
how a failure reads in one line, whether an answer was cut short, and the state one article's
call keeps across its requests."""

from __future__ import annotations

import email.utils
import re
import time
from dataclasses import dataclass
from typing import Any

import openai
from tenacity import RetryCallState, wait_random_exponential

from ..errors import BackendError
from .base import GenerationRequest, raw_text
from .servers import classify, error_text


class ModeRefused(BackendError):
    """The server refused the structured-output style of the request (internal: fall back)."""

    def __init__(
        self, message: str, *, mode: str, article_id: str | None = None, sent: bool = True
    ) -> None:
        super().__init__(message, article_id=article_id)
        self.mode = mode
        self.sent = sent  # False: refused earlier, known without asking again


@dataclass
class ArticleCall:
    """State of one article's call across re-asks: the budget, and what we sent last."""

    request: GenerationRequest
    mode: str
    budget: int
    grown: bool = False
    answers: int = 0  # answers received for this article in this call (the first included)
    phase: str = "first"  # first request, "grow" (truncation retry) or "reask"
    sent_messages: int = 0  # messages in the last request sent
    last_prompt_tokens: int = 0


class MalformedResponseError(Exception):
    """The server answered 200 with a body that is not JSON (a truncated or mangled reply)."""


def is_transient(exc: BaseException) -> bool:
    """Timeouts, dropped connections, mangled bodies, 429s and 5xx that do not say the request
    itself is invalid are worth retrying."""
    return isinstance(exc, MalformedResponseError) or classify(exc) == "transient"


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


class BackoffHonouringRetryAfter:
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


def truncated(response: Any, budget: int) -> bool:
    """Cut at the budget, whatever finish_reason claims: llama-cpp-python reports a cut tool
    call as "tool_calls", so the completion token count decides too."""
    try:
        finish = response.choices[0].finish_reason
    except (AttributeError, IndexError, TypeError):
        finish = None
    if finish == "length":
        return True
    usage = getattr(response, "usage", None)
    used = getattr(usage, "completion_tokens", None)
    return isinstance(used, int) and budget > 0 and used >= budget


def ends_open(text: str) -> bool:
    """Whether JSON text stops inside a string, object or array: a cut answer, not a wrong one.

    llama-cpp-python shortens max_tokens to what is left of its context without a word, so a
    re-ask whose prompt filled the window came back cut after 559 of 1,536 tokens, reported as
    a finished tool call (issue 16); only the text shows it.
    """
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return False
    depth = 0
    in_string = escaped = False
    for char in stripped:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return False  # a complete value (anything after it is another problem)
    return True


def cut_short(response: Any, budget: int, mode: str) -> bool:
    """Cut at the budget (whatever finish_reason says), or JSON left open by a server that did
    not say it stopped on its own (a model that ends mid-JSON of its own accord wrote a wrong
    answer, which is re-asked)."""
    if truncated(response, budget):
        return True
    choices = getattr(response, "choices", None) or [None]
    finish = getattr(choices[0], "finish_reason", None)
    return mode != "md_json" and finish != "stop" and ends_open(raw_text(response))


def stopped_early(response: Any, budget: int) -> int | None:
    """For a cut answer shorter than its budget, the context window it implies: the server
    ran out of context (llama-cpp-python shortens max_tokens to what is left of its window
    without a word), and prompt + answer tokens is that window. None: cut at the budget."""
    usage = getattr(response, "usage", None)
    used = int(getattr(usage, "completion_tokens", 0) or 0)
    prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
    if not used or not prompt or used >= budget or prompt + used < 512:
        return None
    return prompt + used


def last_validation_error(messages: list[dict[str, Any]]) -> str:
    """The validation error text instructor appended for a re-ask (the last message)."""
    for message in reversed(messages):
        content = message.get("content")
        if isinstance(content, str) and content.strip():
            return content
    return ""


_FIELD_LINE = re.compile(r"^[A-Za-z_][\w.]*$")


def fields_of(problem: str) -> list[str]:
    """Field paths a pydantic error text names: its unindented lines that are a bare path."""
    found = [line for line in problem.splitlines() if _FIELD_LINE.match(line)]
    return list(dict.fromkeys(found))


def status_message(exc: openai.APIStatusError) -> str:
    """A short message for an HTTP error; the body may echo input, never a key."""
    if exc.status_code == 401:
        return "the server rejected the API key (401)"
    text = " ".join(error_text(exc).split())
    if exc.status_code == 404:
        return f"model or endpoint not found (404): {text[:200]}; check --model and --base-url"
    return f"HTTP {exc.status_code}: {text[:300]}"
