"""Regression gates: `--fail-under METRIC=VALUE` floors, and comparison with a committed baseline.

A baseline file (JSON, one per backend, in evals/baselines/) holds the fingerprint of the run
it came from, the fixture-set hash, the metrics, and for each gated metric a tolerance with
its direction and the reason for its size. A run fails the baseline gate when

- the fixture set changed (hash differs): the labels moved, so the numbers are not comparable
  and the baseline must be renewed in the same change;
- it ran another backend or model than the baseline's;
- a gated metric got worse than baseline by more than its tolerance (for "higher is better":
  value < baseline - tolerance; for "lower is better": value > baseline + tolerance).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import ConfigError

Direction = Literal["higher", "lower"]
BASELINE_FORMAT = 1
_ROUNDING = 5e-5  # half the last stored decimal of a baseline metric
RENEW_COMMAND = "summarizer eval --backend {backend} --out eval-out --write-baseline {path}"

# Metrics where a smaller number is better; every other rate is "higher is better".
_LOWER_PREFIXES = ("error_rate", "run.")
_LOWER_NAMES = frozenset(
    {
        "summary.leakage_rate",
        "summary.leaked_strings",
        "flags.body_false_alarms",
        "baseline.lead3.leakage_rate",
    }
)
# Counts that are reported but are not quality metrics (an unlabelled stance is not wrong).
_NOT_GATEABLE = frozenset({"n_fixtures", "n_scored", "stances.extra", "stances.confident"})

# The gated metrics and their tolerances. The fixture set is small (24 articles, ~120 key
# facts, ~80 labelled stances), so one article moves a per-fixture rate by ~4 points and one
# stance label moves stance accuracy by ~2 points. Tolerances are sized to let one such step
# through (the local model is deterministic, so that step only comes from real changes in
# prompts, detectors or code) and to catch anything larger.
DEFAULT_TOLERANCES: dict[str, tuple[float, str]] = {
    "schema_valid_rate": (0.05, "one fixture of 24 is 0.042"),
    "error_rate": (0.05, "one fixture of 24 is 0.042"),
    "article_type_accuracy": (0.05, "one fixture of 24 is 0.042; rules, or a model's guess"),
    "flags.precision": (0.05, "rule detectors are deterministic; ~100 labels"),
    "flags.recall": (0.05, "rule detectors are deterministic; ~100 labels"),
    "flags.f1": (0.05, "rule detectors are deterministic; ~100 labels"),
    "flags.clean_body_rate": (0.05, "one fixture of 24 is 0.042"),
    "stances.accuracy": (0.05, "~50 matched pairs: one label is 2 points"),
    "stances.macro_f1": (0.10, "macro-F1 over rare labels (mixed, not_mentioned) swings widely"),
    "stances.coverage": (0.10, "~80 expected pairs; the actor rules abstain below a threshold"),
    "stances.accuracy_all": (0.05, "~80 expected pairs: one label is ~1 point"),
    "stances.precision": (0.05, "~60 matched pairs: a wrong stance costs more than a missing one"),
    "stances.precision_actors": (0.10, "~20 matched actor pairs: one label is ~5 points"),
    "summary.key_fact_recall": (0.05, "~120 facts: one article's 5 facts are ~4 points"),
    "summary.key_fact_recall_lexical": (0.05, "~120 facts: one article's 5 facts are ~4 points"),
    "summary.leakage_rate": (0.0, "a new leak of a forbidden string is never acceptable"),
    "summary.grounding_rate": (0.02, "citations are validated in the pipeline; should stay ~1.0"),
    "source.all_fields": (0.03, "~100 labelled fields; deterministic extractors"),
}


def direction(metric: str) -> Direction | None:
    """Which way is better for a metric; None for counts that are not quality measures."""
    if metric in _NOT_GATEABLE:
        return None
    if metric in _LOWER_NAMES or metric.startswith(_LOWER_PREFIXES):
        return "lower"
    return "higher"


@dataclass(frozen=True)
class GateResult:
    """One gate: its name, whether it passed, and a sentence saying why."""

    name: str
    ok: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"name": self.name, "ok": self.ok, "message": self.message}


# ---------------------------------------------------------------------------- fail-under


def parse_fail_under(specs: Sequence[str]) -> list[tuple[str, float]]:
    """Parse `METRIC=VALUE` strings; ConfigError names the bad one."""
    parsed = []
    for spec in specs:
        name, sep, raw = spec.partition("=")
        name = name.strip()
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not sep or not name or math.isnan(value):
            raise ConfigError(
                f"--fail-under expects METRIC=VALUE (e.g. flags.f1=0.8), got {spec!r}"
            )
        parsed.append((name, value))
    return parsed


def _value(metrics: Mapping[str, float | None], name: str) -> float | None:
    """A metric's value; an error type that never occurred has rate 0."""
    if name in metrics:
        return metrics[name]
    if name.startswith("error_rate."):
        return 0.0
    raise KeyError(name)


def check_fail_under(metrics: Mapping[str, float | None], specs: Sequence[str]) -> list[GateResult]:
    """Floors for higher-is-better metrics, ceilings for lower-is-better ones."""
    results = []
    for name, limit in parse_fail_under(specs):
        way = direction(name)
        try:
            value = _value(metrics, name)
        except KeyError:
            known = ", ".join(sorted(k for k in metrics if direction(k) is not None)[:12])
            raise ConfigError(
                f"--fail-under: unknown metric {name!r} (known: {known}, ...)"
            ) from None
        gate = f"fail-under {name}={limit:g}"
        if way is None:
            raise ConfigError(f"--fail-under: {name!r} is a count, not a quality metric")
        if value is None:
            results.append(GateResult(gate, False, f"{name} is undefined in this run"))
        elif way == "higher":
            ok = value >= limit
            results.append(GateResult(gate, ok, f"{name} = {value:.3f} (floor {limit:g})"))
        else:
            ok = value <= limit
            results.append(
                GateResult(gate, ok, f"{name} = {value:.3f} (lower is better; ceiling {limit:g})")
            )
    return results


# ------------------------------------------------------------------------------ baseline


class Tolerance(BaseModel):
    """How far a metric may fall behind its baseline value, and why that much."""

    model_config = ConfigDict(extra="forbid")

    tolerance: float
    direction: Direction
    why: str = ""


class BaselineFile(BaseModel):
    """A committed baseline: what was run, on which fixture set, and what it scored."""

    model_config = ConfigDict(extra="forbid")

    format: int = BASELINE_FORMAT
    backend: str
    model: str
    mode: str
    prompt_version: str
    schema_version: str
    fixture_set_hash: str
    n_fixtures: int
    key_fact_method: str
    created_at: str
    renew_with: str
    metrics: dict[str, float | None]
    tolerances: dict[str, Tolerance]


def load_baseline(path: Path) -> BaselineFile:
    """Read and validate a baseline file."""
    try:
        return BaselineFile.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read baseline {path}: {exc.strerror}") from None
    except ValidationError as exc:
        raise ConfigError(f"{path} is not a valid baseline file: {exc}") from None


def make_baseline(
    run: Mapping[str, Any], metrics: Mapping[str, float | None], path: Path
) -> BaselineFile:
    """A baseline from a finished run, with the default tolerances for every gated metric."""
    fp = run["fingerprint"]
    tolerances = {
        name: Tolerance(tolerance=tol, direction=direction(name) or "higher", why=why)
        for name, (tol, why) in DEFAULT_TOLERANCES.items()
        if metrics.get(name) is not None
    }
    return BaselineFile(
        backend=fp["backend"],
        model=fp["model"],
        mode=fp["mode"],
        prompt_version=fp["prompt_version"],
        schema_version=fp["schema_version"],
        fixture_set_hash=run["fixture_set_hash"],
        n_fixtures=int(run["n_fixtures"]),
        key_fact_method=run["key_fact_method"],
        created_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        renew_with=RENEW_COMMAND.format(backend=fp["backend"], path=path),
        # Four decimals: finer than any tolerance, and the committed file diffs readably.
        metrics={k: None if v is None else round(v, 4) for k, v in metrics.items()},
        tolerances=tolerances,
    )


def write_baseline(baseline: BaselineFile, path: Path) -> None:
    """Write a baseline as stable, diff-friendly JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = baseline.model_dump(mode="json")
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def check_baseline(
    run: Mapping[str, Any],
    metrics: Mapping[str, float | None],
    baseline: BaselineFile,
    baseline_path: Path,
) -> list[GateResult]:
    """Compare a run with a baseline; see the module docstring for what fails."""
    fp = run["fingerprint"]
    renew = RENEW_COMMAND.format(backend=fp["backend"], path=baseline_path)
    results: list[GateResult] = []
    if run["fixture_set_hash"] != baseline.fixture_set_hash:
        results.append(
            GateResult(
                "baseline fixture set",
                False,
                f"the fixture set changed (hash {run['fixture_set_hash'][:12]} != baseline "
                f"{baseline.fixture_set_hash[:12]}); renew the baseline in the same change: "
                f"{renew}",
            )
        )
        return results
    for field_name in ("backend", "model"):
        if str(fp[field_name]) != getattr(baseline, field_name):
            results.append(
                GateResult(
                    f"baseline {field_name}",
                    False,
                    f"this run used {field_name} {fp[field_name]!r} but the baseline was "
                    f"recorded with {getattr(baseline, field_name)!r}; pass the baseline for "
                    f"this {field_name} or create one with: {renew}",
                )
            )
    if results:
        return results
    for field_name in ("prompt_version", "schema_version", "mode"):
        if str(fp[field_name]) != getattr(baseline, field_name):
            results.append(
                GateResult(
                    f"note: {field_name}",
                    True,
                    f"{field_name} {fp[field_name]} vs baseline {getattr(baseline, field_name)} "
                    "(compared anyway: judging such changes is what the baseline is for)",
                )
            )
    same_matcher = run["key_fact_method"] == baseline.key_fact_method
    for name, tol in sorted(baseline.tolerances.items()):
        if name == "summary.key_fact_recall" and not same_matcher:
            results.append(
                GateResult(
                    f"baseline {name}",
                    True,
                    f"skipped: key facts matched {run['key_fact_method']} here but "
                    f"{baseline.key_fact_method} in the baseline (the lexical recall is gated)",
                )
            )
            continue
        base = baseline.metrics.get(name)
        value = metrics.get(name)
        if base is None:
            continue
        if value is None:
            message = f"{name} is undefined in this run"
            results.append(GateResult(f"baseline {name}", False, message))
            continue
        # Baselines store four decimals; the slack keeps an unchanged run from failing on that.
        if tol.direction == "higher":
            ok = value >= base - tol.tolerance - _ROUNDING
            bound = f">= {base - tol.tolerance:.3f}"
        else:
            ok = value <= base + tol.tolerance + _ROUNDING
            bound = f"<= {base + tol.tolerance:.3f}"
        results.append(
            GateResult(
                f"baseline {name}",
                ok,
                f"{name} = {value:.3f}, baseline {base:.3f} ± {tol.tolerance:g} (needs {bound})",
            )
        )
    return results
