"""Score a whole run: each fixture's outcome against its labels, then the aggregate metrics.

The output is plain JSON-ready data: `FixtureScore.to_dict()` for the per-fixture drill-down
and `aggregate()` for the flat `metrics` mapping that gates and comparisons read. Metrics of
content (flags, stances, key facts, leakage, grounding, article type) are computed over the
fixtures that produced a schema-valid record; the error and schema-valid rates say how many
did not, so a failure is counted once, where it belongs, rather than in every metric.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..schemas import ArticleAnalysis, FlagKind
from .baselines import MajorityBaseline, lead3
from .fixtures import Fixture, LoadedFixture
from .keyfacts import FactMatcher, FactResult, LexicalMatcher, units_of
from .metrics import (
    GroundingCheck,
    KindCounts,
    StancePair,
    describe,
    error_rates,
    flag_counts,
    grounding_checks,
    leaked_strings,
    macro_f1,
    match_flags,
    match_stances,
    merge_counts,
    micro,
    ratio,
    stance_scores,
    summary_units,
)
from .source import FieldScore, SourceReport, score_source


@dataclass(frozen=True)
class Outcome:
    """What the pipeline returned for one fixture (a record, an error, or nothing at all)."""

    id: str
    status: str  # "ok", "error" or "missing"
    record: ArticleAnalysis | None = None
    error: dict[str, Any] | None = None

    @property
    def schema_valid(self) -> bool:
        """True when the record survives a JSON round trip through the public schema."""
        if self.record is None:
            return False
        try:
            ArticleAnalysis.model_validate_json(self.record.model_dump_json())
        except ValidationError:
            return False
        return True

    @property
    def error_type(self) -> str | None:
        """The error type of a failed fixture ("missing" when no row came back)."""
        if self.status == "ok":
            return None if self.schema_valid else "schema_invalid"
        if self.status == "missing":
            return "missing"
        return str((self.error or {}).get("type", "unknown_error"))


# Name-match strength of a stance pair: 2 per name for an exact (normalised or alias) match,
# 1 per name for token containment.
_MATCH_NAMES = {4: "exact", 3: "partly contained", 2: "contained"}


def _facts(matcher: FactMatcher, facts: Sequence[str], units: Sequence[str]) -> list[FactResult]:
    """Match facts against units (no units: nothing covered)."""
    return matcher.match(list(facts), list(units))


def _fact_dicts(results: Sequence[FactResult]) -> list[dict[str, Any]]:
    """JSON form of fact results."""
    return [
        {
            "fact": r.fact,
            "covered": r.covered,
            "lexical": round(r.lexical, 3),
            "cosine": None if r.cosine is None else round(r.cosine, 3),
            "unit": r.best_unit,
        }
        for r in results
    ]


@dataclass
class FixtureScore:
    """Everything scored for one fixture."""

    fixture: LoadedFixture
    outcome: Outcome
    lead3_units: list[str]
    lead3_facts: list[FactResult]
    lead3_facts_lexical: list[FactResult]
    flag_kinds: dict[FlagKind, KindCounts] = field(default_factory=dict)
    flag_detail: dict[str, Any] = field(default_factory=dict)
    violations: int = 0
    stance_pairs: list[StancePair] = field(default_factory=list)
    extra_stances: list[dict[str, Any]] = field(default_factory=list)
    facts: list[FactResult] = field(default_factory=list)
    # Always scored lexically too, so runs with and without the MiniLM model stay comparable.
    facts_lexical: list[FactResult] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)
    lead3_leaked: list[str] = field(default_factory=list)
    grounding: list[GroundingCheck] = field(default_factory=list)
    article_type_ok: bool | None = None
    source: dict[str, FieldScore] = field(default_factory=dict)

    @property
    def scored(self) -> bool:
        """True when there is a schema-valid record to score."""
        return self.outcome.schema_valid

    def to_dict(self) -> dict[str, Any]:
        """The per-fixture drill-down, JSON-ready."""
        fx = self.fixture.fixture
        record = self.outcome.record
        prov = record.provenance if record is not None else None
        covered = sum(r.covered for r in self.facts)
        lead_covered = sum(r.covered for r in self.lead3_facts)
        return {
            "id": fx.id,
            "tags": list(fx.tags),
            "source": fx.source,
            "language": fx.language,
            "status": self.outcome.status,
            "error_type": self.outcome.error_type,
            "error": self.outcome.error,
            "schema_valid": self.outcome.schema_valid,
            "article_type": {
                "expected": fx.article_type.value,
                "accepted": sorted(t.value for t in fx.article_types),
                "produced": record.article_type.value if record is not None else None,
                "correct": self.article_type_ok,
            },
            "summary": None
            if record is None
            else {
                "headline": record.summary.headline,
                "text": record.summary.text,
                "key_points": [
                    {"text": kp.text, "evidence": kp.evidence} for kp in record.summary.key_points
                ],
            },
            "flags": {**self.flag_detail, "violations": self.violations},
            "stances": {
                "pairs": [
                    {
                        "holder": p.expected.holder,
                        "target": p.expected.target,
                        "expected": p.expected.label.value,
                        "produced": None if p.produced is None else p.produced.label.value,
                        "produced_holder": None if p.produced is None else p.produced.holder,
                        "produced_target": None if p.produced is None else p.produced.target,
                        "match": _MATCH_NAMES.get(p.strength, "none"),
                        "correct": p.correct,
                        "note": p.expected.note,
                    }
                    for p in self.stance_pairs
                ],
                "extra": self.extra_stances,
            },
            "key_facts": {
                "facts": _fact_dicts(self.facts),
                "covered": covered,
                "total": len(fx.key_facts),
                "recall": ratio(covered, len(fx.key_facts)) if self.scored else None,
            },
            "lead3": {
                "sentences": self.lead3_units,
                "facts": _fact_dicts(self.lead3_facts),
                "covered": lead_covered,
                "recall": ratio(lead_covered, len(fx.key_facts)),
                "leaked": self.lead3_leaked,
            },
            "leakage": {"forbidden": list(fx.forbidden_strings), "leaked": self.leaked},
            "source_metadata": {
                name: {"correct": f.correct, "expected": f.expected, "produced": f.produced}
                for name, f in self.source.items()
            },
            "grounding": {
                "verified": sum(c.ok for c in self.grounding),
                "total": len(self.grounding),
                "failures": [
                    {"what": c.what, "detail": c.detail} for c in self.grounding if not c.ok
                ],
            },
            "provenance": None
            if prov is None
            else {
                "backend": prov.backend,
                "model": prov.model,
                "attempts": prov.attempts,
                "prompt_tokens": prov.prompt_tokens,
                "completion_tokens": prov.completion_tokens,
                "latency_ms": prov.latency_ms,
                "cached": prov.cached,
            },
        }


def _expected_flags(fx: Fixture, hits: Sequence[bool]) -> list[dict[str, Any]]:
    """The expected flags of a fixture with whether each was hit, for the drill-down."""
    return [
        {
            "kind": e.kind.value,
            "alt_kinds": [k.value for k in e.alt_kinds],
            "start_line": e.start_line,
            "end_line": e.end_line,
            "optional": e.optional,
            "hit": hit,
            "note": e.note,
        }
        for e, hit in zip(fx.expected_flags, hits, strict=True)
    ]


def score_fixture(item: LoadedFixture, outcome: Outcome, matcher: FactMatcher) -> FixtureScore:
    """Score one fixture; the Lead-3 baseline is scored whatever the outcome."""
    fx = item.fixture
    units, _source = lead3(item.text)
    lexical = LexicalMatcher()
    score = FixtureScore(
        fixture=item,
        outcome=outcome,
        lead3_units=units,
        lead3_facts=_facts(matcher, fx.key_facts, units),
        lead3_facts_lexical=_facts(lexical, fx.key_facts, units),
        lead3_leaked=leaked_strings(fx.forbidden_strings, units),
    )
    record = outcome.record
    if record is None or not outcome.schema_valid:
        # Nothing to score, but the drill-down still shows what was expected.
        score.flag_detail = {"expected": _expected_flags(fx, [False] * len(fx.expected_flags))}
        score.flag_detail["produced"] = []
        score.stance_pairs = [StancePair(e, None, 0) for e in fx.expected_stances]
        return score
    produced = record.quality.flags
    match = match_flags(fx, produced)
    score.flag_kinds = flag_counts(fx, produced, match)
    score.violations = len(match.violations)
    score.flag_detail = {
        "expected": _expected_flags(fx, match.expected_hit),
        "produced": [
            {
                "kind": p.kind.value,
                "severity": p.severity.value,
                "source": p.source.value,
                "start_line": p.start_line,
                "end_line": p.end_line,
                "hit": hit,
                "violation": i in match.violations,
                "explanation": p.explanation,
            }
            for i, (p, hit) in enumerate(zip(produced, match.produced_hit, strict=True))
        ],
    }
    pairs, extra = match_stances(fx, record.stances)
    score.stance_pairs = pairs
    score.extra_stances = [
        {
            "holder": record.stances[i].holder,
            "target": record.stances[i].target,
            "label": record.stances[i].label.value,
        }
        for i in extra
    ]
    summary_sentences = units_of(summary_units(record))
    score.facts = _facts(matcher, fx.key_facts, summary_sentences)
    score.facts_lexical = _facts(lexical, fx.key_facts, summary_sentences)
    score.leaked = leaked_strings(fx.forbidden_strings, summary_units(record))
    score.grounding = grounding_checks(record, item.text)
    score.article_type_ok = record.article_type in fx.article_types
    if fx.expected_source is not None:
        score.source = score_source(fx.expected_source, record.source)
    return score


def fact_recall(results: Sequence[FactResult]) -> float | None:
    """Share of key facts covered; None when there are none to cover."""
    return ratio(sum(r.covered for r in results), len(results))


def _mean_of(values: Sequence[float | None]) -> float | None:
    """Mean of the defined values."""
    defined = [v for v in values if v is not None]
    return statistics.fmean(defined) if defined else None


def aggregate(
    scores: Sequence[FixtureScore], majority: MajorityBaseline
) -> tuple[dict[str, float | None], dict[str, Any]]:
    """The flat metrics mapping, and the structured tables the report shows beside it."""
    n = len(scores)
    scored = [s for s in scores if s.scored]
    metrics: dict[str, float | None] = {}

    # Validity and errors.
    error_types = [s.outcome.error_type for s in scores]
    metrics["n_fixtures"] = float(n)
    metrics["n_scored"] = float(len(scored))
    metrics["schema_valid_rate"] = ratio(len(scored), n)
    metrics["error_rate"] = ratio(sum(t is not None for t in error_types), n)
    rates = error_rates(error_types, n)
    for kind, rate in rates.items():
        metrics[f"error_rate.{kind}"] = rate

    # Article type.
    typed = [s.article_type_ok for s in scored if s.article_type_ok is not None]
    metrics["article_type_accuracy"] = ratio(sum(typed), len(typed))

    # Flags.
    kinds = merge_counts(s.flag_kinds for s in scored)
    pooled = micro(kinds)
    metrics["flags.precision"] = pooled.precision
    metrics["flags.recall"] = pooled.recall
    metrics["flags.f1"] = pooled.f1
    metrics["flags.macro_f1"] = macro_f1(kinds)
    for kind, c in kinds.items():
        metrics[f"flags.{kind.value}.precision"] = c.precision
        metrics[f"flags.{kind.value}.recall"] = c.recall
        metrics[f"flags.{kind.value}.f1"] = c.f1
    with_ranges = [s for s in scored if s.fixture.fixture.must_not_flag]
    metrics["flags.clean_body_rate"] = ratio(
        sum(s.violations == 0 for s in with_ranges), len(with_ranges)
    )
    metrics["flags.body_false_alarms"] = float(sum(s.violations for s in scored))

    # Stances.
    pairs = [p for s in scored for p in s.stance_pairs]
    st = stance_scores(pairs)
    metrics["stances.accuracy"] = st.accuracy
    metrics["stances.precision"] = st.precision
    metrics["stances.precision_actors"] = st.precision_actors
    metrics["stances.precision_confident"] = st.precision_confident
    metrics["stances.confident"] = float(st.matched_confident)
    metrics["stances.macro_f1"] = st.macro_f1
    metrics["stances.accuracy_all"] = st.accuracy_all
    metrics["stances.coverage"] = st.coverage
    metrics["stances.coverage_requested"] = st.coverage_requested
    metrics["stances.coverage_actors"] = st.coverage_actors
    metrics["stances.extra"] = float(sum(len(s.extra_stances) for s in scored))

    # Source metadata: per-field accuracy over the fixtures that label the field.
    sources = SourceReport()
    for s in scored:
        sources.add(s.fixture.id, s.source)
    for name in sorted(sources.scored):
        metrics[f"source.{name}"] = sources.accuracy(name)
    metrics["source.all_fields"] = sources.overall()
    metrics["source.line_accuracy"] = sources.line_accuracy()

    # Summary: key facts (micro over facts), leakage, grounding.
    metrics["summary.key_fact_recall"] = fact_recall([r for s in scored for r in s.facts])
    metrics["summary.key_fact_recall_lexical"] = fact_recall(
        [r for s in scored for r in s.facts_lexical]
    )
    metrics["summary.key_fact_recall_macro"] = _mean_of([fact_recall(s.facts) for s in scored])
    leak_scope = [s for s in scored if s.fixture.fixture.forbidden_strings]
    leaking = sum(bool(s.leaked) for s in leak_scope)
    metrics["summary.leakage_rate"] = ratio(leaking, len(leak_scope))
    metrics["summary.leaked_strings"] = float(sum(len(s.leaked) for s in scored))
    checks = [c for s in scored for c in s.grounding]
    metrics["summary.grounding_rate"] = ratio(sum(c.ok for c in checks), len(checks))

    # Baselines, on the same fixtures the model was scored on, and on all of them.
    metrics["baseline.lead3.key_fact_recall"] = fact_recall(
        [r for s in scored for r in s.lead3_facts]
    )
    metrics["baseline.lead3.key_fact_recall_lexical"] = fact_recall(
        [r for s in scored for r in s.lead3_facts_lexical]
    )
    metrics["baseline.lead3.key_fact_recall_all"] = fact_recall(
        [r for s in scores for r in s.lead3_facts]
    )
    lead_scope = [s for s in scores if s.fixture.fixture.forbidden_strings]
    metrics["baseline.lead3.leakage_rate"] = ratio(
        sum(bool(s.lead3_leaked) for s in lead_scope), len(lead_scope)
    )
    metrics["baseline.majority.stance_accuracy"] = majority.accuracy
    metrics["baseline.majority.stance_macro_f1"] = majority.macro_f1

    # Cost: attempts, tokens, latency per article (cached rows report the original latency).
    provs = [s.outcome.record.provenance for s in scored if s.outcome.record is not None]
    attempts = [float(p.attempts) for p in provs]
    tokens = [float(p.prompt_tokens + p.completion_tokens) for p in provs]
    latency = [float(p.latency_ms) for p in provs]
    run_stats: dict[str, Any] = {
        "attempts": describe(attempts),
        "prompt_tokens": describe([float(p.prompt_tokens) for p in provs]),
        "completion_tokens": describe([float(p.completion_tokens) for p in provs]),
        "tokens": describe(tokens),
        "latency_ms": describe(latency),
        "cached": sum(p.cached for p in provs),
    }
    metrics["run.attempts_mean"] = run_stats["attempts"]["mean"]
    metrics["run.tokens_mean"] = run_stats["tokens"]["mean"]
    metrics["run.latency_ms_mean"] = run_stats["latency_ms"]["mean"]
    metrics["run.latency_ms_p90"] = run_stats["latency_ms"]["p90"]

    tables = {
        "flags_by_kind": {k.value: c.to_dict() for k, c in kinds.items()},
        "flags_micro": pooled.to_dict(),
        "stances": {
            "expected": st.expected,
            "matched": st.matched,
            "correct": st.correct,
            "confusion": st.confusion,
            "majority_label": None if majority.label is None else majority.label.value,
        },
        "errors": {t: sum(1 for e in error_types if e == t) for t in rates},
        "run_stats": run_stats,
    }
    return metrics, tables
