"""What happens to each article, as typed events: one emitter feeds the log, hooks and spans.

An `Event` is what a log line, a hook call (`Summarizer(on_event=...)`) and a span event are
made from, so the three never disagree. The pipeline opens an *article scope* around each
article (a span, and the started / cache_hit / finished / failed events); the backends open
a *model-call scope* around each request to the model (a child span with the OpenTelemetry
GenAI attributes, transient retries as span events). The scopes live in context variables,
so a backend reports into the right article without being handed anything, across
`asyncio` tasks and `asyncio.to_thread` alike.

Event names: article.started, article.cache_hit, article.finished, article.failed;
model.call, model.retry, model.reask; resume.scan, resume.skipped, resume.redo;
batch.started, batch.finished; worker.started, worker.exited; url.fetched.
Every row a batch writes has exactly one article.finished or article.failed event.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from . import tracing
from .errors import SummarizerError, redact
from .logs import LOGGER_NAME, iso_time
from .schemas import ArticleAnalysis

# Fields of Event that are not event-specific data; they lead every JSON line in this order.
CORE_FIELDS = ("article_id", "attempt", "backend", "model", "latency_ms", "error_type")
# The value of OpenTelemetry's gen_ai.system for each backend name.
_GEN_AI_SYSTEM = {"openai": "openai", "local": "llama_cpp"}
_ROOT_LOGGER = logging.getLogger(LOGGER_NAME)
_AREA_LOGGERS: dict[str, logging.Logger] = {}


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened: `name` says what (see the module docstring), `message` says it
    in words, the typed fields say it for machines, `data` holds the event's own details
    (wait_s for a retry, fields for a re-ask, url and status for a fetch, ...)."""

    name: str
    level: int
    message: str
    time: float
    article_id: str | None = None
    attempt: int | None = None
    backend: str | None = None
    model: str | None = None
    latency_ms: int | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    error_type: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def level_name(self) -> str:
        """debug, info, warning or error."""
        return logging.getLevelName(self.level).lower()

    @property
    def tokens(self) -> dict[str, int] | None:
        """{"prompt": n, "completion": m} when the event carries token counts."""
        if self.prompt_tokens is None and self.completion_tokens is None:
            return None
        return {"prompt": self.prompt_tokens or 0, "completion": self.completion_tokens or 0}

    def to_dict(self) -> dict[str, Any]:
        """The JSON log object: time, level, event, the typed fields that are set, message,
        then the event's own data."""
        out: dict[str, Any] = {
            "time": iso_time(self.time),
            "level": self.level_name,
            "event": self.name,
        }
        for name in CORE_FIELDS:
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.tokens is not None:
            out["tokens"] = self.tokens
        out["message"] = self.message
        for key, value in self.data.items():
            out.setdefault(key, value)
        return out

    def to_wire(self) -> dict[str, Any]:
        """Every field as JSON data (worker processes send their events to the parent)."""
        return {**asdict(self), "data": dict(self.data)}

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> Event:
        """Inverse of to_wire."""
        return cls(**{**data, "data": dict(data.get("data") or {})})


EventHook = Callable[[Event], None]


def _clean(value: Any) -> Any:
    """Redact strings (also inside lists) before an event leaves the process."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


class Emitter:
    """Delivers events to the `summarizer.<area>` loggers and to hooks.

    Hooks are called synchronously in the thread where the event happens (the event loop, the
    input reader, the page fetcher), so they must be quick and thread-safe (appending to a
    list is). A hook that raises is reported once, at warning level, and never fails an
    article. Nothing is built for an event nobody listens to.
    """

    def __init__(
        self,
        hooks: Iterable[EventHook] = (),
        *,
        log: bool = True,
        min_level: int = logging.NOTSET,
        backend: str | None = None,
        model: str | None = None,
        server_url: str | None = None,
    ) -> None:
        self.hooks = list(hooks)
        self.log = log
        self.min_level = min_level
        self.backend = backend
        self.model = model
        self.server_url = server_url
        self._broken: set[int] = set()
        self._lock = threading.Lock()

    def bind(self, *, backend: str, model: str, server_url: str | None) -> None:
        """Name the backend and model every event of this emitter reports."""
        self.backend, self.model, self.server_url = backend, model, server_url

    def listening(self, level: int) -> bool:
        """Whether an event at `level` would reach anyone."""
        if level < self.min_level:
            return False
        return bool(self.hooks) or (self.log and _ROOT_LOGGER.isEnabledFor(level))

    def threshold(self) -> int:
        """The lowest level anyone listens to (what a worker process must forward)."""
        if self.hooks:
            return max(self.min_level, logging.DEBUG)
        if self.log:
            return max(self.min_level, _ROOT_LOGGER.getEffectiveLevel())
        return logging.CRITICAL + 1

    def emit(
        self, name: str, message: str = "", *, level: int = logging.INFO, **fields: Any
    ) -> Event | None:
        """Build and deliver one event; returns None when nobody listens at that level.

        Keyword fields named like Event's fields fill them; any others go into `data`.
        """
        if not self.listening(level):
            return None
        core: dict[str, Any] = {"backend": self.backend, "model": self.model}
        data: dict[str, Any] = {}
        for key, value in fields.items():
            if key in _EVENT_FIELDS:
                core[key] = value
            elif value is not None:
                data[key] = _clean(value)
        event = Event(
            name=name, level=level, message=redact(message), time=time.time(), data=data, **core
        )
        self.deliver(event)
        return event

    def deliver(self, event: Event) -> None:
        """Log an event and hand it to the hooks (also used to relay a worker's events)."""
        if event.level < self.min_level:
            return
        if self.log:
            area = event.name.partition(".")[0]
            logger = _AREA_LOGGERS.get(area)
            if logger is None:
                logger = _AREA_LOGGERS[area] = logging.getLogger(f"{LOGGER_NAME}.{area}")
            if logger.isEnabledFor(event.level):
                logger.log(event.level, event.message, extra={"summarizer_event": event})
        for hook in self.hooks:
            try:
                hook(event)
            except Exception as exc:
                self._hook_failed(hook, exc)

    def _hook_failed(self, hook: EventHook, exc: Exception) -> None:
        with self._lock:
            if id(hook) in self._broken:
                return
            self._broken.add(id(hook))
        logging.getLogger(f"{LOGGER_NAME}.hooks").warning(
            "event hook %r raised %s: %s; its later errors are not reported",
            getattr(hook, "__qualname__", hook),
            type(exc).__name__,
            redact(str(exc))[:300],
        )


_EVENT_FIELDS = frozenset(
    {"article_id", "attempt", "backend", "model", "latency_ms", "prompt_tokens",
     "completion_tokens", "error_type"}
)  # fmt: skip

# Events outside any article (a backend used on its own) are logged, never lost.
DEFAULT = Emitter()


# ---------------------------------------------------------------------------- article scope


@dataclass
class _Article:
    emitter: Emitter
    article_id: str
    span: tracing.SpanHandle


_ARTICLE: contextvars.ContextVar[_Article | None] = contextvars.ContextVar(
    "summarizer_article", default=None
)
_CALL: contextvars.ContextVar[tracing.SpanHandle | None] = contextvars.ContextVar(
    "summarizer_model_call", default=None
)


def _server(url: str | None) -> tuple[str | None, int | None]:
    if not url:
        return None, None
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.hostname, port


def _gen_ai_attributes(emitter: Emitter) -> dict[str, tracing.AttributeValue | None]:
    address, port = _server(emitter.server_url)
    system = _GEN_AI_SYSTEM.get(emitter.backend or "", emitter.backend or "unknown")
    return {
        "gen_ai.system": system,
        "gen_ai.provider.name": system,  # the newer name of the same attribute
        "gen_ai.request.model": emitter.model,
        "server.address": address,
        "server.port": port,
    }


class ArticleScope:
    """One article in progress: report a cache hit and the finished record through it."""

    def __init__(self, state: _Article, started: float) -> None:
        self._state = state
        self._started = started
        self.done = False

    @property
    def elapsed_ms(self) -> int:
        """Milliseconds since the article started."""
        return int((time.perf_counter() - self._started) * 1000)

    def cache_hit(self) -> None:
        """The record came from the response cache: no model call."""
        self._state.span.add_event("summarizer.cache_hit", {})
        self._state.emitter.emit(
            "article.cache_hit", "answer served from the cache", article_id=self._state.article_id
        )

    def finished(self, record: ArticleAnalysis) -> None:
        """The article has its record."""
        self.done = True
        p = record.provenance
        flags = len(record.quality.flags)
        span = self._state.span
        if span.recording:
            span.set(
                {
                    "summarizer.attempts": p.attempts,
                    "summarizer.transient_retries": p.transient_retries,
                    "summarizer.flags": flags,
                    "summarizer.quality_score": record.quality.score,
                    "summarizer.article_type": record.article_type.value,
                    "summarizer.cached": p.cached,
                    "summarizer.usage.prompt_tokens": p.prompt_tokens,
                    "summarizer.usage.completion_tokens": p.completion_tokens,
                }
            )
        how = "from the cache" if p.cached else f"in {p.attempts} attempt(s)"
        self._state.emitter.emit(
            "article.finished",
            f"done {how}: {flags} flag(s), quality {record.quality.score}",
            article_id=self._state.article_id,
            attempt=p.attempts,
            latency_ms=self.elapsed_ms,
            prompt_tokens=p.prompt_tokens,
            completion_tokens=p.completion_tokens,
            cached=p.cached,
            transient_retries=p.transient_retries,
            flags=flags,
            quality_score=record.quality.score,
        )

    def failed(self, exc: BaseException, level: int) -> None:
        """The article ends without a record."""
        self.done = True
        info = error_info(exc)
        self._state.span.set({"summarizer.attempts": info["attempts"]})
        self._state.span.fail(info["type"], redact(info["message"]))
        self._state.emitter.emit(
            "article.failed",
            f"{info['type']}: {info['message']}",
            level=level,
            article_id=self._state.article_id,
            attempt=info["attempts"],
            latency_ms=self.elapsed_ms,
            prompt_tokens=info["prompt_tokens"],
            completion_tokens=info["completion_tokens"],
            error_type=info["type"],
        )


def error_info(exc: BaseException) -> dict[str, Any]:
    """type, message, attempts and tokens of an exception, as a batch error row has them."""
    if isinstance(exc, SummarizerError):
        data = exc.to_dict()
        return {
            "type": str(data.get("type")),
            "message": exc.message,
            "attempts": int(str(data.get("attempts") or 0)),
            "prompt_tokens": data.get("prompt_tokens"),
            "completion_tokens": data.get("completion_tokens"),
        }
    return {
        "type": "internal_error",
        "message": f"{type(exc).__name__}: {exc}",
        "attempts": 0,
        "prompt_tokens": None,
        "completion_tokens": None,
    }


@contextmanager
def article_scope(
    emitter: Emitter, article_id: str, *, failure_level: int = logging.WARNING
) -> Iterator[ArticleScope]:
    """Span and events around one article; an exception leaving the block is article.failed."""
    attributes = None
    if tracing.enabled():
        attributes = {**_gen_ai_attributes(emitter), "summarizer.article_id": article_id}
    with tracing.span("summarizer.article", attributes=attributes) as span:
        state = _Article(emitter, article_id, span)
        token = _ARTICLE.set(state)
        scope = ArticleScope(state, time.perf_counter())
        try:
            emitter.emit("article.started", "started", level=logging.DEBUG, article_id=article_id)
            yield scope
        except Exception as exc:
            scope.failed(exc, failure_level)
            raise
        finally:
            _ARTICLE.reset(token)


# ------------------------------------------------------------------------- model-call scope


class CallScope:
    """One request to the model: report its response through `done`."""

    def __init__(self, state: _Article | None, span: tracing.SpanHandle, attempt: int) -> None:
        self._state = state
        self._span = span
        self._attempt = attempt
        self._started = time.perf_counter()

    def done(self, response: Any, prompt_tokens: int, completion_tokens: int) -> None:
        """The response arrived (valid or not: validation comes after)."""
        if self._span.recording:
            choices = getattr(response, "choices", None) or []
            reasons = [str(c.finish_reason) for c in choices if getattr(c, "finish_reason", None)]
            self._span.set(
                {
                    "gen_ai.response.model": getattr(response, "model", None),
                    "gen_ai.response.id": getattr(response, "id", None),
                    "gen_ai.response.finish_reasons": reasons or None,
                    "gen_ai.usage.input_tokens": prompt_tokens,
                    "gen_ai.usage.output_tokens": completion_tokens,
                }
            )
        emitter = self._state.emitter if self._state else DEFAULT
        emitter.emit(
            "model.call",
            "model answered",
            level=logging.DEBUG,
            article_id=self._state.article_id if self._state else None,
            attempt=self._attempt,
            latency_ms=int((time.perf_counter() - self._started) * 1000),
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
        )


@contextmanager
def model_call(
    attempt: int, *, max_tokens: int | None = None, temperature: float | None = None
) -> Iterator[CallScope]:
    """A client span per request to the model, named and attributed per the GenAI conventions."""
    state = _ARTICLE.get()
    emitter = state.emitter if state else DEFAULT
    attributes = None
    if tracing.enabled():
        attributes = {
            **_gen_ai_attributes(emitter),
            "gen_ai.operation.name": "chat",
            "gen_ai.request.max_tokens": max_tokens,
            "gen_ai.request.temperature": temperature,
            "summarizer.article_id": state.article_id if state else None,
            "summarizer.attempt": attempt,
        }
    name = f"chat {emitter.model or ''}".strip()  # "{operation} {model}", per the conventions
    with tracing.span(name, client=True, attributes=attributes) as s:
        token = _CALL.set(s)
        try:
            yield CallScope(state, s, attempt)
        except Exception as exc:
            info = error_info(exc)
            s.fail(info["type"], redact(info["message"]))
            raise
        finally:
            _CALL.reset(token)


def transient_retry(attempt: int, wait_s: float, error: BaseException | None) -> None:
    """A timeout, dropped connection, 429 or 5xx: the same request goes again after `wait_s`."""
    state = _ARTICLE.get()
    emitter = state.emitter if state else DEFAULT
    status = getattr(error, "status_code", None)
    kind = type(error).__name__ if error is not None else "error"
    call = _CALL.get() or tracing.NOOP
    call.add_event(
        "summarizer.retry",
        {"summarizer.attempt": attempt, "summarizer.wait_s": wait_s, "error.type": kind,
         "http.response.status_code": status},
    )  # fmt: skip
    what = f"HTTP {status}" if status else kind
    emitter.emit(
        "model.retry",
        f"{what}; retrying in {wait_s:.2f} s",
        article_id=state.article_id if state else None,
        attempt=attempt,
        error_type=kind,
        wait_s=round(wait_s, 3),
        status_code=status,
    )


def reask(attempt: int, fields: list[str]) -> None:
    """The answer of `attempt` failed validation on `fields`; the model is asked again."""
    state = _ARTICLE.get()
    emitter = state.emitter if state else DEFAULT
    if state is not None:
        state.span.add_event(
            "summarizer.reask", {"summarizer.attempt": attempt, "summarizer.fields": fields}
        )
    emitter.emit(
        "model.reask",
        f"answer failed validation on {', '.join(fields) or 'the answer'}; asking again",
        article_id=state.article_id if state else None,
        attempt=attempt,
        error_type="validation",
        fields=fields,
    )
