"""Pure scoring functions: one fixture's labels against one produced record, and aggregates.

Nothing here runs a model or touches the disk. Every function takes the fixture (labels and
article text) and what the pipeline produced, and returns plain numbers and small records
that the report renders. Definitions (see evals/README.md for the prose version):

- flags: a produced flag *hits* an expected flag when its kind is the expected kind (or one
  of its `alt_kinds`), their line spans share at least one line, and it is no more severe than
  the expected `max_severity`. Precision of kind K = produced K-flags that hit any expected
  flag / produced K-flags; recall of K = required expected K-flags hit by some produced flag /
  required expected K-flags. Overlap, not equality, because splitting one list into three
  flags or merging two neighbouring blocks is a presentation choice, not an error.
- must_not_flag: a produced warning or critical flag that overlaps a must-not range and hits
  no expected flag is a false alarm on article prose.
- stances: expected (holder, target) pairs are matched one-to-one to produced stances by
  normalised name (aliases included): exact matches first, then token containment. Accuracy
  and macro-F1 are over matched pairs; coverage is matched / expected.
- key facts: a fact is covered when some summary unit (headline, summary sentence, key point)
  is similar enough (see keyfacts.py). Leakage: a forbidden string occurs (folded) in the
  headline, summary text or key points. Grounding: each cited sentence id exists and its
  sentence occurs at its line of the input; each stance quote occurs verbatim (whitespace and
  typographic quotes aside) in the input, and its sentence id, when given, exists.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..lines import split_lines
from ..schemas import ArticleAnalysis, Flag, FlagKind, Severity, Stance, StanceLabel
from .fixtures import ARTICLE_HOLDER, ExpectedFlag, ExpectedStance, Fixture
from .textnorm import fold, name_tokens, normalize_quote

SEVERITY_RANK = {Severity.info: 0, Severity.warning: 1, Severity.critical: 2}
ALARM_SEVERITIES = frozenset({Severity.warning, Severity.critical})


# --------------------------------------------------------------------------------- ratios


def ratio(num: float, den: float) -> float | None:
    """num/den, or None when there is nothing to divide by (an undefined rate is not 0)."""
    return num / den if den else None


def f1_score(precision: float | None, recall: float | None) -> float | None:
    """Harmonic mean; None when either side is undefined."""
    if precision is None or recall is None:
        return None
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


# ---------------------------------------------------------------------------------- flags


def flag_hits(expected: ExpectedFlag, produced: Flag) -> bool:
    """True when the produced flag counts as finding the expected one."""
    if produced.kind not in expected.kinds:
        return False
    if not expected.overlaps(produced.start_line, produced.end_line):
        return False
    if expected.max_severity is not None:
        return SEVERITY_RANK[produced.severity] <= SEVERITY_RANK[expected.max_severity]
    return True


@dataclass
class FlagMatch:
    """How one fixture's produced flags line up with its expected flags."""

    expected_hit: list[bool]  # parallel to fixture.expected_flags
    produced_hit: list[bool]  # parallel to the produced flags
    violations: list[int]  # indices of produced flags that are false alarms on prose


def match_flags(fixture: Fixture, produced: Sequence[Flag]) -> FlagMatch:
    """Line-overlap matching of produced flags against a fixture's labels."""
    expected = fixture.expected_flags
    expected_hit = [any(flag_hits(e, p) for p in produced) for e in expected]
    produced_hit = [any(flag_hits(e, p) for e in expected) for p in produced]
    violations = [
        i
        for i, p in enumerate(produced)
        if p.severity in ALARM_SEVERITIES
        and not produced_hit[i]
        and any(s.overlaps(p.start_line, p.end_line) for s in fixture.must_not_flag)
    ]
    return FlagMatch(expected_hit, produced_hit, violations)


@dataclass
class KindCounts:
    """Counts behind one kind's precision and recall."""

    produced: int = 0
    produced_hit: int = 0
    expected: int = 0
    expected_hit: int = 0

    @property
    def precision(self) -> float | None:
        """Produced flags of this kind that hit a label, over all produced of this kind."""
        return ratio(self.produced_hit, self.produced)

    @property
    def recall(self) -> float | None:
        """Required labels of this kind that were hit, over all required of this kind."""
        return ratio(self.expected_hit, self.expected)

    @property
    def f1(self) -> float | None:
        """F1 of the two; 0 when one side is 0, None when either is undefined."""
        return f1_score(self.precision, self.recall)

    def add(self, other: KindCounts) -> None:
        """Accumulate another fixture's counts."""
        self.produced += other.produced
        self.produced_hit += other.produced_hit
        self.expected += other.expected
        self.expected_hit += other.expected_hit

    def to_dict(self) -> dict[str, Any]:
        """JSON form with the derived rates."""
        return {
            "produced": self.produced,
            "produced_hit": self.produced_hit,
            "expected": self.expected,
            "expected_hit": self.expected_hit,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def flag_counts(
    fixture: Fixture, produced: Sequence[Flag], match: FlagMatch
) -> dict[FlagKind, KindCounts]:
    """Per-kind counts for one fixture; optional labels never count as misses."""
    counts: dict[FlagKind, KindCounts] = {}
    for flag, hit in zip(produced, match.produced_hit, strict=True):
        c = counts.setdefault(flag.kind, KindCounts())
        c.produced += 1
        c.produced_hit += int(hit)
    for label, hit in zip(fixture.expected_flags, match.expected_hit, strict=True):
        if label.optional:
            continue
        c = counts.setdefault(label.kind, KindCounts())
        c.expected += 1
        c.expected_hit += int(hit)
    return counts


def merge_counts(
    per_fixture: Iterable[Mapping[FlagKind, KindCounts]],
) -> dict[FlagKind, KindCounts]:
    """Sum per-kind counts over fixtures."""
    total: dict[FlagKind, KindCounts] = {}
    for counts in per_fixture:
        for kind, c in counts.items():
            total.setdefault(kind, KindCounts()).add(c)
    return dict(sorted(total.items(), key=lambda kv: kv[0].value))


def micro(total: Mapping[FlagKind, KindCounts]) -> KindCounts:
    """All kinds pooled: micro-averaged precision and recall."""
    pooled = KindCounts()
    for c in total.values():
        pooled.add(c)
    return pooled


def macro_f1(total: Mapping[FlagKind, KindCounts]) -> float | None:
    """Mean F1 over kinds with a defined F1 (kinds both labelled and produced, or missed)."""
    scores = [c.f1 if c.f1 is not None else (0.0 if c.expected else None) for c in total.values()]
    defined = [s for s in scores if s is not None]
    return statistics.fmean(defined) if defined else None


# -------------------------------------------------------------------------------- stances


def _name_match(candidates: Sequence[str], produced: str) -> int:
    """2: exact (normalised) match with a candidate; 1: containment; 0: no match.

    Containment: every token of a candidate occurs in the produced name ("Assad" in "President
    Bashar al-Assad"), or the produced name is the tail of a candidate ("Putin" for "Vladimir
    Putin"). Only the tail, so "South Dakota" does not stand for "South Dakota governor".
    """
    got = name_tokens(produced)
    best = 0
    for name in candidates:
        want = name_tokens(name)
        if want == got:
            return 2
        if want and got and (set(want) <= set(got) or want[-len(got) :] == got):
            best = 1
    return best


def _holder_match(fixture: Fixture, expected: ExpectedStance, produced: Stance) -> int:
    """Holder match strength; the article's own stance matches only holder 'article'."""
    if expected.holder == ARTICLE_HOLDER or produced.holder.strip().casefold() == ARTICLE_HOLDER:
        return 2 if produced.holder.strip().casefold() == expected.holder.casefold() else 0
    return _name_match(fixture.holder_names(expected), produced.holder)


@dataclass
class StancePair:
    """One expected stance and the produced stance matched to it (if any)."""

    expected: ExpectedStance
    produced: Stance | None
    strength: int  # 4 = both names exact ... 2 = both contained; 0 = unmatched

    @property
    def correct(self) -> bool:
        """True when matched and the label agrees."""
        return self.produced is not None and self.produced.label == self.expected.label


def match_stances(
    fixture: Fixture, produced: Sequence[Stance]
) -> tuple[list[StancePair], list[int]]:
    """One-to-one greedy matching, strongest name matches first; also unmatched produced ids."""
    candidates: list[tuple[int, int, int]] = []  # (strength, expected index, produced index)
    for ei, exp in enumerate(fixture.expected_stances):
        for pi, got in enumerate(produced):
            h = _holder_match(fixture, exp, got)
            t = _name_match(fixture.target_names(exp), got.target) if h else 0
            if h and t:
                candidates.append((h + t, ei, pi))
    # Strongest first; ties keep document order, so the first produced stance wins.
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    chosen: dict[int, tuple[int, int]] = {}
    used: set[int] = set()
    for strength, ei, pi in candidates:
        if ei in chosen or pi in used:
            continue
        chosen[ei] = (pi, strength)
        used.add(pi)
    pairs = []
    for ei, exp in enumerate(fixture.expected_stances):
        if ei in chosen:
            pi, strength = chosen[ei]
            pairs.append(StancePair(exp, produced[pi], strength))
        else:
            pairs.append(StancePair(exp, None, 0))
    extra = [pi for pi in range(len(produced)) if pi not in used]
    return pairs, extra


def label_macro_f1(gold: Sequence[StanceLabel], pred: Sequence[StanceLabel]) -> float | None:
    """Macro-F1 over the labels that occur in gold or predictions."""
    if not gold:
        return None
    labels = sorted(set(gold) | set(pred), key=lambda x: x.value)
    scores = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
        n_pred = sum(1 for p in pred if p == label)
        n_gold = sum(1 for g in gold if g == label)
        f1 = f1_score(ratio(tp, n_pred) or 0.0, ratio(tp, n_gold) or 0.0)
        scores.append(f1 or 0.0)
    return statistics.fmean(scores)


@dataclass
class StanceScores:
    """Stance metrics over a set of matched pairs."""

    expected: int
    matched: int
    correct: int
    expected_requested: int
    matched_requested: int
    macro_f1: float | None
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    correct_requested: int = 0
    matched_confident: int = 0  # matched stances produced with confidence >= CONFIDENT
    correct_confident: int = 0

    @property
    def precision(self) -> float | None:
        """Right labels among produced stances that match an expected pair: a stance left
        out costs nothing here (coverage says what was left out), a wrong one does."""
        return ratio(self.correct, self.matched)

    @property
    def precision_actors(self) -> float | None:
        """The same, over the stances of named actors only."""
        return ratio(self.correct - self.correct_requested, self.matched - self.matched_requested)

    @property
    def precision_confident(self) -> float | None:
        """The same, over stances produced with confidence >= CONFIDENT (calibration check)."""
        return ratio(self.correct_confident, self.matched_confident)

    @property
    def accuracy(self) -> float | None:
        """Correct labels over matched pairs."""
        return ratio(self.correct, self.matched)

    @property
    def accuracy_all(self) -> float | None:
        """Correct labels over all expected pairs (an unmatched pair counts as wrong)."""
        return ratio(self.correct, self.expected)

    @property
    def coverage(self) -> float | None:
        """Expected pairs the record has a stance for."""
        return ratio(self.matched, self.expected)

    @property
    def coverage_requested(self) -> float | None:
        """Coverage of the article's own stances on requested targets."""
        return ratio(self.matched_requested, self.expected_requested)

    @property
    def coverage_actors(self) -> float | None:
        """Coverage of stances held by named actors."""
        return ratio(self.matched - self.matched_requested, self.expected - self.expected_requested)


# The confidence level the README promises is right at least 80% of the time.
CONFIDENT = 0.8


def stance_scores(pairs: Sequence[StancePair]) -> StanceScores:
    """Accuracy, macro-F1, coverage and a confusion table from matched pairs."""
    matched = [p for p in pairs if p.produced is not None]
    gold = [p.expected.label for p in matched]
    pred = [p.produced.label for p in matched if p.produced is not None]
    confusion: dict[str, dict[str, int]] = {}
    for g, pr in zip(gold, pred, strict=True):
        row = confusion.setdefault(g.value, {})
        row[pr.value] = row.get(pr.value, 0) + 1
    requested = [p for p in pairs if p.expected.holder == ARTICLE_HOLDER]
    confident = [
        p for p in matched if p.produced is not None and p.produced.confidence >= CONFIDENT
    ]
    return StanceScores(
        expected=len(pairs),
        matched=len(matched),
        correct=sum(1 for p in matched if p.correct),
        expected_requested=len(requested),
        matched_requested=sum(1 for p in requested if p.produced is not None),
        macro_f1=label_macro_f1(gold, pred),
        confusion=confusion,
        correct_requested=sum(1 for p in requested if p.correct),
        matched_confident=len(confident),
        correct_confident=sum(1 for p in confident if p.correct),
    )


# ---------------------------------------------------------------------- summary: leakage


def summary_units(record: ArticleAnalysis) -> list[str]:
    """The texts a reader sees as the summary: headline, summary text, key points."""
    summary = record.summary
    return [summary.headline, summary.text, *(kp.text for kp in summary.key_points)]


def leaked_strings(forbidden: Sequence[str], texts: Sequence[str]) -> list[str]:
    """The forbidden strings that occur in any of the texts (case- and quote-insensitive)."""
    haystack = "\n".join(fold(t) for t in texts)
    return [s for s in forbidden if fold(s) in haystack]


# -------------------------------------------------------------------- summary: grounding


@dataclass
class GroundingCheck:
    """One piece of evidence in a record and whether it verifies against the input."""

    what: str
    ok: bool
    detail: str = ""


def _sentence_at_line(lines: Sequence[str], line: int, text: str) -> bool:
    """True when the sentence starts on its stated line (it may run on to the next two)."""
    if not 1 <= line <= len(lines):
        return False
    own = normalize_quote(lines[line - 1])
    window = normalize_quote(" ".join(lines[line - 1 : line + 2]))
    start = window.find(normalize_quote(text))
    return 0 <= start < max(len(own), 1)


def grounding_checks(record: ArticleAnalysis, text: str) -> list[GroundingCheck]:
    """Re-verify every citation and quote of a record against the input text."""
    lines = split_lines(text)
    by_id = {s.id: s for s in record.sentences}
    sentence_ok = {sid: _sentence_at_line(lines, s.line, s.text) for sid, s in by_id.items()}
    checks: list[GroundingCheck] = []
    for n, point in enumerate(record.summary.key_points):
        for sid in point.evidence:
            what = f"key point {n} cites sentence {sid}"
            if sid not in by_id:
                checks.append(GroundingCheck(what, False, "no such sentence id in the record"))
            elif not sentence_ok[sid]:
                detail = f"sentence {sid} does not occur at line {by_id[sid].line} of the input"
                checks.append(GroundingCheck(what, False, detail))
            else:
                checks.append(GroundingCheck(what, True))
    joined = normalize_quote(text)
    for stance in record.stances:
        if stance.label is StanceLabel.not_mentioned:
            continue  # no evidence to verify: the claim is an absence
        what = f"stance {stance.holder} -> {stance.target}"
        quote = normalize_quote(stance.evidence or "")
        if not quote or quote not in joined:
            checks.append(GroundingCheck(what, False, "quote is not verbatim in the input"))
        elif stance.sentence_id is not None and stance.sentence_id not in by_id:
            checks.append(GroundingCheck(what, False, f"no sentence id {stance.sentence_id}"))
        else:
            checks.append(GroundingCheck(what, True))
    return checks


# ------------------------------------------------------------------------ run statistics


def describe(values: Sequence[float]) -> dict[str, float | None]:
    """Mean, median, 90th percentile (nearest rank), max and total of a sample."""
    if not values:
        return {"n": 0, "mean": None, "median": None, "p90": None, "max": None, "total": None}
    ordered = sorted(values)
    rank = max(1, math.ceil(0.9 * len(ordered)))
    return {
        "n": len(ordered),
        "mean": statistics.fmean(ordered),
        "median": statistics.median(ordered),
        "p90": ordered[rank - 1],
        "max": ordered[-1],
        "total": sum(ordered),
    }


def error_rates(error_types: Sequence[str | None], n_total: int) -> dict[str, float]:
    """Share of all fixtures that ended in each error type (None entries are successes)."""
    counts = Counter(t for t in error_types if t is not None)
    return {t: c / n_total for t, c in sorted(counts.items())} if n_total else {}
