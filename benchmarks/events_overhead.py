"""CPU cost per article of the observability layer (events, log lines, spans), measured alone.

    .venv/bin/python benchmarks/events_overhead.py [--articles 20000] [--rounds 5]

Each "article" goes through exactly what the pipeline and backend add per article: an
article scope (started event, span), one model-call scope (span, model.call event), the
finished event with a record's figures. Measured as process CPU time per article, best of
`--rounds`, in four set-ups: nobody listening (the library default: NullHandler, no hooks,
no tracer provider), a hook collecting events, JSON log lines at info written to /dev/null,
and OpenTelemetry's SDK recording spans into an in-memory exporter. Compare with the
batch path's per-article overhead (README, "Batch": about 2 ms on this machine).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarizer import tracing  # noqa: E402
from summarizer.events import Emitter, article_scope, model_call  # noqa: E402
from summarizer.logs import configure_logging  # noqa: E402
from summarizer.schemas import (  # noqa: E402
    ArticleAnalysis,
    ArticleType,
    KeyPoint,
    Provenance,
    Quality,
    Summary,
)

RECORD = ArticleAnalysis(
    id="a",
    summary=Summary(headline="H", text="T.", key_points=[KeyPoint(text="k", evidence=[0])]),
    article_type=ArticleType.news_report,
    quality=Quality(score=100, flags=[], clean_text="T."),
    provenance=Provenance(
        backend="openai", model="m", mode="abstractive", prompt_name="p", prompt_version="p@1",
        summarizer_version="0", input_sha256="0", prompt_tokens=100, completion_tokens=20,
        attempts=1, transient_retries=0, latency_ms=1,
    ),
)  # fmt: skip


class _Response:
    model = "m"
    id = "x"
    choices: tuple[Any, ...] = ()


def one_article(emitter: Emitter, number: int) -> None:
    with article_scope(emitter, f"a{number}") as scope:
        with model_call(1, max_tokens=640) as call:
            call.done(_Response(), 100, 20)
        scope.finished(RECORD)


def measure(emitter: Emitter, articles: int, rounds: int) -> float:
    """Best-of-rounds CPU microseconds per article."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for i in range(articles):
            one_article(emitter, i)
        best = min(best, time.process_time() - start)
    return best / articles * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setups: list[tuple[str, Callable[[], Emitter]]] = []
    collected: list[Any] = []

    def quiet() -> Emitter:
        return Emitter(backend="openai", model="m")

    def hooked() -> Emitter:
        collected.clear()
        return Emitter([collected.append], backend="openai", model="m")

    def json_logs() -> Emitter:
        configure_logging("info", json=True, stream=open(os.devnull, "w"))  # noqa: SIM115
        return Emitter(backend="openai", model="m")

    setups = [("nobody listening (library default)", quiet), ("a hook collecting events", hooked),
              ("JSON log lines at info, to /dev/null", json_logs)]  # fmt: skip
    rows = []
    for name, make in setups:
        rows.append((name, measure(make(), args.articles, args.rounds)))
    logging.getLogger("summarizer").setLevel(logging.WARNING)
    try:
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    except ImportError:
        rows.append(("OpenTelemetry SDK recording spans", float("nan")))
    else:
        provider = TracerProvider()
        exporter = InMemorySpanExporter()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        tracing._tracer = None  # pick up the provider
        rows.append(("OpenTelemetry SDK recording spans", measure(quiet(), args.articles // 4,
                                                                  args.rounds)))  # fmt: skip
    print(f"articles per round: {args.articles:,}, rounds: {args.rounds} (best round counts)")
    print("| set-up | CPU µs per article |")
    print("|---|---:|")
    for name, micros in rows:
        print(f"| {name} | {micros:.1f} |")


if __name__ == "__main__":
    main()
