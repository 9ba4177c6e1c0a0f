"""The backend interface and the instructor plumbing every backend shares."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

import instructor
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, ValidationError

from .. import events
from ..errors import BackendError, GroundingError
from ..schemas.answers import validation_context
from . import instructor_checks

# Context assumed when neither the settings nor the backend know better.
DEFAULT_CONTEXT_TOKENS = 8192


@dataclass
class GenerationRequest:
    """One structured call: messages in, an instance of `response_model` out."""

    messages: list[dict[str, str]]
    response_model: type[BaseModel]
    # Handed to the answer model's validators (the GroundingContext lives under "grounding").
    context: dict[str, Any]
    max_attempts: int = 3
    max_tokens: int = 512
    article_id: str | None = None
    # The context window the article was cut to fit; a backend that learns its window is
    # smaller raises ContextWindowExceeded and the pipeline cuts again.
    context_tokens: int | None = None
    # What earlier attempts at this answer already spent (a Batch API line being repaired):
    # the call's counts go on from it, so provenance and error rows tell the whole cost.
    prior: CallLog | None = None


@dataclass
class Generation:
    """A validated answer and what it cost."""

    value: BaseModel
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 1
    transient_retries: int = 0
    raw_output: str = ""
    # How a server was asked for JSON (json_schema, tools, ...; "_strict" when enforced).
    structured_output_mode: str | None = None


@runtime_checkable
class Backend(Protocol):
    """A model that returns validated answers: everything the pipeline uses of a backend.

    `name` and `model` go into provenance; `context_tokens` and `count_tokens` size the
    article to the model's window; `aclose` releases connections of the running event loop.
    """

    name: str
    model: str

    @property
    def context_tokens(self) -> int:
        """The model's context window in tokens."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens `text` costs in a prompt (exact, or a safe over-estimate)."""
        ...

    async def generate(self, request: GenerationRequest) -> Generation:
        """Return a validated instance of request.response_model, or raise a SummarizerError."""
        ...

    async def aclose(self) -> None:
        """Release what the backend holds for the running event loop."""
        ...


class BaseBackend:
    """Defaults for the parts of the interface a backend may not need to specialise."""

    name: str = "base"
    model: str = ""

    @property
    def context_tokens(self) -> int:
        """The default window; backends that know theirs override this."""
        return DEFAULT_CONTEXT_TOKENS

    def count_tokens(self, text: str) -> int:
        """A conservative estimate for English; other scripts err on the safe side."""
        return len(text) // 3 + 1

    async def generate(self, request: GenerationRequest) -> Generation:
        """Subclasses answer requests."""
        raise NotImplementedError

    async def aclose(self) -> None:
        """Nothing to release by default."""


@dataclass
class CallLog:
    """What the raw create function saw across validation attempts (instructor hides it)."""

    calls: int = 0
    transient_retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    last_output: str = ""
    errors: list[str] = field(default_factory=list)

    @classmethod
    def after(cls, prior: CallLog | None) -> CallLog:
        """A log that goes on counting from `prior` (a fresh one without it)."""
        if prior is None:
            return cls()
        return cls(
            calls=prior.calls,
            transient_retries=prior.transient_retries,
            prompt_tokens=prior.prompt_tokens,
            completion_tokens=prior.completion_tokens,
            last_output=prior.last_output,
        )

    def record(self, response: Any) -> None:
        """Count one completed model call: tokens and the raw answer text."""
        self.calls += 1
        usage = getattr(response, "usage", None)
        self.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
        self.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)
        self.last_output = raw_text(response)


def raw_text(response: Any) -> str:
    """The answer text of a chat completion: tool-call arguments or message content."""
    try:
        message = response.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return ""
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return str(calls[0].function.arguments or "")
    return str(getattr(message, "content", "") or "")


def _failed_fields(exc: BaseException) -> list[str]:
    """Field paths named by a pydantic ValidationError (or its cause chain)."""
    seen: list[str] = []
    current: BaseException | None = exc
    while current is not None:
        errors = getattr(current, "errors", None)
        if callable(errors):
            try:
                for err in errors():
                    loc = ".".join(str(p) for p in err.get("loc", ())) or "(answer)"
                    if loc not in seen:
                        seen.append(loc)
            except (TypeError, ValueError, json.JSONDecodeError):
                pass
            if seen:
                return seen
        current = current.__cause__ or current.__context__
    return seen


def _is_validation(exc: BaseException | None) -> bool:
    """Whether an exception is the model's answer failing to parse or validate."""
    return isinstance(exc, (ValidationError, json.JSONDecodeError, ValueError))


def translate_failure(exc: BaseException, log: CallLog, article_id: str | None) -> Exception:
    """Map instructor's exceptions onto ours, with attempts, tokens spent and the last output."""
    error = _translate(exc, log, article_id)
    if isinstance(error, (BackendError, GroundingError)):
        error.prompt_tokens = max(error.prompt_tokens, log.prompt_tokens)
        error.completion_tokens = max(error.completion_tokens, log.completion_tokens)
    return error


def _translate(exc: BaseException, log: CallLog, article_id: str | None) -> Exception:
    """The error of ours that an exception from the instructor call stands for."""
    cause: BaseException | None = exc
    while cause is not None:
        # Our own errors raised inside the create function (a refused request, a truncated
        # answer, a re-ask that cannot fit) pass through as they are.
        if isinstance(cause, (BackendError, GroundingError)):
            cause.article_id = cause.article_id or article_id
            cause.attempts = max(cause.attempts, log.calls + log.transient_retries)
            return cause
        cause = cause.__cause__
    if isinstance(exc, IncompleteOutputException):
        return GroundingError(
            "the model's answer was cut off at max_tokens; raise --max-tokens or use a "
            "model that follows the schema",
            article_id=article_id,
            attempts=log.calls,
            last_raw_output=log.last_output[:4000],
        )
    if isinstance(exc, InstructorRetryException) and not _is_validation(exc.__cause__):
        cause = exc.__cause__ or exc
        return BackendError(
            f"model call failed: {type(cause).__name__}: {cause}"[:500],
            article_id=article_id,
            attempts=log.calls + 1,
        )
    if isinstance(exc, InstructorRetryException):
        fields = _failed_fields(exc)
        detail = str(exc).strip().splitlines()
        first = next((line for line in detail if line and "validation error" not in line), "")
        where = ", ".join(fields[:4]) if fields else "the answer"
        return GroundingError(
            f"no valid, grounded answer after {log.calls} attempt(s); failing field(s): "
            f"{where}" + (f" ({first.strip()[:200]})" if first else ""),
            article_id=article_id,
            attempts=log.calls,
            fields=fields,
            last_raw_output=log.last_output[:4000],
        )
    return BackendError(f"{type(exc).__name__}: {exc}", article_id=article_id, attempts=log.calls)


def instructor_create(create: Callable[..., Any], mode: str) -> Callable[..., Any]:
    """Wrap a raw chat-completion function with instructor (sync or async alike).

    `mode` is an instructor.Mode member name such as "TOOLS" or "JSON_SCHEMA".
    """
    return instructor.patch(create=create, mode=instructor.Mode[mode])


@lru_cache(maxsize=1024)
def instructor_model(response_model: type[BaseModel]) -> type[BaseModel]:
    """The answer model as instructor's ResponseSchema subclass, made once per model class.

    Handed a plain model, instructor derives a new subclass on every call, so its per-class
    schema cache never hits: schema generation and class creation then cost about half of
    the client's CPU per article (measured by benchmarks/batch_overhead.py).
    """
    instructor_checks.install()  # once per process: the per-call model walk, remembered
    wrapped = instructor.openai_schema(response_model)
    # instructor's json_schema and json styles also call model_json_schema() on every request
    # (tools caches it): 5-13 ms per call for our answer models, measured with timeit. The
    # schema of a class never changes, so it is made once; callers get a shallow copy
    # (instructor sets a top-level "description" on what it is handed).
    schema = wrapped.model_json_schema()

    def model_json_schema(cls: type[BaseModel], *args: Any, **kwargs: Any) -> dict[str, Any]:
        return dict(schema) if not (args or kwargs) else wrapped.model_json_schema(*args, **kwargs)

    namespace = {"__module__": wrapped.__module__, "__doc__": wrapped.__doc__,
                 "model_json_schema": classmethod(model_json_schema)}  # fmt: skip
    return type(wrapped.__name__, (wrapped,), namespace)


def _generation(value: Any, log: CallLog) -> Generation:
    return Generation(
        value=value,
        prompt_tokens=log.prompt_tokens,
        completion_tokens=log.completion_tokens,
        attempts=log.calls,
        transient_retries=log.transient_retries,
        raw_output=log.last_output,
    )


def _call_kwargs(request: GenerationRequest) -> dict[str, Any]:
    # No `context=` here: instructor would render the messages (the article!) as Jinja2
    # templates. Validators get the context through answers.validation_context instead.
    return {
        "messages": request.messages,
        "response_model": instructor_model(request.response_model),
        "max_retries": request.max_attempts - 1,  # instructor counts re-asks, not attempts
        "max_tokens": request.max_tokens,
    }


def answer_fields(request: GenerationRequest, raw: str) -> list[str]:
    """The fields of a raw answer that fail validation (what a re-ask is about).

    Instructor keeps the validation error to itself, so the answer the CallLog saw is checked
    again: only on re-asks, which cost a model call each, so the extra validation is noise.
    """
    start, end = raw.find("{"), raw.rfind("}")
    text = raw[start : end + 1] if 0 <= start < end else raw  # fenced (md_json) answers too
    try:
        request.response_model.model_validate_json(text)
    except ValidationError as exc:
        return _failed_fields(exc) or ["(answer)"]
    except ValueError:
        return ["(answer)"]
    return []


def _before_call(log: CallLog, request: GenerationRequest) -> int:
    """The attempt number of the call about to be made; reports the re-ask it stands for."""
    if log.calls:  # an earlier answer was given and instructor asks again: it failed validation
        events.reask(log.calls, answer_fields(request, log.last_output))
    return log.calls + 1


def _watched(
    create: Callable[..., Any], log: CallLog, request: GenerationRequest
) -> Callable[..., Any]:
    """A blocking create reporting each call (span, events) and each re-ask."""

    def watched(**kwargs: Any) -> Any:
        attempt = _before_call(log, request)
        with events.model_call(attempt, max_tokens=kwargs.get("max_tokens")) as call:
            before = (log.prompt_tokens, log.completion_tokens)
            response = create(**kwargs)
            call.done(response, log.prompt_tokens - before[0], log.completion_tokens - before[1])
            return response

    return watched


def _awatched(
    create: Callable[..., Any], log: CallLog, request: GenerationRequest
) -> Callable[..., Any]:
    """The coroutine twin of _watched."""

    async def watched(**kwargs: Any) -> Any:
        attempt = _before_call(log, request)
        with events.model_call(attempt, max_tokens=kwargs.get("max_tokens")) as call:
            before = (log.prompt_tokens, log.completion_tokens)
            response = await create(**kwargs)
            call.done(response, log.prompt_tokens - before[0], log.completion_tokens - before[1])
            return response

    return watched


def structured_call(
    raw_create: Callable[[CallLog], Callable[..., Any]], mode: str, request: GenerationRequest
) -> Generation:
    """Run a blocking create under instructor: validation, re-asks, and our error types."""
    log = CallLog.after(request.prior)
    create = instructor_create(_watched(raw_create(log), log, request), mode)
    try:
        with validation_context(request.context):
            value = create(**_call_kwargs(request))
    except Exception as exc:
        raise translate_failure(exc, log, request.article_id) from exc
    return _generation(value, log)


async def astructured_call(
    raw_create: Callable[[CallLog], Callable[..., Any]], mode: str, request: GenerationRequest
) -> Generation:
    """The async twin of structured_call, for coroutine create functions."""
    log = CallLog.after(request.prior)
    create = instructor_create(_awatched(raw_create(log), log, request), mode)
    try:
        with validation_context(request.context):
            value = await create(**_call_kwargs(request))
    except Exception as exc:
        raise translate_failure(exc, log, request.article_id) from exc
    return _generation(value, log)
