"""OpenTelemetry spans when `opentelemetry-api` is installed (the `otel` extra); no-ops otherwise.

Only the API is used: the application chooses the SDK, exporter and sampler (an unconfigured
API hands out non-recording spans that cost a context switch and nothing else). The import
is lazy and done once, so a plain install never loads it, and attributes are only computed
for spans that record.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

# What OpenTelemetry accepts as an attribute value (None means "leave it out").
AttributeValue = str | bool | int | float | Sequence[str] | Sequence[int] | Sequence[float]

_UNSET: Any = object()
_api: Any = _UNSET  # the opentelemetry.trace module, None when not installed
_tracer: Any = None


def _trace_api() -> Any:
    """opentelemetry.trace, imported on first use; None when opentelemetry is not installed."""
    global _api
    if _api is _UNSET:
        try:
            from opentelemetry import trace  # an optional dependency: imported lazily
        except ImportError:
            _api = None
        else:
            _api = trace
    return _api


def available() -> bool:
    """Whether opentelemetry-api is installed."""
    return _trace_api() is not None


def enabled() -> bool:
    """Whether spans can record: the API is installed and the application set a provider.

    Until then every span would be a non-recording one with no recording parent, so none is
    made at all (about 20 µs of CPU per article saved; benchmarks/events_overhead.py).
    """
    api = _trace_api()
    return api is not None and not isinstance(api.get_tracer_provider(), api.ProxyTracerProvider)


def _clean(attributes: Mapping[str, AttributeValue | None] | None) -> dict[str, AttributeValue]:
    return {k: v for k, v in (attributes or {}).items() if v is not None}


class SpanHandle:
    """A span, or nothing: every method is a no-op on the handle of a span that does not record."""

    __slots__ = ("_span",)

    def __init__(self, span: Any = None) -> None:
        self._span = span if span is not None and span.is_recording() else None

    @property
    def recording(self) -> bool:
        """Whether anything set on this span goes anywhere (compute costly attributes only then)."""
        return self._span is not None

    def set(self, attributes: Mapping[str, AttributeValue | None]) -> None:
        """Set attributes; None values are left out."""
        if self._span is not None:
            self._span.set_attributes(_clean(attributes))

    def add_event(self, name: str, attributes: Mapping[str, AttributeValue | None]) -> None:
        """A timestamped event on the span (a retry, a re-ask, a cache hit)."""
        if self._span is not None:
            self._span.add_event(name, _clean(attributes))

    def fail(self, error_type: str, description: str) -> None:
        """Mark the span failed, with OpenTelemetry's `error.type` attribute.

        The description must already be redacted: exceptions are not recorded whole, since
        their messages may quote a server's error body.
        """
        if self._span is not None:
            api = _trace_api()
            self._span.set_attribute("error.type", error_type)
            self._span.set_status(api.Status(api.StatusCode.ERROR, description[:500]))


NOOP = SpanHandle()


@contextmanager
def span(
    name: str,
    *,
    client: bool = False,
    attributes: Mapping[str, AttributeValue | None] | None = None,
) -> Iterator[SpanHandle]:
    """A span made current for the block (so spans opened inside become its children)."""
    global _tracer
    if not enabled():
        yield NOOP
        return
    api = _trace_api()
    if _tracer is None:
        # A ProxyTracer until the application sets a provider, then the provider's own.
        _tracer = api.get_tracer("summarizer")
    kind = api.SpanKind.CLIENT if client else api.SpanKind.INTERNAL
    with _tracer.start_as_current_span(
        name,
        kind=kind,
        attributes=_clean(attributes),
        record_exception=False,
        set_status_on_exception=False,
    ) as current:
        yield SpanHandle(current)
