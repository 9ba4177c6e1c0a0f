"""`run_eval`: run the fixtures through the batch runner (with its cache), score, report, gate."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..api import Summarizer
from ..batch import Analyzer, BatchItem, asummarize_many
from ..cache import DiskCache, default_cache_dir
from ..config import Settings
from ..errors import InputError
from ..schemas import SCHEMA_VERSION
from .baselines import LEAD3_SOURCE, lead3, majority_stance
from .fixtures import LoadedFixture, fixture_set_hash, load_fixtures
from .gate import (
    GateResult,
    check_baseline,
    check_fail_under,
    load_baseline,
    make_baseline,
    parse_fail_under,
)
from .gate import write_baseline as write_baseline_file
from .keyfacts import FactMatcher, default_matcher, units_of
from .metrics import summary_units
from .report import render_summary, write_reports
from .scoring import Outcome, aggregate, score_fixture

BATCH_FILE = "batch.jsonl"


@dataclass
class EvalReport:
    """A finished eval: the report data, where it was written, and the gates that failed."""

    data: dict[str, Any]
    out: Path
    failed_gates: list[str] = field(default_factory=list)

    @property
    def metrics(self) -> dict[str, float | None]:
        """The flat metrics mapping."""
        metrics: dict[str, float | None] = self.data["metrics"]
        return metrics

    def render_summary(self) -> str:
        """A short plain-text summary for the terminal."""
        return render_summary(self.data, self.out)


def _make_summarizer(settings: Settings) -> Analyzer:
    """A pipeline that reads and writes the response cache, as `summarizer batch` does."""
    cache = DiskCache(settings.cache_dir or default_cache_dir())
    settings = settings.model_copy(update={"cache_dir": cache.path})
    return Summarizer(settings, cache=cache).pipeline


async def _collect(
    summarizer: Analyzer, fixtures: Sequence[LoadedFixture], batch_path: Path
) -> dict[str, Outcome]:
    """Run every fixture article through the batch runner; write each row as it finishes."""
    outcomes: dict[str, Outcome] = {}
    articles = []
    max_chars = summarizer.settings.max_input_chars
    for item in fixtures:
        try:
            articles.append(item.to_article(max_chars=max_chars))
        except InputError as exc:  # an unusable fixture is an error row, like in a batch
            outcomes[item.id] = Outcome(item.id, "error", error=exc.to_dict())
    with batch_path.open("w", encoding="utf-8") as handle:
        for outcome in outcomes.values():
            handle.write(_error_row_json(outcome.id, outcome.error) + "\n")
        # A full local run takes minutes: show rows as they finish, on a terminal only.
        show = sys.stderr.isatty()
        async for row in asummarize_many(summarizer, articles):
            handle.write(row.model_dump_json() + "\n")
            handle.flush()
            outcomes[row.id] = _outcome(row)
            if show:
                print(
                    f"  [{len(outcomes)}/{len(fixtures)}] {row.id}: {row.status}", file=sys.stderr
                )
    return outcomes


def _error_row_json(row_id: str, error: dict[str, Any] | None) -> str:
    """A batch-format JSONL error row for an article that never reached the runner."""
    return BatchItem(id=row_id, status="error", error=error).model_dump_json()


def _outcome(row: BatchItem) -> Outcome:
    """An Outcome from a batch row."""
    return Outcome(row.id, row.status, record=row.result, error=row.error)


def _texts_to_match(fixtures: Sequence[LoadedFixture], outcomes: Iterable[Outcome]) -> list[str]:
    """Every key fact, Lead-3 sentence and summary unit the scorer will compare."""
    texts = [fact for item in fixtures for fact in item.fixture.key_facts]
    texts += [unit for item in fixtures for unit in lead3(item.text)[0]]
    for outcome in outcomes:
        if outcome.record is not None:
            texts += units_of(summary_units(outcome.record))
    return texts


def run_eval(
    fixtures: Path,
    settings: Settings,
    out: Path,
    *,
    baseline: Path | None,
    gates: list[str],
    write_baseline: Path | None = None,
    summarizer: Analyzer | None = None,
    matcher: FactMatcher | None = None,
) -> EvalReport:
    """Score a backend and prompt version against the fixtures; write report.{json,md,html}.

    The articles go through the batch runner and its response cache (so a rerun with nothing
    changed costs no model calls), the batch rows are kept in `out/batch.jsonl`, and the
    gates (`gates` as METRIC=VALUE floors, and the baseline file when given) decide
    `failed_gates`. `write_baseline` (a path) records this run there as the new baseline.
    """
    parse_fail_under(gates)  # refuse a malformed gate before spending any model time
    baseline_file = load_baseline(baseline) if baseline is not None else None
    loaded = load_fixtures(fixtures)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    summarizer = summarizer or _make_summarizer(settings)
    fingerprint = {k: str(v) for k, v in summarizer.fingerprint().items()}
    fingerprint.setdefault("schema_version", SCHEMA_VERSION)
    outcomes = asyncio.run(_collect(summarizer, loaded, out / BATCH_FILE))
    matcher = matcher or default_matcher()
    matcher.warm(_texts_to_match(loaded, outcomes.values()))
    scores = [
        score_fixture(item, outcomes.get(item.id, Outcome(item.id, "missing")), matcher)
        for item in loaded
    ]
    metrics, tables = aggregate(scores, majority_stance(loaded))
    run = {
        "created_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "fingerprint": fingerprint,
        "settings": summarizer.settings.public_dict(),
        "fixtures_dir": str(fixtures),
        "fixture_set_hash": fixture_set_hash(loaded),
        "n_fixtures": len(loaded),
        "key_fact_method": matcher.name,
        "lead3_source": LEAD3_SOURCE,
        "duration_s": round(time.perf_counter() - started, 1),
        "batch_file": BATCH_FILE,
    }
    results: list[GateResult] = check_fail_under(metrics, gates)
    if baseline_file is not None and baseline is not None:
        results += check_baseline(run, metrics, baseline_file, baseline)
    data: dict[str, Any] = {
        "run": run,
        "metrics": metrics,
        **tables,
        "gates": [g.to_dict() for g in results],
        "failed_gates": [f"{g.name}: {g.message}" for g in results if not g.ok],
        "baseline": None
        if baseline_file is None
        else {"path": str(baseline), "metrics": baseline_file.metrics},
        "fixtures": [s.to_dict() for s in scores],
    }
    write_reports(data, out)
    if write_baseline is not None:
        write_baseline_file(make_baseline(run, metrics, write_baseline), write_baseline)
    return EvalReport(data=data, out=out, failed_gates=data["failed_gates"])
